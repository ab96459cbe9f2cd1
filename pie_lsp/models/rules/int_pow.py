"""The `int-pow` rule: compute pow(x, 2) and pow(x, 3) by multiplication.

The class docstring says when the rewrite is safe and how that is proved.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from clang.cindex import CursorKind as CK

from pie_lsp.models.rules.base import Rule
from pie_lsp.models.rules.code import Code
from pie_lsp.models.rules.cursors import (
    ARITHMETIC,
    canonical,
    strip,
)
from pie_lsp.models.rules.edits import Edit, Rewrite


class IntPow(Rule):
    """`pow(x, 3)` goes through the general floating-point power function; multiplying is
    several times faster (GCC folds `pow(x, 2)` to `x * x` itself, so squares are rewritten
    for clarity only). The square is the same correctly rounded product; the cube may
    differ from pow in the last bit. The result stays a double. Only the library pow with
    a literal exponent and a base without side effects (it is evaluated two or three
    times)."""

    name = "int-pow"
    summary = "compute pow(x, 2) and pow(x, 3) by multiplication"
    triggers = re.compile(r"\bpow\b")
    CALL = re.compile(r"(::\s*)?(std\s*::\s*)?pow\s*\(.*\)", re.DOTALL)
    EXPONENT = re.compile(r"([23])(\.0*)?")

    def find(self, code: Code) -> list[Rewrite]:
        rewrites = []
        for cursor, _ in code.nodes:
            arguments = code.library_call(cursor, "pow", 2, self.CALL)
            if arguments is None or canonical(cursor.type) != "double":
                continue
            exponent = strip(arguments[1])
            match = self.EXPONENT.fullmatch(code.text(exponent))
            if exponent.kind not in (CK.INTEGER_LITERAL, CK.FLOATING_LITERAL) or match is None:
                continue
            base = arguments[0]
            base_text = code.text(base).strip()
            if (
                not base_text
                or not code.is_pure(base)
                or strip(base).type.get_canonical().kind not in ARITHMETIC
            ):
                continue
            factor = f"(double)({base_text})"
            product = " * ".join([factor] * int(match.group(1)))
            extent = cursor.extent
            rewrites.append(
                Rewrite(
                    (Edit(extent.start.offset, extent.end.offset, f"({product})"),),
                    code.text(cursor),
                )
            )
        return rewrites

    def describe(self, rewrites: Sequence[Rewrite]) -> str:
        return f"compute {len(rewrites)} pow(x, 2|3) call(s) by multiplication"
