"""The `sync-stdio` rule: untie cin from cout and stop syncing iostreams with stdio.

The class docstring says when the rewrite is safe and how that is proved.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pie_lsp.models.rules.base import Rule
from pie_lsp.models.rules.code import Code
from pie_lsp.models.rules.cursors import (
    children,
)
from pie_lsp.models.rules.edits import Edit, Rewrite


class SyncStdio(Rule):
    """iostreams synced with stdio (the default) pay for it on every operation; an untied
    cin flushes cout before each read. Safe only when nothing else uses C stdio on the
    same streams, since unsynced streams would reorder output with printf & co."""

    name = "sync-stdio"
    summary = "untie cin from cout and stop syncing iostreams with stdio"
    triggers = re.compile(r"\b(w?cin|w?cout)\b")
    CODE = "std::ios::sync_with_stdio(false);", "std::cin.tie(nullptr);"

    def find(self, code: Code) -> list[Rewrite]:
        io = code.io
        if (
            not io.streams
            or io.c_stdio
            or io.sync_called
            or io.tie_called
            or io.early_streams
            or io.abnormal_exit
        ):
            return []
        body = code.main_body()
        if body is None:
            return []
        brace = body.extent.start.offset
        if code.source[brace : brace + 1] != b"{":
            return []
        statements = children(body)
        if statements and code.line_of(statements[0].extent.start.offset) > code.line_of(brace):
            indent = code.indentation(statements[0].extent.start.offset) or "    "
            text = "".join(f"{code.newline}{indent}{line}" for line in self.CODE)
        else:
            text = "".join(f" {line}" for line in self.CODE)
        return [Rewrite((Edit(brace + 1, brace + 1, text),), "main")]

    def describe(self, rewrites: Sequence[Rewrite]) -> str:
        return self.summary
