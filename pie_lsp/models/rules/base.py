"""What a rule is: a name, a summary, a version, where it may apply, and what it changes.

A rule looks for one well-known slow pattern of contest C++ and returns byte-offset edits of
the original source (`Rewrite`s). Rules are conservative: each states, in its docstring, the
conditions under which its rewrite cannot change what the program prints, proves them with
libclang (`Code`), and declines otherwise. The pipeline still builds, tests and measures
every candidate; a rule whose candidate fails a test is a bug in that rule.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import ClassVar

from pie_lsp.models.rules.code import Code
from pie_lsp.models.rules.edits import Rewrite


class Rule(ABC):
    """One rewrite: a name, what it does, and where it applies in a program."""

    name: ClassVar[str]
    summary: ClassVar[str]  # one line, for documentation and "no rule applies" notes
    # Bump when the rule changes what it proposes: cached results of programs the rule may
    # apply to are keyed by it (and only those: see `may_apply`).
    version: ClassVar[int] = 1
    # Words one of which the program's text must contain for `find` to be tried at all: a
    # cheap superset of where the rule can fire. The backend runs `find` only where this
    # matches, so a program's cache key needs only the versions of rules that match.
    triggers: ClassVar[re.Pattern[str]] = re.compile(r"")
    # The compiler is this rule's oracle: rewrites that fail are dropped one by one
    # instead of rejecting the whole candidate.
    compile_checked: ClassVar[bool] = False

    def may_apply(self, text: str) -> bool:
        """Whether `find` could find anything in a program with this text (cheap)."""
        return self.triggers.search(text) is not None

    @abstractmethod
    def find(self, code: Code) -> list[Rewrite]:
        """Every place the rule applies, as edits of the original source."""

    @abstractmethod
    def describe(self, rewrites: Sequence[Rewrite]) -> str:
        """A short sentence saying what the rewrites change."""
