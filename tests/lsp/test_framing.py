"""The LSP byte stream: damaged framing must neither kill the server nor leave it deaf.

First `Deframer` alone (bytes in, messages and problems out), then the real
`pie-lsp serve` process driven over stdio pipes with raw bytes: a Content-Length of
99999999999, lengths that lie by a few bytes, a body that is not JSON, and the server
still answering `initialize`, requests and `shutdown` afterwards, then exiting cleanly.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pie_lsp.lsp.framing import (
    INVALID_REQUEST,
    PARSE_ERROR,
    Deframer,
    Message,
    Problem,
)


def frame(value: Any, lie: int = 0) -> bytes:
    """`value` as an LSP message whose Content-Length is off by `lie` bytes."""
    body = json.dumps(value).encode()
    return b"Content-Length: %d\r\n\r\n" % (len(body) + lie) + body


def request(msg_id: int, method: str, params: Any = None) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params}


def messages(events: list[Message | Problem]) -> list[Any]:
    return [e.value for e in events if isinstance(e, Message)]


def codes(events: list[Message | Problem]) -> list[int | None]:
    return [e.code for e in events if isinstance(e, Problem)]


# -- the framing alone --------------------------------------------------------------------


@given(st.lists(st.integers(min_value=1, max_value=200), max_size=30))
def test_messages_come_out_whole_however_the_bytes_are_cut(cuts: list[int]) -> None:
    values = [request(i, "m", {"text": "é" * i, "n": i}) for i in range(8)]
    stream = b"".join(
        frame(v) if i % 2 else frame(v).replace(b"\r\n\r\n", b"\r\nContent-Type: x\r\n\r\n")
        for i, v in enumerate(values)
    )
    frames = Deframer()
    events: list[Message | Problem] = []
    at = 0
    for cut in [*cuts, len(stream)]:
        events += frames.feed(stream[at : at + cut])
        at += cut
    events += frames.feed(stream[at:])
    assert messages(events) == values and codes(events) == []


def test_a_huge_length_is_refused_and_its_body_never_buffered() -> None:
    frames = Deframer(limit=1000)
    events = frames.feed(b"Content-Length: 99999999999\r\n\r\n")
    assert events == [
        Problem(
            "a message of 99999999999 bytes is over the limit of 1000 bytes; skipped it, "
            "reading on from the next Content-Length header",
            INVALID_REQUEST,
        )
    ]
    # the announced body streams in: dropped as it comes, memory stays small
    for _ in range(100):
        assert frames.feed(b"x" * 65536) == []
        assert len(frames._buffer) < 64
    events = frames.feed(frame(request(1, "after")))
    assert messages(events) == [request(1, "after")]
    assert any("skipped" in e.text for e in events if isinstance(e, Problem))


def test_a_length_too_large_keeps_both_messages() -> None:
    # the body read holds the whole message and the start of the next header
    events = Deframer().feed(frame(request(1, "a"), lie=5) + frame(request(2, "b")))
    assert messages(events) == [request(1, "a"), request(2, "b")]
    assert codes(events) == [None]  # logged, not answered


def test_a_length_too_small_is_a_parse_error_then_the_next_message_is_read() -> None:
    events = Deframer().feed(frame(request(1, "a"), lie=-3) + frame(request(2, "b")))
    assert codes(events)[0] == PARSE_ERROR
    assert messages(events) == [request(2, "b")]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b'{"jsonrpc": "2.0", "id": 1, "method": ', PARSE_ERROR),
        (b"\xff\xfe{}", PARSE_ERROR),
        (b"[" * 100_000, PARSE_ERROR),  # deeper than the parser recurses
        (b"", PARSE_ERROR),
        (b"[1, 2]", INVALID_REQUEST),
        (b'"text"', INVALID_REQUEST),
    ],
)
def test_a_body_that_is_not_a_json_object(body: bytes, code: int) -> None:
    stream = b"Content-Length: %d\r\n\r\n" % len(body) + body + frame(request(2, "b"))
    events = Deframer().feed(stream)
    assert codes(events) == [code]
    assert messages(events) == [request(2, "b")]


@pytest.mark.parametrize(
    "header",
    [
        b"Content-Length: -5\r\n\r\n",
        b"Content-Length: five\r\n\r\n",
        b"Content-Length: " + b"9" * 5000 + b"\r\n\r\n",
        b"Content-Length: 10" + b" " * 9000,  # never ends
    ],
)
def test_a_broken_header_is_skipped(header: bytes) -> None:
    events = Deframer().feed(header + frame(request(2, "b")))
    assert messages(events) == [request(2, "b")]


def test_bytes_between_messages_are_skipped() -> None:
    events = Deframer().feed(b"garbage\r\n" + frame(request(1, "a")) + b"\n\n")
    events += Deframer().feed(b"content-length: 2\r\n\r\n{}")  # header names ignore case
    assert messages(events) == [request(1, "a"), {}]
    assert [e.text for e in events if isinstance(e, Problem)] == [
        "skipped 9 bytes that were not a message, up to the next Content-Length header"
    ]


# -- the real server over stdio -------------------------------------------------------------


class RawClient:
    """The server process, written to with raw bytes; what it sends is read as framed
    JSON (the server's own framing is trusted) and kept for the test to wait on."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.received: list[dict[str, Any]] = []
        self._arrived = asyncio.Condition()
        self._reading = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        assert self.process.stdout is not None
        out = self.process.stdout
        while True:
            length = None
            while True:
                line = await out.readline()
                if not line:
                    return
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
                if line == b"\r\n" and length is not None:
                    break
            body = json.loads(await out.readexactly(length))
            async with self._arrived:
                self.received.append(body)
                self._arrived.notify_all()

    async def send(self, data: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(data)
        await self.process.stdin.drain()

    async def answer(self, msg_id: int | None, code: int | None = None) -> dict[str, Any]:
        """The response with `msg_id` (an error response with `code` when id is None)."""

        def found() -> dict[str, Any] | None:
            for message in self.received:
                if "method" in message or message.get("id") != msg_id:
                    continue
                if msg_id is None and message["error"]["code"] != code:
                    continue
                return message
            return None

        async with self._arrived:
            await asyncio.wait_for(self._arrived.wait_for(found), 60)
        answer = found()
        assert answer is not None
        self.received.remove(answer)
        return answer

    def logged(self) -> str:
        return "\n".join(
            m["params"]["message"] for m in self.received if m.get("method") == "window/logMessage"
        )


@pytest.fixture
async def raw_server(tmp_path: Path) -> AsyncIterator[RawClient]:
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "pie_lsp",
        "serve",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        env=env,
    )
    client = RawClient(process)
    yield client
    if process.returncode is None:
        process.kill()
        await process.wait()
    client._reading.cancel()


def initialize(tmp_path: Path) -> dict[str, Any]:
    return request(
        1,
        "initialize",
        {
            "processId": None,
            "rootUri": tmp_path.as_uri(),
            "capabilities": {},
            "initializationOptions": {"cache": {"dir": str(tmp_path / "cache")}},
        },
    )


def hover(msg_id: int) -> dict[str, Any]:
    return request(
        msg_id,
        "textDocument/hover",
        {"textDocument": {"uri": "file:///nowhere/a.cpp"}, "position": {"line": 0, "character": 0}},
    )


async def test_damaged_framing_neither_kills_nor_deafens_the_server(
    raw_server: RawClient, tmp_path: Path
) -> None:
    server = raw_server
    # a length no server could hold, its "body" streaming after it, then a real message
    await server.send(b"Content-Length: 99999999999\r\n\r\n" + b"A" * 200_000)
    await server.send(frame(initialize(tmp_path)))
    refused = await server.answer(None, INVALID_REQUEST)
    assert "over the limit of 64 MiB" in refused["error"]["message"]
    assert "pie.optimize" in json.dumps((await server.answer(1))["result"])

    # a length 5 bytes too large, then one 3 bytes too small: every request is answered
    # but the one whose body was cut short, which gets a parse error
    await server.send(frame(hover(2), lie=5) + frame(hover(3)))
    await server.send(frame(hover(4), lie=-3) + frame(hover(5)))
    for msg_id in (2, 3, 5):
        assert (await server.answer(msg_id))["result"] is None
    await server.answer(None, PARSE_ERROR)

    # malformed JSON, with a correct length: answered with -32700, id null
    body = b'{"jsonrpc": "2.0", "id": 6, "method": "textDocument/hover", '
    await server.send(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    parse_error = await server.answer(None, PARSE_ERROR)
    assert parse_error["jsonrpc"] == "2.0" and "id" in parse_error
    # a request whose params do not fit its method is answered, not dropped
    await server.send(frame(request(7, "textDocument/hover", {"position": "here"})))
    assert (await server.answer(7))["error"]["code"] == -32602

    await server.send(frame(hover(8)))
    assert (await server.answer(8))["result"] is None
    await server.send(frame(request(9, "shutdown")))
    assert (await server.answer(9))["result"] is None
    logged = server.logged()
    assert "a message of 99999999999 bytes is over the limit of 64 MiB" in logged
    assert "not JSON" in logged
    await server.send(frame({"jsonrpc": "2.0", "method": "exit"}))
    assert await asyncio.wait_for(server.process.wait(), 30) == 0


async def test_end_of_input_inside_a_message_ends_the_server_cleanly(
    raw_server: RawClient,
) -> None:
    server = raw_server
    await server.send(b"Content-Length: 99999999999\r\n\r\n{")
    await server.answer(None, INVALID_REQUEST)
    assert server.process.stdin is not None
    server.process.stdin.close()
    # the editor went away: no traceback, no MemoryError, the process just ends
    assert await asyncio.wait_for(server.process.wait(), 30) == 0
