"""The `prime-sieve` rule: a trial-division primality test answers from a sieve of
Eratosthenes built once (and grown by doubling) for the arguments it covers.

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
    names,
    operator,
    strip,
)
from pie_lsp.models.rules.edits import Edit, Rewrite
from pie_lsp.models.rules.equal_pairs import includes

SIEVE_LIMIT = 1 << 25  # bytes of sieve at most; larger arguments use the original test


class PrimeSieve(Rule):
    """`bool is_prime(int n)` written as trial division, called for many numbers, costs
    O(√n) per call; a sieve answers in O(1) after O(N log log N) once. The function keeps
    its name: it answers from a static sieve (built up to twice the largest argument seen,
    at most 2²⁵) when 2 ≤ n < 2²⁵, and calls the original, renamed, otherwise; so for
    n < 2 and large n nothing changes.

    Proved from the function's shape, or the rule declines: one integer parameter n by
    value; a body that is only (1) guards `if (c) return v;` whose condition compares n
    with literals so that it is false for every n ≥ 2 (`n < 2`, `n <= 1`, `n == 0 || n ==
    1`...), or `if (n == 2) return T;` / `n == 3` with T the final return value; (2) one
    loop `for (T i = 2; i * i <= n | i <= n / i | i <= sqrt(n) | i < n | i <= n / 2 |
    i <= n - 1; i++) if (n % i == 0) return F;` whose body is only that; (3) `return T;`.
    For n ≥ 2 such a loop tries every d in [2, ⌊√n⌋] and no multiple of n, so it returns F
    exactly when n is composite: the sieve's answer. F and T are literals (false/true, 0/1)
    and reused as written."""

    name = "prime-sieve"
    summary = "answer a trial-division primality test from a sieve built once"
    triggers = re.compile(r"%")

    def find(self, code: Code) -> list[Rewrite]:
        rewrites = []
        names: set[str] = set()
        for cursor, parents in code.nodes:
            if parents or cursor.kind != CK.FUNCTION_DECL or not cursor.is_definition():
                continue
            shape = self._shape(code, cursor)
            if shape is None:
                continue
            body, n, composite, prime = shape
            rewrites.append(self._rewrite(code, cursor, body, n, composite, prime, names))
        if rewrites:
            include = includes(code, ("vector", "algorithm"))
            if include is None:
                return []
            rewrites[:0] = include
        return rewrites

    def _shape(self, code: Code, function: Cursor) -> tuple[Cursor, Cursor, str, str] | None:
        """(body, n, the composite answer's text, the prime answer's text)."""
        if function.spelling == "main" or not code.is_written(function, function.spelling):
            return None
        if function.result_type.get_canonical().kind not in INTEGERS:
            return None
        parameters = list(function.get_arguments())
        if len(parameters) != 1:
            return None
        n = parameters[0]
        if (
            not n.spelling
            or n.type.kind in (TK.LVALUEREFERENCE, TK.RVALUEREFERENCE)
            or n.type.get_canonical().kind not in INTEGERS
            or any(c.kind.is_expression() for c in children(n))
        ):
            return None
        bodies = [c for c in children(function) if c.kind == CK.COMPOUND_STMT]
        if len(bodies) != 1:
            return None
        statements = children(bodies[0])
        if len(statements) < 2:
            return None
        final = statements[-1]
        prime = self._returned(code, final)
        if prime is None:
            return None
        loops = [s for s in statements[:-1] if s.kind == CK.FOR_STMT]
        if len(loops) != 1 or statements[-2].kind != CK.FOR_STMT:
            return None
        composite = self._trial_loop(code, loops[0], n)
        if composite is None or _literal(composite) == _literal(prime):
            return None
        for guard in statements[:-2]:
            if not self._harmless_guard(code, guard, n, prime):
                return None
        return bodies[0], n, composite, prime

    @staticmethod
    def _returned(code: Code, statement: Cursor) -> str | None:
        """The text of `return <literal>;` (false, true, 0, 1), or None."""
        while statement.kind == CK.COMPOUND_STMT and len(children(statement)) == 1:
            statement = children(statement)[0]
        if statement.kind != CK.RETURN_STMT:
            return None
        values = children(statement)
        if len(values) != 1:
            return None
        value = strip(values[0])
        if _literal(code.text(value)) is None:
            return None
        return code.text(value)

    def _trial_loop(self, code: Code, loop: Cursor, n: Cursor) -> str | None:
        """F of `for (T i = 2; <covers [2, √n], excludes n>; i++) if (n % i == 0) return F;`."""
        parts = declared_for(loop)
        if parts is None:
            return None
        i, value, condition, step, body = parts
        if i.type.get_canonical().kind not in INTEGERS or integer_value(value) != 2:
            return None
        if step.kind != CK.UNARY_OPERATOR or operator(step) != "++":
            return None
        if not names(strip(children(step)[0]), i) or not self._covers(condition, i, n):
            return None
        while body.kind == CK.COMPOUND_STMT and len(children(body)) == 1:
            body = children(body)[0]
        if body.kind != CK.IF_STMT or len(children(body)) != 2:
            return None
        test, then = children(body)
        if not self._divides(strip(test), i, n):
            return None
        return self._returned(code, then)

    @staticmethod
    def _covers(condition: Cursor, i: Cursor, n: Cursor) -> bool:
        """Whether the loop condition lets i run over [2, ⌊√n⌋] and stop before n."""
        if condition.kind != CK.BINARY_OPERATOR:
            return False
        comparison = operator(condition)
        left, right = (strip(c) for c in children(condition))
        right_op = operator(right) if right.kind == CK.BINARY_OPERATOR else None
        if comparison == "<=" and names(right, n):
            # i * i <= n
            return (
                left.kind == CK.BINARY_OPERATOR
                and operator(left) == "*"
                and all(names(strip(c), i) for c in children(left))
            )
        if not names(left, i):
            return False
        if comparison == "<":
            return names(right, n)  # i < n
        if comparison != "<=":
            return False
        if right_op is not None:
            a, b = (strip(c) for c in children(right))
            if right_op == "/" and names(a, n) and names(b, i):
                return True  # i <= n / i
            if right_op in ("/", "-") and names(a, n) and integer_value(b) in (1, 2):
                return (right_op == "/" and integer_value(b) == 2) or right_op == "-"
            return False
        if right.kind == CK.CALL_EXPR and right.spelling == "sqrt":
            arguments = [strip(a) for a in right.get_arguments()]
            while len(arguments) == 1 and arguments[0].kind in (
                CK.CSTYLE_CAST_EXPR,
                CK.CXX_STATIC_CAST_EXPR,
                CK.CXX_FUNCTIONAL_CAST_EXPR,
            ):
                arguments = [strip(c) for c in children(arguments[0]) if c.kind != CK.TYPE_REF]
            return len(arguments) == 1 and names(arguments[0], n)
        return False

    @staticmethod
    def _divides(test: Cursor, i: Cursor, n: Cursor) -> bool:
        """`n % i == 0` or `!(n % i)`."""
        return divisibility(test, lambda a, b: names(a, n) and names(b, i))

    def _harmless_guard(self, code: Code, guard: Cursor, n: Cursor, prime: str) -> bool:
        """An `if (c) return v;` that is false for every n ≥ 2, or that returns the prime
        answer for n == 2 or n == 3."""
        if guard.kind != CK.IF_STMT or len(children(guard)) != 2:
            return False
        test, then = children(guard)
        returned = self._returned(code, then)
        if returned is None:
            return False
        test = strip(test)
        if self._false_from_two(test, n):
            return True
        return _literal(returned) == _literal(prime) and self._small_primes(test, n)

    def _false_from_two(self, test: Cursor, n: Cursor) -> bool:
        """Whether a condition on n is false for every n ≥ 2."""
        test = strip(test)
        if test.kind != CK.BINARY_OPERATOR:
            return False
        op = operator(test)
        a, b = (strip(c) for c in children(test))
        if op == "||":
            return self._false_from_two(a, n) and self._false_from_two(b, n)
        if op == "&&":
            return self._false_from_two(a, n) or self._false_from_two(b, n)
        if not names(a, n):
            return False
        value = integer_value(b)
        if value is None:
            return False
        return (
            (op == "<" and value <= 2) or (op == "<=" and value <= 1) or (op == "==" and value <= 1)
        )

    def _small_primes(self, test: Cursor, n: Cursor) -> bool:
        """`n == 2`, `n == 3`, or a disjunction of them."""
        test = strip(test)
        if test.kind != CK.BINARY_OPERATOR:
            return False
        op = operator(test)
        a, b = (strip(c) for c in children(test))
        if op == "||":
            return self._small_primes(a, n) and self._small_primes(b, n)
        return op == "==" and names(a, n) and integer_value(b) in (2, 3)

    def _rewrite(
        self,
        code: Code,
        function: Cursor,
        body: Cursor,
        n: Cursor,
        composite: str,
        prime: str,
        names: set[str],
    ) -> Rewrite:
        name = function.spelling
        nl = code.newline
        start, end = function.extent.start.offset, function.extent.end.offset
        head = code.source[start : body.extent.start.offset].decode().rstrip()
        trial = code.fresh_name(f"pie_{name}_trial", names)
        sieve, size, p, q = (
            code.fresh_name(s, names) for s in ("pie_composite", "pie_size", "pie_p", "pie_q")
        )
        x = n.spelling
        wrapper = nl.join(
            [
                "",
                "",
                f"{head} {{",
                f"    static std::vector<char> {sieve};  // {sieve}[k]: k >= 2 is not prime",
                f"    if ({x} >= 2 && {x} < {SIEVE_LIMIT}) {{",
                f"        if ((std::size_t){x} >= {sieve}.size()) {{",
                f"            const std::size_t {size} = std::min<std::size_t>("
                f"std::max<std::size_t>(2 * (std::size_t){x}, 1 << 16), {SIEVE_LIMIT});",
                f"            {sieve}.assign({size}, 0);",
                f"            for (std::size_t {p} = 2; {p} * {p} < {size}; {p}++)",
                f"                if (!{sieve}[{p}])",
                f"                    for (std::size_t {q} = {p} * {p}; {q} < {size}; {q} += {p})",
                f"                        {sieve}[{q}] = 1;",
                "        }",
                f"        return {sieve}[{x}] ? ({composite}) : ({prime});",
                "    }",
                f"    return {trial}({x});",
                "}",
            ]
        )
        at = function.location.offset
        edits = (
            Edit(start, start, f"{head};{nl}"),
            Edit(at, at + len(name.encode()), trial),
            Edit(end, end, wrapper),
        )
        return Rewrite(edits, name, ((code.line_of(start), code.line_of(end)),))

    def describe(self, rewrites: Sequence[Rewrite]) -> str:
        names = ", ".join(f"{r.what}()" for r in rewrites if r.what != "#include")
        return f"answer the primality test {names} from a sieve built once (O(1) per call)"


def _literal(text: str) -> int | None:
    """The truth value a literal return value spells (false/0 → 0, true/1 → 1)."""
    return {"false": 0, "0": 0, "true": 1, "1": 1}.get(text.strip())
