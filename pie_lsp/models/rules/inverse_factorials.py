"""The `inverse-factorials` rule: a table of inverse factorials computed with one modular
power per entry (Fermat: inv[i] = fact[i]^(p-2)) is computed with one power in all,
then backwards by inv[i-1] = inv[i] * i.

The class docstring says when the rewrite is safe and how that is proved.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from clang.cindex import CursorKind as CK
from clang.cindex import TypeKind as TK

from pie_lsp.models.rules.base import Rule
from pie_lsp.models.rules.code import Code
from pie_lsp.models.rules.cursors import (
    INTEGERS,
    Cursor,
    Key,
    children,
    counting_for,
    declared_for,
    integer_value,
    key,
    names,
    operator,
    strip,
)
from pie_lsp.models.rules.edits import Edit, Rewrite
from pie_lsp.models.rules.hoist_loop_bound import HoistLoopBound
from pie_lsp.models.rules.loop_power import LoopPower

SIGNED_64 = frozenset({TK.LONG, TK.LONGLONG})
TYPE_WORDS = frozenset({"long", "int", "unsigned", "signed", "short", "const"})
KEYWORDS = frozenset({"if", "while", "for", "return"})


def _is_prime(n: int) -> bool:
    if n < 2:
        return False
    # moduli are below 2^31: at most ~46,000 trial divisions
    return all(n % d != 0 for d in range(2, int(n**0.5) + 1))


@functools.cache
def _power_shape() -> re.Pattern[str]:
    """Binary exponentiation A^E mod M into R, as normalized tokens (see `_tokens`)."""

    def alt(*options: str) -> str:
        return "(?:" + "|".join(options) + ")"

    cond = alt("E", r"E > 0", r"E != 0", r"E >= 1")
    odd = alt(r"E & 1", r"E % 2 == 1", r"E % 2", r"\( E & 1 \) == 1", r"E % 2 != 0")
    mul = alt(r"R = R \* A % M", r"R = \( R \* A \) % M", r"R = A \* R % M", r"R = R \* A % M")
    sq = alt(r"A = A \* A % M", r"A = \( A \* A \) % M")
    half = alt(r"E >>= 1", r"E /= 2", r"E = E >> 1", r"E = E / 2")
    then = alt(f"{mul} ;", rf"\{{ {mul} ; \}}")
    loop = alt(
        rf"while \( {cond} \) \{{ if \( {odd} \) {then} {sq} [;,] {half} ; \}}",
        rf"for \( ; {cond} ; {half} \) \{{ if \( {odd} \) {then} {sq} ; \}}",
    )
    guard = alt("", r"if \( E < 0 \) return 0 ; ")
    reduce = alt("", "A %= M ; ", "A = A % M ; ")
    return re.compile(rf"\{{ {guard}T R = 1 ; {reduce}{loop} return R ; \}}")


class InverseFactorials(Rule):
    """`fact[0] = 1; for (i = 1; i <= n; i++) { fact[i] = fact[i-1] * i % MOD; inv[i] =
    power(fact[i], MOD - 2); }` (or the power in a second loop of its own) raises every
    factorial to p − 2: about 2·log₂ p ≈ 60 multiplications per entry. The inverse of the
    last factorial is enough: the loop keeps only the factorials, and after it
    `inv[n] = power(fact[n], MOD - 2)`, then `inv[i-1] = inv[i] * i % MOD` for i = n..1.

    Exact: with p prime and 0 < fact[i] < p (1 ≤ i < p), fact[i]^(p−2) is the one residue
    in [0, p) that inverts fact[i] mod p, and inv[i]·i inverts fact[i]/i = fact[i−1], so
    both give the same numbers. Proved: the power function is this file's binary
    exponentiation (its body matches the usual loop, token for token, over its two
    parameters and one local, 64-bit, with one modulus) and the call's exponent is p − 2
    for that modulus; p is a prime below 2³¹ (so inv[i]·i fits in 64 bits); the statement
    just before the loops sets fact[0] = 1; the factorial recurrence is
    `fact[i] = fact[i-1] * i % p` over 64-bit entries; the loops count up by one from 1 (the
    power loop from 0 or 1) to the same pure bound with the same comparison, and do
    nothing else; fact and inv are different arrays or vectors."""

    name = "inverse-factorials"
    summary = "compute a table of inverse factorials with one modular power, not one per entry"
    triggers = re.compile(r"%")

    def find(self, code: Code) -> list[Rewrite]:
        rewrites = []
        taken: set[str] = set()
        for block, _ in code.nodes:
            if block.kind != CK.COMPOUND_STMT:
                continue
            statements = children(block)
            for index in range(1, len(statements)):
                rewrite = self._at(code, statements, index, taken)
                if rewrite is not None:
                    rewrites.append(rewrite)
        return rewrites

    def _at(
        self, code: Code, statements: list[Cursor], index: int, taken: set[str]
    ) -> Rewrite | None:
        """The rewrite when statements[index] is the factorial loop (with the power in it,
        or in the loop after it) and statements[index - 1] sets fact[0] = 1."""
        loop = statements[index]
        if loop.kind != CK.FOR_STMT or not code.is_written(loop, "for"):
            return None
        counted = self._counted(code, loop, (1,))
        if counted is None:
            return None
        counter, comparison, bound, parts = counted
        if not parts:
            return None
        fact = self._factorial_step(code, parts[0], counter)
        if fact is None:
            return None
        fact_array, modulus = fact
        if not self._sets_first(code, statements[index - 1], fact_array):
            return None
        if len(parts) == 2:  # the power in the same loop
            power = self._power_step(code, parts[1], counter, fact_array, modulus)
            if power is None:
                return None
            start, removed = 1, Edit(parts[0].extent.end.offset, parts[1].extent.end.offset, "")
            if parts[1].kind != CK.BINARY_OPERATOR or operator(parts[1]) != "=":
                return None
            if not self._comma_joined(code, parts[0], parts[1]):
                return None
            where = HoistLoopBound._end(code, loop)
            if where is None:
                return None
            replace = Edit(where, where, "")
        elif len(parts) == 1 and index + 1 < len(statements):
            second = statements[index + 1]
            if second.kind != CK.FOR_STMT or not code.is_written(second, "for"):
                return None
            counted2 = self._counted(code, second, (0, 1))
            if counted2 is None:
                return None
            counter2, comparison2, bound2, parts2 = counted2
            if (
                comparison2 != comparison
                or code.text(bound2) != code.text(bound)
                or len(parts2) != 1
            ):
                return None
            power = self._power_step(code, parts2[0], counter2, fact_array, modulus)
            if power is None:
                return None
            declared = declared_for(second)
            start = 0 if declared is not None and integer_value(declared[1]) == 0 else 1
            removed = None
            end = HoistLoopBound._end(code, second)
            if end is None:
                return None
            replace = Edit(second.extent.start.offset, end, "")
        else:
            return None
        inverse_array, call_text = power
        if key(inverse_array) == key(fact_array):
            return None
        if not code.is_pure(bound) or any(
            names(c, v) for c in bound.walk_preorder() for v in (fact_array, inverse_array)
        ):
            return None
        last, i = (code.fresh_name(s, taken) for s in ("pie_last", "pie_i"))
        nl, indent = code.newline, code.indentation(loop.extent.start.offset)
        step = indent + "    "
        m = f"({code.text(modulus)})"
        inv, fac = inverse_array.spelling, fact_array.spelling
        text = nl.join(
            [
                f"{{  // inverse factorials: one power, then {inv}[i - 1] = {inv}[i] * i",
                f"{step}long long {last} = (long long)({code.text(bound)})"
                + (" - 1;" if comparison == "<" else ";"),
                f"{step}if ({last} >= {start}) {{",
                f"{step}    {inv}[{last}] = {call_text.format(f'{fac}[{last}]')};",
                f"{step}    for (long long {i} = {last}; {i} > {start}; --{i})",
                f"{step}        {inv}[{i} - 1] = (long long){inv}[{i}] * {i} % {m};",
                f"{step}}}",
                f"{indent}}}",
            ]
        )
        edits: tuple[Edit, ...]
        if removed is not None:  # after the loop, on a line of its own
            edits = (removed, Edit(replace.start, replace.end, f"{nl}{indent}{text}"))
        else:
            edits = (Edit(replace.start, replace.end, text),)
        return Rewrite(
            edits,
            f"{inv} (line {loop.extent.start.line})",
            ((loop.extent.start.line, loop.extent.end.line),),
        )

    # -- the loops

    @staticmethod
    def _counted(
        code: Code, loop: Cursor, starts: tuple[int, ...]
    ) -> tuple[Cursor, str, Cursor, list[Cursor]] | None:
        """(counter, "<" or "<=", bound, the body's expressions) of
        `for (T i = start; i < | <= bound; ++i | i++) e1, e2;` (or `{ e1; e2; }`)."""
        parts = counting_for(loop, starts)
        if parts is None:
            return None
        counter, _, comparison, bound, body = parts
        statements = children(body) if body.kind == CK.COMPOUND_STMT else [body]
        expressions: list[Cursor] = []
        for statement in statements:
            expressions.extend(InverseFactorials._comma_parts(strip(statement)))
        return counter, comparison, bound, expressions

    @staticmethod
    def _comma_parts(expression: Cursor) -> list[Cursor]:
        if expression.kind == CK.BINARY_OPERATOR and operator(expression) == ",":
            left, right = children(expression)
            return InverseFactorials._comma_parts(strip(left)) + InverseFactorials._comma_parts(
                strip(right)
            )
        return [expression]

    @staticmethod
    def _comma_joined(code: Code, first: Cursor, second: Cursor) -> bool:
        """Whether only a comma (or `;` of another statement) separates the two parts, so
        deleting from the first's end to the second's end leaves the first intact."""
        between = code.source[first.extent.end.offset : second.extent.start.offset]
        return between.strip() in (b",", b";")

    @staticmethod
    def _target(code: Code, assignment: Cursor, counter: Cursor) -> Cursor | None:
        """The array/vector `a` of `a[i] = ...` (i the counter), 64-bit or narrower."""
        if assignment.kind != CK.BINARY_OPERATOR or operator(assignment) != "=":
            return None
        target = code.subscript(children(assignment)[0])
        if target is None or not names(target[1], counter):
            return None
        return target[0]

    def _factorial_step(
        self, code: Code, part: Cursor, counter: Cursor
    ) -> tuple[Cursor, Cursor] | None:
        """(fact, p) of `fact[i] = fact[i - 1] * i % p` (or `i * fact[i-1]`, parenthesized)."""
        array = self._target(code, part, counter)
        if array is None or self._element_kind(array) not in SIGNED_64:
            return None
        value = strip(children(part)[1])
        if value.kind != CK.BINARY_OPERATOR or operator(value) != "%":
            return None
        product, modulus = children(value)
        product = strip(product)
        if product.kind != CK.BINARY_OPERATOR or operator(product) != "*":
            return None
        factors = [strip(c) for c in children(product)]
        previous = [f for f in factors if self._previous(code, f, array, counter)]
        plain = [f for f in factors if names(f, counter)]
        if len(previous) != 1 or len(plain) != 1:
            return None
        value_of = LoopPower._modulus(code, modulus)
        if value_of is None or not (2 < value_of < 2**31) or not _is_prime(value_of):
            return None
        return array, modulus

    @staticmethod
    def _previous(code: Code, factor: Cursor, array: Cursor, counter: Cursor) -> bool:
        """Whether the factor is `array[i - 1]`."""
        found = code.subscript(factor)
        if found is None or key(found[0]) != key(array):
            return False
        index = strip(found[1])
        if index.kind != CK.BINARY_OPERATOR or operator(index) != "-":
            return False
        left, right = (strip(c) for c in children(index))
        return names(left, counter) and integer_value(right) == 1

    @staticmethod
    def _element_kind(array: Cursor) -> object:
        type_ = array.type.get_canonical()
        if type_.kind == TK.CONSTANTARRAY:
            return type_.element_type.get_canonical().kind
        if type_.kind == TK.RECORD and type_.spelling.startswith("std::vector<"):
            return type_.get_template_argument_type(0).get_canonical().kind
        return None

    def _sets_first(self, code: Code, statement: Cursor, array: Cursor) -> bool:
        """Whether the statement (a comma list of expressions) includes `array[0] = 1`."""
        for part in self._comma_parts(strip(statement)):
            if part.kind != CK.BINARY_OPERATOR or operator(part) != "=":
                continue
            target = code.subscript(children(part)[0])
            if (
                target is not None
                and key(target[0]) == key(array)
                and integer_value(target[1]) == 0
                and integer_value(children(part)[1]) == 1
            ):
                return True
        return False

    def _power_step(
        self, code: Code, part: Cursor, counter: Cursor, fact: Cursor, modulus: Cursor
    ) -> tuple[Cursor, str] | None:
        """(inv, the call's text with `{}` for its first argument) of
        `inv[i] = power(fact[i])` / `power(fact[i], p - 2)` where power is a verified
        binary exponentiation modulo p and the exponent is p - 2."""
        array = self._target(code, part, counter)
        if array is None or self._element_kind(array) not in INTEGERS - {TK.BOOL}:
            return None
        call = strip(children(part)[1])
        if call.kind != CK.CALL_EXPR or call.referenced is None:
            return None
        function = call.referenced.get_definition()
        if function is None or not code.in_main_file(function):
            return None
        arguments = list(call.get_arguments())
        parameters = list(function.get_arguments())
        if len(parameters) != 2 or len(arguments) not in (1, 2):
            return None
        found = code.subscript(arguments[0])
        if found is None or key(found[0]) != key(fact) or not names(found[1], counter):
            return None
        p = LoopPower._modulus(code, modulus)
        if len(arguments) == 2:
            exponent: Cursor | None = arguments[1]
        else:
            defaults = [c for c in children(parameters[1]) if c.kind.is_expression()]
            exponent = defaults[0] if len(defaults) == 1 else None
        if exponent is None or p is None or integer_value(exponent) != p - 2:
            return None
        if not self._binary_power(code, function, p):
            return None
        callee = code.text(call)[: arguments[0].extent.start.offset - call.extent.start.offset]
        rest = (
            code.source[arguments[0].extent.end.offset : call.extent.end.offset].decode()
            if len(arguments) == 2
            else ")"
        )
        if not rest.endswith(")") or any(b in callee + rest for b in "{}"):
            return None
        return array, callee + "{}" + rest

    def _binary_power(self, code: Code, function: Cursor, p: int) -> bool:
        """Whether the function's body is square-and-multiply of its first parameter to the
        power of its second, modulo p, over 64-bit signed integers."""
        parameters = list(function.get_arguments())
        if any(v.type.get_canonical().kind not in SIGNED_64 for v in parameters):
            return False
        if function.result_type.get_canonical().kind not in SIGNED_64:
            return False
        body = [c for c in children(function) if c.kind == CK.COMPOUND_STMT]
        if len(body) != 1:
            return False
        locals_ = [c for c in body[0].walk_preorder() if c.kind == CK.VAR_DECL]
        if len(locals_) != 1 or locals_[0].type.get_canonical().kind not in SIGNED_64:
            return False
        roles = {key(parameters[0]): "A", key(parameters[1]): "E", key(locals_[0]): "R"}
        tokens = self._tokens(code, body[0], roles, p)
        return tokens is not None and _power_shape().fullmatch(tokens) is not None

    @staticmethod
    def _tokens(code: Code, body: Cursor, roles: dict[Key, str], p: int) -> str | None:
        """The body's tokens with the parameters and local named by role (A, E, R), the
        modulus as M (a name or literal whose value is p) and type words as T."""
        start, end = body.extent.start.offset, body.extent.end.offset
        by_offset: dict[int, Cursor] = {}
        for cursor in body.walk_preorder():
            if cursor.kind in (CK.DECL_REF_EXPR, CK.VAR_DECL, CK.TYPE_REF, CK.INTEGER_LITERAL):
                by_offset.setdefault(cursor.location.offset, cursor)
        out: list[str] = []
        for offset in code.token_offsets:
            if not start <= offset < end:
                continue
            token = code.token_at[offset]
            cursor = by_offset.get(offset)
            if token in TYPE_WORDS or (cursor is not None and cursor.kind == CK.TYPE_REF):
                if not out or out[-1] != "T":
                    out.append("T")
                continue
            if cursor is not None and cursor.kind in (CK.DECL_REF_EXPR, CK.VAR_DECL):
                target = cursor if cursor.kind == CK.VAR_DECL else cursor.referenced
                if target is not None and key(target) in roles:
                    out.append(roles[key(target)])
                    continue
                if cursor.kind == CK.DECL_REF_EXPR and LoopPower._modulus(code, cursor) == p:
                    out.append("M")
                    continue
                return None
            if (
                cursor is not None
                and cursor.kind == CK.INTEGER_LITERAL
                and token in code.macros
                and integer_value(cursor) == p
            ):
                out.append("M")  # a macro whose body is the literal p
                continue
            if re.fullmatch(r"\d+[uUlL]*", token) and int(re.sub(r"[uUlL]", "", token)) == p:
                out.append("M")
                continue
            if re.fullmatch(r"[A-Za-z_]\w*", token) and token not in (
                "if",
                "while",
                "for",
                "return",
            ):
                return None  # a name the shape does not know
            out.append(token)
        return " ".join(out)

    def describe(self, rewrites: Sequence[Rewrite]) -> str:
        tables = ", ".join(r.what for r in rewrites)
        return f"compute the inverse factorials {tables} from one modular power"
