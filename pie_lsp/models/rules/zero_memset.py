"""The `zero-memset` rule: drop memset(a, 0, sizeof a) of a global array that is still all
zero.

The class docstring says when the rewrite is safe and how that is proved.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import clang.cindex as ci
from clang.cindex import CursorKind as CK
from clang.cindex import TypeKind as TK

from pie_lsp.models.rules.base import Rule
from pie_lsp.models.rules.code import Code
from pie_lsp.models.rules.cursors import (
    ARITHMETIC,
    FUNCTIONS,
    Cursor,
    children,
    key,
    strip,
)
from pie_lsp.models.rules.edits import Edit, Rewrite


class ZeroMemset(Rule):
    """`memset(a, 0, sizeof a)` of a global array at the start of main: a global without
    an initializer is already all zero bytes (static storage is zero-initialised), so the
    call only writes every page of the array once more (for a 1 MiB array, thousands of
    cache misses and page faults in a program that may touch a few lines of it). Removed
    only when nothing can have written the array before: the statements before it in main
    do not name it or call a function that may, no global initializer reaches it, it is not
    aliased outside a function, and its elements are plain numbers, chars, enums or
    pointers, whose zero value is all zero bytes."""

    name = "zero-memset"
    summary = "drop memset(a, 0, sizeof a) of a global array that is still all zero"
    triggers = re.compile(r"\bmemset\b")
    CALL = re.compile(r"(::\s*)?(std\s*::\s*)?memset\s*\(.*\)", re.DOTALL)
    ZERO = re.compile(r"0[uUlL]*|'\\0'|false")
    SIZEOF = re.compile(r"sizeof\s*\(?\s*(\w+)\s*\)?")

    def find(self, code: Code) -> list[Rewrite]:
        body = code.main_body()
        if body is None:
            return []
        statements = children(body)
        rewrites = []
        for index, statement in enumerate(statements):
            array = self._zeroed_array(code, statement)
            if array is None or not self._untouched_before(code, array, statements[:index]):
                continue
            edit = self._removal(code, statement)
            if edit is not None:
                rewrites.append(Rewrite((edit,), array.spelling))
        return rewrites

    def _zeroed_array(self, code: Code, call: Cursor) -> Cursor | None:
        """The global array `call` zeroes whole, if it is such a memset statement."""
        arguments = code.library_call(call, "memset", 3, self.CALL)
        if arguments is None or not self.ZERO.fullmatch(code.text(strip(arguments[1])).strip()):
            return None
        target = strip(arguments[0])
        array = target.referenced if target.kind == CK.DECL_REF_EXPR else None
        size = self.SIZEOF.fullmatch(code.text(arguments[2]).strip())
        if (
            array is None
            or size is None
            or size.group(1) != array.spelling
            or code.text(target).strip() != array.spelling
            or not self._global_zero_array(code, array)
        ):
            return None
        return array

    @staticmethod
    def _global_zero_array(code: Code, var: Cursor) -> bool:
        if (
            var.kind != CK.VAR_DECL
            or not code.in_main_file(var)
            or not var.is_definition()
            or var.storage_class not in (ci.StorageClass.NONE, ci.StorageClass.STATIC)
            or var.semantic_parent is None
            or var.semantic_parent.kind not in (CK.TRANSLATION_UNIT, CK.NAMESPACE)
            or any(mark in code.text(var) for mark in ("=", "{", "("))  # an initializer
        ):
            return False
        element = var.type.get_canonical()
        if element.kind != TK.CONSTANTARRAY:
            return False
        while element.kind == TK.CONSTANTARRAY:
            element = element.element_type.get_canonical()
        plain = element.kind in ARITHMETIC or element.kind in (TK.POINTER, TK.ENUM)
        return bool(plain and not element.is_volatile_qualified())

    @staticmethod
    def _untouched_before(code: Code, var: Cursor, before: Sequence[Cursor]) -> bool:
        """Nothing can have written `var` before main's statements `before` are done."""
        var_key = key(var)
        uses = code.uses.get(var_key, [])
        if any(not any(p.kind in FUNCTIONS for p in parents) for _, parents in uses):
            return False  # named by a global initializer: a pointer to it may exist
        if not code.only_mentions(var, uses):
            return False  # named where libclang sees no use (a macro body, a template)
        for statement in before:
            if var_key in code.reachable_statics([statement]):
                return False
        globals_with_code = [
            c
            for c, parents in code.nodes
            if c.kind == CK.VAR_DECL
            and code.in_main_file(c)
            and all(p.kind in (CK.NAMESPACE, CK.LINKAGE_SPEC) for p in parents)
        ]
        return var_key not in code.reachable_statics(globals_with_code)

    @staticmethod
    def _removal(code: Code, call: Cursor) -> Edit | None:
        """The edit deleting the statement (and its line, when nothing else is on it)."""
        start, end = call.extent.start.offset, call.extent.end.offset
        semicolon = code.next_token(end)
        if semicolon is None or semicolon[1] != ";":
            return None
        end = semicolon[0] + 1
        line_start = code.source.rfind(b"\n", 0, start) + 1
        line_end = code.source.find(b"\n", end)
        line_end = len(code.source) if line_end < 0 else line_end
        if not code.source[line_start:start].strip() and not code.source[end:line_end].strip():
            return Edit(line_start, min(line_end + 1, len(code.source)), "")
        return Edit(start, end, "")

    def describe(self, rewrites: Sequence[Rewrite]) -> str:
        names = ", ".join(r.what for r in rewrites)
        return f"drop the memset of {names}: global arrays start as zero"
