"""Rounds with execution feedback: the model sees what became of its candidates and tries
again (`model.rounds`, CLI `--rounds N`).

Round 1 is the pipeline's usual best-of-k. With `model.rounds` > 1, `more_rounds` then
shows the model (pie_lsp.models.feedback) every candidate so far with what happened to it
— the compiler's message, the failing test and first differing line, a timeout, or the
speedup per test and which tests dominate — and asks for a fixed or faster version; its
answers are screened, verified and measured exactly as round 1's (the pipeline's own
`evaluate`). The search stops early when a round brings no correct candidate faster than
the best so far, when the model budget (pie_lsp.models.budget) is spent, or when the
backend has nothing more to offer (rules learn nothing from feedback).

Streaming: whenever the best correct, faster candidate improves, `more_rounds` reports a
`Step("partial", …)` carrying a ranked snapshot of the result so far (its label says
"so far, still searching…"); the language server shows it at once and a later snapshot
or the final result replaces it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import TYPE_CHECKING, Any

from attrs import evolve

from pie_lsp.errors import ModelError
from pie_lsp.models import Candidate
from pie_lsp.models.budget import BudgetSpent, current_budget
from pie_lsp.models.feedback import Attempt, attempt, templates_digest, test_times
from pie_lsp.program import MAX_SOURCE_BYTES, Program
from pie_lsp.settings import ModelSettings
from pie_lsp.tasks import task_group

if TYPE_CHECKING:
    from pie_lsp.measure import Measurement
    from pie_lsp.pipeline import CandidateResult, OptimizeResult, Pipeline, Reporter


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


def screen(
    candidate: Candidate, program: Program, unique: dict[str, Candidate], tests_total: int
) -> CandidateResult | None:
    """A rejection when `candidate` is not worth building (too large, the original's text,
    a text already seen), else None."""
    from pie_lsp.pipeline import CandidateResult

    size = len(candidate.source.encode())
    reason = ""
    source = candidate.source
    if size > MAX_SOURCE_BYTES:
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
        candidate.origin,
        candidate.description,
        source,
        "rejected",
        reason,
        tests_total=tests_total,
    )


def publish(
    pipeline: Pipeline,
    program: Program,
    result: OptimizeResult,
    evaluated: Sequence[CandidateResult],
    report: Reporter,
    original: Measurement,
) -> None:
    """Report a ranked snapshot of the result so far (`Step("partial", …)`)."""
    from pie_lsp.pipeline import Step

    snapshot = evolve(
        result,
        candidates=[evolve(c) for c in [*evaluated, *result.candidates]],
        notes=list(result.notes),
        original_timings=original.tests,
        partial=True,
        simulator=pipeline.ranker.name,
        simulator_label=pipeline.ranker.label,
        simulator_short=pipeline.ranker.short,
    )
    pipeline._rank(program, snapshot)
    if snapshot.status == "optimized":
        report(Step("partial", snapshot.label(), result=snapshot))


async def more_rounds(
    pipeline: Pipeline,
    program: Program,
    result: OptimizeResult,
    evaluated: list[CandidateResult],
    unique: dict[str, Candidate],
    evaluate: Callable[[Candidate], Coroutine[Any, Any, CandidateResult]],
    original: Awaitable[Measurement],
    report: Reporter,
) -> None:
    """Rounds 2 … `model.rounds` after the pipeline's first: new candidates go into
    `unique` (screened) and `evaluated` (built, verified, measured by `evaluate`);
    rejections before building and the search's notes go into `result`."""
    from pie_lsp.pipeline import Step

    settings = pipeline.settings.model
    result.rounds = 1
    if settings.rounds <= 1:
        return
    base = await original
    best = best_speedup(evaluated)
    if best:
        publish(pipeline, program, result, evaluated, report, base)
    budget = current_budget()
    for number in range(2, settings.rounds + 1):
        if budget.spent():
            result.notes.append(
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
            result.notes.append(f"rounds: stopped before round {number}: {exc.message}")
            return
        except ModelError as exc:
            # the rounds so far stand; the user learns why the search ended
            result.notes.append(f"rounds: round {number} failed, so the search stopped: {exc}")
            return
        if not generation.candidates and not generation.rejected and not generation.notes:
            return  # a backend that learns nothing from feedback (rules)
        result.rounds = number
        result.notes.extend(f"round {number}: {note}" for note in generation.notes)
        from pie_lsp.pipeline import CandidateResult

        tests_total = result.tests_total
        result.candidates.extend(
            CandidateResult(r.origin, "", "", "rejected", r.reason, tests_total=tests_total)
            for r in generation.rejected
        )
        fresh: list[Candidate] = []
        for candidate in generation.candidates:
            rejected = screen(candidate, program, unique, tests_total)
            if rejected is not None:
                result.candidates.append(rejected)
            else:
                unique[candidate.source] = candidate
                fresh.append(candidate)
        before = best
        report(Step("verify", f"Round {number}: verifying {len(fresh)} candidates…"))
        async with task_group() as group:
            tasks = [group.create_task(evaluate(c)) for c in fresh]
            for future in asyncio.as_completed(tasks):
                done = await future
                evaluated.append(done)
                if done.status == "faster" and (done.speedup or 0.0) > best:
                    best = done.speedup or 0.0
                    publish(pipeline, program, result, evaluated, report, base)
        if best <= before:
            result.notes.append(
                f"rounds: round {number} brought no better correct candidate, so the search "
                f"stopped ({number} of {settings.rounds} rounds)"
            )
            return
