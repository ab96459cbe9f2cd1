"""The `linear-search` rule: `find(v.begin(), v.end(), x) != v.end()` or `count(v.begin(),
v.end(), x)` repeated in a loop over an unchanging v becomes a hash-table lookup, the
table built once before the loop.

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
    STRING,
    Cursor,
    canonical,
    children,
    key,
    operator,
    same,
    strip,
)
from pie_lsp.models.rules.edits import Edit, Rewrite
from pie_lsp.models.rules.equal_pairs import includes
from pie_lsp.models.rules.hoist_loop_bound import HoistLoopBound
from pie_lsp.models.rules.prefix_sums import PrefixSums

SPELLED = re.compile(r"(::\s*)?(std\s*::\s*)?(find|count)\s*\(.*\)", re.DOTALL)
WIDE = frozenset({TK.LONG, TK.LONGLONG})
NARROW_SIGNED = frozenset({TK.CHAR_S, TK.SCHAR, TK.SHORT, TK.INT})


class LinearSearch(Rule):
    """Each `find`/`count` over a whole vector or string scans all of it; inside a loop that
    is n·m work. Before the outermost loop around the search in which v cannot change, the
    rule counts v's elements into a `std::unordered_map<T, std::ptrdiff_t>` once; then
    `find(v.begin(), v.end(), x) != v.end()` (or `==`) becomes `(M.count(x) != 0)` (or
    `== 0`) and `count(v.begin(), v.end(), x)` becomes the stored count.

    Proved, or the rule declines: the call is the library's find or count with exactly
    `v.begin()`, `v.end()` of one variable v (a std::vector or std::string) and, for
    find, the result is compared only with `v.end()` of the same v; v's elements are
    integers or std::string, whose == is the hash table's equality; x has no side effects
    (it is evaluated once or twice) and its type is v's element type, or a narrower signed
    integer when the elements are long or long long (the conversion keeps its value).
    In the chosen loop v is only read (element reads, size, begin/end for library
    readers), no function the loop calls names v, no pointer or reference there can reach
    v, and v is declared before the loop (as `prefix-sums` proves for its arrays). So the
    table built before the loop describes v at every search."""

    name = "linear-search"
    summary = "answer find/count over an unchanging vector in a loop from a hash table"
    triggers = re.compile(r"\b(find|count)\s*\(")

    def find(self, code: Code) -> list[Rewrite]:
        by_loop: dict[tuple[int, int], list[tuple[Cursor, Cursor, str, Cursor]]] = {}
        loops: dict[tuple[int, int], tuple[Cursor, Cursor]] = {}
        for cursor, parents in code.nodes:
            match = self._match(code, cursor, parents)
            if match is None:
                continue
            vector, x, kind, replaced = match
            loop = PrefixSums._outer(code, vector, replaced, parents)
            if loop is None:
                continue
            where = (loop.extent.start.offset, key(vector)[1])
            by_loop.setdefault(where, []).append((replaced, x, kind, vector))
            loops[where] = (loop, vector)
        rewrites = []
        names: set[str] = set()
        for where, searches in by_loop.items():
            loop, vector = loops[where]
            end = HoistLoopBound._end(code, loop)
            if end is None:
                continue
            element = self._element(vector)
            table, item = code.fresh_name("pie_counts", names), code.fresh_name("pie_e", names)
            build = (
                f"{{ std::unordered_map<{element}, std::ptrdiff_t> {table}; "
                f"for (const auto &{item} : {vector.spelling}) {table}[{item}]++; "
            )
            edits = [Edit(loop.extent.start.offset, loop.extent.start.offset, build)]
            for replaced, x, kind, _ in searches:
                text = code.text(x)
                if kind == "count":
                    new = f"({table}.count({text}) ? {table}.at({text}) : (std::ptrdiff_t)0)"
                else:
                    new = f"({table}.count({text}) {kind} 0)"
                edits.append(Edit(replaced.extent.start.offset, replaced.extent.end.offset, new))
            edits.append(Edit(end, end, " }"))
            rewrites.append(
                Rewrite(
                    tuple(edits),
                    f"{vector.spelling} (line {loop.extent.start.line})",
                    ((loop.extent.start.line, loop.extent.end.line),),
                )
            )
        if rewrites:
            include = includes(code, ("unordered_map",))
            if include is None:
                return []
            rewrites[:0] = include
        return rewrites

    @staticmethod
    def _element(vector: Cursor) -> str:
        type_ = vector.type.get_canonical()
        if canonical(type_) == STRING:
            return "char"
        return str(canonical(type_.get_template_argument_type(0).get_canonical()))

    def _match(
        self, code: Code, call: Cursor, parents: Sequence[Cursor]
    ) -> tuple[Cursor, Cursor, str, Cursor] | None:
        """(v, x, "count" | "!=" | "==", the expression replaced)."""
        if call.kind != CK.CALL_EXPR or call.spelling not in ("find", "count"):
            return None
        arguments = code.library_call(call, call.spelling, 3, SPELLED)
        if arguments is None:
            return None
        begin, end, x = arguments
        vector = self._member_of(begin, "begin")
        if vector is None or self._member_of(end, "end") is None:
            return None
        if key(self._member_of(end, "end")) != key(vector):
            return None
        type_ = vector.type
        if type_.kind in (TK.LVALUEREFERENCE, TK.RVALUEREFERENCE, TK.POINTER):
            return None
        spelled = canonical(type_.get_canonical())
        if spelled == STRING:
            element_type = None
        elif spelled.startswith("std::vector<"):
            element_type = type_.get_canonical().get_template_argument_type(0).get_canonical()
        else:
            return None
        x_type = strip(x).type.get_canonical()
        if element_type is None:  # a string's characters
            if x_type.kind not in (TK.CHAR_S, TK.CHAR_U):
                return None
        elif element_type.kind in INTEGERS:
            if canonical(x_type) != canonical(element_type) and not (
                element_type.kind in WIDE and x_type.kind in NARROW_SIGNED
            ):
                return None
        elif canonical(element_type) == STRING:
            if canonical(x_type) != STRING:
                return None
        else:
            return None
        if not code.is_pure(x) and not self._plain_name(x):
            return None
        if call.spelling == "count":
            return vector, x, "count", call
        parent, _, _ = code.enclosing(call, parents)
        if parent is None:
            return None
        if parent.kind == CK.CALL_EXPR and parent.spelling in ("operator!=", "operator=="):
            sides = list(parent.get_arguments())
            relation = parent.spelling.removeprefix("operator")
        elif parent.kind == CK.BINARY_OPERATOR and operator(parent) in ("!=", "=="):
            sides = children(parent)
            relation = str(operator(parent))
        else:
            return None
        if len(sides) != 2:
            return None
        other = sides[1] if same(strip(sides[0]), strip(call)) else sides[0]
        ended = self._member_of(other, "end")
        if ended is None or key(ended) != key(vector):
            return None
        return vector, x, relation, parent

    @staticmethod
    def _plain_name(cursor: Cursor) -> bool:
        """A variable's name (a string variable is not `is_pure`, but reading it is)."""
        cursor = strip(cursor)
        return bool(
            cursor.kind == CK.DECL_REF_EXPR
            and cursor.referenced is not None
            and cursor.referenced.kind in (CK.VAR_DECL, CK.PARM_DECL)
        )

    @staticmethod
    def _member_of(cursor: Cursor, method: str) -> Cursor | None:
        """v of `v.method()` for a variable v."""
        cursor = strip(cursor)
        # an iterator argument may be copied: CALL_EXPR (copy constructor) around the call
        while cursor.kind == CK.CALL_EXPR and cursor.spelling != method:
            inner = children(cursor)
            if len(inner) != 1:
                return None
            cursor = strip(inner[0])
        if cursor.kind != CK.CALL_EXPR or cursor.spelling != method:
            return None
        if list(cursor.get_arguments()):
            return None
        member = children(cursor)
        if len(member) != 1 or member[0].kind != CK.MEMBER_REF_EXPR:
            return None
        objects = children(member[0])
        if len(objects) != 1:
            return None
        target = strip(objects[0])
        if target.kind != CK.DECL_REF_EXPR or target.referenced is None:
            return None
        if target.referenced.kind not in (CK.VAR_DECL, CK.PARM_DECL):
            return None
        return target.referenced

    def describe(self, rewrites: Sequence[Rewrite]) -> str:
        names = ", ".join(r.what for r in rewrites if r.what != "#include")
        return f"look values up in a hash table of {names} built once (not a scan per search)"
