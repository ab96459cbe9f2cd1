"""The `reserve-vector` rule: reserve a vector's room before a loop that appends to it a
known number of times.

The class docstring says when the rewrite is safe and how that is proved.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from clang.cindex import CursorKind as CK
from clang.cindex import TypeKind as TK

from pie_lsp.models.rules.base import Rule
from pie_lsp.models.rules.code import Code
from pie_lsp.models.rules.cursors import Cursor, canonical, children, key, strip
from pie_lsp.models.rules.edits import Edit, Rewrite
from pie_lsp.models.rules.equal_pairs import EqualPairs

# Ways out of a loop body other than its end: the loop could append fewer times.
EXITS = frozenset(
    {CK.BREAK_STMT, CK.CONTINUE_STMT, CK.RETURN_STMT, CK.GOTO_STMT, CK.CXX_THROW_EXPR}
)


class ReserveVector(Rule):
    """`vector<int> v; for (int i = 0; i < n; i++) v.push_back(x);` grows v by doubling:
    about log n reallocations, each copying every element so far. `v.reserve(n - 0)`
    before the loop allocates once. Reserving changes no element and no size, only the
    capacity, so what the program prints cannot change as long as nothing holds on to
    v's storage and the loop really appends that many times. Proved by: v is a local
    vector declared empty (no initializer) and not mentioned between its declaration
    and the loop (so it is still empty and nothing points into it); the loop
    `for (T i = l; i < n; i++)` sits directly in a block, has `l` and `n` without side
    effects, and its body appends to v with one top-level `v.push_back(…)` or
    `v.emplace_back(…)` statement, contains no break, continue, return, goto or throw,
    and only reads the variables of `l` and `n` and the loop variable. The count is
    computed only when l < n (a negative count would throw)."""

    name = "reserve-vector"
    summary = "reserve a vector's room before a loop that appends to it a known number of times"
    triggers = re.compile(r"\b(push_back|emplace_back)\b")

    def find(self, code: Code) -> list[Rewrite]:
        rewrites = []
        for loop, parents in code.nodes:
            if (
                loop.kind != CK.FOR_STMT
                or not parents
                or parents[-1].kind != CK.COMPOUND_STMT
                or not code.is_written(loop, "for")
            ):
                continue
            parts = EqualPairs._loop(code, loop)
            if parts is None:
                continue
            variable, low, high, body = parts
            if not code.is_pure(low) or not code.is_pure(high):
                continue
            if any(c.kind in EXITS for c in body.walk_preorder()):
                continue
            vector = self._appended(code, body)
            if vector is None or not self._empty_before(code, vector, loop):
                continue
            fixed = [variable] + [
                c.referenced
                for bound in (low, high)
                for c in bound.walk_preorder()
                if c.kind == CK.DECL_REF_EXPR and c.referenced is not None
            ]
            if not all(self._only_read(code, v, body) for v in fixed):
                continue
            low_text, high_text = code.text(low), code.text(high)
            start = loop.extent.start.offset
            text = (
                f"if (({low_text}) < ({high_text})) "
                f"{vector.spelling}.reserve(({high_text}) - ({low_text})); "
            )
            rewrites.append(
                Rewrite(
                    (Edit(start, start, text),),
                    f"{vector.spelling} (line {loop.extent.start.line})",
                )
            )
        return rewrites

    @staticmethod
    def _appended(code: Code, body: Cursor) -> Cursor | None:
        """The vector variable a top-level `v.push_back(…);` of the body appends to."""
        statements = children(body) if body.kind == CK.COMPOUND_STMT else [body]
        for statement in statements:
            call = strip(statement)
            if call.kind != CK.CALL_EXPR or call.spelling not in ("push_back", "emplace_back"):
                continue
            member = children(call)[0] if children(call) else None
            if member is None or member.kind != CK.MEMBER_REF_EXPR:
                continue
            objects = children(member)
            target = strip(objects[0]) if len(objects) == 1 else None
            if (
                target is None
                or target.kind != CK.DECL_REF_EXPR
                or target.referenced is None
                or target.referenced.kind != CK.VAR_DECL
            ):
                continue
            type_ = target.referenced.type
            if type_.get_canonical().kind == TK.RECORD and canonical(
                type_.get_canonical()
            ).startswith("std::vector<"):
                return target.referenced
        return None

    @staticmethod
    def _empty_before(code: Code, vector: Cursor, loop: Cursor) -> bool:
        """Declared without an initializer, as a local, and first mentioned in the loop."""
        parent = vector.semantic_parent
        if parent is None or parent.kind not in (CK.FUNCTION_DECL, CK.CXX_METHOD):
            return False
        if vector.storage_class.name == "STATIC":
            return False  # keeps its contents across calls
        # no initializer and no constructor arguments (the type's own text has none of these)
        if any(mark in code.text(vector) for mark in "=({"):
            return False
        start = loop.extent.start.offset
        uses = code.uses.get(key(vector), [])
        return vector.extent.end.offset <= start and all(
            c.location.offset >= start for c, _ in uses
        )

    @staticmethod
    def _only_read(code: Code, variable: Cursor, body: Cursor) -> bool:
        start, end = body.extent.start.offset, body.extent.end.offset
        for cursor, parents in code.uses.get(key(variable), []):
            if not start <= cursor.location.offset < end:
                continue
            if not (parents and parents[-1].kind == CK.UNEXPOSED_EXPR):
                parent, child, _ = code.enclosing(cursor, parents)
                if parent is None or not (
                    parent.kind == CK.CALL_EXPR and code.passes_read_only(parent, child)
                ):
                    return False
        return True

    def describe(self, rewrites: Sequence[Rewrite]) -> str:
        names = ", ".join(r.what for r in rewrites)
        return f"reserve room in {names} before the loop that fills it"
