"""What one optimization may spend on a model: calls and tokens, counted and capped.

A user paying for an API wants to know, and to bound, what an optimization costs. Each
`Pipeline.optimize` opens a `Budget` (`budget_scope`, from `model.max_calls` and
`model.max_tokens`; 0 means no limit) that the model backends find with `current_budget()`
without it being threaded through every call, as the pipeline's oracle is. Before a
request a backend asks `before_call` (which raises `BudgetSpent`, a ModelError, once the
calls or tokens are spent, and says how many completion tokens the request may still ask
for); after it, `charge` adds the tokens the server reports (`usage.total_tokens`), or an
estimate of 4 characters a token when it reports none (then the result says "about").

The token limit is checked before each call and a call's completions are capped to what
is left; a prompt's own tokens are estimated before the call, so the total can pass the
limit by that estimate's error, never by a whole completion.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator

from attrs import define

from pie_lsp.errors import ModelError
from pie_lsp.settings import ModelSettings

CHARS_PER_TOKEN = 4  # the usual rough figure for code and English
MIN_COMPLETION_TOKENS = 64  # fewer cannot hold a program: the call is not worth making


class BudgetSpent(ModelError):
    """The optimization's model budget does not allow another call."""


def estimate_tokens(text: str) -> int:
    """Tokens of `text` by the 4-characters rule (servers that report no usage)."""
    return (len(text) + CHARS_PER_TOKEN - 1) // CHARS_PER_TOKEN


@define
class Budget:
    """Model calls and tokens one optimization has spent, and its limits (0: none)."""

    max_calls: int = 0
    max_tokens: int = 0
    calls: int = 0
    tokens: int = 0
    estimated: bool = False  # some call's tokens were estimated, not reported

    @classmethod
    def from_settings(cls, settings: ModelSettings) -> Budget:
        return cls(max_calls=settings.max_calls, max_tokens=settings.max_tokens)

    def calls_left(self) -> int | None:
        return None if not self.max_calls else max(0, self.max_calls - self.calls)

    def tokens_left(self) -> int | None:
        return None if not self.max_tokens else max(0, self.max_tokens - self.tokens)

    def spent(self) -> bool:
        """No further call is allowed (even one with a tiny prompt)."""
        calls, tokens = self.calls_left(), self.tokens_left()
        return calls == 0 or (tokens is not None and tokens < MIN_COMPLETION_TOKENS)

    def before_call(self, prompt: str, wanted: int, samples: int = 1) -> tuple[int, int]:
        """(the completion tokens per sample a request for `samples` completions of
        `prompt` may ask for, at most `wanted`; the tokens reserved for it until `charge`).
        Raises BudgetSpent when no call is allowed. The call and its worst case are
        counted now, so parallel requests cannot all pass the last check."""
        if self.calls_left() == 0:
            raise self._spent(f"its {self.max_calls} model calls are used")
        cap, reserved = wanted, 0
        left = self.tokens_left()
        if left is not None:
            cap = min(wanted, (left - estimate_tokens(prompt)) // max(1, samples))
            if cap < MIN_COMPLETION_TOKENS:
                raise self._spent(f"{self.tokens:,} of its {self.max_tokens:,} tokens are used")
            reserved = estimate_tokens(prompt) + cap * max(1, samples)
            self.tokens += reserved
        self.calls += 1
        return cap, reserved

    def charge(self, reserved: int, used: int | None, estimate: int) -> None:
        """Settle a call: `reserved` tokens held by `before_call` (0 without a token
        limit) are replaced by `used` (the server's count) or else `estimate`."""
        if used is None:
            self.estimated = True
        self.tokens += (used if used is not None else estimate) - reserved

    def refund(self, reserved: int) -> None:
        """A call that failed before the server answered spends nothing."""
        self.calls = max(0, self.calls - 1)
        self.tokens = max(0, self.tokens - reserved)

    def _spent(self, why: str) -> BudgetSpent:
        return BudgetSpent(
            f"the model budget of this optimization is spent: {why}",
            hint="raise pie.model.max_calls / pie.model.max_tokens (0: no limit)",
        )

    def describe(self) -> str:
        """ "3 model calls, 5,210 tokens" ("about" when some were estimated)."""
        about = "about " if self.estimated else ""
        calls = "1 model call" if self.calls == 1 else f"{self.calls} model calls"
        return f"{calls}, {about}{self.tokens:,} tokens"


_BUDGET: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("budget", default=None)


def current_budget() -> Budget:
    """The budget of the optimization running in this task (an unlimited one that nobody
    reads when there is none, e.g. `pie-lsp doctor` or a backend used on its own)."""
    budget = _BUDGET.get()
    return budget if budget is not None else Budget()


@contextlib.contextmanager
def budget_scope(budget: Budget) -> Iterator[Budget]:
    """Make `budget` the one the backends charge in this task and those it starts."""
    token = _BUDGET.set(budget)
    try:
        yield budget
    finally:
        _BUDGET.reset(token)
