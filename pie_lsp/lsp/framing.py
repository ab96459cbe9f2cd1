"""Reading LSP messages from the editor's byte stream without trusting its headers.

pygls 2.1 reads each message with `readexactly(Content-Length)`: a length of 99999999999
makes it allocate that much (MemoryError: the server dies), a length that is off by a few
bytes glues every later header to the body before it (the server lives but understands
nothing more), and a body that is not JSON is only logged, never answered. The server
reads its stream here instead (stdio and TCP): a message over `MAX_MESSAGE_BYTES` is
skipped with a log line, after any damage the reader resynchronises on the next
`Content-Length:` header, and a body that is not JSON is answered with JSON-RPC's parse
error (-32700, id null). `Deframer` is the framing alone (bytes in, messages and problems
out), so it is tested without a process; `pump` feeds it and hands messages to pygls.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import threading
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, BinaryIO

from attrs import frozen
from pygls.exceptions import JsonRpcException
from pygls.io_ import StdoutWriter
from pygls.protocol import JsonRPCProtocol
from pygls.server import JsonRPCServer

log = logging.getLogger(__name__)

# An LSP message is JSON text: a whole C++ file in a didOpen is well under this. A bigger
# one is a broken or hostile client, and would hold that much memory while it arrives.
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
PARSE_ERROR = -32700
INVALID_REQUEST = -32600

_HEADER = re.compile(rb"content-length:", re.IGNORECASE)
_HEADER_LEN = len(b"content-length:")
# the header block (Content-Length, maybe Content-Type) must end within this many bytes
_MAX_HEADER_BYTES = 8192
_CHUNK = 65536


@frozen
class Message:
    """A JSON object received whole."""

    value: dict[str, Any]


@frozen
class Problem:
    """Something wrong with the stream; `code` is the JSON-RPC error to answer (id null)
    with, or None when only the log is told."""

    text: str
    code: int | None = None


Event = Message | Problem


def _size(n: int) -> str:
    return f"{n / 2**20:g} MiB" if n >= 2**20 else f"{n} bytes"


class Deframer:
    """`Content-Length`-framed JSON messages out of chunks of bytes, however they are cut.

    Memory stays within the limit plus one chunk: bytes that are not a message are
    dropped as they arrive, and a message over the limit is never buffered."""

    def __init__(self, limit: int = MAX_MESSAGE_BYTES) -> None:
        self.limit = limit
        self._buffer = bytearray()
        self._length: int | None = None  # the body being waited for
        self._skipped = 0  # bytes dropped while looking for a header
        self._skipped_text = False  # ...some of them not whitespace

    def feed(self, data: bytes) -> list[Event]:
        self._buffer += data
        return list(self._drain())

    def _drain(self) -> Iterator[Event]:
        buffer = self._buffer
        while True:
            if self._length is None:
                found = _HEADER.search(buffer)
                if found is None:
                    # keep what could be the start of a header cut by the chunk boundary
                    self._skip(max(0, len(buffer) - (_HEADER_LEN - 1)))
                    return
                self._skip(found.start())
                end = buffer.find(b"\r\n\r\n", 0, _MAX_HEADER_BYTES + 4)
                if end < 0:
                    if len(buffer) <= _MAX_HEADER_BYTES:
                        return  # the rest of the header is on its way
                    yield Problem("a Content-Length header without the empty line ending it")
                    self._skip(_HEADER_LEN)
                    continue
                if self._skipped_text:
                    yield Problem(
                        f"skipped {self._skipped} bytes that were not a message, up to the "
                        "next Content-Length header"
                    )
                self._skipped, self._skipped_text = 0, False
                length = _content_length(bytes(buffer[:end]))
                if length is None:
                    yield Problem("a Content-Length header that is not a number; skipped it")
                    self._skip(_HEADER_LEN)
                    continue
                del buffer[: end + 4]
                if length > self.limit:
                    # its body is dropped as it arrives, up to the next header
                    yield Problem(
                        f"a message of {length} bytes is over the limit of "
                        f"{_size(self.limit)}; skipped it, reading on from the next "
                        "Content-Length header",
                        INVALID_REQUEST,
                    )
                    continue
                self._length = length
            if len(buffer) < self._length:
                return
            body = bytes(buffer[: self._length])
            del buffer[: self._length]
            self._length = None
            yield from self._parse(body)

    def _skip(self, count: int) -> None:
        if count <= 0:
            return
        if not self._skipped_text and bytes(self._buffer[:count]).strip():
            self._skipped_text = True
        self._skipped += count
        del self._buffer[:count]

    def _parse(self, body: bytes) -> Iterator[Event]:
        try:
            value = json.loads(body)
        except (ValueError, RecursionError) as exc:
            recovered = _leading_object(body)
            if recovered is None:
                yield Problem(f"a message that is not JSON ({exc})", PARSE_ERROR)
                return
            # the Content-Length was too large: the body holds a whole message and the
            # start of the next one, which goes back to be read as such
            value, rest = recovered
            self._buffer[:0] = rest
            yield Problem(
                f"a message {len(rest)} bytes shorter than its Content-Length; read the rest "
                "as the next message"
            )
        if not isinstance(value, dict):
            yield Problem(
                f"a message that is not a JSON object but {type(value).__name__}",
                INVALID_REQUEST,
            )
            return
        yield Message(value)


def _content_length(block: bytes) -> int | None:
    """The length in a header block starting with `Content-Length:`."""
    first = block.split(b"\r\n", 1)[0]
    value = first[_HEADER_LEN:].strip()
    if not value.isdigit():
        return None
    # int() refuses over 4300 digits; anything past 18 is over any limit anyway
    return int(value) if len(value) <= 18 else 10**18


def _leading_object(body: bytes) -> tuple[Any, bytes] | None:
    """The JSON object at the start of `body` and the bytes after it, if something
    other than whitespace follows it."""
    text = body.decode("utf-8", "surrogateescape")
    start = len(text) - len(text.lstrip())
    try:
        value, end = json.JSONDecoder().raw_decode(text, start)
    except (ValueError, RecursionError):
        return None
    rest = text[end:].lstrip().encode("utf-8", "surrogateescape")
    if not isinstance(value, dict) or not rest:
        return None
    return value, rest


def answer_error(protocol: JsonRPCProtocol, msg_id: Any, code: int, text: str) -> None:
    """A JSON-RPC error response; `msg_id` None is sent as null, as JSON-RPC requires for
    a request whose id could not be read (lsprotocol's types would leave it out)."""
    protocol._send_data({"jsonrpc": "2.0", "id": msg_id, "error": {"code": code, "message": text}})


def dispatch(protocol: JsonRPCProtocol, value: dict[str, Any]) -> None:
    """Hand one received object to pygls, as its own reader does (the structuring hook it
    passes to json.loads is applied to the top object only: inner objects are left as they
    are either way), answering a request that cannot be structured."""
    msg_id = value.get("id")
    is_request = isinstance(value.get("method"), str) and msg_id is not None
    if value.get("jsonrpc") != "2.0":
        text = 'not a JSON-RPC 2.0 message (no "jsonrpc": "2.0")'
        log.warning("received %s", text)
        if is_request or "method" not in value:
            answer_error(
                protocol, msg_id if isinstance(msg_id, (int, str)) else None, INVALID_REQUEST, text
            )
        return
    try:
        message = protocol.structure_message(value)
    except JsonRpcException as exc:
        log.warning("cannot read a %s message: %s", value.get("method", "response"), exc)
        if is_request:
            answer_error(protocol, msg_id, exc.code, f"{exc.message}: {exc.__cause__ or exc}")
        return
    try:
        protocol.handle_message(message)
    except Exception as exc:  # as pygls' reader: a handler's error must not stop reading
        log.exception("unable to handle a %s message", value.get("method", "response"))
        protocol._server._report_server_error(exc, JsonRpcException)


async def pump(
    read: Callable[[], Awaitable[bytes]],
    protocol: JsonRPCProtocol,
    stop: threading.Event,
    limit: int = MAX_MESSAGE_BYTES,
) -> None:
    """Read until end of stream (or `stop`), dispatching every message."""
    frames = Deframer(limit)
    while not stop.is_set():
        data = await read()
        if not data:
            break
        for event in frames.feed(data):
            if isinstance(event, Message):
                dispatch(protocol, event.value)
                continue
            log.error("LSP stream from the editor: %s", event.text)
            if event.code is not None:
                answer_error(protocol, None, event.code, event.text)


def stdin_chunks(stream: BinaryIO) -> Callable[[], Awaitable[bytes]]:
    """`read()` giving what has arrived on `stream` (b"" at its end). A daemon thread
    reads, so a blocked read never keeps the process alive after `exit`; it reads the file
    descriptor itself, because a thread blocked inside the buffered stream holds a lock
    the interpreter takes when it exits (and aborts if it cannot). The small queue keeps
    the thread from reading far ahead of the loop."""
    queue: asyncio.Queue[bytes] = asyncio.Queue(maxsize=4)
    loop = asyncio.get_running_loop()
    try:
        fd = stream.fileno()
        read: Callable[[int], bytes] = lambda size: os.read(fd, size)  # noqa: E731
    except (OSError, ValueError, AttributeError):  # not a file (an in-memory stream)
        read = getattr(stream, "read1", stream.read)

    def run() -> None:
        while True:
            try:
                data = read(_CHUNK)
            except (OSError, ValueError):
                data = b""
            try:
                asyncio.run_coroutine_threadsafe(queue.put(data), loop).result()
            except Exception:  # the loop is gone
                return
            if not data:
                return

    threading.Thread(target=run, name="pie-lsp-stdin", daemon=True).start()
    return queue.get


def serve_io(server: JsonRPCServer, stdin: BinaryIO, stdout: BinaryIO) -> None:
    """pygls' `start_io`, reading through `pump`."""
    stop = threading.Event()
    server.protocol.set_writer(StdoutWriter(stdout))

    async def main() -> None:
        await pump(stdin_chunks(stdin), server.protocol, stop)

    try:
        asyncio.run(main())
    except BrokenPipeError:
        log.error("the connection to the editor is lost; shutting down")
    except (KeyboardInterrupt, SystemExit):
        pass  # `exit` from the editor
    finally:
        stop.set()
        server.shutdown()  # type: ignore[no-untyped-call]


def serve_tcp(server: JsonRPCServer, host: str, port: int) -> None:
    """pygls' `start_tcp`, reading through `pump`: the server ends when its client's
    connection closes."""
    stop = threading.Event()

    async def main() -> None:
        closed = asyncio.Event()

        async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            server.protocol.set_writer(writer)
            try:
                await pump(lambda: reader.read(_CHUNK), server.protocol, stop)
            finally:
                closed.set()

        listening = await asyncio.start_server(connection, host, port)
        log.info("serving on %s:%s", host, port)
        async with listening:
            await closed.wait()

    try:
        asyncio.run(main())
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        stop.set()
        server.shutdown()  # type: ignore[no-untyped-call]
