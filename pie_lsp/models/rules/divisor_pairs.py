"""The `divisor-pairs` rule: enumerate the divisors of n up to √n, each with its partner
n / d, instead of trying every d up to n.

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
    declared_for,
    divisibility,
    integer_value,
    key,
    names,
    operator,
    strip,
)
from pie_lsp.models.rules.edits import Edit, Rewrite
from pie_lsp.models.rules.equal_pairs import matched_loops

SIGNED = frozenset({TK.SHORT, TK.INT, TK.LONG, TK.LONGLONG})
UNSIGNED = frozenset({TK.UCHAR, TK.USHORT, TK.UINT, TK.ULONG, TK.ULONGLONG})


class DivisorPairs(Rule):
    """`for (T d = 1; d <= n; d++) if (n % d == 0) { cnt++; sum += d; }` tries n numbers;
    divisors come in pairs (d, n / d) with d ≤ √n, so
    `for (T d = 1; d <= n / d; d++) if (n % d == 0) { body(d); if (d != n / d) body(n / d); }`
    visits the same divisors, each once, in a different order.

    The order cannot matter: the body is only additions to distinct integer accumulators
    (`c++`, `++c`, `c += e`), which commute: exactly for unsigned c (sums wrap), and for
    signed c the rule takes only e = d or a literal ≥ 0, so every partial sum in either
    order is at most the final one (no overflow the original did not have). Proved with
    libclang: d is declared in the loop as a signed integer starting at 1, `d <= n` with
    `d++`; n has no side effects, is not named by the body's targets, and holds still
    (the loop changes only the accumulators and d); each e has no side effects and names
    no accumulator; the accumulators are distinct plain variables, not references.
    `d <= n / d` never overflows, and for n ≤ 0 neither loop runs."""

    name = "divisor-pairs"
    summary = "enumerate divisors up to √n in pairs (d, n / d) instead of trying every d ≤ n"
    triggers = re.compile(r"%")

    def find(self, code: Code) -> list[Rewrite]:
        rewrites = []
        names: set[str] = set()
        for loop, match, end in matched_loops(code, self._match):
            d, n, condition, updates = match
            partner = code.fresh_name("pie_partner", names)
            n_text, d_name = code.text(n), d.spelling
            type_ = d.type.get_canonical().spelling

            first = " ".join(f"{code.text(u)};" for u in updates)
            second = " ".join(f"{self._renamed(code, u, d, partner)};" for u in updates)
            replacement = (
                f"for ({type_} {d_name} = 1; {d_name} <= ({n_text}) / {d_name}; {d_name}++) "
                f"if ({code.text(condition)}) {{ {first} "
                f"const {type_} {partner} = ({n_text}) / {d_name}; "
                f"if ({partner} != {d_name}) {{ {second} }} }}"
            )
            rewrites.append(
                Rewrite(
                    (Edit(loop.extent.start.offset, end, replacement),),
                    f"{n_text} (line {loop.extent.start.line})",
                    ((loop.extent.start.line, loop.extent.end.line),),
                )
            )
        return rewrites

    @staticmethod
    def _renamed(code: Code, update: Cursor, d: Cursor, name: str) -> str:
        """The update's text with every mention of d replaced by `name`."""
        start = update.extent.start.offset
        text = code.source[start : update.extent.end.offset]
        mentions = sorted(
            c.location.offset - start
            for c in update.walk_preorder()
            if c.kind == CK.DECL_REF_EXPR and names(c, d)
        )
        out, position = [], 0
        for at in mentions:
            out += [text[position:at], name.encode()]
            position = at + len(d.spelling.encode())
        out.append(text[position:])
        return b"".join(out).decode()

    def _match(
        self, code: Code, loop: Cursor
    ) -> tuple[Cursor, Cursor, Cursor, list[Cursor]] | None:
        """(d, n, the divisibility test, the updates)."""
        parts = declared_for(loop)
        if parts is None:
            return None
        d, value, condition, step, body = parts
        if integer_value(value) != 1:
            return None
        if d.type.get_canonical().kind not in SIGNED:
            return None
        if condition.kind != CK.BINARY_OPERATOR or operator(condition) != "<=":
            return None
        left, n = children(condition)
        if not names(strip(left), d) or not code.is_pure(n):
            return None
        if step.kind != CK.UNARY_OPERATOR or operator(step) != "++":
            return None
        if not names(strip(children(step)[0]), d):
            return None
        while body.kind == CK.COMPOUND_STMT and len(children(body)) == 1:
            body = children(body)[0]
        if body.kind != CK.IF_STMT or len(children(body)) != 2:
            return None
        test, then = children(body)
        if not self._divides(strip(test), d, n):
            return None
        updates = children(then) if then.kind == CK.COMPOUND_STMT else [then]
        targets: list[Cursor] = []
        for update in updates:
            target = self._accumulator(code, update, d)
            if target is None or any(key(target) == key(t) for t in targets):
                return None
            targets.append(target)
        if not targets:
            return None
        forbidden = {key(t) for t in targets}
        for c in n.walk_preorder():
            if (
                c.kind == CK.DECL_REF_EXPR
                and c.referenced is not None
                and key(c.referenced) in forbidden | {key(d)}
            ):
                return None
        for update in updates:
            added = children(update)[1:] if update.kind == CK.COMPOUND_ASSIGNMENT_OPERATOR else []
            for value in added:
                if not code.is_pure(value) or any(
                    c.kind == CK.DECL_REF_EXPR
                    and c.referenced is not None
                    and key(c.referenced) in forbidden
                    for c in value.walk_preorder()
                ):
                    return None
        return d, n, test, updates

    @staticmethod
    def _divides(test: Cursor, d: Cursor, n: Cursor) -> bool:
        """`n % d == 0` or `!(n % d)`, n spelled as in the loop bound."""
        return divisibility(test, lambda a, b: names(b, d) and _same_name(a, strip(n)))

    @staticmethod
    def _accumulator(code: Code, update: Cursor, d: Cursor) -> Cursor | None:
        """c of `c++`, `++c`, or `c += e`: for a signed c, e is d or a literal ≥ 0 (every
        term is positive, so no partial sum in any order exceeds the final one); for an
        unsigned c, whose sums wrap, any e."""
        if update.kind == CK.UNARY_OPERATOR and operator(update) == "++":
            target, term = strip(children(update)[0]), None
        elif update.kind == CK.COMPOUND_ASSIGNMENT_OPERATOR and operator(update) == "+=":
            target, term = (strip(c) for c in children(update))
        else:
            return None
        if target.kind != CK.DECL_REF_EXPR or target.referenced is None:
            return None
        variable = target.referenced
        if variable.kind not in (CK.VAR_DECL, CK.PARM_DECL):
            return None
        if variable.type.kind in (TK.LVALUEREFERENCE, TK.RVALUEREFERENCE):
            return None
        kind = variable.type.get_canonical().kind
        if kind not in INTEGERS or kind == TK.BOOL:
            return None
        if term is None or kind in UNSIGNED:
            return variable
        value = integer_value(term)
        return variable if names(term, d) or (value is not None and value >= 0) else None

    def describe(self, rewrites: Sequence[Rewrite]) -> str:
        names = ", ".join(r.what for r in rewrites)
        return f"enumerate the divisors of {names} in pairs up to its square root"


def _same_name(a: Cursor, b: Cursor) -> bool:
    return bool(
        a.kind == CK.DECL_REF_EXPR
        and b.kind == CK.DECL_REF_EXPR
        and a.referenced is not None
        and b.referenced is not None
        and key(a.referenced) == key(b.referenced)
    )
