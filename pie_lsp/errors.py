"""Errors a user can act on.

Every failure that reaches a user is a `PieError`: a message saying what went wrong and a
hint naming the fix. The CLI prints both; the server shows them in one window message.
"""

from __future__ import annotations


class PieError(Exception):
    """A failure with a message for the user and a hint naming the fix."""

    def __init__(self, message: str, *, hint: str = "", details: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        # Long output (compiler errors, a failing test's diff) for logs and --json.
        self.details = details

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class ToolMissing(PieError):
    """A required external tool (compiler, valgrind, gem5, unshare) is absent."""


class NoTests(PieError):
    """No test cases were found for a program."""


class BuildFailed(PieError):
    """The program does not compile."""


class OriginalFailsTests(PieError):
    """The user's own program fails (or times out on) its tests."""


class ModelError(PieError):
    """A model backend could not produce candidates (server down, bad checkpoint...)."""


class Cancelled(PieError):
    """The user cancelled the work."""
