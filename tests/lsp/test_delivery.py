"""Delivering a job's outcome: the command's answer and the one message the user sees,
for every way a job ends, and a rewrite applied only to the text it was made for. The
server is initialized without a loop; what it sends is read from its real protocol,
written into a list instead of a pipe."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types

from pie_lsp.errors import PieError
from pie_lsp.lsp import delivery
from pie_lsp.lsp.jobs import Jobs
from pie_lsp.lsp.progress import Progress
from pie_lsp.lsp.results import text_hash
from pie_lsp.lsp.server import PieServer
from pie_lsp.lsp.snapshots import Snapshot

from .test_answers import TEXT, started
from .test_presentation import optimized

URI = "file:///w/a.cpp"


class Sent:
    """A writer for the server's protocol that keeps each message it sends."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    def write(self, data: bytes) -> None:
        self.messages.append(json.loads(data.split(b"\r\n\r\n", 1)[1]))

    def close(self) -> None:
        pass

    def shown(self) -> list[tuple[int, str]]:
        return [
            (m["params"]["type"], m["params"]["message"])
            for m in self.messages
            if m.get("method") == "window/showMessage"
        ]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[PieServer, Sent]]:
    # no workspace/applyEdit: the rewrite is offered as a code action instead
    made = started(types.ClientCapabilities(), tmp_path)
    sent = Sent()
    made.protocol.set_writer(sent)
    yield made, sent
    made.logs.close()


async def ended(work: Any, reason: str | None = None) -> Any:
    jobs = Jobs(1)
    job = jobs.submit("k", work)
    if reason == "superseded":
        newer = jobs.submit("k", asyncio.Event().wait)
        await job.wait()
        newer.cancel("cancelled")
        await newer.wait()
    elif reason is not None:
        await asyncio.sleep(0)
        job.cancel("cancelled")
    await job.wait()
    return job


async def test_every_way_a_job_ends(server: tuple[PieServer, Sent]) -> None:
    ls, sent = server
    progress = Progress(ls, None)

    async def forever() -> None:
        await asyncio.Event().wait()

    async def fails() -> None:
        raise PieError("no tests found", hint="add input.1.txt and output.1.txt")

    async def breaks() -> None:
        raise RuntimeError("bad \x1b]0;title\x07 state")

    async def works() -> int:
        return 1

    what = "optimizing a.cpp"
    answer = delivery.failure(ls, await ended(forever, "cancelled"), progress, what)
    assert answer == {"status": "cancelled"}
    answer = delivery.failure(ls, await ended(forever, "superseded"), progress, what)
    assert answer == {"status": "superseded"}
    assert sent.shown() == []  # the user stopped it: nothing to say

    answer = delivery.failure(ls, await ended(fails), progress, what)
    assert answer == {
        "status": "error",
        "error": "no tests found",
        "hint": "add input.1.txt and output.1.txt",
    }
    assert sent.shown()[-1] == (
        types.MessageType.Error.value,
        "PIE: optimizing a.cpp: no tests found — add input.1.txt and output.1.txt",
    )

    answer = delivery.failure(ls, await ended(breaks), progress, what)
    assert answer is not None and answer["status"] == "error"
    message = sent.shown()[-1][1]
    assert "internal error (RuntimeError" in message and "the details are in the log" in message
    assert "\x1b" not in message and "\\x1b]0;title\\x07" in message  # shown, not obeyed
    assert "\x1b" not in answer["error"] and "\\x1b]0;title\\x07" in answer["error"]

    # a progress bar quotes steps and failures: the editor gets them visible, too
    token_progress = Progress(ls, "t")
    token_progress.message("compiling \x1b[8mhidden")
    token_progress.end("Failed: \x1b[2J")
    texts = [
        m["params"]["value"].get("message")
        for m in sent.messages
        if m.get("method") == "$/progress"
    ]
    assert texts == ["compiling \\x1b[8mhidden", "Failed: \\x1b[2J"]

    assert delivery.failure(ls, await ended(works), progress, what) is None


async def test_a_rewrite_reaches_only_the_text_it_was_made_for(
    server: tuple[PieServer, Sent], tmp_path: Path
) -> None:
    ls, sent = server
    ls.workspace.put_text_document(types.TextDocumentItem(URI, "cpp", 1, TEXT))
    result = optimized()
    result.optimized_source = TEXT.replace("return 0;", "return 0; // fast")

    stale = Snapshot(URI, Path("/w/a.cpp"), TEXT + "//\n", 1, text_hash(TEXT + "//\n"))
    answer = await delivery.deliver(ls, stale, result)
    assert answer["stale"] is True and answer["applied"] is False
    assert "changed while it was being optimized" in sent.shown()[-1][1]

    current = Snapshot(URI, Path("/w/a.cpp"), TEXT, 1, text_hash(TEXT))
    answer = await delivery.deliver(ls, current, result)
    # this client cannot take workspace/applyEdit: the code action is named instead
    assert answer["applied"] is False and "stale" not in answer
    assert "choose the code action “Apply 3.42× faster rewrite" in sent.shown()[-1][1]
    stored = ls.results.get(answer["resultId"])
    assert stored is not None and stored.text_sha == text_hash(TEXT)

    broken = optimized()
    broken.status, broken.error, broken.hint = "error", "does not compile", "fix it"
    answer = await delivery.deliver(ls, current, broken)
    assert answer["status"] == "error" and "resultId" not in answer
    assert sent.shown()[-1][1] == "PIE: optimizing a.cpp: does not compile — fix it"
