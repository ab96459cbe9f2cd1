"""The `rotation-search` rule: a loop that rotates a sequence by one place until it equals
another, capped at a large fixed count, stops after one full turn.

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
    Cursor,
    Key,
    canonical,
    children,
    declared_for,
    is_static_storage,
    key,
    operator,
    strip,
)
from pie_lsp.models.rules.edits import Edit, Rewrite

# Sequences whose rotation by one place has period size(): after size() rotations the
# sequence is what it was.
SEQUENCE = re.compile(r"std::(deque|vector|list|basic_string)<")
LOOPS = frozenset({CK.FOR_STMT, CK.WHILE_STMT, CK.DO_STMT, CK.CXX_FOR_RANGE_STMT})
FUNCTION_KINDS = frozenset({CK.FUNCTION_DECL, CK.CXX_METHOD, CK.FUNCTION_TEMPLATE})


def _rotations(a: str) -> list[list[str]]:
    """Statement sequences (normalized text, see `_normal`) that rotate `a` by one place."""
    return [
        [f"{a}.push_back({a}.front())", f"{a}.pop_front()"],
        [f"{a}.emplace_back({a}.front())", f"{a}.pop_front()"],
        [f"{a}.push_front({a}.back())", f"{a}.pop_back()"],
        [f"{a}.emplace_front({a}.back())", f"{a}.pop_back()"],
        [f"rotate({a}.begin(),{a}.begin()+1,{a}.end())"],
        [f"rotate({a}.begin(),next({a}.begin()),{a}.end())"],
        [f"rotate({a}.begin(),{a}.end()-1,{a}.end())"],
        [f"rotate({a}.begin(),prev({a}.end()),{a}.end())"],
        [f"rotate({a}.rbegin(),{a}.rbegin()+1,{a}.rend())"],
        [f"{a}={a}.substr(1)+{a}[0]"],
        [f"{a}={a}.substr(1)+{a}.front()"],
        [f"{a}={a}.substr(1)+{a}.substr(0,1)"],
        [f"{a}={a}.back()+{a}.substr(0,{a}.size()-1)"],
        [f"{a}={a}[{a}.size()-1]+{a}.substr(0,{a}.size()-1)"],
        [f"{a}={a}.substr({a}.size()-1)+{a}.substr(0,{a}.size()-1)"],
    ]


# `T x = a.back(); a.pop_back(); a.push_front(x);` and the mirror image: (taken from,
# removed by, put back by).
MOVED = (("back", "pop_back", "push_front"), ("front", "pop_front", "push_back"))


class RotationSearch(Rule):
    """`while (a != b) { <rotate a by one>; if (cnt >= 100000) break; cnt++; }` (or a `for`
    loop up to a large count with `if (a == b) { ...; break; }` in it) looks for a rotation
    of a equal to b, but a rotation by one place repeats after a.size() steps: when b is
    not a rotation of a the loop spins to its cap. A turn counter ends the loop after
    a.size() iterations (`if (++turns >= a.size()) break;` at the end of the body).

    Exact: each iteration rotates a once and compares it with b once, so the first
    a.size() iterations compare every rotation; when none equals b, no later iteration
    would find one, and the original ends by its cap. The early stop only happens where
    the original loop would still run without ever finding b, and what the two loops
    leave differently (the rotation a ends at, the counters) is not looked at afterwards.
    Proved: the loop's condition and body consist only of: comparisons of a with b
    (`a != b` in the condition, or `if (a == b)` whose branch ends in break or return), one
    rotation by one place of a (push/pop at the two ends, std::rotate by one, substr
    concatenation), caps (`if (c) break;` or condition terms naming only counters and
    constants), and counter steps (`cnt++`, `cnt += k`); a is a standard sequence of the
    same type as b, not a reference; at least one cap exists; no `continue` or `goto`. The
    loop is in no other loop; after it, a is only compared with b (and b is only read
    there), the counters are not named, and a global a or counter is named only in main."""

    name = "rotation-search"
    summary = "stop a search over the rotations of a sequence after one full turn"
    triggers = re.compile(r"\b(rotate|push_front|push_back|substr|emplace_front|emplace_back)\b")

    def find(self, code: Code) -> list[Rewrite]:
        rewrites = []
        names: set[str] = set()
        for loop, parents in code.nodes:
            if loop.kind not in (CK.WHILE_STMT, CK.FOR_STMT) or not code.is_written(loop):
                continue
            if not parents or parents[-1].kind != CK.COMPOUND_STMT:
                continue
            match = self._match(code, loop, parents)
            if match is None:
                continue
            rotated, body = match
            turns = code.fresh_name("pie_turns", names)
            start = loop.extent.start.offset
            close = body.extent.end.offset - 1  # the body's closing brace
            indent = code.indentation(start)
            nl = code.newline
            rewrites.append(
                Rewrite(
                    (
                        Edit(start, start, f"std::size_t {turns} = 0;{nl}{indent}"),
                        Edit(
                            close,
                            close,
                            f"    if (++{turns} >= {rotated.spelling}.size()) break;"
                            f"  // every rotation seen{nl}{indent}",
                        ),
                    ),
                    f"{rotated.spelling} (line {loop.extent.start.line})",
                    ((loop.extent.start.line, loop.extent.end.line),),
                )
            )
        return rewrites

    # -- the loop

    def _match(
        self, code: Code, loop: Cursor, parents: Sequence[Cursor]
    ) -> tuple[Cursor, Cursor] | None:
        """(the rotated sequence, the loop body) of a rotation search this rule may stop."""
        if loop.kind == CK.WHILE_STMT:
            parts = children(loop)
            if len(parts) != 2:
                return None
            terms, body, counters = self._conjuncts(parts[0]), parts[1], set[Key]()
        else:
            declared = declared_for(loop)
            if declared is None:
                return None
            variable, _, condition, step, body = declared
            terms = self._conjuncts(condition)
            counters = {key(variable)}
            if not self._counter_step(code, step, counters):
                return None
        if body.kind != CK.COMPOUND_STMT or text_has(code, body, ("continue", "goto")):
            return None
        pairs: list[tuple[Cursor, Cursor]] = []  # the variables each comparison names
        caps: list[Cursor] = []
        for term in terms:
            pair = self._comparison(term, "!=")
            if pair is not None:
                pairs.append(pair)
            elif self._counters_only(code, term, counters):
                caps.append(term)
            else:
                return None
        rotated: Cursor | None = None
        statements = children(body)
        index = 0
        while index < len(statements):
            statement = statements[index]
            if rotated is None:
                found = self._rotation(code, statements[index:])
                if found is not None:
                    rotated, used = found
                    index += used
                    continue
            if statement.kind == CK.IF_STMT and len(children(statement)) == 2:
                test, then = children(statement)
                pair = self._comparison(strip(test), "==")
                if pair is not None and self._exits(then):
                    pairs.append(pair)
                elif self._breaks(then) and self._counters_only(code, test, counters):
                    caps.append(test)
                else:
                    return None
            elif not self._counter_step(code, statement, counters):
                return None
            index += 1
        # A cap must name a counter: one naming nothing the loop steps never ends it.
        if (
            rotated is None
            or not pairs
            or not any(
                c.kind == CK.DECL_REF_EXPR
                and c.referenced is not None
                and key(c.referenced) in counters
                for cap in caps
                for c in cap.walk_preorder()
            )
        ):
            return None
        others = set()
        for x, y in pairs:
            if key(x) == key(rotated):
                others.add(key(y))
            elif key(y) == key(rotated):
                others.add(key(x))
            else:
                return None
        if len(others) != 1:
            return None
        target = next(y if key(x) == key(rotated) else x for x, y in pairs)
        if key(target) in counters or key(rotated) in counters:
            return None
        if not self._dead_after(code, loop, parents, rotated, target, counters):
            return None
        return rotated, body

    @staticmethod
    def _conjuncts(condition: Cursor) -> list[Cursor]:
        condition = strip(condition)
        if condition.kind == CK.BINARY_OPERATOR and operator(condition) == "&&":
            left, right = children(condition)
            return RotationSearch._conjuncts(left) + RotationSearch._conjuncts(right)
        return [condition]

    @staticmethod
    def _comparison(term: Cursor, wanted: str) -> tuple[Cursor, Cursor] | None:
        """(x, y) of `x != y` / `x == y` (or `!(x == y)` for "!=") on two standard
        sequence variables of one type."""
        term = strip(term)
        if wanted == "!=" and term.kind == CK.UNARY_OPERATOR and operator(term) == "!":
            return RotationSearch._comparison(children(term)[0], "==")
        if term.kind != CK.CALL_EXPR or term.spelling != f"operator{wanted}":
            return None
        arguments = [strip(a) for a in term.get_arguments()]
        if len(arguments) != 2 or any(a.kind != CK.DECL_REF_EXPR for a in arguments):
            return None
        x, y = (a.referenced for a in arguments)
        if x is None or y is None or key(x) == key(y):
            return None
        if any(v.kind not in (CK.VAR_DECL, CK.PARM_DECL) for v in (x, y)):
            return None
        types = {canonical(v.type) for v in (x, y)}
        if len(types) != 1 or not SEQUENCE.match(next(iter(types))):
            return None
        if any(v.type.get_canonical().kind != TK.RECORD for v in (x, y)):
            return None  # references
        return x, y

    @staticmethod
    def _exits(then: Cursor) -> bool:
        """A branch that always leaves the loop: ends in break or return."""
        if then.kind in (CK.BREAK_STMT, CK.RETURN_STMT):
            return True
        if then.kind != CK.COMPOUND_STMT:
            return False
        inner = children(then)
        return bool(inner) and inner[-1].kind in (CK.BREAK_STMT, CK.RETURN_STMT)

    @staticmethod
    def _breaks(then: Cursor) -> bool:
        if then.kind == CK.BREAK_STMT:
            return True
        inner = children(then) if then.kind == CK.COMPOUND_STMT else []
        return len(inner) == 1 and inner[0].kind == CK.BREAK_STMT

    def _counters_only(self, code: Code, term: Cursor, counters: set[Key]) -> bool:
        """A cap: an expression naming only variables and constants, whose only side
        effects are ++/-- of variables (which become counters)."""
        for inner in term.walk_preorder():
            kind = inner.kind
            if kind in (CK.CALL_EXPR, CK.LAMBDA_EXPR, CK.COMPOUND_ASSIGNMENT_OPERATOR):
                return False
            if kind == CK.BINARY_OPERATOR and operator(inner) in ("=", None):
                return False
            if kind == CK.DECL_REF_EXPR and (
                inner.referenced is None
                or inner.referenced.kind not in (CK.VAR_DECL, CK.PARM_DECL, CK.ENUM_CONSTANT_DECL)
                or inner.referenced.type.get_canonical().kind == TK.RECORD
            ):
                return False
            if kind == CK.UNARY_OPERATOR and operator(inner) in ("++", "--", None):
                operand = strip(children(inner)[0])
                if operand.kind != CK.DECL_REF_EXPR or operand.referenced is None:
                    return False
                counters.add(key(operand.referenced))
        return True

    def _counter_step(self, code: Code, statement: Cursor, counters: set[Key]) -> bool:
        """`c++`, `--c`, `c += k`, `c -= k` on an integer variable c (k without effects)."""
        statement = strip(statement)
        if statement.kind == CK.UNARY_OPERATOR and operator(statement) in ("++", "--"):
            target, step = strip(children(statement)[0]), None
        elif statement.kind == CK.COMPOUND_ASSIGNMENT_OPERATOR and operator(statement) in (
            "+=",
            "-=",
        ):
            target, step = (strip(c) for c in children(statement))
        else:
            return False
        if target.kind != CK.DECL_REF_EXPR or target.referenced is None:
            return False
        if target.referenced.type.get_canonical().kind == TK.RECORD:
            return False
        if step is not None and not (
            code.is_pure(step) and self._counters_only(code, step, counters)
        ):
            return False
        counters.add(key(target.referenced))
        return True

    def _rotation(self, code: Code, statements: Sequence[Cursor]) -> tuple[Cursor, int] | None:
        """(the sequence, how many statements) when the statements start with a rotation
        by one place of a standard sequence variable."""
        first = statements[0]
        candidates = [
            c.referenced
            for c in first.walk_preorder()
            if c.kind == CK.DECL_REF_EXPR
            and c.referenced is not None
            and c.referenced.kind in (CK.VAR_DECL, CK.PARM_DECL)
            and SEQUENCE.match(canonical(c.referenced.type))
            and c.referenced.type.get_canonical().kind == TK.RECORD
        ]
        if not candidates:
            return None
        sequence = candidates[0]
        moved = self._moved(code, statements, sequence)
        if moved is not None:
            return sequence, moved
        texts = [_normal(code, s) for s in statements]
        for pattern in _rotations(sequence.spelling):
            if texts[: len(pattern)] == pattern and all(
                self._names_only(code, s, {key(sequence)}) for s in statements[: len(pattern)]
            ):
                return sequence, len(pattern)
        return None

    def _moved(self, code: Code, statements: Sequence[Cursor], sequence: Cursor) -> int | None:
        """3 when the statements start with `T x = a.back(); a.pop_back(); a.push_front(x);`
        (or front/pop_front/push_back), T being a's element type."""
        if len(statements) < 3 or statements[0].kind != CK.DECL_STMT:
            return None
        declared = children(statements[0])
        if len(declared) != 1 or declared[0].kind != CK.VAR_DECL:
            return None
        temporary = declared[0]
        element = sequence.type.get_canonical().get_template_argument_type(0)
        if element.kind == TK.INVALID or canonical(temporary.type) != canonical(element):
            return None
        a, x = sequence.spelling, temporary.spelling
        decl_text = _normal(code, statements[0]).rstrip(";")
        for taken, removed, put in MOVED:
            if not decl_text.endswith(f" {x}={a}.{taken}()"):
                continue
            expected = [f"{a}.{removed}()", f"{a}.{put}({x})"]
            alternative = [f"{a}.{removed}()", f"{a}.{put.replace('push', 'emplace')}({x})"]
            texts = [_normal(code, s) for s in statements[1:3]]
            if texts not in (expected, alternative):
                continue
            keys = {key(sequence), key(temporary)}
            if not all(self._names_only(code, s, keys) for s in statements[:3]):
                continue
            if len(code.uses.get(key(temporary), [])) != 1:
                continue
            return 3
        return None

    @staticmethod
    def _names_only(code: Code, statement: Cursor, allowed: set[Key]) -> bool:
        """Every name in the statement is one of `allowed` or the library's."""
        for inner in statement.walk_preorder():
            if inner.kind not in (CK.DECL_REF_EXPR, CK.MEMBER_REF_EXPR, CK.CALL_EXPR):
                continue
            target = inner.referenced
            if target is None:
                return False
            if key(target) in allowed:
                continue
            if target.kind in (CK.VAR_DECL, CK.PARM_DECL, CK.FIELD_DECL) or not code.from_library(
                target
            ):
                return False
        return True

    # -- after the loop

    def _dead_after(
        self,
        code: Code,
        loop: Cursor,
        parents: Sequence[Cursor],
        rotated: Cursor,
        target: Cursor,
        counters: set[Key],
    ) -> bool:
        """Nothing after the loop sees what the early stop changes: the rotation a is left
        at (only compared with b) and the counters (not named)."""
        function_index = max(
            (i for i, p in enumerate(parents) if p.kind in FUNCTION_KINDS), default=-1
        )
        if function_index < 0 or any(p.kind in LOOPS for p in parents[function_index:]):
            return False
        function = parents[function_index]
        if any(c.kind == CK.GOTO_STMT for c in function.walk_preorder()):
            return False
        begin, end = function.extent.start.offset, function.extent.end.offset
        after = loop.extent.end.offset
        is_main = function.spelling == "main" and function_index == 0

        def confined(variable: Cursor) -> bool:
            """Local to the function (not a reference), or named only in main."""
            if variable.type.get_canonical().kind in (TK.LVALUEREFERENCE, TK.RVALUEREFERENCE):
                return False
            if variable.kind == CK.PARM_DECL:
                return True
            if not is_static_storage(variable):
                return bool(begin <= variable.extent.start.offset < end)
            return is_main and all(
                begin <= u.location.offset < end for u, _ in code.uses.get(key(variable), [])
            )

        counter_decls = {
            key(u.referenced): u.referenced
            for u, _ in (n for k in counters for n in code.uses.get(k, []))
            if u.referenced is not None
        }
        for counter in counter_decls.values():
            if not confined(counter):
                return False
            if any(u.location.offset >= after for u, _ in code.uses.get(key(counter), [])):
                return False
        if not confined(rotated):
            return False
        compared = 0
        for use, use_parents in code.uses.get(key(rotated), []):
            if use.location.offset < after:
                continue
            if not end > use.location.offset:
                return False
            call = next((p for p in reversed(use_parents) if p.kind == CK.CALL_EXPR), None)
            if call is None or (
                self._comparison(call, "==") is None and self._comparison(call, "!=") is None
            ):
                return False
            if {key(v) for v in self._pair(call)} != {key(rotated), key(target)}:
                return False
            compared += 1
        if compared:
            for use, use_parents in code.uses.get(key(target), []):
                if use.location.offset < after or use.location.offset >= end:
                    continue
                call = next((p for p in reversed(use_parents) if p.kind == CK.CALL_EXPR), None)
                if call is None or {key(v) for v in self._pair(call)} != {
                    key(rotated),
                    key(target),
                }:
                    return False
            if is_static_storage(target) and any(
                c.kind == CK.CALL_EXPR
                and c.referenced is not None
                and code.in_main_file(c.referenced)
                and c.extent.start.offset >= after
                for c in function.walk_preorder()
            ):
                return False  # a function of this file could change b in between
        return True

    def _pair(self, call: Cursor) -> tuple[Cursor, ...]:
        pair = self._comparison(call, "==") or self._comparison(call, "!=")
        return pair if pair is not None else ()

    def describe(self, rewrites: Sequence[Rewrite]) -> str:
        names = ", ".join(r.what for r in rewrites)
        return f"stop searching the rotations of {names} after one full turn"


def _normal(code: Code, statement: Cursor) -> str:
    """The statement's text up to its `;`, without `std::`, spaces only between words."""
    end = statement.extent.end.offset
    semicolon = code.source.find(b";", end if statement.kind != CK.DECL_STMT else end - 1)
    text = code.source[statement.extent.start.offset : max(semicolon, end)].decode(
        "utf-8", "replace"
    )
    text = re.sub(r"\bstd\s*::\s*", "", text.rstrip(";"))
    text = re.sub(r"\s*([^\w\s])\s*", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def text_has(code: Code, cursor: Cursor, words: tuple[str, ...]) -> bool:
    """Whether any of these keywords is a token inside the cursor."""
    start, end = cursor.extent.start.offset, cursor.extent.end.offset
    return any(start <= o < end and t in words for o, t in code.token_at.items())
