"""What one optimization has found so far, and the screening of candidates before any is
built: the generation step, the combinations and the rounds (pie_lsp.rounds) all add to
one `Search`; the pipeline makes the result from it once, at the end."""

from __future__ import annotations

from collections.abc import Sequence

from attrs import define, field

from pie_lsp.job import Job
from pie_lsp.models import Candidate
from pie_lsp.pipeline.results import CandidateResult
from pie_lsp.program import MAX_SOURCE_BYTES, Program


def screen(
    candidate: Candidate, program: Program, unique: dict[str, Candidate], tests_total: int
) -> CandidateResult | None:
    """A rejection when `candidate` is not worth building (too large, the original's text,
    a text already seen), else None."""
    size = len(candidate.source.encode())
    reason = ""
    source = candidate.source
    if size > MAX_SOURCE_BYTES:  # the original's limit holds for candidates
        reason = (
            f"too large: {size} bytes, more than the {MAX_SOURCE_BYTES // 1000} kB a "
            "program may have"
        )
        source = ""  # not kept: never shown or written
    elif candidate.source.strip() == program.text.strip():
        reason = "identical to the original"
    elif candidate.source in unique:
        reason = f"same text as {unique[candidate.source].origin}"
    if not reason:
        return None
    return CandidateResult(
        candidate.origin, candidate.description, source, "rejected", reason, tests_total=tests_total
    )


@define
class Search:
    """What one optimization has found so far: the steps (generation, combinations, the
    rounds of pie_lsp.rounds) add to it, and the result is made from it once, at the end
    (or as a snapshot while rounds still run)."""

    job: Job
    # built, verified and measured; and dropped before building, with the reason
    evaluated: list[CandidateResult] = field(factory=list)
    rejected: list[CandidateResult] = field(factory=list)
    # every distinct candidate text so far, in the order proposed
    unique: dict[str, Candidate] = field(factory=dict)
    notes: list[str] = field(factory=list)
    rounds: int = 1
    derived_total: int = 0

    @property
    def program(self) -> Program:
        return self.job.program

    @property
    def tests_total(self) -> int:
        return len(self.job.suite)

    def add(self, candidates: Sequence[Candidate]) -> list[Candidate]:
        """Screen `candidates`: the rejected are kept with their reason, the rest
        (returned) are new texts to evaluate."""
        fresh = []
        for candidate in candidates:
            rejected = screen(candidate, self.program, self.unique, self.tests_total)
            if rejected is not None:
                self.rejected.append(rejected)
            else:
                self.unique[candidate.source] = candidate
                fresh.append(candidate)
        return fresh

    def candidates(self) -> list[CandidateResult]:
        """Every candidate: the evaluated in the order proposed, then the rejected."""
        order = {source: i for i, source in enumerate(self.unique)}
        evaluated = sorted(self.evaluated, key=lambda c: order.get(c.source, len(order)))
        return [*evaluated, *self.rejected]
