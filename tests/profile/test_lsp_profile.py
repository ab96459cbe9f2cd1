"""`pie.profile` in a real `pie-lsp serve` driven by pytest-lsp with VS Code's and Neovim's
capabilities: the command's answer, and the inlay hints, lenses and hovers of its result."""

from __future__ import annotations

import re
from pathlib import Path

from lsprotocol import types

from ..lsp.conftest import StartSession, copy_example, options, start_session

__all__ = ["start_session"]  # the fixture, used by name

HINT = re.compile(r"^\d+% · \d+\.\d\d M cycles$")


def titled(lenses: list[types.CodeLens], word: str) -> list[tuple[int, types.Command]]:
    """(line, command) of the lenses whose title has `word`."""
    return [
        (lens.range.start.line, lens.command)
        for lens in lenses
        if lens.command is not None and word in lens.command.title
    ]


async def hints(session: object, uri: str) -> list[types.InlayHint]:
    client = session.client  # type: ignore[attr-defined]
    found = await client.text_document_inlay_hint_async(
        types.InlayHintParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=types.Range(types.Position(0, 0), types.Position(40, 0)),
        )
    )
    return list(found or [])


async def test_profile_shows_hot_lines_functions_and_breakdowns(
    start_session: StartSession, tmp_path: Path
) -> None:
    path = copy_example("pass_by_value", tmp_path)
    text = path.read_text()
    session = await start_session(
        tmp_path, init_options=options(tmp_path / "cache", profile={"inline": True})
    )
    uri = session.open(path)
    # nothing is profiled until asked: not by lenses, code actions, hovers or hints
    await session.code_actions(uri)
    assert await hints(session, uri) == []
    assert not titled(await session.lenses(uri), "profile")
    assert await session.hover(uri, 20) is None

    answer = await session.execute("pie.profile", uri)
    assert answer["status"] == "profiled", answer
    assert answer["lines"][0]["line"] == 20  # total += count_at_most(values, x);
    assert abs(answer["totalCycles"] / answer["estimateCycles"] - 1) < 0.01
    assert answer["hints"] and all(HINT.match(h["text"]) for h in answer["hints"])
    assert any("line 21 takes" in m for m in session.message_texts(types.MessageType.Info))

    shown = await hints(session, uri)
    assert [h.position.line for h in shown] == [h["line"] for h in answer["hints"]]
    first = shown[0]
    assert first.label == answer["hints"][0]["text"]
    assert first.position.character == len(text.splitlines()[20])  # at the end of the line
    lenses = titled(await session.lenses(uri), "PIE profile")
    where = {line: command.title for line, command in lenses}
    assert 10 in where and "of the cycles" in where[10]  # int main() {
    assert 6 in where  # int count_at_most(std::vector<int> values, int x) {
    assert all(command.command == "pie.profile" for _, command in lenses)
    hover = await session.hover(uri, 20)
    assert hover is not None and "line 21" in hover and "instructions" in hover
    assert "L1 misses" in hover and "mispredicted branches" in hover and "string" in hover

    # an edit makes the profile stale: it is no longer shown
    session.change(uri, text.replace("long long total", "long long  total"))
    assert await hints(session, uri) == []
    assert await session.hover(uri, 20) is None


async def test_inline_display_is_off_by_default(
    start_session: StartSession, tmp_path: Path
) -> None:
    path = copy_example("word_count", tmp_path)
    session = await start_session(tmp_path, init_options=options(tmp_path / "cache"))
    uri = session.open(path)
    answer = await session.execute("pie.profile", uri)
    assert answer["status"] == "profiled" and answer["lines"][0]["line"] == 12
    assert answer["hints"] == []
    assert await hints(session, uri) == []
    assert await session.hover(uri, 12) is None


async def test_check_speedup_names_the_lines_that_got_cheaper(
    start_session: StartSession, tmp_path: Path
) -> None:
    path = copy_example("prefix_sums", tmp_path)
    slow = path.read_text()
    session = await start_session(
        tmp_path, init_options=options(tmp_path / "cache", profile={"inline": True})
    )
    uri = session.open(path)
    assert (await session.execute("pie.saveBaseline", uri))["status"] == "saved"
    session.change(uri, slow.replace("cout << sum << endl;", "cout << sum << '\\n';"))
    answer = await session.execute("pie.checkSpeedup", uri)
    assert answer["status"] == "measured", answer
    by_line = {row["line"]: row for row in answer["lines"]}
    assert by_line[15]["change"] == "cheaper" and by_line[15]["baseline_line"] == 15
    assert by_line[15]["after_cycles"] < by_line[15]["before_cycles"]
    said = [m for m in session.message_texts(types.MessageType.Info) if "faster than" in m]
    assert said and "line 15 −" in said[-1]
