"""The `prefix-sums` rule: answer range sums recomputed inside a loop from prefix sums built
once before it.

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
    FUNCTIONS,
    INTEGERS,
    Cursor,
    canonical,
    children,
    declared_for,
    key,
    names,
    operator,
    strip,
)
from pie_lsp.models.rules.edits import Edit, Rewrite
from pie_lsp.models.rules.equal_pairs import EqualPairs, includes
from pie_lsp.models.rules.hoist_invariant_call import LOOPS, HoistInvariantCall
from pie_lsp.models.rules.hoist_loop_bound import HoistLoopBound


class PrefixSums(Rule):
    """`for (j = l; j <= r; j++) s += a[j];` inside another loop (a query loop, a sliding
    window) re-adds the same elements again and again. With `P[k]` the sum of a[0..k),
    built once before the outer loop, the inner loop becomes
    `if (l <= r) s += (T)(P[r + 1] - P[l]);`.

    Exact for integers: P is kept in unsigned 64-bit arithmetic, whose differences are the
    true sums modulo 2⁶⁴, converted to s's type as each `s += a[j]` would have wrapped
    (floating point, where the order of additions matters, is left alone). Matched: the
    inner loop declares `j` as an integer starting at `l`, runs while `j < r` or `j <= r`
    with `j++`, and its body is only `s += a[j]`; `a` is a one-dimensional array or vector
    of integers, `s` an integer variable that is not a reference and is named neither in
    `l` nor `r`, and `l`, `r` have no side effects. The loops change nothing but `s` and
    `j`, so `l` and `r` hold still. In the outer loop (the outermost one in the function
    where this holds), `a` is only read (element reads, size), no function it calls names
    `a` and no pointer or reference there can reach `a`, so the sums built before it stay
    right throughout."""

    name = "prefix-sums"
    summary = "answer range sums recomputed in a loop from prefix sums built once before it"
    version = 2  # 2: an iterator compared with a.end() no longer counts as changing a
    triggers = re.compile(r"\+=")

    def find(self, code: Code) -> list[Rewrite]:
        rewrites = []
        names: set[str] = set()
        for inner, parents in code.for_loops():
            match = self._match(code, inner)
            if match is None:
                continue
            array, low, high, inclusive, total = match
            outer = self._outer(code, array, inner, parents)
            inner_end = HoistLoopBound._end(code, inner)
            if outer is None or inner_end is None:
                continue
            outer_end = HoistLoopBound._end(code, outer)
            if outer_end is None:
                continue
            prefix, k = code.fresh_name("pie_prefix", names), code.fresh_name("pie_k", names)
            type_ = array.type.get_canonical()
            size = (
                f"{array.spelling}.size()" if type_.kind == TK.RECORD else str(type_.element_count)
            )
            build = (
                f"{{ std::vector<unsigned long long> {prefix}({size} + 1); "
                f"for (std::size_t {k} = 0; {k} < {size}; {k}++) "
                f"{prefix}[{k} + 1] = {prefix}[{k}] + (unsigned long long){array.spelling}[{k}]; "
            )
            low_text, high_text = code.text(low), code.text(high)
            end_index = f"({high_text}) + 1" if inclusive else f"({high_text})"
            check = "<=" if inclusive else "<"
            total_type = total.type.get_canonical().spelling
            replacement = (
                f"if (({low_text}) {check} ({high_text})) {total.spelling} += "
                f"({total_type})({prefix}[{end_index}] - {prefix}[{low_text}]);"
            )
            start = outer.extent.start.offset
            rewrites.append(
                Rewrite(
                    (
                        Edit(start, start, build),
                        Edit(inner.extent.start.offset, inner_end, replacement),
                        Edit(outer_end, outer_end, " }"),
                    ),
                    f"{array.spelling} (line {inner.extent.start.line})",
                )
            )
        if rewrites:
            include = includes(code, ("vector",))
            if include is None:
                return []
            rewrites[:0] = include
        return rewrites

    @staticmethod
    def _match(code: Code, loop: Cursor) -> tuple[Cursor, Cursor, Cursor, bool, Cursor] | None:
        """(a, l, r, whether r is included, s) of `for (T j = l; j < r; j++) s += a[j];`."""
        parts = declared_for(loop)
        if parts is None:
            return None
        j, value, condition, step, statement = parts
        if j.type.get_canonical().kind not in INTEGERS:
            return None
        if condition.kind != CK.BINARY_OPERATOR or operator(condition) not in ("<", "<="):
            return None
        left, high = children(condition)
        if not names(strip(left), j):
            return None
        if step.kind != CK.UNARY_OPERATOR or operator(step) != "++":
            return None
        if not names(strip(children(step)[0]), j):
            return None
        body = EqualPairs._only(statement)
        if body is None or body.kind != CK.COMPOUND_ASSIGNMENT_OPERATOR or operator(body) != "+=":
            return None
        target, added = (strip(c) for c in children(body))
        if target.kind != CK.DECL_REF_EXPR or target.referenced is None:
            return None
        total = target.referenced
        if total.kind not in (CK.VAR_DECL, CK.PARM_DECL):
            return None
        if total.type.kind not in INTEGERS or total.type.get_canonical().kind not in INTEGERS:
            return None  # (a reference's own kind is LVALUEREFERENCE)
        array = PrefixSums._element(code, added, j)
        if array is None or key(array) == key(total):
            return None
        low = value
        for bound in (low, high):
            if not code.is_pure(bound):
                return None
            if any(
                c.kind == CK.DECL_REF_EXPR
                and c.referenced is not None
                and key(c.referenced) in (key(total), key(j))
                for c in bound.walk_preorder()
            ):
                return None
        return array, low, high, operator(condition) == "<=", total

    @staticmethod
    def _element(code: Code, element: Cursor, j: Cursor) -> Cursor | None:
        """`a` of `a[j]` for a 1-D integer array or vector `a`."""
        found = code.subscript_reference(element)
        if found is None:
            return None
        base, index = found
        if not names(index, j) or not code.is_written(base, base.spelling):
            return None
        array = base.referenced
        type_ = array.type.get_canonical()
        if type_.kind == TK.CONSTANTARRAY:
            element_type = type_.element_type.get_canonical()
        elif type_.kind == TK.RECORD and canonical(type_).startswith("std::vector<"):
            element_type = type_.get_template_argument_type(0).get_canonical()
        else:
            return None
        return array if element_type.kind in INTEGERS else None

    @staticmethod
    def _outer(
        code: Code, array: Cursor, inner: Cursor, parents: Sequence[Cursor]
    ) -> Cursor | None:
        """The outermost loop around `inner`, in the same function, in which `array` cannot
        change."""
        function = max((i for i, p in enumerate(parents) if p.kind in FUNCTIONS), default=-1)
        hoist = HoistInvariantCall()
        for loop in parents[function + 1 :]:
            if loop.kind not in LOOPS or not code.is_written(loop):
                continue
            if HoistInvariantCall._inside(array, loop):
                continue  # declared in it: not in scope before it
            if not hoist._container_read_only(code, array, loop, inner):
                continue
            if key(array) in code.statics_named_by(code.called_functions([loop])):
                continue
            type_ = array.type.get_canonical()
            element = (
                type_.element_type
                if type_.kind == TK.CONSTANTARRAY
                else type_.get_template_argument_type(0)
            )
            targets = (canonical(type_), canonical(element.get_canonical()))
            others = code.named_variables([loop])
            if any(
                other_key != key(array) and code.holds(other.type, target, via_pointer_only=True)
                for other_key, other in others.items()
                for target in targets
            ):
                continue
            return loop
        return None

    def describe(self, rewrites: Sequence[Rewrite]) -> str:
        names = ", ".join(r.what for r in rewrites if r.what != "#include")
        return f"sum ranges of {names} from prefix sums built once (O(1) per range)"
