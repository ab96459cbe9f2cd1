"""Rounds with execution feedback: the model sees what became of its candidates and tries
again (`model.rounds`, CLI `--rounds N`).

Round 1 is the pipeline's usual best-of-k. With `model.rounds` > 1, `more_rounds` then
shows the model (pie_lsp.models.feedback) every candidate so far with what happened to it
— the compiler's message, the failing test and first differing line, a timeout, or the
speedup per test and which tests dominate — and asks for a fixed or faster version; its
answers are screened, verified and measured exactly as round 1's (the pipeline's own
`evaluate`), into the same `Search`. The search stops early when a round brings no
correct candidate faster than the best so far, when the model budget
(pie_lsp.models.budget) is spent, or when the backend has nothing more to offer (rules
learn nothing from feedback).

Streaming: whenever the best correct, faster candidate improves (in round 1, offered by
the pipeline as each candidate is measured, or in a later round), `Stream` reports a
`Step("partial", …)` carrying a ranked snapshot of the result so far (its label says
"so far, still searching…"); the language server shows it at once and a later snapshot
or the final result replaces it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import TYPE_CHECKING, Any

from pie_lsp.errors import ModelError
from pie_lsp.models import Candidate
from pie_lsp.models.budget import BudgetSpent, current_budget
from pie_lsp.models.feedback import Attempt, attempt, templates_digest, test_times
from pie_lsp.settings import ModelSettings
from pie_lsp.tasks import task_group

if TYPE_CHECKING:
    from pie_lsp.measure import Measurement
    from pie_lsp.pipeline import CandidateResult, Pipeline, Reporter, Search


def rounds_digest(settings: ModelSettings) -> str:
    """What of the rounds settings changes a result (for the pipeline's result key)."""
    if settings.rounds <= 1:
        return f"rounds:1:{settings.max_calls}:{settings.max_tokens}"
    return (
        f"rounds:{settings.rounds}:{settings.crossover}:{settings.max_calls}:"
        f"{settings.max_tokens}:{templates_digest()}"
    )


def best_speedup(candidates: Sequence[CandidateResult]) -> float:
    """The speedup of the best correct, faster candidate (0 when there is none)."""
    return max((c.speedup or 0.0 for c in candidates if c.status == "faster"), default=0.0)


def attempts_of(
    candidates: Sequence[CandidateResult], original: Measurement | None
) -> list[Attempt]:
    """The candidates as the model will be told about them (those with code)."""
    return [
        attempt(
            c.origin,
            c.source,
            c.status,
            c.reason,
            c.speedup,
            test_times(original.tests, c.timings) if original is not None else (),
        )
        for c in candidates
        if c.source
    ]


def publish(pipeline: Pipeline, search: Search, report: Reporter, original: Measurement) -> None:
    """Report a ranked snapshot of the result so far (`Step("partial", …)`)."""
    from pie_lsp.pipeline import Step

    snapshot = pipeline.snapshot(search, original)
    if snapshot.status == "optimized":
        report(Step("partial", snapshot.label(), result=snapshot))


class Stream:
    """Streams the result so far each time a candidate beats the best correct, faster one
    (only with `model.rounds` > 1: with one round the final result comes next anyway).
    The pipeline offers it every candidate of round 1 as it is measured; `more_rounds`
    those of the later rounds."""

    def __init__(
        self,
        pipeline: Pipeline,
        search: Search,
        report: Reporter,
        original: Awaitable[Measurement],
    ) -> None:
        self.pipeline, self.search, self.report = pipeline, search, report
        self.original = original
        self.enabled = pipeline.settings.model.rounds > 1
        self.best = 0.0

    async def offer(self, candidate: CandidateResult) -> None:
        """Stream the result so far if `candidate` (already in the search) is the best."""
        speedup = candidate.speedup or 0.0
        if not self.enabled or candidate.status != "faster" or speedup <= self.best:
            return
        self.best = speedup
        publish(self.pipeline, self.search, self.report, await self.original)


async def more_rounds(
    pipeline: Pipeline,
    search: Search,
    evaluate: Callable[[Candidate], Coroutine[Any, Any, CandidateResult]],
    stream: Stream,
) -> None:
    """Rounds 2 … `model.rounds` after the pipeline's first: new candidates are screened
    into `search` and, built, verified and measured by `evaluate`, added to its evaluated;
    rejections before building and the rounds' notes go into `search` too."""
    from pie_lsp.pipeline import Step

    settings = pipeline.settings.model
    program, evaluated = search.program, search.evaluated
    search.rounds = 1
    if settings.rounds <= 1:
        return
    report = stream.report
    base = await stream.original
    best = best_speedup(evaluated)
    budget = current_budget()
    for number in range(2, settings.rounds + 1):
        if budget.spent():
            search.notes.append(
                f"rounds: stopped before round {number}: the model budget is spent "
                f"({budget.describe()})"
            )
            return
        report(Step("generate", f"Round {number}/{settings.rounds}: asking with feedback…"))
        try:
            generation = await pipeline.backend.feedback(
                program,
                attempts_of(evaluated, base),
                settings.samples,
                number,
                lambda message: report(Step("generate", message)),
                crossover=settings.crossover,
            )
        except BudgetSpent as exc:
            search.notes.append(f"rounds: stopped before round {number}: {exc.message}")
            return
        except ModelError as exc:
            # the rounds so far stand; the user learns why the search ended
            search.notes.append(f"rounds: round {number} failed, so the search stopped: {exc}")
            return
        if not generation.candidates and not generation.rejected and not generation.notes:
            return  # a backend that learns nothing from feedback (rules)
        search.rounds = number
        search.notes.extend(f"round {number}: {note}" for note in generation.notes)
        from pie_lsp.pipeline import CandidateResult

        search.rejected.extend(
            CandidateResult(r.origin, "", "", "rejected", r.reason, tests_total=search.tests_total)
            for r in generation.rejected
        )
        fresh = search.add(generation.candidates)
        before = best
        report(Step("verify", f"Round {number}: verifying {len(fresh)} candidates…"))
        async with task_group() as group:
            tasks = [group.create_task(evaluate(c)) for c in fresh]
            for future in asyncio.as_completed(tasks):
                done = await future
                evaluated.append(done)
                if done.status == "faster":
                    best = max(best, done.speedup or 0.0)
                await stream.offer(done)
        if best <= before:
            search.notes.append(
                f"rounds: round {number} brought no better correct candidate, so the search "
                f"stopped ({number} of {settings.rounds} rounds)"
            )
            return
