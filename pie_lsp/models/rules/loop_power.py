"""The `loop-power` rule: a modular power computed by multiplying in a loop, `e` times,
becomes binary exponentiation (O(log e) multiplications).

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
    counting_for,
    integer_value,
    is_static_storage,
    key,
    names,
    operator,
    strip,
)
from pie_lsp.models.rules.edits import Edit, Rewrite
from pie_lsp.models.rules.equal_pairs import EqualPairs
from pie_lsp.models.rules.hoist_loop_bound import HoistLoopBound
from pie_lsp.models.rules.memoize_recursion import _access

SIGNED_64 = frozenset({TK.LONG, TK.LONGLONG})
# Types a modulus may have: converted to a signed 64-bit product without changing value.
MODULUS_TYPES = frozenset(
    {TK.CHAR_S, TK.SCHAR, TK.SHORT, TK.USHORT, TK.INT, TK.UINT, TK.LONG, TK.LONGLONG}
)
LARGEST_MODULUS = 3_037_000_499  # (m - 1)² still fits in a signed 64-bit integer


class LoopPower(Rule):
    """`for (int i = 0; i < e; i++) r = r * b % m;` (or `r = (r * b) % m`, `b * r`, the
    pair `r *= b; r %= m;`, loops from 1, `<=`) multiplies e times; square-and-multiply
    needs about 2·log₂ e. The loop becomes: when it would run at least once, `p` = b^n by
    binary exponentiation modulo m (each product reduced as the loop reduces it), then
    `r = r % m * p % m`.

    Exact: C++'s `%` gives sign(x)·(|x| mod |m|), so every reduced product in either order
    has the sign of the product of its factors and magnitude |r|·|b|ⁿ mod |m|, and a zero
    stays zero; a loop that runs no times leaves r as it was. Proved: the loop counter is
    an integer declared in the loop, starting at 0 or 1, compared with `<` or `<=` and
    incremented by one, named nowhere else; the body is only the update; r is a variable
    (not a reference) of type long or long long and the product has that type (so no
    narrowing happens in between); b, m and the bound have no side effects and do not name
    r or the counter, so they hold still; m is an integer constant (a literal, a const
    variable, or a global never written after its initializer) with (|m| − 1)² below 2⁶³,
    so no product of the new loop overflows where the original did not need to."""

    name = "loop-power"
    summary = "compute a modular power by binary exponentiation instead of a loop"
    triggers = re.compile(r"%")

    def find(self, code: Code) -> list[Rewrite]:
        rewrites = []
        names: set[str] = set()
        loops = code.for_loops() + [
            (c, p) for c, p in code.nodes if c.kind == CK.WHILE_STMT and code.is_written(c, "while")
        ]
        for loop, _ in loops:
            match = self._match(code, loop)
            if match is None:
                continue
            count, result, base, modulus, product_type, wide, after = match
            end = HoistLoopBound._end(code, loop)
            if end is None:
                continue
            n, b, p = (code.fresh_name(s, names) for s in ("pie_n", "pie_b", "pie_p"))
            m = f"({code.text(modulus)})"
            r = result.spelling

            def times(x: str, y: str, m: str = m, t: str = product_type, w: bool = wide) -> str:
                """x * y % m, in 128 bits when m is not known to keep it in 64."""
                return f"({t})((__int128)({x}) * ({y}) % {m})" if w else f"{x} * {y} % {m}"

            at = loop.extent.start.offset
            indent, nl = code.indentation(at), code.newline
            step = indent + "    "
            replacement = nl.join(
                [
                    f"{{  // {r} times {code.text(base)} to the power n, by squaring",
                    f"{step}long long {n} = {count};",
                    f"{step}if ({n} > 0) {{",
                    f"{step}    {product_type} {b} = ({code.text(base)}) % {m}, {p} = 1 % {m};",
                    f"{step}    while ({n} > 0) {{",
                    f"{step}        if ({n} & 1) {p} = {times(p, b)};",
                    f"{step}        {b} = {times(b, b)};",
                    f"{step}        {n} >>= 1;",
                    f"{step}    }}",
                    f"{step}    {r} = {times(f'{r} % {m}', p)};",
                    f"{step}}}",
                    *([f"{step}{after}"] if after else []),
                    f"{indent}}}",
                ]
            )
            rewrites.append(
                Rewrite(
                    (Edit(loop.extent.start.offset, end, replacement),),
                    f"{r} (line {loop.extent.start.line})",
                    ((loop.extent.start.line, loop.extent.end.line),),
                )
            )
        return rewrites

    def _match(
        self, code: Code, loop: Cursor
    ) -> tuple[str, Cursor, Cursor, Cursor, str, bool, str] | None:
        """(iteration count, r, b, m, product type, whether products need 128 bits, what
        to run after the new loop) of a power loop."""
        counted = (
            self._counted(code, loop)
            if loop.kind == CK.FOR_STMT
            else self._counted_down(code, loop)
        )
        if counted is None:
            return None
        counter, count, bound, body = counted
        after = f"{counter.spelling} = -1;" if loop.kind == CK.WHILE_STMT else ""
        statements = children(body) if body.kind == CK.COMPOUND_STMT else [body]
        update = self._update(statements)
        if update is None:
            return None
        result, base, modulus, product = update
        if result.kind not in (CK.VAR_DECL, CK.PARM_DECL):
            return None
        if result.type.kind in (TK.LVALUEREFERENCE, TK.RVALUEREFERENCE):
            return None
        if result.type.get_canonical().kind not in SIGNED_64:
            return None
        if product.type.get_canonical().kind not in SIGNED_64:
            return None
        if strip(base).type.get_canonical().kind not in INTEGERS:
            return None
        for part in (base, modulus, *([bound] if bound is not None else [])):
            if not code.is_pure(part) or any(
                c.kind == CK.DECL_REF_EXPR
                and c.referenced is not None
                and key(c.referenced) in (key(result), key(counter))
                for c in part.walk_preorder()
            ):
                return None
        if any(
            names(c, counter) for s in statements for c in s.walk_preorder()
        ):  # the counter only counts
            return None
        if strip(modulus).type.get_canonical().kind not in MODULUS_TYPES:
            return None
        value = self._modulus(code, modulus)
        if value == 0:
            return None
        wide = value is None or (abs(value) - 1) ** 2 >= 2**63
        product_type = product.type.get_canonical().spelling
        return count, result, base, modulus, product_type, wide, after

    @staticmethod
    def _counted_down(code: Code, loop: Cursor) -> tuple[Cursor, str, None, Cursor] | None:
        """(e, e, no bound, body) of `while (e--)` for an integer variable e (not a reference):
        it runs e times (for e ≥ 0; a negative e would run into overflow) and leaves e at
        -1."""
        parts = children(loop)
        if len(parts) != 2:
            return None
        condition, body = strip(parts[0]), parts[1]
        if condition.kind != CK.UNARY_OPERATOR or operator(condition) != "--":
            return None
        if code.text(condition).rstrip().endswith("--") is False:
            return None  # --e runs e - 1 times
        name = strip(children(condition)[0])
        variable = name.referenced if name.kind == CK.DECL_REF_EXPR else None
        if variable is None or variable.kind not in (CK.VAR_DECL, CK.PARM_DECL):
            return None
        if variable.type.kind in (TK.LVALUEREFERENCE, TK.RVALUEREFERENCE):
            return None
        if variable.type.get_canonical().kind not in INTEGERS - {TK.BOOL}:
            return None
        return variable, f"(long long)({variable.spelling})", None, body

    @staticmethod
    def _counted(code: Code, loop: Cursor) -> tuple[Cursor, str, Cursor, Cursor] | None:
        """(counter, how many times it runs, the bound, body) of
        `for (T i = 0|1; i < | <= bound; i++ | ++i)`."""
        parts = counting_for(loop, (0, 1))
        if parts is None:
            return None
        counter, value, comparison, bound, body = parts
        start = integer_value(value) or 0
        adjust = (1 if comparison == "<=" else 0) - start
        count = f"(long long)({code.text(bound)})" + (
            f" + {adjust}" if adjust > 0 else f" - {-adjust}" if adjust < 0 else ""
        )
        return counter, count, bound, body

    @staticmethod
    def _update(statements: list[Cursor]) -> tuple[Cursor, Cursor, Cursor, Cursor] | None:
        """(r, b, m, the product r * b) of `r = r * b % m;` or `r *= b; r %= m;`."""
        if len(statements) == 1:
            statement = EqualPairs._only(statements[0])
            if (
                statement is None
                or statement.kind != CK.BINARY_OPERATOR
                or operator(statement) != "="
            ):
                return None
            target, value = (strip(c) for c in children(statement))
            if target.kind != CK.DECL_REF_EXPR or target.referenced is None:
                return None
            if value.kind != CK.BINARY_OPERATOR or operator(value) != "%":
                return None
            product, modulus = children(value)
            product = strip(product)
            if product.kind != CK.BINARY_OPERATOR or operator(product) != "*":
                return None
            left, right = (strip(c) for c in children(product))
            if names(left, target.referenced) and not names(right, target.referenced):
                return target.referenced, right, modulus, product
            if names(right, target.referenced) and not names(left, target.referenced):
                return target.referenced, left, modulus, product
            return None
        if len(statements) == 2:
            multiply, reduce = statements
            if (
                multiply.kind != CK.COMPOUND_ASSIGNMENT_OPERATOR
                or operator(multiply) != "*="
                or reduce.kind != CK.COMPOUND_ASSIGNMENT_OPERATOR
                or operator(reduce) != "%="
            ):
                return None
            target, base = (strip(c) for c in children(multiply))
            again, modulus = (strip(c) for c in children(reduce))
            if (
                target.kind != CK.DECL_REF_EXPR
                or target.referenced is None
                or not names(again, target.referenced)
                or names(base, target.referenced)
            ):
                return None
            return target.referenced, base, modulus, multiply
        return None

    @staticmethod
    def _modulus(code: Code, modulus: Cursor) -> int | None:
        """m's value: a constant expression, or a global never changed after its
        initializer (`long long mod = 1e9 + 7;` written nowhere)."""
        value = integer_value(modulus)
        if value is not None:
            return value
        name = strip(modulus)
        variable = name.referenced if name.kind == CK.DECL_REF_EXPR else None
        if variable is None or variable.kind != CK.VAR_DECL or not is_static_storage(variable):
            return None
        initial = [c for c in children(variable) if c.kind.is_expression()]
        if len(initial) != 1 or not code.only_mentions(variable, code.uses[key(variable)]):
            return None
        if any(_access(code, u, parents) != "read" for u, parents in code.uses[key(variable)]):
            return None
        return integer_value(initial[0])

    def describe(self, rewrites: Sequence[Rewrite]) -> str:
        names = ", ".join(r.what for r in rewrites)
        return f"compute the modular power into {names} by binary exponentiation (O(log n))"
