"""The embedded `rules` backend: deterministic PIE-style rewrites found with libclang.

One rule per module, as clang-tidy and ruff lay out their checks. Reading order:
`edits` (what a rule returns), `cursors` and `code` (the questions rules ask about the
parse), `base` (the `Rule` interface), one rule (`endl` is the shortest), `registry` (every
rule), then `backend` (running the rules, checking and combining their rewrites).
"""

from __future__ import annotations

from pie_lsp.models.rules.backend import RulesBackend
from pie_lsp.models.rules.base import Rule
from pie_lsp.models.rules.code import Code
from pie_lsp.models.rules.edits import Edit, Rewrite, apply_edits, merge
from pie_lsp.models.rules.registry import ALL_RULES, RULE_NAMES

__all__ = [
    "ALL_RULES",
    "RULE_NAMES",
    "Code",
    "Edit",
    "Rewrite",
    "Rule",
    "RulesBackend",
    "apply_edits",
    "merge",
]
