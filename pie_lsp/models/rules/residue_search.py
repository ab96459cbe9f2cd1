"""The `residue-search` rule: stop a brute-force search over i·a mod b after one period.

The class docstring says when the rewrite is safe and how that is proved.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from clang.cindex import CursorKind as CK

from pie_lsp.models.rules.base import Rule
from pie_lsp.models.rules.code import Code
from pie_lsp.models.rules.cursors import (
    INTEGERS,
    Cursor,
    children,
    file_offset,
    key,
    names,
    operator,
    strip,
)
from pie_lsp.models.rules.edits import Edit, Rewrite
from pie_lsp.models.rules.equal_pairs import EqualPairs, includes

# Bounds the search may keep (larger ones could not be compared exactly as doubles).
LARGEST = 2**53


class ResidueSearch(Rule):
    """`for (i = 1; i < 1e8; i++) if (i * a % b == c) { print; return; }` tries up to 10⁸
    multiples although `i·a mod b` repeats with period |b|: if no i in [l, l + |b|) hits,
    none ever does, and the first hit, if any, lies in that window. The bound becomes
    `min(bound, l + |b|)`.

    Matched exactly: a `for` loop (a macro such as FOR(i, 1, 1e8) is fine: only its
    literal bound is edited, where it is written) declares an integer `i` starting at a
    literal l ≥ 0 and stepping `i++` below a literal bound ≤ 2⁵³; its body holds only
    declarations of locals initialised without side effects and one `if` without else,
    whose condition is `X % b == c` (either way round), X being `i * a`, `a * i` or a
    local initialised so, a, b integer variables and c a variable or literal, and whose
    branch ends in `return` or `break` with no loop or `continue` inside. Until the branch
    runs, the loop changes nothing, so a, b, c hold still; i·a keeps one sign (i ≥ 0),
    and C++'s remainder of numbers of one sign repeats with period |b|. b = 0 divides by
    zero in the original on the first iteration already."""

    name = "residue-search"
    summary = "stop a brute-force search over i*a mod b after one period of b"
    triggers = re.compile(r"%")

    def find(self, code: Code) -> list[Rewrite]:
        rewrites = []
        for loop, _ in code.nodes:
            if loop.kind != CK.FOR_STMT:
                continue
            found = self._match(code, loop)
            if found is None:
                continue
            bound_at, bound_text, low_text, modulus = found
            period = f"std::llabs((long long)({modulus}))"
            text = (
                f"({period} < (long long)({bound_text}) - ({low_text}) "
                f"? ({low_text}) + {period} : ({bound_text}))"
            )
            rewrites.append(
                Rewrite(
                    (Edit(bound_at, bound_at + len(bound_text), text),),
                    f"line {code.line_of(bound_at)}",
                )
            )
        if rewrites:
            include = includes(code, ("cstdlib",))
            if include is None:
                return []
            rewrites[:0] = include
        return rewrites

    def _match(self, code: Code, loop: Cursor) -> tuple[int, str, str, str] | None:
        """(where the bound is written, its text, the start's text, b's name)."""
        parts = EqualPairs._loop(code, loop)
        if parts is None:
            return None
        i, low, bound, body = parts
        low_text = self._literal(code, low, CK.INTEGER_LITERAL)
        bound_literal = self._written_literal(code, bound)
        if low_text is None or bound_literal is None:
            return None
        bound_at, bound_text = bound_literal
        try:
            if float(low_text.rstrip("lLuU")) < 0 or float(bound_text.rstrip("lLuU")) > LARGEST:
                return None
        except ValueError:
            return None
        statements = children(body) if body.kind == CK.COMPOUND_STMT else [body]
        locals_: dict[tuple[str, int, str], Cursor] = {}
        test = None
        for statement in statements:
            if statement.kind == CK.DECL_STMT:
                for variable in children(statement):
                    values = [c for c in children(variable) if c.kind != CK.TYPE_REF]
                    if (
                        variable.kind != CK.VAR_DECL
                        or len(values) != 1
                        or not code.is_pure(values[0])
                    ):
                        return None
                    locals_[key(variable)] = values[0]
            elif statement.kind == CK.IF_STMT and test is None:
                test = statement
            else:
                return None
        if test is None or len(children(test)) != 2:
            return None
        condition, branch = children(test)
        modulus = self._residue_test(code, strip(condition), i, locals_)
        if modulus is None or not self._exits(branch):
            return None
        return bound_at, bound_text, low_text, modulus

    @staticmethod
    def _literal(code: Code, cursor: Cursor, kind: object) -> str | None:
        cursor = strip(cursor)
        if cursor.kind != kind:
            return None
        tokens = list(cursor.get_tokens())
        return tokens[0].spelling if len(tokens) == 1 else None

    @staticmethod
    def _written_literal(code: Code, bound: Cursor) -> tuple[int, str] | None:
        """Where a literal bound is spelled in this file (in a macro argument too)."""
        literal = strip(bound)
        if literal.kind not in (CK.INTEGER_LITERAL, CK.FLOATING_LITERAL):
            return None
        location = literal.location
        if location.file is None or location.file.name != code.parsed.filename:
            return None
        at = file_offset(location)
        if at is None:
            return None
        token = code.token_at.get(at)
        if token is None or token in code.macros or not re.fullmatch(r"[\d.eE+]+[lLuU]*", token):
            return None
        after = code.next_token(at + len(token))
        if after is None or after[1] not in (")", ",", ";"):
            return None  # more than the literal: not a bound we can rewrite in place
        return at, token

    @staticmethod
    def _residue_test(
        code: Code, condition: Cursor, i: Cursor, locals_: dict[tuple[str, int, str], Cursor]
    ) -> str | None:
        """b's name when the condition is `X % b == c` with X = i * a (or a * i)."""
        if condition.kind != CK.BINARY_OPERATOR or operator(condition) != "==":
            return None
        for first, second in (children(condition), children(condition)[::-1]):
            remainder, other = strip(first), strip(second)
            if remainder.kind != CK.BINARY_OPERATOR or operator(remainder) != "%":
                continue
            product, modulus = (strip(c) for c in children(remainder))
            if product.kind == CK.DECL_REF_EXPR and product.referenced is not None:
                product = strip(locals_.get(key(product.referenced), product))
            if product.kind != CK.BINARY_OPERATOR or operator(product) != "*":
                continue
            factors = [strip(c) for c in children(product)]
            if sum(names(f, i) for f in factors) != 1:
                continue
            multiplier = next(f for f in factors if not names(f, i))
            if not all(_integer_variable(v) for v in (multiplier, modulus)):
                continue
            if not (_integer_variable(other) or other.kind == CK.INTEGER_LITERAL):
                continue
            if any(
                v.referenced is not None and key(v.referenced) in locals_
                for v in (multiplier, modulus, other)
                if v.kind == CK.DECL_REF_EXPR
            ):
                continue
            return str(modulus.spelling)
        return None

    @staticmethod
    def _exits(branch: Cursor) -> bool:
        """Ends in return/break, with no loop, switch or continue inside."""
        last = branch
        while last.kind == CK.COMPOUND_STMT:
            inner = children(last)
            if not inner:
                return False
            last = inner[-1]
        if last.kind not in (CK.RETURN_STMT, CK.BREAK_STMT):
            return False
        return not any(
            c.kind
            in (
                CK.FOR_STMT,
                CK.WHILE_STMT,
                CK.DO_STMT,
                CK.CXX_FOR_RANGE_STMT,
                CK.SWITCH_STMT,
                CK.CONTINUE_STMT,
                CK.GOTO_STMT,
            )
            for c in branch.walk_preorder()
        )

    def describe(self, rewrites: Sequence[Rewrite]) -> str:
        places = ", ".join(r.what for r in rewrites if r.what != "#include")
        return f"stop the search over i*a mod b after one period of b ({places})"


def _integer_variable(cursor: Cursor) -> bool:
    return bool(
        cursor.kind == CK.DECL_REF_EXPR
        and cursor.referenced is not None
        and cursor.referenced.kind in (CK.VAR_DECL, CK.PARM_DECL)
        and cursor.type.get_canonical().kind in INTEGERS
    )
