"""codeAction, codeLens and hover answered from the results in memory, by calling the
feature handlers on a server that was initialized but never runs a loop or a client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import client_capabilities

from pie_lsp.lsp import delivery
from pie_lsp.lsp.features import answers
from pie_lsp.lsp.server import PieServer
from pie_lsp.server import create_server

from .test_presentation import optimized

TEXT = "int main() {\n    return 0;\n}\n"


def started(caps: types.ClientCapabilities, folder: Path) -> PieServer:
    """A server after `initialize`, run the way pygls runs it (the generator protocol)."""
    server = create_server()
    steps = server.protocol.lsp_initialize(
        types.InitializeParams(
            capabilities=caps,
            root_uri=folder.as_uri(),
            initialization_options={"cache": {"dir": str(folder / "cache")}},
        )
    )
    handler, args, _ = next(steps)
    handler(*args)
    with pytest.raises(StopIteration):
        steps.send(None)
    return server


@pytest.fixture(params=["visual-studio-code", "neovim"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[PieServer]:
    caps = client_capabilities(request.param)
    if request.param == "neovim":  # as the Neovim plugin asks
        caps.experimental = {"pieApplyByCommand": True}
    made = started(caps, tmp_path)
    yield made
    made.logs.close()


def open_document(server: PieServer, uri: str, text: str, version: int = 1) -> None:
    server.workspace.put_text_document(
        types.TextDocumentItem(uri=uri, language_id="cpp", version=version, text=text)
    )


def actions(server: PieServer, uri: str) -> list[types.CodeAction] | None:
    return answers.code_action(
        server,
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=types.Range(types.Position(0, 0), types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=[]),
        ),
    )


def hover(server: PieServer, uri: str, line: int) -> str | None:
    found = answers.hover(
        server, types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(line, 0))
    )
    if found is None:
        return None
    assert isinstance(found.contents, types.MarkupContent)
    return found.contents.value


def lenses(server: PieServer, uri: str) -> list[str]:
    found = answers.code_lens(server, types.CodeLensParams(types.TextDocumentIdentifier(uri)))
    return [lens.command.title for lens in found or [] if lens.command is not None]


def test_without_a_result_only_the_commands_are_offered(server: PieServer) -> None:
    uri = "file:///w/a.cpp"
    assert actions(server, uri) is None  # not open
    open_document(server, uri, TEXT)
    found = actions(server, uri) or []
    assert [a.title for a in found] == [
        "Optimize program (PIE)",
        "Check speedup vs HEAD (PIE)",
        "Save speedup baseline (PIE)",
    ]
    assert hover(server, uri, 0) is None and lenses(server, uri) == []
    server.workspace.put_text_document(
        types.TextDocumentItem("file:///w/notes.txt", "plaintext", 1, TEXT)
    )
    assert actions(server, "file:///w/notes.txt") is None


def test_a_stored_result_is_offered_for_its_exact_text_only(server: PieServer) -> None:
    uri = "file:///w/a.cpp"
    open_document(server, uri, TEXT)
    document = server.document(uri)
    assert document is not None
    result = optimized()
    result.optimized_source = TEXT.replace("return 0;", "return 0; // fast")
    stored = delivery.store(server, uri, server.hash_of(document), TEXT, result)
    assert stored.edits

    first = (actions(server, uri) or [])[0]
    assert first.title == "Apply 3.42× faster rewrite on Skylake (gem5) — 12/12 tests"
    by_command = server.client_capabilities.experimental is not None
    if by_command:  # Neovim previews and confirms the command's workspace/applyEdit
        assert first.edit is None and first.command is not None
        assert first.command.arguments == [stored.id]
    else:
        assert first.command is None and first.edit is not None
    assert lenses(server, uri) == [f"PIE: {result.label()} — apply"]
    shown = hover(server, uri, 0)
    assert shown is not None and "3.42× faster" in shown
    assert hover(server, uri, 1) is None  # the hover belongs to the first line

    # another text: nothing from the old result; the old text again: offered again
    open_document(server, uri, TEXT + "\n", version=2)
    assert len(actions(server, uri) or []) == 3 and lenses(server, uri) == []
    open_document(server, uri, TEXT, version=3)
    assert (actions(server, uri) or [])[0].title.startswith("Apply 3.42×")


def asked(
    server: PieServer, uri: str, line: int, trigger: types.CodeActionTriggerKind | None
) -> list[str]:
    found = answers.code_action(
        server,
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=types.Range(types.Position(line, 0), types.Position(line, 0)),
            context=types.CodeActionContext(diagnostics=[], trigger_kind=trigger),
        ),
    )
    return [a.title for a in found or []]


def test_the_lightbulb_offers_pie_on_the_first_line_and_mains_only(server: PieServer) -> None:
    uri = "file:///w/a.cpp"
    text = "#include <cstdio>\n// int main() is below\nstatic int f() { return 1; }\n\nint main () {\n    return f();\n}\n"
    open_document(server, uri, text)
    automatic = types.CodeActionTriggerKind.Automatic
    # VS Code asks at every cursor move to fill the lightbulb: not on every line
    assert asked(server, uri, 2, automatic) == []
    assert asked(server, uri, 1, automatic) == []  # a comment naming main is not main
    assert "Optimize program (PIE)" in asked(server, uri, 4, automatic)
    assert "Optimize program (PIE)" in asked(server, uri, 0, automatic)
    # asked for (Ctrl+., the Refactor menu, Neovim): anywhere
    assert "Optimize program (PIE)" in asked(server, uri, 2, types.CodeActionTriggerKind.Invoked)
    assert "Optimize program (PIE)" in asked(server, uri, 2, None)
    assert answers.main_line("int x;\nint main(int argc, char** argv) {}\n") == 1
    assert answers.main_line("int x;\n") is None


def test_a_file_not_saved_yet_is_told_to_be_saved(server: PieServer, tmp_path: Path) -> None:
    from pygls.exceptions import JsonRpcInvalidParams

    from pie_lsp.lsp.snapshots import take

    uri = (tmp_path / "new.cpp").as_uri()  # open in the editor, never written
    open_document(server, uri, "int main() { return 0; }\n")
    with pytest.raises(JsonRpcInvalidParams, match=r"new\.cpp is not saved yet; save it first"):
        take(server, uri, "pie.optimize")
    (tmp_path / "new.cpp").write_text("int main() { return 0; }\n")
    assert take(server, uri, "pie.optimize").path == tmp_path / "new.cpp"
