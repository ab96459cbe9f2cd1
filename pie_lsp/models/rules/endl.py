"""The `endl` rule: write '\\n' instead of std::endl so output is not flushed on every line.

The class docstring says when the rewrite is safe and how that is proved.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from clang.cindex import CursorKind as CK

from pie_lsp.models.rules.base import Rule
from pie_lsp.models.rules.code import Code
from pie_lsp.models.rules.cursors import (
    Cursor,
    same,
    strip,
)
from pie_lsp.models.rules.edits import Edit, Rewrite
from pie_lsp.text import count


class Endl(Rule):
    """`std::endl` flushes cout on every line (a write system call each). '\\n' does not;
    the stream is flushed at exit. Not applied when output might not be flushed at exit
    (abort/_exit) or when unsynced iostreams are mixed with C stdio, where the flushes
    keep the output in order."""

    name = "endl"
    summary = "write '\\n' instead of std::endl so output is not flushed on every line"
    triggers = re.compile(r"\bendl\b")
    TEXT = re.compile(r"(::\s*)?(std\s*::\s*)?endl")
    STREAMS = frozenset({"cout", "cerr", "clog"})

    def find(self, code: Code) -> list[Rewrite]:
        io = code.io
        if io.abnormal_exit or (io.sync_called and io.c_stdio):
            return []
        rewrites = []
        for cursor, parents in code.nodes:
            if cursor.kind != CK.DECL_REF_EXPR or cursor.spelling != "endl":
                continue
            decl = cursor.referenced
            if (
                decl is None
                or not code.from_library(decl)
                or not code.is_written(cursor, "endl")
                or not self.TEXT.fullmatch(code.text(cursor))
            ):
                continue
            call, operand, _ = code.enclosing(cursor, parents)
            if call is None or call.kind != CK.CALL_EXPR or call.spelling != "operator<<":
                continue
            arguments = list(call.get_arguments())
            if (
                len(arguments) != 2
                or not same(arguments[1], operand)
                or call.referenced is None
                or not code.from_library(call.referenced)
                or self._stream(code, call) not in self.STREAMS
            ):
                continue
            extent = cursor.extent
            rewrites.append(
                Rewrite(
                    (Edit(extent.start.offset, extent.end.offset, "'\\n'"),),
                    f"line {extent.start.line}",
                )
            )
        return rewrites

    @staticmethod
    def _stream(code: Code, call: Cursor) -> str | None:
        """The standard stream at the left end of a `<<` chain (cout in cout << a << b)."""
        while call.kind == CK.CALL_EXPR and call.spelling == "operator<<":
            arguments = list(call.get_arguments())
            if len(arguments) != 2:
                return None
            call = strip(arguments[0])
        decl = call.referenced if call.kind == CK.DECL_REF_EXPR else None
        if decl is None or decl.kind != CK.VAR_DECL or not code.from_library(decl):
            return None
        return str(decl.spelling)

    def describe(self, rewrites: Sequence[Rewrite]) -> str:
        return (
            f"write '\\n' instead of std::endl in {count(len(rewrites), 'place')} so output is not "
            "flushed on every line"
        )
