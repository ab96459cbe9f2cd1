"""The `const-ref-params` rule: pass containers by const reference instead of copying them into
functions.

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
    CASTS,
    CONTAINER,
    FUNCTIONS,
    TEMPLATES,
    Cursor,
    canonical,
    children,
    is_reference,
    is_static_storage,
    key,
    same,
    strip_copy,
)
from pie_lsp.models.rules.edits import Edit, Rewrite


class ConstRefParams(Rule):
    """A container parameter passed by value is copied on every call. `const T&` avoids
    the copy; whether the function modifies the parameter is left to the compiler (the
    const version does not compile then). Skipped when the caller's object could change
    while the function runs (a reference would see it, the copy did not): when the
    function, or what it calls, reaches a global that may hold such an object, when another
    parameter may point to one, when the class has such a field, or when the parameter is
    moved from."""

    name = "const-ref-params"
    summary = "pass containers by const reference instead of copying them into functions"
    triggers = re.compile(r"vector|string|deque|list|map|set|queue|stack")
    compile_checked = True

    def find(self, code: Code) -> list[Rewrite]:
        rewrites = []
        for function, parents in code.nodes:
            if (
                function.kind not in (CK.FUNCTION_DECL, CK.CXX_METHOD)
                or not function.is_definition()
                or function.spelling == "main"
                or any(p.kind in TEMPLATES or p.kind in FUNCTIONS for p in parents)
            ):
                continue
            if function.kind == CK.CXX_METHOD and (
                function.is_virtual_method()
                or function.semantic_parent is None
                or function.semantic_parent.kind not in (CK.STRUCT_DECL, CK.CLASS_DECL)
            ):
                continue
            declarations = code.declarations.get(key(function), [])
            if not declarations or not all(code.in_main_file(d) for d in declarations):
                continue
            parameters = list(function.get_arguments())
            for index, parameter in enumerate(parameters):
                if not self._candidate(code, function, parameters, index):
                    continue
                edits = [self._edit(code, list(d.get_arguments()), index) for d in declarations]
                if all(edit is not None for edit in edits):
                    rewrites.append(
                        Rewrite(
                            tuple(edit for edit in edits if edit is not None),
                            f"{parameter.spelling} in {function.spelling}()",
                            tuple((d.extent.start.line, d.extent.end.line) for d in declarations),
                        )
                    )
        return rewrites

    def _candidate(
        self, code: Code, function: Cursor, parameters: list[Cursor], index: int
    ) -> bool:
        parameter = parameters[index]
        type_ = parameter.type.get_canonical()
        target = canonical(type_)
        if type_.kind != TK.RECORD or not (
            CONTAINER.match(target)
            or (re.match(r"std::(pair|tuple)<", target) and CONTAINER.search(target))
        ):
            return False
        if not parameter.spelling or not code.is_written(parameter, parameter.spelling):
            return False
        # aliasing: could the caller's object be reached, and changed, another way?
        if any(
            other != index
            and code.holds(parameters[other].type, target, via_pointer_only=True)
            and not self._distinct_arguments(code, function, index, other)
            for other in range(len(parameters))
        ):
            return False
        if function.kind == CK.CXX_METHOD and any(
            code.holds(field.type, target, via_pointer_only=False)
            for field in children(function.semantic_parent)
            if field.kind == CK.FIELD_DECL
        ):
            return False
        if any(
            code.holds(var.type, target, via_pointer_only=False)
            for var in code.reachable_statics([function]).values()
        ):
            return False
        return not self._moved(code, parameter) and not self._changed_by_caller(code, function)

    @staticmethod
    def _distinct_arguments(code: Code, function: Cursor, mine: int, theirs: int) -> bool:
        """Whether every call passes, for parameter `theirs` (a reference or pointer), an
        object that cannot be the one passed for `mine`: a local variable of the caller
        (or f's own parameter passed on in place, in a recursive call)."""
        function_key = key(function)

        def local(argument: Cursor, position: int, *, parameters_too: bool) -> bool:
            variable = argument.referenced if argument.kind == CK.DECL_REF_EXPR else None
            if variable is None or variable.kind not in (CK.VAR_DECL, CK.PARM_DECL):
                return False
            if variable.kind == CK.PARM_DECL and key(variable.semantic_parent) == function_key:
                own = list(function.get_arguments())
                return position < len(own) and same(own[position], variable)
            return (
                not is_static_storage(variable)
                and not is_reference(variable.type)
                and (parameters_too or variable.kind == CK.VAR_DECL)
            )

        for cursor, parents in code.uses.get(function_key, []):
            call, _, _ = code.enclosing(cursor, parents)
            if (
                call is None
                or call.kind != CK.CALL_EXPR
                or call.referenced is None
                or key(call.referenced) != function_key
            ):
                return False  # the function escapes (address taken): calls are unknown
            arguments = [strip_copy(a) for a in call.get_arguments()]
            if max(mine, theirs) >= len(arguments):
                return False
            ours, other = arguments[mine], arguments[theirs]
            if not (
                local(ours, mine, parameters_too=True)
                and local(other, theirs, parameters_too=False)
                and key(ours.referenced) != key(other.referenced)
            ):
                return False
        return True

    @staticmethod
    def _moved(code: Code, parameter: Cursor) -> bool:
        """Moved from (std::move/forward or a cast to T&&): the copy would be emptied; the
        const version would still compile (moving a const object copies it)."""
        for cursor, parents in code.uses.get(key(parameter), []):
            parent, _, _ = code.enclosing(cursor, parents)
            if parent is None:
                continue
            if parent.kind == CK.CALL_EXPR and parent.spelling in ("move", "forward"):
                return True
            if parent.kind in CASTS and parent.type.get_canonical().kind == TK.RVALUEREFERENCE:
                return True
        return False

    @staticmethod
    def _changed_by_caller(code: Code, function: Cursor) -> bool:
        """A call whose arguments have side effects: with a reference the function could
        see an argument after another argument's evaluation changed it."""
        for cursor, parents in code.uses.get(key(function), []):
            call, _, _ = code.enclosing(cursor, parents)
            if (
                call is not None
                and call.kind == CK.CALL_EXPR
                and any(code.has_side_effects(argument) for argument in call.get_arguments())
            ):
                return True
        return False

    @staticmethod
    def _edit(code: Code, parameters: list[Cursor], index: int) -> Edit | None:
        """`vector<int> v` → `const vector<int>& v` in one declaration of the function."""
        if index >= len(parameters):
            return None
        parameter = parameters[index]
        start = parameter.extent.start.offset
        constness = "" if parameter.type.is_const_qualified() else "const "
        if not parameter.spelling:  # unnamed, in a prototype: `vector<int>`
            type_text = code.text(parameter).strip()
            if not type_text or any(c in type_text for c in "=[("):
                return None
            return Edit(start, parameter.extent.end.offset, f"{constness}{type_text}&")
        name_at = parameter.location.offset
        if not code.is_written(parameter, parameter.spelling) or name_at <= start:
            return None
        type_text = code.source[start:name_at].decode("utf-8", "replace").rstrip()
        if not type_text or any(c in type_text for c in "&*[(;"):
            return None
        return Edit(start, name_at, f"{constness}{type_text}& ")

    def describe(self, rewrites: Sequence[Rewrite]) -> str:
        return (
            "pass " + ", ".join(r.what for r in rewrites) + " by const reference instead of copying"
        )
