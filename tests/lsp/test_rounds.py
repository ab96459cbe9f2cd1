"""Results that stream to the editor while rounds with execution feedback run: the code
lens and code action show the best found so far ("… so far, still searching…") before the
optimization ends; the final result replaces it; cancelling keeps it and says so.

`pie-lsp serve` runs as a subprocess driven by pytest-lsp's client; its model is
`FakeOpenAIServer`, a TEST DOUBLE (no LLM runs here) on loopback, over real HTTP, whose
third request is held at a gate until the test has seen the streamed result."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from lsprotocol import types

from ..models.fake_openai_server import FakeOpenAIServer, by_content, serving
from ..models.test_openai import FAST, SLOW, WRONG, range_sum_tests
from ..models.test_rounds import LEARNER
from .conftest import StartSession, apply_edits, edits_of, options, position_encoding


class Gate:
    """Holds the model's third request (round 3) until released."""

    def __init__(self) -> None:
        self.holding = threading.Event()
        self.release = threading.Event()

    def __call__(self, seen: int, body: dict[str, Any]) -> None:
        if seen >= 2:
            self.holding.set()
            self.release.wait(300)


@contextmanager
def gated_model() -> Iterator[tuple[FakeOpenAIServer, Gate]]:
    gate = Gate()
    with serving({"learner": by_content(LEARNER, WRONG, gate=gate)}) as server:
        try:
            yield server, gate
        finally:
            gate.release.set()  # never leave a server thread waiting


def model_options(server: FakeOpenAIServer, cache: Path) -> dict[str, Any]:
    return options(
        cache,
        tests={"derived": 0},
        model={
            "backend": "openai",
            "samples": 1,
            "rounds": 4,
            "openai": {"url": server.url, "model": "learner"},
        },
    )


async def streamed_lens(session: Any, uri: str, gate: Gate) -> str:
    """The code lens's title once round 3's request is held (round 2 found MEDIUM)."""
    held = await asyncio.to_thread(gate.holding.wait, 300)
    assert held, "the model's round 3 request never came"
    (lens,) = await session.lenses(uri)
    assert lens.command is not None
    return str(lens.command.title)


async def test_a_better_result_so_far_reaches_the_editor_before_the_end(
    start_session: StartSession, tmp_path: Path
) -> None:
    path = range_sum_tests(tmp_path / "ranges")
    with gated_model() as (server, gate):
        session = await start_session(tmp_path, model_options(server, tmp_path / "cache"))
        uri = session.open(path)
        running = session.execute("pie.optimize", uri)
        title = await streamed_lens(session, uri, gate)
        assert "so far on Skylake (estimate), still searching…" in title, title
        assert not running.done()  # streamed before the end
        (ready, *_) = await session.code_actions(uri)
        assert "found so far" in ready.title and "(still searching…)" in ready.title
        gate.release.set()
        answer = await running
    assert answer["status"] == "optimized", answer
    assert "so far" not in answer["label"]
    (lens,) = await session.lenses(uri)
    assert lens.command is not None and lens.command.title.startswith("PIE: ")
    assert answer["label"] in lens.command.title and "so far" not in lens.command.title
    (sent,) = session.edits  # only the final result is applied: FAST, from round 3
    encoding = position_encoding(session.preset)
    assert apply_edits(SLOW, edits_of(sent.edit, uri), encoding) == FAST


async def test_cancel_keeps_the_best_found_so_far_and_says_so(
    start_session: StartSession, tmp_path: Path
) -> None:
    path = range_sum_tests(tmp_path / "ranges")
    with gated_model() as (server, gate):
        session = await start_session(tmp_path, model_options(server, tmp_path / "cache"))
        uri = session.open(path)
        token = "rounds-token"
        running = session.execute("pie.optimize", uri, token=token)
        assert "still searching" in await streamed_lens(session, uri, gate)
        session.client.window_work_done_progress_cancel(
            types.WorkDoneProgressCancelParams(token=token)
        )
        answer = await running
    assert answer == {"status": "cancelled", "kept": True}
    (end,) = session.progress_for(types.WorkDoneProgressEnd)
    assert end.message.startswith("Cancelled; the best found so far (")
    assert end.message.endswith("× faster) is kept")
    assert any("the best found so far" in m for m in session.message_texts())
    (lens,) = await session.lenses(uri)
    assert lens.command is not None and "so far" not in lens.command.title
    assert lens.command.command == "pie.applyResult"
    (ready, *_) = await session.code_actions(uri)
    assert ready.title.startswith("Apply ") and "so far" not in ready.title
    applied = await session.execute("pie.applyResult", *(lens.command.arguments or []))
    assert applied == {"applied": True}
