"""The `hoist-loop-bound` rule: compute a strlen()/size()/sqrt() loop bound once instead of
on every iteration.

The class docstring says when the rewrite is safe and how that is proved.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from clang.cindex import CursorKind as CK
from clang.cindex import TypeKind as TK

from pie_lsp.models.rules.base import Rule
from pie_lsp.models.rules.code import Code
from pie_lsp.models.rules.cursors import (
    ARITHMETIC,
    CASTS,
    TRANSPARENT,
    Cursor,
    canonical,
    children,
    is_reference,
    key,
    operator,
    same,
    strip,
)
from pie_lsp.models.rules.edits import Edit, Rewrite


class HoistLoopBound(Rule):
    """`i < strlen(s)` rescans the string on every iteration (quadratic); `i < v.size()`
    reloads the size. When the loop provably cannot change the bound, compute it once:
    `{ const auto pie_bound_1 = strlen(s); for (...; i < pie_bound_1; ...) ... }` (same
    type, so the comparison is unchanged). "Provably" means: every use of `s`/`v` in the
    loop only reads it (for strlen, not even its characters are written), nothing in the
    loop names a pointer or reference that could reach it, and no function the loop calls
    touches it (when it is a global). `i <= sqrt(n)` computes a square root every time
    (GCC keeps the call: sqrt may set errno): for a number `n`, every use of it in the
    loop must be a read (an implicit lvalue-to-rvalue conversion, or a by-value
    argument), and nothing in the loop may point to a number of its type."""

    name = "hoist-loop-bound"
    summary = "compute a strlen()/size()/sqrt() loop bound once instead of on every iteration"
    triggers = re.compile(r"\b(strlen|size|length|sqrt)\b")
    version = 2  # 2: sqrt(n) bounds
    # Member functions that never change a container's size (element writes are fine).
    SIZE_SAFE = frozenset(
        {
            "size",
            "length",
            "empty",
            "at",
            "front",
            "back",
            "begin",
            "end",
            "cbegin",
            "cend",
            "rbegin",
            "rend",
            "crbegin",
            "crend",
            "data",
            "c_str",
            "find",
            "rfind",
            "find_first_of",
            "find_last_of",
            "find_first_not_of",
            "find_last_not_of",
            "substr",
            "compare",
            "count",
            "max_size",
            "capacity",
        }
    )
    SEQUENCES = re.compile(r"std::(vector|basic_string|deque)<")

    def find(self, code: Code) -> list[Rewrite]:
        rewrites = []
        names: set[str] = set()
        for loop, _ in code.for_loops():
            parts = self._parts(code, loop)
            if parts is None:
                continue
            condition, others = parts
            found = self._bound(code, condition)
            if found is None:
                continue
            bound, target, reads_characters = found
            if loop.extent.start.offset <= target.location.offset < loop.extent.end.offset:
                continue  # declared in the loop: not in scope before it
            region = [c for c in others if not same(c, bound)]
            end = self._end(code, loop)
            if end is None or not self._invariant(
                code, loop, bound, region, target=target, reads_characters=reads_characters
            ):
                continue
            name = code.fresh_name("pie_bound", names)
            bound_text = code.text(bound)
            start = loop.extent.start.offset
            rewrites.append(
                Rewrite(
                    (
                        Edit(start, start, f"{{ const auto {name} = {bound_text}; "),
                        Edit(bound.extent.start.offset, bound.extent.end.offset, name),
                        Edit(end, end, " }"),
                    ),
                    bound_text,
                )
            )
        return rewrites

    @staticmethod
    def _parts(code: Code, loop: Cursor) -> tuple[Cursor, list[Cursor]] | None:
        """The condition (a comparison) and the other children of a for statement. libclang
        omits absent parts, so children are placed by the `;` tokens of the header."""
        start = loop.extent.start.offset
        opening = code.next_token(start + 3)
        if opening is None or opening[1] != "(":
            return None
        depth, separators, position = 0, [], opening[0]
        while True:
            token = code.next_token(position)
            if token is None:
                return None
            position, text = token
            if text in ("(", "[", "{"):
                depth += 1
            elif text in (")", "]", "}"):
                depth -= 1
            elif text == ";" and depth == 1:
                separators.append(position)
            if depth == 0:
                break
            position += len(text)
        if len(separators) != 2:
            return None
        condition = [
            c for c in children(loop) if separators[0] < c.extent.start.offset < separators[1]
        ]
        if (
            len(condition) != 1
            or condition[0].kind != CK.BINARY_OPERATOR
            or operator(condition[0]) not in ("<", "<=", ">", ">=", "!=")
        ):
            return None
        others = [c for c in children(loop) if not same(c, condition[0])]
        return condition[0], others + children(condition[0])

    def _bound(self, code: Code, condition: Cursor) -> tuple[Cursor, Cursor, bool] | None:
        """The side of the comparison computing a bound from one size()/strlen() call:
        (that side, the variable measured, whether the bound depends on its characters)."""
        found = []
        for side in children(condition):
            calls: list[tuple[Cursor, bool]] = []
            if self._bound_expression(code, side, calls) and len(calls) == 1:
                found.append((side, *calls[0]))
        return found[0] if len(found) == 1 else None

    def _bound_expression(
        self, code: Code, cursor: Cursor, calls: list[tuple[Cursor, bool]]
    ) -> bool:
        """Literals, casts and arithmetic around size()/length()/strlen() calls (collected)."""
        kind = cursor.kind
        if (
            kind in TRANSPARENT
            or kind in CASTS
            or (kind == CK.BINARY_OPERATOR and operator(cursor) in ("+", "-", "*", "/"))
        ):
            inner = [c for c in children(cursor) if c.kind != CK.TYPE_REF]
            return bool(inner) and all(self._bound_expression(code, c, calls) for c in inner)
        if kind == CK.INTEGER_LITERAL:
            return True
        if (
            kind != CK.CALL_EXPR
            or cursor.referenced is None
            or not code.from_library(cursor.referenced)
        ):
            return False
        arguments = list(cursor.get_arguments())
        if cursor.spelling in ("size", "length") and not arguments:
            member = children(cursor)
            if (
                len(member) != 1
                or member[0].kind != CK.MEMBER_REF_EXPR
                or not code.is_written(member[0], cursor.spelling)
            ):
                return False
            objects = children(member[0])
            variable = strip(objects[0]) if len(objects) == 1 else None
            if (
                variable is not None
                and variable.kind == CK.DECL_REF_EXPR
                and self._variable(code, variable)
                and self.SEQUENCES.match(
                    canonical(
                        variable.type.get_pointee()
                        if is_reference(variable.type)
                        else variable.type
                    )
                )
            ):
                calls.append((variable.referenced, False))
                return True
            return False
        if cursor.spelling == "sqrt" and len(arguments) == 1:
            variable = strip(arguments[0])
            callee = next((c for c in cursor.walk_preorder() if c.kind == CK.DECL_REF_EXPR), None)
            if (
                callee is not None
                and code.is_written(callee, "sqrt")
                and variable.kind == CK.DECL_REF_EXPR
                and self._variable(code, variable)
                and variable.type.get_canonical().kind in ARITHMETIC
            ):
                calls.append((variable.referenced, False))
                return True
            return False
        if cursor.spelling == "strlen" and len(arguments) == 1:
            variable = strip(arguments[0])
            callee = next((c for c in cursor.walk_preorder() if c.kind == CK.DECL_REF_EXPR), None)
            if (
                callee is not None
                and code.is_written(callee, "strlen")
                and variable.kind == CK.DECL_REF_EXPR
                and self._variable(code, variable)
                and variable.referenced.kind == CK.VAR_DECL
                and variable.type.get_canonical().kind == TK.CONSTANTARRAY
                and canonical(variable.type.get_canonical().element_type) == "char"
            ):
                calls.append((variable.referenced, True))
                return True
        return False

    @staticmethod
    def _variable(code: Code, reference: Cursor) -> bool:
        referenced = reference.referenced
        return (
            referenced is not None
            and referenced.kind in (CK.VAR_DECL, CK.PARM_DECL)
            and code.is_written(reference, reference.spelling)
        )

    def _invariant(
        self,
        code: Code,
        loop: Cursor,
        bound: Cursor,
        region: list[Cursor],
        *,
        target: Cursor,
        reads_characters: bool,
    ) -> bool:
        """Whether the loop (all but its bound) cannot change the bound's variable."""
        target_key = key(target)
        scalar = target.type.get_canonical().kind in ARITHMETIC
        bound_start, bound_end = bound.extent.start.offset, bound.extent.end.offset
        for cursor, parents in code.uses.get(target_key, []):
            if not any(same(p, loop) for p in parents):
                continue
            if bound_start <= cursor.location.offset < bound_end:
                continue  # the bound itself
            if not self._reads(code, cursor, parents, reads_characters, scalar=scalar):
                return False
        reached = code.statics_named_by(code.called_functions(region))
        if target_key in reached:
            return False  # a global the loop's functions may change
        # Another name for it: a pointer or reference (for a reference variable, anything
        # that may contain what it refers to). For a char array, any pointer to char.
        if reads_characters:
            target_type, via_pointer_only = "char", True
        elif is_reference(target.type):
            target_type = canonical(target.type.get_canonical().get_pointee())
            via_pointer_only = False
        else:
            target_type, via_pointer_only = canonical(target.type), True
        others = {**code.named_variables(region), **reached}
        return not any(
            variable_key != target_key
            and code.holds(variable.type, target_type, via_pointer_only=via_pointer_only)
            for variable_key, variable in others.items()
        )

    def _reads(
        self,
        code: Code,
        cursor: Cursor,
        parents: Sequence[Cursor],
        reads_characters: bool,
        *,
        scalar: bool = False,
    ) -> bool:
        """Whether this use of the bound's variable cannot change the bound."""
        parent, child, index = code.enclosing(cursor, parents)
        if parent is None:
            return False
        if scalar:  # a number (sqrt(n)): read through an implicit conversion, or by value
            if parents and parents[-1].kind == CK.UNEXPOSED_EXPR:
                return True  # an lvalue-to-rvalue (or const-adding) implicit cast
            return parent.kind == CK.CALL_EXPR and code.passes_read_only(parent, child)
        if reads_characters:  # a char array: not even a character may change
            if parent.kind == CK.ARRAY_SUBSCRIPT_EXPR and same(children(parent)[0], child):
                return self._element_read(code, parent, parents[:index])
            return parent.kind == CK.CALL_EXPR and code.passes_read_only(
                parent, child, printf_like=True
            )
        if parent.kind == CK.MEMBER_REF_EXPR:
            method = parent.referenced
            return (
                method is not None
                and method.kind == CK.CXX_METHOD
                and (method.spelling in self.SIZE_SAFE)
            )
        if parent.kind == CK.CALL_EXPR and parent.spelling == "operator[]":
            arguments = list(parent.get_arguments())
            return bool(arguments) and same(arguments[0], child)
        if parent.kind == CK.CXX_FOR_RANGE_STMT:
            return True
        if parent.kind == CK.CALL_EXPR:
            return code.passes_read_only(parent, child)
        return False

    @staticmethod
    def _element_read(code: Code, element: Cursor, parents: Sequence[Cursor]) -> bool:
        """`s[i]` whose value is only read: converted (an implicit lvalue-to-rvalue cast,
        which libclang shows as UNEXPOSED_EXPR) or passed by value / const reference."""
        child = element
        for parent in reversed(parents):
            if parent.kind == CK.PAREN_EXPR:
                child = parent
                continue
            if parent.kind == CK.UNEXPOSED_EXPR:
                return True
            return parent.kind == CK.CALL_EXPR and code.passes_read_only(parent, child)
        return False

    @staticmethod
    def _end(code: Code, loop: Cursor) -> int | None:
        """The offset just past the loop, including the `;` that ends its last statement
        (libclang extents of expression statements stop before it)."""
        last = loop
        while last.kind in (
            CK.FOR_STMT,
            CK.WHILE_STMT,
            CK.CXX_FOR_RANGE_STMT,
            CK.IF_STMT,
            CK.SWITCH_STMT,
            CK.LABEL_STMT,
            CK.CASE_STMT,
            CK.DEFAULT_STMT,
            CK.CXX_TRY_STMT,
            CK.CXX_CATCH_STMT,
        ):
            inner = children(last)
            if not inner:
                return None
            last = inner[-1]
        end = int(loop.extent.end.offset)
        if last.extent.end.offset != end:
            return None
        if last.kind in (CK.COMPOUND_STMT, CK.NULL_STMT, CK.DECL_STMT):
            return end if code.source[end - 1 : end] in (b"}", b";") else None
        token = code.next_token(end)
        return token[0] + 1 if token is not None and token[1] == ";" else None

    def describe(self, rewrites: Sequence[Rewrite]) -> str:
        bounds = ", ".join(dict.fromkeys(r.what for r in rewrites))
        return f"compute the loop bound {bounds} once before the loop instead of on every iteration"
