"""The `range-for-copy` rule: iterate over strings and containers by const reference instead
of copying each element.

The class docstring says when the rewrite is safe and how that is proved.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from clang.cindex import CursorKind as CK
from clang.cindex import TypeKind as TK

from pie_lsp.models.rules.base import Rule
from pie_lsp.models.rules.code import Code
from pie_lsp.models.rules.cursors import CONTAINER, Cursor, canonical, children, key, strip
from pie_lsp.models.rules.edits import Edit, Rewrite

# The variables a range-for declares for itself (__range1, __begin1, __end1).
IMPLICIT = re.compile(r"__(range|begin|end)\d+")


class RangeForCopy(Rule):
    """`for (auto s : words)` copies every string (or row, or adjacency list) it visits:
    an allocation and a copy per element. `const auto& s` reads the element in place.
    The two differ only if the element changes while the body runs (the copy would not
    see it) or the body changes its copy (then the const version does not compile, and
    the rewrite is dropped: the compiler is the oracle for that half). The element cannot
    change when the body does not name the container, calls none of this file's functions
    (nor lambdas), and names no pointer or reference that could reach the container or an
    element. Only a plain variable as the range, and only elements that are strings or
    standard containers (copying anything else is cheap)."""

    name = "range-for-copy"
    summary = "iterate over strings and containers by const reference instead of copying each"
    triggers = re.compile(r"for\s*\([^;]*:")
    compile_checked = True

    def find(self, code: Code) -> list[Rewrite]:
        rewrites = []
        for loop, _ in code.nodes:
            if loop.kind != CK.CXX_FOR_RANGE_STMT or not code.is_written(loop, "for"):
                continue
            parts = children(loop)
            if len(parts) != 3 or parts[0].kind != CK.VAR_DECL:
                continue
            variable, source, body = parts[0], strip(parts[1]), parts[2]
            element = variable.type.get_canonical()
            if element.kind != TK.RECORD or not CONTAINER.match(canonical(element)):
                continue
            edit = self._edit(code, variable)
            if edit is None or not self._unchanged_while_visited(code, variable, source, body):
                continue
            rewrites.append(
                Rewrite(
                    (edit,),
                    f"{variable.spelling} (line {loop.extent.start.line})",
                    ((loop.extent.start.line, loop.extent.end.line),),
                )
            )
        return rewrites

    @staticmethod
    def _edit(code: Code, variable: Cursor) -> Edit | None:
        """`auto s` → `const auto& s` (`string s`, `const string s` alike)."""
        spelling = variable.spelling
        if not spelling or not code.is_written(variable, spelling):
            return None
        start, name_at = variable.extent.start.offset, variable.location.offset
        type_text = code.source[start:name_at].decode("utf-8", "replace").strip()
        if not type_text or any(c in type_text for c in "&*[(,;:"):
            return None
        constness = "" if re.match(r"const\b", type_text) else "const "
        return Edit(start, name_at, f"{constness}{type_text}& ")

    @staticmethod
    def _unchanged_while_visited(
        code: Code, variable: Cursor, source: Cursor, body: Cursor
    ) -> bool:
        container = source.referenced
        if (
            source.kind != CK.DECL_REF_EXPR
            or container is None
            or container.kind not in (CK.VAR_DECL, CK.PARM_DECL)
        ):
            return False
        container_key = key(container)
        start, end = body.extent.start.offset, body.extent.end.offset
        if any(
            start <= cursor.location.offset < end for cursor, _ in code.uses.get(container_key, [])
        ):
            return False  # the body names the container
        if code.called_functions([body]):
            return False  # the user's code (or a lambda) could change it
        container_type = canonical(container.type.get_canonical())
        if container.type.get_canonical().kind in (TK.LVALUEREFERENCE, TK.RVALUEREFERENCE):
            container_type = canonical(container.type.get_canonical().get_pointee())
        element_type = canonical(variable.type.get_canonical())
        for other_key, other in code.named_variables([body]).items():
            if other_key == container_key:
                return False
            if IMPLICIT.fullmatch(other.spelling) and other.spelling not in code.text_str:
                continue  # an inner range-for's own iterator: it reads what the body reads
            if code.holds(other.type, container_type, via_pointer_only=True) or (
                code.holds(other.type, element_type, via_pointer_only=True)
            ):
                return False
        return True

    def describe(self, rewrites: Sequence[Rewrite]) -> str:
        names = ", ".join(r.what for r in rewrites)
        return f"visit {names} by const reference instead of copying every element"
