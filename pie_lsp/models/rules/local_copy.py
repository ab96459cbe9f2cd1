"""The `local-copy` rule: bind a local that only reads a copied container to the original
(const reference) instead of copying it.

The class docstring says when the rewrite is safe and how that is proved.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from clang.cindex import CursorKind as CK
from clang.cindex import TypeKind as TK

from pie_lsp.models.rules.base import Rule
from pie_lsp.models.rules.code import Code
from pie_lsp.models.rules.const_ref_params import ConstRefParams
from pie_lsp.models.rules.cursors import (
    CONTAINER,
    Cursor,
    canonical,
    children,
    is_reference,
    key,
    strip,
    strip_copy,
)
from pie_lsp.models.rules.edits import Rewrite
from pie_lsp.models.rules.range_for_copy import IMPLICIT, RangeForCopy


class LocalCopy(Rule):
    """`vector<int> row = grid[i];` or `string t = s;` copies a whole container into a
    local that, often, is only read. `const vector<int>& row = grid[i];` reads the
    original in place. The two differ only if the local is changed (then the const
    version does not compile and the rewrite is dropped), moved from (checked: declined),
    or the original changes while the local is in scope. The original is a variable (or
    an element `x[i]` of one) of exactly the local's type; in the rest of the block after
    the declaration nothing names that variable, no function of this file (or lambda) is
    called, and no pointer or reference could reach it. The variable is declared outside
    that block or before the local, so it outlives the reference."""

    name = "local-copy"
    summary = "bind read-only local copies of containers to the original by const reference"
    triggers = re.compile(r"vector|string|map|set|deque")
    compile_checked = True

    def find(self, code: Code) -> list[Rewrite]:
        rewrites = []
        for variable, parents in code.nodes:
            if (
                variable.kind != CK.VAR_DECL
                or len(parents) < 2
                or parents[-1].kind != CK.DECL_STMT
                or parents[-2].kind != CK.COMPOUND_STMT
                or len(children(parents[-1])) != 1
                or variable.storage_class.name == "STATIC"
            ):
                continue
            type_ = variable.type.get_canonical()
            if type_.kind != TK.RECORD or not CONTAINER.match(canonical(type_)):
                continue
            root = self._source(code, variable)
            if root is None:
                continue
            block, statement = parents[-2], parents[-1]
            rest = [
                c for c in children(block) if c.extent.start.offset >= statement.extent.end.offset
            ]
            if not self._unchanged(code, variable, root, rest, statement, block):
                continue
            edit = RangeForCopy._edit(code, variable)
            if edit is None or ConstRefParams._moved(code, variable):
                continue
            rewrites.append(
                Rewrite(
                    (edit,),
                    f"{variable.spelling} (line {variable.extent.start.line})",
                    ((variable.extent.start.line, block.extent.end.line),),
                )
            )
        return rewrites

    @staticmethod
    def _source(code: Code, variable: Cursor) -> Cursor | None:
        """The variable whose container (or element) the local is initialised from."""
        values = [
            c
            for c in children(variable)
            if c.kind not in (CK.TYPE_REF, CK.TEMPLATE_REF, CK.NAMESPACE_REF)
        ]
        if len(values) != 1:
            return None
        source = strip_copy(values[0])
        if canonical(source.type.get_canonical()) != canonical(variable.type.get_canonical()):
            return None
        if source.kind == CK.CALL_EXPR and source.spelling == "operator[]":
            arguments = list(source.get_arguments())
            if (
                len(arguments) != 2
                or source.referenced is None
                or not code.from_library(source.referenced)
                or not code.is_pure(arguments[1])
                or not re.match(r"std::(vector|deque|array)<", canonical(strip(arguments[0]).type))
            ):
                return None
            source = strip(arguments[0])
        elif source.kind == CK.ARRAY_SUBSCRIPT_EXPR:
            base, index = children(source)
            if not code.is_pure(index):
                return None
            source = strip(base)
        if source.kind != CK.DECL_REF_EXPR or source.referenced is None:
            return None
        root = source.referenced
        if root.kind not in (CK.VAR_DECL, CK.PARM_DECL) or is_reference(root.type):
            return None
        return root

    @staticmethod
    def _unchanged(
        code: Code,
        variable: Cursor,
        root: Cursor,
        rest: list[Cursor],
        statement: Cursor,
        block: Cursor,
    ) -> bool:
        start, end = statement.extent.end.offset, block.extent.end.offset
        if block.extent.start.offset <= root.location.offset < end and not (
            root.location.offset < statement.extent.start.offset
        ):
            return False  # declared after the local: it would not outlive it
        root_key = key(root)
        if any(start <= c.location.offset < end for c, _ in code.uses.get(root_key, [])):
            return False
        if code.called_functions(rest):
            return False
        targets = (
            canonical(root.type.get_canonical()),
            canonical(variable.type.get_canonical()),
        )
        for other_key, other in code.named_variables(rest).items():
            if other_key in (root_key, key(variable)):
                continue
            if IMPLICIT.fullmatch(other.spelling) and other.spelling not in code.text_str:
                continue
            if any(code.holds(other.type, t, via_pointer_only=True) for t in targets):
                return False
        return True

    def describe(self, rewrites: Sequence[Rewrite]) -> str:
        names = ", ".join(r.what for r in rewrites)
        return f"bind {names} to the original by const reference instead of copying it"
