"""The language server's entry point: a `PieServer` with every feature registered, served
on stdio (what editors start) or TCP.

Where things are: the server's state and messages in `pie_lsp.lsp.server`; the handlers,
one module per feature, in `pie_lsp.lsp.features` (lifecycle, documents, answers,
commands); results delivered to the editor in `pie_lsp.lsp.delivery`; the byte stream
read in `pie_lsp.lsp.framing`. Results reach the editor as `workspace/applyEdit`, never
by writing the user's file. See docs/ARCHITECTURE.md.
"""

from __future__ import annotations

import sys

from pie_lsp.errors import PieError
from pie_lsp.lsp.features import register_all
from pie_lsp.lsp.server import PieServer


def create_server() -> PieServer:
    """A server with every handler registered."""
    server = PieServer()
    register_all(server)
    return server


def _parse_tcp(value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise PieError(
            f"--tcp {value!r}: expected HOST:PORT", hint="e.g. pie-lsp serve --tcp 127.0.0.1:2087"
        )
    return host.strip("[]") or "127.0.0.1", int(port)


def serve(tcp: str | None = None) -> int:
    """Run the server on stdio or on TCP; returns the exit code."""
    address = _parse_tcp(tcp) if tcp else None
    server = create_server()
    try:
        if address is not None:
            server.start_tcp(*address)
        else:
            # stdout carries the protocol: anything else printed there would corrupt it
            stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
            sys.stdout = sys.stderr
            server.start_io(stdin, stdout)
    finally:
        server.worker.stop()
        server.logs.close()
    return 0
