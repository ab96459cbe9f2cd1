"""The `hoist-invariant-call` rule: compute count/find/accumulate/min_element/max_element
over a range the loop does not change once, before the loop.

The class docstring says when the rewrite is safe and how that is proved.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from clang.cindex import CursorKind as CK

from pie_lsp.models.rules.base import Rule
from pie_lsp.models.rules.code import Code
from pie_lsp.models.rules.cursors import (
    ARITHMETIC,
    FUNCTIONS,
    LITERALS,
    Cursor,
    Key,
    canonical,
    is_reference,
    key,
    same,
    strip,
)
from pie_lsp.models.rules.edits import Edit, Rewrite
from pie_lsp.models.rules.hoist_loop_bound import HoistLoopBound

LOOPS = frozenset({CK.FOR_STMT, CK.WHILE_STMT, CK.DO_STMT, CK.CXX_FOR_RANGE_STMT})


class HoistInvariantCall(Rule):
    """`if (a[i] == *max_element(a.begin(), a.end()))` inside a loop over `a` scans the
    whole range on every iteration: quadratic work for a value that never changes. When
    the loop cannot change the range or the value sought, the call is made once before
    the loop: `{ const auto pie_hoist_1 = max_element(a.begin(), a.end()); for (...) ...
    *pie_hoist_1 ... }` (the same type; an iterator stays valid since nothing changes the
    container; only the call moves, a dereference stays where it was).

    The proof: the call is the library's count, find (3 arguments), accumulate (3) or
    min_element/max_element (2) over `c.begin(), c.end()` of a variable declared outside
    the loop, with a literal or an outside number variable as its last argument; in the
    loop, every other mention of the container only reads it (an element read, size,
    empty, or begin/end handed to one of these read-only algorithms) and every mention of
    the number is a read; nothing in the loop names a pointer or reference that could
    reach either, and no function the loop calls names them (globals). The call now also
    runs when the loop body would not have reached it: these algorithms only read a valid
    range, so that is harmless (an accumulate that would overflow is the one case, and it
    overflows only on sums the program's types cannot hold anyway)."""

    name = "hoist-invariant-call"
    summary = (
        "compute count/find/accumulate/min_element/max_element over a range the loop does "
        "not change once, before the loop"
    )
    triggers = re.compile(r"\b(count|find|accumulate|max_element|min_element)\b")
    compile_checked = True
    version = 2  # 2: an iterator compared with v.end() no longer counts as changing v
    ARITY: ClassVar[dict[str, int]] = {
        "count": 3,
        "find": 3,
        "accumulate": 3,
        "max_element": 2,
        "min_element": 2,
    }
    # Library calls that only read through the iterators they are given.
    READERS = frozenset(
        {
            *ARITY,
            "count_if",
            "find_if",
            "binary_search",
            "lower_bound",
            "upper_bound",
            "equal_range",
            "all_of",
            "any_of",
            "none_of",
            "minmax_element",
            "equal",
            "mismatch",
            "search",
            "is_sorted",
            # comparing an iterator (`find(...) != v.end()`) reads nothing through it
            "operator==",
            "operator!=",
        }
    )
    READ_METHODS = frozenset({"size", "length", "empty", "max_size", "capacity"})
    CALLEE = re.compile(r"(::\s*)?(std\s*::\s*)?(count|find|accumulate|max_element|min_element)")

    def find(self, code: Code) -> list[Rewrite]:
        rewrites = []
        names: set[str] = set()
        for call, parents in code.nodes:
            if call.kind != CK.CALL_EXPR or call.spelling not in self.ARITY:
                continue
            found = self._hoistable(code, call, parents)
            if found is None:
                continue
            loop = found
            end = HoistLoopBound._end(code, loop)
            if end is None:
                continue
            name = code.fresh_name("pie_hoist", names)
            text = code.text(call)
            start = loop.extent.start.offset
            rewrites.append(
                Rewrite(
                    (
                        Edit(start, start, f"{{ const auto {name} = {text}; "),
                        Edit(call.extent.start.offset, call.extent.end.offset, name),
                        Edit(end, end, " }"),
                    ),
                    re.sub(r"\s+", " ", text),
                    ((loop.extent.start.line, loop.extent.end.line),),
                )
            )
        return rewrites

    def _hoistable(self, code: Code, call: Cursor, parents: Sequence[Cursor]) -> Cursor | None:
        """The loop `call` can be hoisted out of, or None."""
        decl = call.referenced
        arguments = list(call.get_arguments())
        callee = next((c for c in call.walk_preorder() if c.kind == CK.DECL_REF_EXPR), None)
        if (
            decl is None
            or not code.from_library(decl)
            or len(arguments) != self.ARITY[call.spelling]
            or callee is None
            or not code.is_written(callee, call.spelling)
            or not self.CALLEE.match(code.text(call))
        ):
            return None
        loop_index = next(
            (i for i in range(len(parents) - 1, -1, -1) if parents[i].kind in LOOPS), None
        )
        if loop_index is None or any(p.kind in FUNCTIONS for p in parents[loop_index:]):
            return None  # not in a loop, or inside a lambda in the loop
        loop = parents[loop_index]
        if not code.is_written(loop) or not self._in_body(call, loop):
            return None
        container = self._range(code, arguments[0], arguments[1])
        if container is None or self._inside(container, loop):
            return None
        value = strip(arguments[2]) if len(arguments) == 3 else None
        number: Cursor | None = None
        if value is not None and value.kind not in LITERALS:
            number = value.referenced if value.kind == CK.DECL_REF_EXPR else None
            if (
                number is None
                or number.kind not in (CK.VAR_DECL, CK.PARM_DECL)
                or number.type.get_canonical().kind not in ARITHMETIC
                or self._inside(number, loop)
            ):
                return None
        if not self._container_read_only(code, container, loop, call):
            return None
        if number is not None and not self._number_read_only(code, number, loop):
            return None
        targets: dict[Key, tuple[Cursor, str]] = {
            key(container): (container, self._pointee(container))
        }
        if number is not None:
            targets[key(number)] = (number, canonical(number.type.get_canonical()))
        reached = code.statics_named_by(code.called_functions([loop]))
        if any(target in reached for target in targets):
            return None  # a global the loop's functions may change
        others = {**code.named_variables([loop]), **reached}
        for other_key, other in others.items():
            for target_key, (_, type_name) in targets.items():
                if other_key != target_key and code.holds(
                    other.type, type_name, via_pointer_only=True
                ):
                    return None
        return loop

    @staticmethod
    def _pointee(variable: Cursor) -> str:
        type_ = variable.type.get_canonical()
        return canonical(type_.get_pointee() if is_reference(type_) else type_)

    @staticmethod
    def _inside(declaration: Cursor, loop: Cursor) -> bool:
        return bool(
            loop.extent.start.offset <= declaration.location.offset < loop.extent.end.offset
        )

    @staticmethod
    def _in_body(call: Cursor, loop: Cursor) -> bool:
        """In the loop's body (its last child), not its header."""
        body = list(loop.get_children())[-1]
        return bool(
            body.extent.start.offset <= call.extent.start.offset
            and call.extent.end.offset <= body.extent.end.offset
        )

    @staticmethod
    def _range(code: Code, first: Cursor, last: Cursor) -> Cursor | None:
        """The variable `c` of `c.begin(), c.end()`."""
        found = []
        for argument, method in ((first, "begin"), (last, "end")):
            call = strip(argument)
            member = next(iter(call.get_children()), None) if call.kind == CK.CALL_EXPR else None
            if (
                member is None
                or member.kind != CK.MEMBER_REF_EXPR
                or member.spelling != method
                or list(call.get_arguments())
            ):
                return None
            objects = list(member.get_children())
            target = strip(objects[0]) if len(objects) == 1 else None
            if (
                target is None
                or target.kind != CK.DECL_REF_EXPR
                or target.referenced is None
                or target.referenced.kind not in (CK.VAR_DECL, CK.PARM_DECL)
                or not code.is_written(target, target.spelling)
            ):
                return None
            found.append(target.referenced)
        if key(found[0]) != key(found[1]):
            return None
        return found[0]

    def _container_read_only(
        self, code: Code, container: Cursor, loop: Cursor, call: Cursor
    ) -> bool:
        for cursor, parents in code.uses.get(key(container), []):
            if not any(p.kind in LOOPS and same(p, loop) for p in parents):
                continue
            if call.extent.start.offset <= cursor.location.offset < call.extent.end.offset:
                continue  # the call itself
            parent, child, index = code.enclosing(cursor, parents)
            if parent is None:
                return False
            if parent.kind == CK.ARRAY_SUBSCRIPT_EXPR:
                if not HoistLoopBound._element_read(code, parent, parents[:index]):
                    return False
            elif parent.kind == CK.CALL_EXPR and parent.spelling in ("operator[]", "at"):
                arguments = list(parent.get_arguments())
                if not arguments or not same(arguments[0], child):
                    return False
                if not HoistLoopBound._element_read(code, parent, parents[:index]):
                    return False
            elif parent.kind == CK.MEMBER_REF_EXPR:
                if parent.spelling in self.READ_METHODS:
                    continue
                if parent.spelling not in ("begin", "end", "cbegin", "cend") or index < 1:
                    return False
                member_call = parents[index - 1]
                reader, _, _ = code.enclosing(member_call, parents[: index - 1])
                if (
                    reader is None
                    or reader.kind != CK.CALL_EXPR
                    or reader.spelling not in self.READERS
                    or reader.referenced is None
                    or not code.from_library(reader.referenced)
                ):
                    return False
            elif parent.kind == CK.CALL_EXPR:
                if not code.passes_read_only(parent, child):
                    return False
            else:
                return False
        return True

    @staticmethod
    def _number_read_only(code: Code, number: Cursor, loop: Cursor) -> bool:
        for cursor, parents in code.uses.get(key(number), []):
            if not any(same(p, loop) for p in parents):
                continue
            if parents and parents[-1].kind == CK.UNEXPOSED_EXPR:
                continue  # an implicit lvalue-to-rvalue conversion: a read
            parent, child, _ = code.enclosing(cursor, parents)
            if parent is None or not (
                parent.kind == CK.CALL_EXPR and code.passes_read_only(parent, child)
            ):
                return False
        return True

    def describe(self, rewrites: Sequence[Rewrite]) -> str:
        calls = ", ".join(dict.fromkeys(r.what for r in rewrites))
        return f"compute {calls} once before the loop instead of on every iteration"
