"""Judging and ranking measured candidates, and "the estimate ranks, gem5 confirms".

`judge` turns a candidate's measurement into its speedup and verdict (Σ original seconds /
Σ candidate seconds over all tests; "faster" means at least `min_speedup`, PIE's 1.10).
`rank` orders the candidates and picks the best, only among what the confirming backend
measured when there is one. With gem5 and `pie.simulator.gem5.ranking = "estimate"`
(`make_ranker`), the estimate measures every candidate and gem5 only the original and the
estimate's best few (`confirm`): gem5 is ~1000× slower than the estimate.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from attrs import frozen

from pie_lsp.build import Binary, Builder
from pie_lsp.cache import Cache
from pie_lsp.errors import PieError
from pie_lsp.measure import MeasureFailed, Measurement, Measurer
from pie_lsp.pipeline.results import CandidateResult, Reporter, Step
from pie_lsp.sandbox import Sandbox
from pie_lsp.settings import Settings
from pie_lsp.tasks import task_group
from pie_lsp.text import times
from pie_lsp.verify import TestCase


def judge(
    candidate: CandidateResult, measured: Measurement, base: Measurement, min_speedup: float
) -> None:
    """Record `measured` on the candidate: its speedup over `base`, and whether that is
    faster than `min_speedup` (the reason says why not)."""
    candidate.measured_by = measured.backend
    candidate.timings = measured.tests
    candidate.total_seconds = measured.total_seconds
    candidate.speedup = (
        base.total_seconds / measured.total_seconds if measured.total_seconds > 0 else None
    )
    faster = candidate.speedup is not None and candidate.speedup >= min_speedup
    candidate.status = "faster" if faster else "not-faster"
    candidate.reason = (
        ""
        if faster
        else f"{times(candidate.speedup or 0)} is below the {times(min_speedup)} threshold"
    )


@frozen
class Ranking:
    """The candidates in the order shown (correct ones by speedup, then the rejected) and
    the best correct one, if any; `optimized` when the best is faster enough."""

    candidates: list[CandidateResult]
    best: CandidateResult | None

    @property
    def optimized(self) -> bool:
        return self.best is not None and self.best.status == "faster"


def rank(candidates: Sequence[CandidateResult], confirmed_by: str = "") -> Ranking:
    """Rank by speedup; ties go to the candidate listed first (single rules first). With
    a confirming backend (`confirmed_by`), only what it measured can win."""
    correct = [c for c in candidates if c.status != "rejected" and c.speedup is not None]
    if confirmed_by:
        correct = [c for c in correct if c.measured_by == confirmed_by]
    correct.sort(key=lambda c: -(c.speedup or 0.0))
    shown = sorted(candidates, key=lambda c: (c.status == "rejected", -(c.speedup or 0.0)))
    return Ranking(shown, correct[0] if correct else None)


def make_ranker(
    settings: Settings,
    measurer: Measurer,
    sandbox: Sandbox,
    cache: Cache,
    slots: asyncio.Semaphore,
) -> tuple[Measurer, str]:
    """The backend that ranks candidates, and a note when it cannot be the estimate.
    With gem5 and pie.simulator.gem5.ranking = "estimate", the estimate ranks and gem5
    measures only the original and the best."""
    if measurer.name != "gem5" or settings.simulator.gem5.ranking != "estimate":
        return measurer, ""
    from pie_lsp.measure.estimate import EstimateMeasurer

    try:
        ranker = EstimateMeasurer.from_settings(settings, sandbox, cache, slots)
    except PieError as exc:
        return measurer, (
            f"every candidate is measured in gem5: the estimate cannot rank them ({exc.message})"
        )
    return ranker, ""


@frozen
class Confirmation:
    """What the confirming backend measured: the original (its timings are the result's)
    and which backends ranked and confirmed."""

    original: Measurement
    ranked_by: str
    confirmed_by: str


async def confirm(
    builder: Builder,
    measurer: Measurer,
    ranker: Measurer,
    want: int,
    min_speedup: float,
    original: Binary,
    cases: Sequence[TestCase],
    candidates: Sequence[CandidateResult],
    report: Reporter,
) -> Confirmation | None:
    """Measure the original and the ranker's best `want` candidates with `measurer`; their
    speedups replace the ranker's (on the candidates). A candidate the measurer cannot
    measure (a timeout, an instruction gem5 lacks) makes room for the next one. None when
    no candidate was measured: the ranker's answer stands."""
    ranked = [c for c in candidates if c.status != "rejected" and c.speedup]
    ranked.sort(key=lambda c: -(c.speedup or 0.0))
    if not ranked:
        return None
    report(Step("measure", f"Measuring the original in {measurer.short}…"))

    async def measure_in(candidate: CandidateResult) -> Measurement | MeasureFailed:
        binary = await builder.build(candidate.source, label=candidate.origin)
        try:
            return await measurer.measure(binary, cases)
        except MeasureFailed as exc:
            return exc

    async with task_group() as group:
        original_task = group.create_task(measurer.measure(original, cases))
        confirmed, queue = 0, list(ranked)
        while queue and confirmed < want:
            batch, queue = queue[: want - confirmed], queue[want - confirmed :]
            names = ", ".join(c.origin for c in batch)
            report(Step("measure", f"Confirming {names} in {measurer.short}…"))
            round_tasks = [group.create_task(measure_in(c)) for c in batch]
            measured = [await task for task in round_tasks]
            base = await original_task
            for candidate, outcome in zip(batch, measured, strict=True):
                candidate.estimated_speedup = candidate.speedup
                if isinstance(outcome, MeasureFailed):
                    candidate.status, candidate.speedup = "rejected", None
                    candidate.reason = (
                        f"could not be measured in {measurer.name}: {outcome.message}"
                    )
                    continue
                confirmed += 1
                judge(candidate, outcome, base, min_speedup)
        base = await original_task
    for candidate in ranked:
        if candidate.measured_by == ranker.name:
            unconfirmed = f"{ranker.name} only (not among the {want} confirmed in {measurer.name})"
            candidate.reason = "; ".join(filter(None, (candidate.reason, unconfirmed)))
    return Confirmation(base, ranker.name, measurer.name)
