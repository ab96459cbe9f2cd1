"""The `static-zero-array` rule: a big local array of main initialized to all zeros
(`int cnt[1000001] = {0};`) becomes a static array, which the loader provides already
zeroed, instead of being cleared on the stack every run.

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
    TRANSPARENT,
    Cursor,
    children,
    integer_value,
    is_static_storage,
)
from pie_lsp.models.rules.edits import Edit, Rewrite

# Smaller arrays cost too little to clear to matter.
MIN_BYTES = 16 * 1024
LOOPS = frozenset({CK.FOR_STMT, CK.WHILE_STMT, CK.DO_STMT, CK.CXX_FOR_RANGE_STMT})
ARRAYS = frozenset({TK.CONSTANTARRAY, TK.VARIABLEARRAY})


class StaticZeroArray(Rule):
    """`int cnt[1000001] = {0};` (or `= {}`, `{false}`, a 2-D table) in main clears the
    whole array on the stack when main starts: megabytes written for a program whose
    input may use a few entries. `static int cnt[1000001];` is zero-initialized by the
    loader (untouched pages cost nothing), and since main runs once the array starts
    all zero either way.

    Exact: main is entered once (C++ forbids calling it) and the declaration is not in a
    loop or a lambda of main, nor can a goto jump back over it (main has none), so it is
    initialized exactly once in both versions, to zero; its elements are numbers, enums
    or pointers (zero-initialization and `= {0}` give the same values). Proved: the
    declaration declares one variable of main's own (not static, extern or
    thread_local), an array (of arrays) of such elements, at least 16 KiB, whose
    initializer is a brace list of zero constants or empty, and its sizes are constants."""

    name = "static-zero-array"
    summary = "make a big zero-initialized local array of main static (zeroed by the loader)"
    triggers = re.compile(r"\bmain\b")

    def find(self, code: Code) -> list[Rewrite]:
        body = code.main_body()
        if body is None or any(c.kind == CK.GOTO_STMT for c in body.walk_preorder()):
            return []
        rewrites = []
        for cursor, parents in code.nodes:
            if cursor.kind != CK.VAR_DECL or not parents or parents[-1].kind != CK.DECL_STMT:
                continue
            if not (body.extent.start.offset < cursor.extent.start.offset < body.extent.end.offset):
                continue
            if any(p.kind in LOOPS or p.kind == CK.LAMBDA_EXPR for p in parents[1:]):
                continue
            rewrite = self._rewrite(code, cursor, parents[-1])
            if rewrite is not None:
                rewrites.append(rewrite)
        return rewrites

    def _rewrite(self, code: Code, variable: Cursor, statement: Cursor) -> Rewrite | None:
        declared = [c for c in children(statement) if c.kind == CK.VAR_DECL]
        if len(declared) != 1 or not code.is_written(variable, variable.spelling):
            return None
        if variable.storage_class != ci.StorageClass.NONE or is_static_storage(variable):
            return None
        words = set(re.findall(r"[A-Za-z_]\w*", code.text(statement)))
        if words & {"thread_local", "constexpr", "static", "extern", "register"}:
            return None
        expressions = [c for c in children(variable) if c.kind.is_expression()]
        if not expressions or not self._zeros(expressions[-1]):
            return None
        initializer, sizes = expressions[-1], expressions[:-1]
        size = self._bytes(variable.type, sizes)
        if size is None or size < MIN_BYTES:
            return None
        # Cut the initializer and the `=` before it.
        cut = initializer.extent.start.offset
        while cut > variable.location.offset and code.source[cut - 1 : cut] in b" \t=\r\n":
            cut -= 1
        if cut <= variable.location.offset:
            return None
        start = statement.extent.start.offset
        edits = [
            Edit(start, start, "static "),
            Edit(cut, initializer.extent.end.offset, ""),
        ]
        line = variable.extent.start.line
        return Rewrite(tuple(edits), f"{variable.spelling} (line {line})", ((line, line),))

    @staticmethod
    def _bytes(type_: ci.Type, sizes: list[Cursor]) -> int | None:
        """The array's size in bytes when its elements are numbers, enums or pointers and
        each dimension (`sizes`) is a constant."""
        dimensions = 0
        type_ = type_.get_canonical()
        while type_.kind in ARRAYS:
            dimensions += 1
            type_ = type_.element_type.get_canonical()
        if type_.kind not in ARITHMETIC and type_.kind not in (TK.ENUM, TK.POINTER):
            return None
        if dimensions == 0 or dimensions != len(sizes) or type_.get_size() <= 0:
            return None
        total = int(type_.get_size())
        for size in sizes:
            value = integer_value(size)
            if value is None or value <= 0:
                return None  # (libclang cannot parse an initialized variable-length array)
            total *= value
        return total

    def _zeros(self, initializer: Cursor) -> bool:
        """A brace list (possibly nested) of zero constants, or an empty one."""
        while initializer.kind in TRANSPARENT and len(children(initializer)) == 1:
            initializer = children(initializer)[0]
        if initializer.kind != CK.INIT_LIST_EXPR:
            return False
        for element in children(initializer):
            inner = element
            while inner.kind in TRANSPARENT and len(children(inner)) == 1:
                inner = children(inner)[0]
            if inner.kind == CK.INIT_LIST_EXPR:
                if not self._zeros(inner):
                    return False
            elif integer_value(inner) != 0 or inner.kind not in (
                CK.INTEGER_LITERAL,
                CK.CXX_BOOL_LITERAL_EXPR,
                CK.CHARACTER_LITERAL,
            ):
                return False
        return True

    def describe(self, rewrites: Sequence[Rewrite]) -> str:
        names = ", ".join(r.what for r in rewrites)
        return f"make {names} static, zeroed by the loader instead of cleared on every run"
