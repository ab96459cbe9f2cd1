"""What every model backend gives the pipeline: candidate programs, and why others failed.

Backends differ only in where text comes from (deterministic rules, an OpenAI-compatible
server, a local checkpoint). Everything they return is untrusted until built and tested.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, ClassVar

from attrs import define, field, frozen

from pie_lsp.program import Program

if TYPE_CHECKING:
    from pie_lsp.models.feedback import Attempt

# progress(message) lets a backend say what it is doing (shown in the editor's progress).
Progress = Callable[[str], None]


@frozen
class Candidate:
    """A rewritten program proposed by a backend."""

    origin: str  # "rules:sync-stdio", "rules:all", "openai:sample-3"...
    source: str
    description: str = ""


@frozen
class Rejection:
    """A proposal the backend itself discarded (e.g. an unparseable completion)."""

    origin: str
    reason: str


@frozen
class Outcome:
    """What became of a candidate once built, tested and measured (what `refine` and
    `explain` learn from the pipeline)."""

    origin: str
    status: str  # faster | not-faster | rejected
    speedup: float | None = None
    reason: str = ""


@define
class Generation:
    """A backend's answer for one program."""

    candidates: list[Candidate] = field(factory=list)
    rejected: list[Rejection] = field(factory=list)
    # Things the user should know (e.g. "program is longer than the model was trained on").
    notes: list[str] = field(factory=list)


class ModelBackend(ABC):
    """A source of candidate rewrites."""

    name: str
    # Whether `generate` uses nothing learned by running the original (no profile in a
    # prompt, nothing measured): the pipeline then starts it at once, beside the
    # original's build and tests, instead of after them.
    starts_early: ClassVar[bool] = False

    @abstractmethod
    def config_digest(self) -> str:
        """A hash of the configuration that changes what this backend proposes."""

    def config_digest_for(self, program: Program) -> str:
        """The part of the configuration that matters for this program (cache keys); a
        backend whose parts apply to some programs only (rules) narrows it."""
        return self.config_digest()

    @abstractmethod
    async def generate(self, program: Program, samples: int, progress: Progress) -> Generation:
        """Propose rewrites of `program` (up to `samples` for sampling backends).

        Raises ModelError when the backend cannot work at all (server down...)."""

    async def refine(self, program: Program, outcomes: Sequence[Outcome]) -> Generation:
        """More candidates, chosen from how the ones so far measured (a backend whose
        rewrites compose combines the best); none when it has nothing more to try (with a
        note when something, such as a time budget, stopped it)."""
        return Generation()

    async def feedback(
        self,
        program: Program,
        attempts: Sequence[Attempt],
        samples: int,
        round_number: int,
        progress: Progress,
        *,
        crossover: bool = False,
    ) -> Generation:
        """Round `round_number` (2, 3, ...) of a search with execution feedback: new
        candidates from a model shown `attempts`, what became of the candidates so far
        (pie_lsp.models.feedback). A backend that learns nothing from them (rules) has
        none to give."""
        return Generation()

    def explain(self, program: Program, outcomes: Sequence[Outcome]) -> list[str]:
        """Why nothing faster was found: what was tried, what matched but was not faster,
        what else could find more. Lines for the user; [] if the backend has nothing to add."""
        return []

    async def aclose(self) -> None:  # noqa: B027 - optional hook
        """Release connections or models."""
