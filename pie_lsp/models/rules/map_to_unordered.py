"""The `map-to-unordered` rule: use std::unordered_map for maps that are never iterated in key
order.

The class docstring says when the rewrite is safe and how that is proved.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from clang.cindex import CursorKind as CK
from clang.cindex import TypeKind as TK

from pie_lsp.models.rules.base import Rule
from pie_lsp.models.rules.code import Code
from pie_lsp.models.rules.cursors import (
    FUNCTIONS,
    INTEGRAL_KEYS,
    STRING,
    Cursor,
    Key,
    canonical,
    children,
    key,
    same,
    strip,
)
from pie_lsp.models.rules.edits import Edit, Rewrite


class MapToUnordered(Rule):
    """A `std::map` used only as a dictionary (never iterated, never asked for order)
    behaves the same as a `std::unordered_map`, which finds keys by hashing instead of
    walking a tree. Only integral or string keys (standard hashes), only maps declared
    here as plain variables, and only when every mention of the name in the file is one
    of the order-free uses: [], at, count, find compared with end(), insert/emplace whose
    result is unused, erase(key), size, empty, clear."""

    name = "map-to-unordered"
    summary = "use std::unordered_map for maps that are never iterated in key order"
    triggers = re.compile(r"\bmap\b")
    ORDER_FREE = frozenset({"count", "size", "empty", "clear", "at"})
    # The ordered container replaced, and how many template arguments it may be given.
    KIND: ClassVar[str] = "map"
    ARGUMENTS: ClassVar[int] = 2
    TYPE = re.compile(rb"((?:static\s+)?(?:std\s*::\s*)?)map\s*<")
    INCLUDE = re.compile(
        rb"^[ \t]*#[ \t]*include[ \t]*[<\"](bits/stdc\+\+\.h|unordered_map)[>\"]", re.MULTILINE
    )

    def find(self, code: Code) -> list[Rewrite]:
        rewrites = []
        for variable, _ in code.nodes:
            if variable.kind != CK.VAR_DECL or not self._dictionary_type(variable):
                continue
            after = code.next_token(variable.extent.end.offset)
            if after is None or after[1] != ";":
                continue  # `map<int, int> a, b;`: the declarators share the type text
            parent = variable.semantic_parent
            if parent is None or not (
                parent.kind in FUNCTIONS or parent.kind in (CK.TRANSLATION_UNIT, CK.NAMESPACE)
            ):
                continue
            name_at = variable.location.offset
            start = variable.extent.start.offset
            match = self.TYPE.match(code.source[start:name_at])
            if not code.is_written(variable, variable.spelling) or match is None:
                continue
            if not self._order_free(code, variable):
                continue
            at = start + len(match.group(1))
            rewrites.append(
                Rewrite(
                    (Edit(at, at + len(self.KIND), f"unordered_{self.KIND}"),), variable.spelling
                )
            )
        if rewrites and not self.INCLUDE.search(code.source):
            include = self._include_point(code.source)
            if include is None:
                return []
            line = f"#include <unordered_{self.KIND}>{code.newline}"
            rewrites.insert(0, Rewrite((Edit(include, include, line),), "#include"))
        return rewrites

    def _dictionary_type(self, variable: Cursor) -> bool:
        type_ = variable.type.get_canonical()
        spelling = canonical(type_)
        prefix = f"std::{self.KIND}<"
        if type_.kind != TK.RECORD or not spelling.startswith(prefix):
            return False
        arguments, depth, current = [], 0, ""
        for char in spelling[len(prefix) : -1]:
            depth += char in "<("
            depth -= char in ">)"
            if char == "," and depth == 0:
                arguments.append(current.strip())
                current = ""
            else:
                current += char
        arguments.append(current.strip())
        return len(arguments) == self.ARGUMENTS and (
            arguments[0] in INTEGRAL_KEYS or arguments[0] == STRING
        )

    def _order_free(self, code: Code, variable: Cursor) -> bool:
        variable_key = key(variable)
        uses = code.uses.get(variable_key, [])
        return code.only_mentions(variable, uses) and all(
            self._use_ok(code, cursor, parents, variable_key) for cursor, parents in uses
        )

    def _use_ok(
        self, code: Code, cursor: Cursor, parents: Sequence[Cursor], variable_key: Key
    ) -> bool:
        parent, child, index = code.enclosing(cursor, parents)
        if parent is None or not code.is_written(cursor, cursor.spelling):
            return False
        if parent.kind == CK.CALL_EXPR and parent.spelling == "operator[]":
            arguments = list(parent.get_arguments())
            return bool(arguments) and same(arguments[0], child)
        if parent.kind != CK.MEMBER_REF_EXPR or index < 1:
            return False
        call = parents[index - 1]
        if call.kind != CK.CALL_EXPR:
            return False
        method = parent.spelling
        if method in self.ORDER_FREE:
            return True
        if method == "erase":  # by key (returns a count), not by iterator
            return canonical(call.type) == "unsigned long"
        if method in ("insert", "emplace"):
            return code.value_unused(call, parents[: index - 1])
        if method in ("find", "end"):
            outer, _, _ = code.enclosing(call, parents[: index - 1])
            if outer is not None and outer.kind == CK.VAR_DECL and method == "find":
                return self._iterator_ok(code, outer, variable_key)
            return outer is not None and self._compared_with_end(code, outer, variable_key)
        return False

    @staticmethod
    def _method_of(call: Cursor, variable_key: Key) -> str | None:
        """ "find" for `m.find(k)` (any method name) when `m` is this map, else None."""
        member = children(call)[0] if call.kind == CK.CALL_EXPR and children(call) else None
        if member is None or member.kind != CK.MEMBER_REF_EXPR or not children(member):
            return None
        object_ = strip(children(member)[0])
        if (
            object_.kind != CK.DECL_REF_EXPR
            or object_.referenced is None
            or key(object_.referenced) != variable_key
        ):
            return None
        return str(member.spelling)

    def _declares_iterator(self, code: Code, variable: Cursor, variable_key: Key) -> bool:
        """`auto it = m.find(k);` (auto, so the type follows the map's)."""
        if variable is None or variable.kind != CK.VAR_DECL or not children(variable):
            return False
        type_text = code.source[variable.extent.start.offset : variable.location.offset]
        return re.fullmatch(rb"\s*(const\s+)?auto\s*", type_text) is not None and (
            self._method_of(strip(children(variable)[-1]), variable_key) == "find"
        )

    def _iterator_ok(self, code: Code, variable: Cursor, variable_key: Key) -> bool:
        """An iterator from find() used only to compare with end() and to read its entry."""
        uses = code.uses.get(key(variable), [])
        if not self._declares_iterator(code, variable, variable_key) or not code.only_mentions(
            variable, uses
        ):
            return False
        for cursor, parents in uses:
            parent, _, _ = code.enclosing(cursor, parents)
            if parent is None or not (
                (parent.kind == CK.CALL_EXPR and parent.spelling in ("operator->", "operator*"))
                or self._compared_with_end(code, parent, variable_key)
            ):
                return False
        return True

    def _compared_with_end(self, code: Code, comparison: Cursor, variable_key: Key) -> bool:
        """`m.find(k) != m.end()`, `it == m.end()`..., either way round."""
        if comparison.kind != CK.CALL_EXPR or comparison.spelling not in (
            "operator==",
            "operator!=",
        ):
            return False
        methods = []
        for argument in comparison.get_arguments():
            operand = strip(argument)
            method = self._method_of(operand, variable_key)
            if (
                method is None
                and operand.kind == CK.DECL_REF_EXPR
                and self._declares_iterator(code, operand.referenced, variable_key)
            ):
                method = "find"
            methods.append(method)
        return sorted(m or "" for m in methods) == ["end", "find"]

    @staticmethod
    def _include_point(source: bytes) -> int | None:
        """The start of the line after the first #include outside any #if block."""
        depth, offset = 0, 0
        for line in source.splitlines(keepends=True):
            directive = re.match(rb"\s*#\s*(\w+)", line)
            word = directive.group(1) if directive else b""
            if word in (b"if", b"ifdef", b"ifndef"):
                depth += 1
            elif word == b"endif":
                depth -= 1
            elif word == b"include" and depth == 0:
                return offset + len(line) if line.endswith(b"\n") else None
            offset += len(line)
        return None

    def describe(self, rewrites: Sequence[Rewrite]) -> str:
        names = ", ".join(r.what for r in rewrites if r.what != "#include")
        return f"use std::unordered_map for {names} (never iterated in key order)"
