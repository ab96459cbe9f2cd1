"""The `set-to-unordered` rule: use std::unordered_set for sets that are never iterated in
key order.

The class docstring says when the rewrite is safe and how that is proved.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pie_lsp.models.rules.edits import Rewrite
from pie_lsp.models.rules.map_to_unordered import MapToUnordered


class SetToUnordered(MapToUnordered):
    """A `std::set` used only for membership (`seen.count(x)`, `insert` whose result is
    unused, `erase(x)`, `find(x) != end()`, size, empty, clear) behaves the same as a
    `std::unordered_set`, which hashes instead of walking a tree. The same proof as
    map-to-unordered: integral or string keys, a plain variable declared here, and every
    mention of its name one of those uses, so nothing can observe the order."""

    name = "set-to-unordered"
    summary = "use std::unordered_set for sets that are only asked what they contain"
    triggers = re.compile(r"\bset\b")
    KIND = "set"
    ARGUMENTS = 1
    TYPE = re.compile(rb"((?:static\s+)?(?:std\s*::\s*)?)set\s*<")
    INCLUDE = re.compile(
        rb"^[ \t]*#[ \t]*include[ \t]*[<\"](bits/stdc\+\+\.h|unordered_set)[>\"]", re.MULTILINE
    )

    def describe(self, rewrites: Sequence[Rewrite]) -> str:
        names = ", ".join(r.what for r in rewrites if r.what != "#include")
        return f"use std::unordered_set for {names} (never iterated in key order)"
