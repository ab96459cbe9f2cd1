"""The `to-string-digits` rule: read a number's first or last digit, or count its digits,
with arithmetic instead of building its decimal string.

The class docstring says when the rewrite is safe and how that is proved.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from clang.cindex import CursorKind as CK

from pie_lsp.models.rules.base import Rule
from pie_lsp.models.rules.code import Code
from pie_lsp.models.rules.cursors import Cursor, canonical, children, strip
from pie_lsp.models.rules.edits import Edit, Rewrite


class ToStringDigits(Rule):
    """`to_string(i).front() - '0'` (or `.back()`, `[0]`, `.size()`, `.length()`) formats
    the whole number into a string, maybe allocating, to read one character or its length.
    Small helpers compute the same character (or count) from the number: the last digit
    is `'0' + |x % 10|`, the first is the leading digit (or '-' for a negative number, as
    the string starts with it), and the length counts digits plus the sign. They are exact
    for every value of the types they take: only the library's to_string(int / long /
    long long / unsigned), whose values all fit in long long, and only where the character
    is read as a value (never bound to a reference or written). The argument is evaluated
    once either way."""

    name = "to-string-digits"
    summary = "read a number's first/last digit or digit count with arithmetic, not to_string"
    triggers = re.compile(r"\bto_string\b")
    TYPES = frozenset({"int", "long", "long long", "unsigned int"})
    HELPERS: ClassVar[dict[str, str]] = {
        "pie_first_digit": (
            "static inline char pie_first_digit(long long x) {{  // to_string(x).front(){nl}"
            "    if (x < 0) return '-';{nl}"
            "    while (x >= 10) x /= 10;{nl}"
            "    return (char)('0' + x);{nl}"
            "}}{nl}"
        ),
        "pie_last_digit": (
            "static inline char pie_last_digit(long long x) {{  // to_string(x).back(){nl}"
            "    return (char)('0' + (x % 10 < 0 ? -(x % 10) : x % 10));{nl}"
            "}}{nl}"
        ),
        "pie_digit_count": (
            "static inline std::size_t pie_digit_count(long long x) {{  // to_string(x).size()"
            "{nl}"
            "    std::size_t n = x < 0 ? 2 : 1;{nl}"
            "    unsigned long long u = x < 0 ? 0ULL - (unsigned long long)x "
            ": (unsigned long long)x;{nl}"
            "    while (u >= 10) {{{nl}"
            "        u /= 10;{nl}"
            "        n++;{nl}"
            "    }}{nl}"
            "    return n;{nl}"
            "}}{nl}"
        ),
    }
    METHODS: ClassVar[dict[str, str]] = {
        "front": "pie_first_digit",
        "back": "pie_last_digit",
        "size": "pie_digit_count",
        "length": "pie_digit_count",
    }

    def find(self, code: Code) -> list[Rewrite]:
        if any(name in code.text_str for name in self.HELPERS):
            return []
        rewrites: list[Rewrite] = []
        used: dict[str, None] = {}
        first_top: int | None = None
        for call, parents in code.nodes:
            found = self._site(code, call, parents)
            if found is None or not parents:
                continue
            helper, argument = found
            used[helper] = None
            top = parents[0].extent.start.offset
            first_top = top if first_top is None else min(first_top, top)
            extent = call.extent
            rewrites.append(
                Rewrite(
                    (Edit(extent.start.offset, extent.end.offset, f"{helper}({argument})"),),
                    code.text(call),
                )
            )
        if not rewrites or first_top is None:
            return []
        line_start = code.source.rfind(b"\n", 0, first_top) + 1
        if code.source[line_start:first_top].strip():
            return []  # something else on the line before the declaration
        text = "".join(self.HELPERS[h].format(nl=code.newline) for h in used) + code.newline
        return [Rewrite((Edit(line_start, line_start, text),), "helpers"), *rewrites]

    def _site(self, code: Code, call: Cursor, parents: Sequence[Cursor]) -> tuple[str, str] | None:
        """(helper, argument text) when `call` reads to_string(x)'s first/last character
        or length as a value."""
        if call.kind != CK.CALL_EXPR or not parents:
            return None
        if call.spelling in self.METHODS and not list(call.get_arguments()):
            member = children(call)
            if len(member) != 1 or member[0].kind != CK.MEMBER_REF_EXPR:
                return None
            objects = children(member[0])
            inner = strip(objects[0]) if len(objects) == 1 else None
            helper = self.METHODS[call.spelling]
        elif call.spelling == "operator[]":
            arguments = list(call.get_arguments())
            if len(arguments) != 2 or code.text(strip(arguments[1])).strip() != "0":
                return None
            inner = strip(arguments[0])
            helper = "pie_first_digit"
        else:
            return None
        if inner is None or call.referenced is None or not code.from_library(call.referenced):
            return None
        argument = self._to_string_argument(code, inner)
        if argument is None:
            return None
        # a value, not a reference to the temporary's character
        outer = next((p for p in reversed(parents) if p.kind != CK.PAREN_EXPR), None)
        if helper != "pie_digit_count" and (outer is None or outer.kind != CK.UNEXPOSED_EXPR):
            return None
        return helper, argument

    def _to_string_argument(self, code: Code, inner: Cursor) -> str | None:
        while inner.kind == CK.CALL_EXPR and inner.spelling in ("basic_string", ""):
            nested = children(inner)  # a copy/move of the temporary
            if len(nested) != 1:
                return None
            inner = strip(nested[0])
        if inner.kind != CK.CALL_EXPR or inner.spelling != "to_string":
            return None
        decl = inner.referenced
        arguments = list(inner.get_arguments())
        callee = next((c for c in inner.walk_preorder() if c.kind == CK.DECL_REF_EXPR), None)
        if (
            decl is None
            or not code.from_library(decl)
            or len(arguments) != 1
            or callee is None
            or not code.is_written(callee, "to_string")
        ):
            return None
        parameters = list(decl.get_arguments())
        if len(parameters) != 1 or canonical(parameters[0].type) not in self.TYPES:
            return None
        text = code.text(arguments[0]).strip()
        return text or None

    def describe(self, rewrites: Sequence[Rewrite]) -> str:
        sites = [r.what for r in rewrites if r.what != "helpers"]
        return f"compute {len(sites)} to_string(…) digit read(s) with arithmetic"
