"""The `substr-compare` rule: compare a substring in place (s.compare(i, k, t) == 0) instead
of copying it out with substr.

The class docstring says when the rewrite is safe and how that is proved.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from clang.cindex import CursorKind as CK

from pie_lsp.models.rules.base import Rule
from pie_lsp.models.rules.code import Code
from pie_lsp.models.rules.cursors import STRING, Cursor, canonical, children, strip
from pie_lsp.models.rules.edits import Edit, Rewrite


class SubstrCompare(Rule):
    """`s.substr(i, k) == t` builds a new string (copying k characters, allocating when
    they do not fit inline) only to compare it. `s.compare(i, k, t) == 0` compares in
    place. The standard defines both the same way: substr(i, k) and compare(i, k, t) take
    the characters [i, i + min(k, size - i)) and throw out_of_range when i > size, and
    `==` on strings is compare() == 0; `!=` becomes `!= 0`. Only the library's
    std::string substr (one or two arguments) compared with the library's == or != to a
    std::string or a C string, written in this file; the operands keep their text and are
    each evaluated once, as before (the order of a comparison's operands is unspecified
    either way)."""

    name = "substr-compare"
    summary = "compare substrings in place (s.compare(i, k, t) == 0) instead of copying them"
    triggers = re.compile(r"\bsubstr\b")

    def find(self, code: Code) -> list[Rewrite]:
        rewrites = []
        for call, _ in code.nodes:
            if (
                call.kind != CK.CALL_EXPR
                or call.spelling not in ("operator==", "operator!=")
                or call.referenced is None
                or not code.from_library(call.referenced)
            ):
                continue
            arguments = list(call.get_arguments())
            if len(arguments) != 2:
                continue
            for side, other in ((0, 1), (1, 0)):
                found = self._substr(code, strip(arguments[side]))
                if found is None or not self._comparable(strip(arguments[other])):
                    continue
                target, positions = found
                other_text = code.text(arguments[other]).strip()
                if not other_text:
                    continue
                if len(positions) == 1:
                    positions.append("std::string::npos")
                op = "==" if call.spelling == "operator==" else "!="
                text = f"({code.text(target)}.compare({', '.join(positions)}, {other_text}) {op} 0)"
                extent = call.extent
                rewrites.append(
                    Rewrite(
                        (Edit(extent.start.offset, extent.end.offset, text),),
                        f"line {extent.start.line}",
                    )
                )
                break
        return rewrites

    @staticmethod
    def _substr(code: Code, cursor: Cursor) -> tuple[Cursor, list[str]] | None:
        """(s, [i] or [i, k]) of `s.substr(i, k)` on a std::string s written in this file."""
        while cursor.kind == CK.CALL_EXPR and cursor.spelling == "basic_string":
            inner = children(cursor)  # the temporary's copy or move
            if len(inner) != 1:
                return None
            cursor = strip(inner[0])
        if (
            cursor.kind != CK.CALL_EXPR
            or cursor.spelling != "substr"
            or cursor.referenced is None
            or not code.from_library(cursor.referenced)
        ):
            return None
        # a defaulted argument has no place in the file: keep those the caller wrote
        arguments = [a for a in cursor.get_arguments() if a.extent.start.file is not None]
        member = children(cursor)[0] if children(cursor) else None
        if not 1 <= len(arguments) <= 2 or member is None or member.kind != CK.MEMBER_REF_EXPR:
            return None
        if not code.is_written(member, "substr"):
            return None
        objects = children(member)
        target = strip(objects[0]) if len(objects) == 1 else None
        if target is None or canonical(target.type) != STRING:
            return None
        texts = [code.text(a).strip() for a in arguments]
        if not all(texts) or not code.text(target).strip():
            return None
        return target, texts

    @staticmethod
    def _comparable(other: Cursor) -> bool:
        spelling = canonical(other.type)
        return (
            spelling == STRING
            or spelling in ("const char *", "char *")
            or (other.kind == CK.STRING_LITERAL)
        )

    def describe(self, rewrites: Sequence[Rewrite]) -> str:
        return f"compare {len(rewrites)} substring(s) in place instead of copying them"
