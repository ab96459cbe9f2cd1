"""The `pair-counting` rule: count the pairs i < j with `a[i] < a[j]` (inversions and their
kin) or with `a[i] + a[j] <= k` (and the other comparisons) in n log n instead of n².

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
    INTEGERS,
    Cursor,
    children,
    is_reference,
    key,
    names,
    operator,
    strip,
)
from pie_lsp.models.rules.edits import Edit, Rewrite
from pie_lsp.models.rules.equal_pairs import (
    EqualPairs,
    includes,
    matched_loops,
)

SIGNED = frozenset({TK.CHAR_S, TK.SCHAR, TK.SHORT, TK.INT, TK.LONG, TK.LONGLONG})
FLIPPED = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "==": "=="}


class PairCounting(Rule):
    """The loops of `equal-pairs` (`for (i = 0; i < n; i++) for (j = i + 1; j < n; j++)
    if (c) cnt++;`, matched exactly as there: the loops change nothing but cnt; also
    `for (i = 0 | 1; i < n; i++) for (j = 0; j < i; j++)`, the pairs j < i, and the body
    `cnt += (c);`) with another condition c:

    - `a[i] OP a[j]`, OP one of < > <= >=: walking j left to right, the earlier elements
      that compare so with a[j] are counted in a Fenwick tree over a sorted copy of the
      values (ranks by lower_bound), O(n log n). Exact for integers, which compare
      totally.
    - `a[i] + a[j] OP k`, OP one of < > <= >= ==: the condition is symmetric in i and j,
      so the same unordered pairs are counted over a sorted copy, where for each position
      the partners before it that qualify form a prefix or suffix (binary search). The sum
      is formed in long long, as wide as or wider than the original's (a signed type's sum
      does not overflow in a program with defined behaviour), and k is compared as long
      long, which keeps its value since k has a signed type.

    `a` is an array or vector variable of signed integers; `cnt` an integer variable, not
    a reference; n and k have no side effects and name neither cnt, i nor j (k names no
    element of a being counted either: it names only other variables and literals)."""

    name = "pair-counting"
    summary = "count pairs by comparison or by sum with sorting instead of comparing all pairs"
    triggers = re.compile(r"\bfor\b")

    def find(self, code: Code) -> list[Rewrite]:
        rewrites = []
        names: set[str] = set()
        for loop, match, end in matched_loops(code, self._match):
            array, bound, counter, element, op, limit = match
            at = loop.extent.start.offset
            text = (
                self._ranks(code, at, array, bound, counter, element, op, names)
                if limit is None
                else self._sums(code, at, array, bound, counter, element, op, limit, names)
            )
            rewrites.append(
                Rewrite(
                    (Edit(loop.extent.start.offset, end, text),),
                    f"{array.spelling} (line {loop.extent.start.line})",
                    ((loop.extent.start.line, loop.extent.end.line),),
                )
            )
        if rewrites:
            include = includes(code, ("algorithm", "vector"))
            if include is None:
                return []
            rewrites[:0] = include
        return rewrites

    def _match(
        self, code: Code, outer: Cursor
    ) -> tuple[Cursor, Cursor, Cursor, str, str, Cursor | None] | None:
        """(a, n, cnt, element type, OP as `a[i] OP a[j]` / `sum OP k`, k or None)."""
        parts = EqualPairs._loop(code, outer)
        if parts is None:
            return None
        outer_var, outer_init, outer_bound, outer_body = parts
        inner = EqualPairs._only(outer_body)
        if inner is None or inner.kind != CK.FOR_STMT:
            return None
        inner_parts = EqualPairs._loop(code, inner)
        if inner_parts is None:
            return None
        inner_var, inner_init, inner_bound, inner_body = inner_parts
        start = strip(inner_init)
        outer_start = code.text(outer_init).strip()
        if (
            outer_start == "0"
            and start.kind == CK.BINARY_OPERATOR
            and operator(start) == "+"
            and sorted(re.sub(r"\s", "", code.text(c)) for c in children(start))
            == sorted([outer_var.spelling, "1"])
        ):  # for (i = 0; i < n; i++) for (j = i + 1; j < n; j++)
            i, j, bound = outer_var, inner_var, inner_bound
            spaced = re.sub(r"\s", "", code.text(bound))
            if re.sub(r"\s", "", code.text(outer_bound)) not in (spaced, f"{spaced}-1"):
                return None
        elif (
            outer_start in ("0", "1")
            and code.text(inner_init).strip() == "0"
            and names(strip(inner_bound), outer_var)
        ):  # for (i = 0; i < n; i++) for (j = 0; j < i; j++): the pairs j < i
            i, j, bound = inner_var, outer_var, outer_bound
        else:
            return None
        statement = EqualPairs._only(inner_body)
        if statement is None:
            return None
        if statement.kind == CK.IF_STMT and len(children(statement)) == 2:
            condition, then = children(statement)
            counter = EqualPairs._increment(code, EqualPairs._only(then))
        else:  # cnt += (a[i] < a[j]);
            condition, counter = self._added_truth(statement)
        condition = strip(condition) if condition is not None else None
        if counter is None or condition is None or condition.kind != CK.BINARY_OPERATOR:
            return None
        op = operator(condition)
        if op not in FLIPPED:
            return None
        left, right = (strip(c) for c in children(condition))
        limit: Cursor | None = None
        if op != "==" and code.subscript(left) and code.subscript(right):
            (a, first), (b, second) = code.subscript(left), code.subscript(right)  # type: ignore[misc]
            if key(a) != key(b):
                return None
            if names(first, j) and names(second, i):
                op = FLIPPED[op]
            elif not (names(first, i) and names(second, j)):
                return None
            array = a
        else:
            if left.kind != CK.BINARY_OPERATOR or operator(left) != "+":
                left, right, op = right, left, FLIPPED[op]  # k OP a[i] + a[j]
            if left.kind != CK.BINARY_OPERATOR or operator(left) != "+":
                return None
            summands = [code.subscript(strip(c)) for c in children(left)]
            if any(s is None for s in summands):
                return None
            (a, first), (b, second) = summands  # type: ignore[misc]
            if key(a) != key(b) or {
                names(first, i) and names(second, j),
                names(first, j) and names(second, i),
            } != {True, False}:
                return None
            limit, array = right, a
            if limit.type.get_canonical().kind not in SIGNED or not code.is_pure(limit):
                return None
            if any(
                c.kind == CK.DECL_REF_EXPR
                and c.referenced is not None
                and key(c.referenced) in (key(i), key(j), key(counter), key(array))
                for c in limit.walk_preorder()
            ):
                return None
        if key(counter) in (key(array), key(i), key(j)) or is_reference(counter.type):
            return None
        if not EqualPairs._bound_ok(code, bound, array, counter):
            return None
        type_ = array.type.get_canonical()
        if type_.kind == TK.CONSTANTARRAY:
            element = type_.element_type.get_canonical()
        elif type_.kind == TK.RECORD and type_.spelling.startswith("std::vector<"):
            element = type_.get_template_argument_type(0).get_canonical()
        else:
            return None
        if element.kind not in SIGNED:
            return None
        return array, bound, counter, element.spelling, op, limit

    @staticmethod
    def _added_truth(statement: Cursor) -> tuple[Cursor | None, Cursor | None]:
        """(the comparison, cnt) of `cnt += (comparison);` for an integer variable cnt."""
        if statement.kind != CK.COMPOUND_ASSIGNMENT_OPERATOR or operator(statement) != "+=":
            return None, None
        target, value = (strip(c) for c in children(statement))
        if value.kind != CK.BINARY_OPERATOR or operator(value) not in FLIPPED:
            return None, None
        if target.kind != CK.DECL_REF_EXPR or target.referenced is None:
            return None, None
        counter = target.referenced
        if counter.kind not in (CK.VAR_DECL, CK.PARM_DECL):
            return None, None
        if counter.type.get_canonical().kind not in INTEGERS - {TK.BOOL}:
            return None, None
        return value, counter

    @staticmethod
    def _begin(array: Cursor) -> str:
        vector = array.type.get_canonical().kind == TK.RECORD
        return f"{array.spelling}.begin()" if vector else array.spelling

    def _ranks(
        self,
        code: Code,
        start: int,
        array: Cursor,
        bound: Cursor,
        counter: Cursor,
        element: str,
        op: str,
        names: set[str],
    ) -> str:
        n, values, tree, j, rank, below, at_most, k = (
            code.fresh_name(s, names)
            for s in (
                "pie_n",
                "pie_values",
                "pie_tree",
                "pie_j",
                "pie_rank",
                "pie_less",
                "pie_not_more",
                "pie_k",
            )
        )
        begin = self._begin(array)
        earlier = {
            "<": below,
            "<=": at_most,
            ">": f"({j} - {at_most})",
            ">=": f"({j} - {below})",
        }[op]
        nl, indent = code.newline, code.indentation(start)
        lines = [
            f"{{  // for each j, the earlier a[i] {op} a[j], counted in a Fenwick tree",
            f"    const long long {n} = {code.text(bound)};",
            f"    if ({n} > 0) {{",
            f"        std::vector<{element}> {values}({begin}, {begin} + {n});",
            f"        std::sort({values}.begin(), {values}.end());",
            f"        {values}.erase(std::unique({values}.begin(), {values}.end()), "
            f"{values}.end());",
            f"        std::vector<long long> {tree}({values}.size() + 1, 0);",
            f"        for (long long {j} = 0; {j} < {n}; {j}++) {{",
            f"            const long long {rank} = std::lower_bound({values}.begin(), "
            f"{values}.end(), {array.spelling}[{j}]) - {values}.begin();",
            f"            long long {below} = 0, {at_most} = 0;",
            f"            for (long long {k} = {rank}; {k} > 0; {k} -= {k} & -{k}) "
            f"{below} += {tree}[{k}];",
            f"            for (long long {k} = {rank} + 1; {k} > 0; {k} -= {k} & -{k}) "
            f"{at_most} += {tree}[{k}];",
            f"            {counter.spelling} += {earlier};",
            f"            for (long long {k} = {rank} + 1; {k} < (long long){tree}.size(); "
            f"{k} += {k} & -{k}) {tree}[{k}]++;",
            "        }",
            "    }",
            "}",
        ]
        return (nl + indent).join(lines)

    def _sums(
        self,
        code: Code,
        start: int,
        array: Cursor,
        bound: Cursor,
        counter: Cursor,
        element: str,
        op: str,
        limit: Cursor,
        names: set[str],
    ) -> str:
        n, sorted_, j, k = (
            code.fresh_name(s, names) for s in ("pie_n", "pie_sorted", "pie_j", "pie_k")
        )
        begin = self._begin(array)
        first = f"{sorted_}.begin()"
        upto = f"{sorted_}.begin() + {j}"

        def point(condition: str) -> str:
            """How many of the partners before j satisfy `condition` on v (a prefix)."""
            return (
                f"(std::partition_point({first}, {upto}, [&]({element} v) {{ "
                f"return (long long)v + (long long){sorted_}[{j}] {condition} {k}; }}) - {first})"
            )

        count = {
            "<": point("<"),
            "<=": point("<="),
            ">": f"({j} - {point('<=')})",
            ">=": f"({j} - {point('<')})",
            "==": f"({point('<=')} - {point('<')})",
        }[op]
        nl, indent = code.newline, code.indentation(start)
        lines = [
            f"{{  // pairs with a[i] + a[j] {op} k, counted over a sorted copy",
            f"    const long long {n} = {code.text(bound)};",
            f"    const long long {k} = {code.text(limit)};",
            f"    if ({n} > 0) {{",
            f"        std::vector<{element}> {sorted_}({begin}, {begin} + {n});",
            f"        std::sort({sorted_}.begin(), {sorted_}.end());",
            f"        for (long long {j} = 0; {j} < {n}; {j}++) {{",
            f"            {counter.spelling} += {count};",
            "        }",
            "    }",
            "}",
        ]
        return (nl + indent).join(lines)

    def describe(self, rewrites: Sequence[Rewrite]) -> str:
        names = ", ".join(r.what for r in rewrites if r.what != "#include")
        return f"count pairs of {names} with sorting (n log n instead of n²)"
