"""The `equal-pairs` rule: count pairs of equal elements by sorting a copy instead of
comparing every pair.

The class docstring says when the rewrite is safe and how that is proved.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from clang.cindex import CursorKind as CK
from clang.cindex import TypeKind as TK

from pie_lsp.models.rules.base import Rule
from pie_lsp.models.rules.code import Code
from pie_lsp.models.rules.cursors import (
    CASTS,
    INTEGERS,
    Cursor,
    canonical,
    children,
    counting_for,
    is_reference,
    key,
    names,
    operator,
    strip,
)
from pie_lsp.models.rules.edits import Edit, Rewrite
from pie_lsp.models.rules.hoist_loop_bound import HoistLoopBound
from pie_lsp.models.rules.map_to_unordered import MapToUnordered

STRING = "std::basic_string<char>"


class EqualPairs(Rule):
    """`for (i = 0; i < n; i++) for (j = i + 1; j < n; j++) if (a[i] == a[j]) cnt++;`
    compares all n²/2 pairs. Sorting a copy of a[0..n) and adding k·(k-1)/2 for every run
    of k equal elements counts the same pairs in n log n.

    Matched exactly, and nothing else: the outer loop declares `i = 0`, runs while
    `i < n` (or `i < n - 1`) with `i++`; its body is only the inner loop, which declares
    `j = i + 1`, runs while `j < n` with `j++`; its body is only `if (a[i] == a[j])` (no
    else) around only `cnt++`, `++cnt` or `cnt += 1`. `a` is a plain array or vector
    variable of integers or strings (equality is then a total order's equivalence:
    floating point, whose NaN is not, is left alone); `cnt` is an integer variable that is
    not a reference, `n` has no side effects (a name, arithmetic, or a.size()) and does not
    name `cnt`. The loops then change nothing but `cnt`, so `n` and `a` stay as they were
    and only cnt's final value matters; i and j die with the loops. n ≤ 0 adds nothing,
    as the loops would not run."""

    name = "equal-pairs"
    summary = "count pairs of equal elements by sorting a copy instead of comparing all pairs"
    triggers = re.compile(r"\bfor\b")

    def find(self, code: Code) -> list[Rewrite]:
        rewrites = []
        names: set[str] = set()
        for loop, match, end in matched_loops(code, self._match):
            array, bound, counter, element = match
            n, copy, i, j = (
                code.fresh_name(s, names) for s in ("pie_n", "pie_sorted", "pie_i", "pie_j")
            )
            vector = array.type.get_canonical().kind == TK.RECORD
            begin = f"{array.spelling}.begin()" if vector else array.spelling
            text = (
                f"{{ const long long {n} = {code.text(bound)}; if ({n} > 0) {{ "
                f"std::vector<{element}> {copy}({begin}, {begin} + {n}); "
                f"std::sort({copy}.begin(), {copy}.end()); "
                f"for (std::size_t {i} = 0, {j} = 0; {i} < {copy}.size(); {i} = {j}) {{ "
                f"while ({j} < {copy}.size() && {copy}[{j}] == {copy}[{i}]) {j}++; "
                f"{counter.spelling} += ({j} - {i}) * ({j} - {i} - 1) / 2; }} }} }}"
            )
            rewrites.append(
                Rewrite(
                    (Edit(loop.extent.start.offset, end, text),),
                    f"{array.spelling} (line {loop.extent.start.line})",
                )
            )
        if rewrites:
            include = includes(code, ("algorithm", "vector"))
            if include is None:
                return []
            rewrites[:0] = include
        return rewrites

    def _match(self, code: Code, outer: Cursor) -> tuple[Cursor, Cursor, Cursor, str] | None:
        """(the array, the bound n, the counter, the element type) of the idiom."""
        parts = self._loop(code, outer)
        if parts is None:
            return None
        i, outer_init, outer_bound, outer_body = parts
        if code.text(outer_init).strip() != "0":
            return None
        inner = self._only(outer_body)
        if inner is None or inner.kind != CK.FOR_STMT:
            return None
        inner_parts = self._loop(code, inner)
        if inner_parts is None:
            return None
        j, inner_init, bound, inner_body = inner_parts
        start = strip(inner_init)
        if (
            start.kind != CK.BINARY_OPERATOR
            or operator(start) != "+"
            or sorted(re.sub(r"\s", "", code.text(c)) for c in children(start))
            != sorted([i.spelling, "1"])
        ):
            return None
        spaced = re.sub(r"\s", "", code.text(bound))
        if re.sub(r"\s", "", code.text(outer_bound)) not in (spaced, f"{spaced}-1"):
            return None
        test = self._only(inner_body)
        if test is None or test.kind != CK.IF_STMT or len(children(test)) != 2:
            return None
        condition, then = children(test)
        array = self._equal_elements(code, strip(condition), i, j)
        counter = self._increment(code, self._only(then))
        if array is None or counter is None:
            return None
        if key(counter) in (key(array), key(i), key(j)) or is_reference(counter.type):
            return None
        if not self._bound_ok(code, bound, array, counter):
            return None
        type_ = array.type.get_canonical()
        element = (
            type_.element_type
            if type_.kind == TK.CONSTANTARRAY
            else type_.get_template_argument_type(0)
        )
        if element is None or element.kind == TK.INVALID:
            return None
        element = element.get_canonical()
        spelling = canonical(element)
        if element.kind not in INTEGERS and spelling != STRING:
            return None
        if type_.kind == TK.RECORD and not canonical(type_).startswith("std::vector<"):
            return None
        return array, bound, counter, spelling

    @staticmethod
    def _only(statement: Cursor | None) -> Cursor | None:
        """The statement, or the one statement of a block."""
        while statement is not None and statement.kind == CK.COMPOUND_STMT:
            inner = children(statement)
            statement = inner[0] if len(inner) == 1 else None
        return statement

    @staticmethod
    def _loop(code: Code, loop: Cursor) -> tuple[Cursor, Cursor, Cursor, Cursor] | None:
        """(variable, its initial value, the bound of `variable < bound`, the body) of
        `for (T variable = init; variable < bound; variable++)`."""
        parts = counting_for(loop)
        if parts is None or parts[2] != "<":
            return None
        variable, value, _, bound, body = parts
        return variable, value, bound, body

    @staticmethod
    def _equal_elements(code: Code, condition: Cursor, i: Cursor, j: Cursor) -> Cursor | None:
        """`a` when the condition is `a[i] == a[j]` (or `a[j] == a[i]`)."""
        if condition.kind == CK.BINARY_OPERATOR and operator(condition) == "==":
            sides = children(condition)
        elif condition.kind == CK.CALL_EXPR and condition.spelling == "operator==":
            sides = list(condition.get_arguments())
            if condition.referenced is None or not code.from_library(condition.referenced):
                return None
        else:
            return None
        if len(sides) != 2:
            return None
        found = []
        for side in sides:
            element = code.subscript(side)
            if element is None:
                return None
            found.append(element)
        (a, first), (b, second) = found
        if key(a) != key(b):
            return None
        if {names(first, i), names(second, j)} == {True} or {
            names(first, j),
            names(second, i),
        } == {True}:
            return a
        return None

    @staticmethod
    def _increment(code: Code, statement: Cursor | None) -> Cursor | None:
        """`cnt` of `cnt++;`, `++cnt;` or `cnt += 1;`."""
        if statement is None:
            return None
        increment = statement.kind == CK.UNARY_OPERATOR and operator(statement) == "++"
        add_one = (
            statement.kind == CK.COMPOUND_ASSIGNMENT_OPERATOR
            and operator(statement) == "+="
            and code.text(strip(children(statement)[1])).strip() == "1"
        )
        target = strip(children(statement)[0]) if increment or add_one else None
        if target is None or target.kind != CK.DECL_REF_EXPR or target.referenced is None:
            return None
        counter = target.referenced
        if counter.kind not in (CK.VAR_DECL, CK.PARM_DECL):
            return None
        if counter.type.get_canonical().kind not in INTEGERS - {TK.BOOL}:
            return None
        return counter

    @staticmethod
    def _bound_ok(code: Code, bound: Cursor, array: Cursor, counter: Cursor) -> bool:
        """No side effects and no mention of the counter: a pure expression or a.size()."""
        for cursor in bound.walk_preorder():
            referenced = cursor.referenced if cursor.kind == CK.DECL_REF_EXPR else None
            if referenced is not None and key(referenced) == key(counter):
                return False
        if code.is_pure(bound):
            return True
        size = strip(bound)
        while size.kind in CASTS:
            inner = [c for c in children(size) if c.kind != CK.TYPE_REF]
            if len(inner) != 1:
                return False
            size = strip(inner[0])
        if size.kind != CK.CALL_EXPR or size.spelling != "size" or list(size.get_arguments()):
            return False
        member = children(size)
        if len(member) != 1 or member[0].kind != CK.MEMBER_REF_EXPR:
            return False
        objects = children(member[0])
        target = strip(objects[0]) if len(objects) == 1 else None
        return bool(
            target is not None
            and target.kind == CK.DECL_REF_EXPR
            and target.referenced is not None
            and key(target.referenced) == key(array)
        )

    def describe(self, rewrites: Sequence[Rewrite]) -> str:
        names = ", ".join(r.what for r in rewrites if r.what != "#include")
        return f"count equal pairs of {names} by sorting a copy (n log n instead of n²)"


Match = TypeVar("Match")


def matched_loops(
    code: Code, match: Callable[[Code, Cursor], Match | None]
) -> Iterator[tuple[Cursor, Match, int]]:
    """(loop, what `match` found, the offset just past the loop) for each for loop that
    `match` accepts and whose end is known."""
    for loop, _ in code.for_loops():
        found = match(code, loop)
        if found is None:
            continue
        end = HoistLoopBound._end(code, loop)
        if end is None:
            continue
        yield loop, found, end


INCLUDED = re.compile(rb"^[ \t]*#[ \t]*include[ \t]*<([\w/.+]+)>", re.MULTILINE)


def includes(code: Code, headers: Sequence[str]) -> list[Rewrite] | None:
    """The rewrite adding whichever of these standard headers the file does not include
    (nothing with bits/stdc++.h); None if there is no safe place for them."""
    have = {m.group(1).decode() for m in INCLUDED.finditer(code.source)}
    missing = [] if "bits/stdc++.h" in have else [h for h in headers if h not in have]
    if not missing:
        return []
    at = MapToUnordered._include_point(code.source)
    if at is None:
        return None
    lines = "".join(f"#include <{h}>{code.newline}" for h in missing)
    return [Rewrite((Edit(at, at, lines),), "#include")]
