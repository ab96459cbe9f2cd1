"""The `string-append` rule: append to strings in place (s += x) instead of s = s + x.

The class docstring says when the rewrite is safe and how that is proved.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from clang.cindex import CursorKind as CK

from pie_lsp.models.rules.base import Rule
from pie_lsp.models.rules.code import Code
from pie_lsp.models.rules.cursors import (
    FUNCTIONS,
    STRING,
    Cursor,
    canonical,
    is_reference,
    key,
    strip,
)
from pie_lsp.models.rules.edits import Edit, Rewrite
from pie_lsp.text import count


class StringAppend(Rule):
    """`s = s + x` copies the whole string every time (quadratic when building a string);
    `s += x` appends in place. Chains keep their grouping: `s = s + a + b` is
    `(s + a) + b`, so it becomes `(s += a) += b`, never `s += a + b` (wrong for chars).
    The appended operands must not involve `s` (directly, by reference or by calling the
    user's functions), since `s` now changes between them."""

    name = "string-append"
    summary = "append to strings in place (s += x) instead of s = s + x"
    triggers = re.compile(r"string")

    def find(self, code: Code) -> list[Rewrite]:
        rewrites = []
        for cursor, parents in code.nodes:
            if (
                cursor.kind != CK.CALL_EXPR
                or cursor.spelling != "operator="
                or canonical(cursor.type) != STRING
                or cursor.referenced is None
                or not code.from_library(cursor.referenced)
                or not code.value_unused(cursor, parents)
            ):
                continue
            arguments = list(cursor.get_arguments())
            if len(arguments) != 2:
                continue
            target = strip(arguments[0])
            if not self._target(code, target):
                continue
            operands = self._operands(code, strip(arguments[1]), target)
            if not operands or not all(
                self._safe_operand(code, operand, target) for operand in operands
            ):
                continue
            text = f"{code.text(target)} += {code.text(operands[0])}"
            for operand in operands[1:]:
                text = f"({text}) += {code.text(operand)}"
            extent = cursor.extent
            if not code.text(cursor).startswith(code.text(target)):
                continue
            rewrites.append(
                Rewrite((Edit(extent.start.offset, extent.end.offset, text),), code.text(target))
            )
        return rewrites

    @staticmethod
    def _target(code: Code, target: Cursor) -> bool:
        referenced = target.referenced if target.kind == CK.DECL_REF_EXPR else None
        return (
            referenced is not None
            and referenced.kind in (CK.VAR_DECL, CK.PARM_DECL)
            and code.is_written(target, target.spelling)
        )

    @staticmethod
    def _operands(code: Code, expression: Cursor, target: Cursor) -> list[Cursor]:
        """[a, b] for `s + a + b` (library operator+ all the way down to `s` itself)."""
        operands = []
        while (
            expression.kind == CK.CALL_EXPR
            and expression.spelling == "operator+"
            and expression.referenced is not None
            and code.from_library(expression.referenced)
        ):
            arguments = list(expression.get_arguments())
            if len(arguments) != 2 or not code.text(arguments[1]).strip():
                return []
            operands.append(arguments[1])
            expression = strip(arguments[0])
        if (
            expression.kind != CK.DECL_REF_EXPR
            or expression.referenced is None
            or key(expression.referenced) != key(target.referenced)
            or not code.is_written(expression, expression.spelling)
        ):
            return []
        return operands[::-1]

    @staticmethod
    def _safe_operand(code: Code, operand: Cursor, target: Cursor) -> bool:
        target_key = key(target.referenced)
        target_is_reference = is_reference(target.referenced.type)
        for cursor in operand.walk_preorder():
            referenced = (
                cursor.referenced
                if cursor.kind in (CK.DECL_REF_EXPR, CK.MEMBER_REF_EXPR, CK.CALL_EXPR)
                else None
            )
            if referenced is None:
                continue
            if key(referenced) == target_key:
                return False
            if referenced.kind in FUNCTIONS and code.in_main_file(referenced):
                return False
            if referenced.kind in (CK.VAR_DECL, CK.PARM_DECL, CK.FIELD_DECL) and code.holds(
                referenced.type, STRING, via_pointer_only=not target_is_reference
            ):
                return False
        return True

    def describe(self, rewrites: Sequence[Rewrite]) -> str:
        names = ", ".join(dict.fromkeys(r.what for r in rewrites))
        return (
            f"append to {names} in place with += instead of copying with s = s + … "
            f"(in {count(len(rewrites), 'place')})"
        )
