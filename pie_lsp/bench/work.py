"""One problem's evaluation: the unit of work a bench worker runs.

`evaluate(task, config)` writes the task's tests into a private scratch folder, runs
`Pipeline.optimize` (the editor's pipeline: build, verify, measure, rank) and returns the
per-program record as plain JSON data. It never raises for a problem's own faults: a program
that fails its tests or does not compile comes back as a "skipped" record with the reason.
The driver, not the worker, writes records to disk, so a worker that dies mid-task loses
nothing but the task, which the engine runs again.
"""

from __future__ import annotations

import asyncio
import os
import re
import socket
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from attrs import frozen

from pie_lsp.bench.dataset import Skipped, Task
from pie_lsp.cache import digest
from pie_lsp.errors import PieError
from pie_lsp.measure import TestTiming
from pie_lsp.models import Candidate, Generation, ModelBackend, make_backend
from pie_lsp.models.base import Progress
from pie_lsp.pipeline import CandidateResult, OptimizeResult, Pipeline
from pie_lsp.program import Program
from pie_lsp.settings import Settings

REFERENCE = "reference"


@frozen
class BenchConfig:
    """What every task of one run shares (pickled to each worker once per task)."""

    settings: Settings
    model: str  # a model backend's name, or "reference"
    key: str  # identifies the configuration: records made under another are rerun


class ReferenceBackend(ModelBackend):
    """The problem's human-written fast version as the only candidate, so the human
    baseline is built, verified and measured by exactly the machinery a model's is."""

    name = REFERENCE

    def __init__(self, reference: str) -> None:
        self.reference = reference

    def config_digest(self) -> str:
        return digest(REFERENCE, self.reference)

    async def generate(self, program: Program, samples: int, progress: Progress) -> Generation:
        return Generation([Candidate("reference", self.reference, "the reference fast version")])


def _record_order(backend: ModelBackend) -> list[str]:
    """The origins `backend` proposes, in its order (best@1 is the first; the pipeline's
    result lists candidates ranked). Only this instance's `generate` is wrapped, not the
    class: every other hook (refine, feedback rounds, explain) stays the backend's own."""
    order: list[str] = []
    inner = backend.generate

    async def generate(program: Program, samples: int, progress: Progress) -> Generation:
        generation = await inner(program, samples, progress)
        if not order:  # the first round is best@1's
            order.extend(c.origin for c in generation.candidates)
            order.extend(r.origin for r in generation.rejected)
        return generation

    setattr(backend, "generate", generate)  # noqa: B010 - an instance attribute, on purpose
    return order


def _natural(origin: str) -> list[int | str]:
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", origin)]


def _first(candidates: Sequence[CandidateResult], order: Sequence[str]) -> CandidateResult | None:
    """The candidate proposed first: by the recorded order, or (a result from the cache,
    where generation did not run) by the sample number in its origin."""
    if not candidates:
        return None
    rank = {origin: i for i, origin in enumerate(order)}
    return min(
        candidates,
        key=lambda c: (rank.get(c.origin, len(rank)), _natural(c.origin)),
    )


def _times(timings: Sequence[TestTiming]) -> list[dict[str, Any]]:
    return [
        {"test": t.test, "seconds": t.seconds, "cycles": t.cycles, "instructions": t.instructions}
        for t in timings
    ]


def _correct(candidate: CandidateResult | None) -> bool:
    return candidate is not None and candidate.status != "rejected" and bool(candidate.speedup)


def _base(task: Task | Skipped, config: BenchConfig) -> dict[str, Any]:
    return {
        "id": task.id,
        "problem_id": task.problem_id,
        "origin": task.origin,
        "config": config.key,
        "model": config.model,
    }


def skipped_record(entry: Skipped, config: BenchConfig) -> dict[str, Any]:
    return {**_base(entry, config), "status": "skipped", "reason": entry.reason}


def result_record(
    task: Task, config: BenchConfig, result: OptimizeResult, order: Sequence[str]
) -> dict[str, Any]:
    """The per-program JSON line for one optimize result."""
    record: dict[str, Any] = {
        **_base(task, config),
        "task": task.digest(),
        "source": task.source,
        "simulator": result.simulator,
        "simulator_label": result.simulator_label,
        "tests": result.tests_total,
        "cached": result.cached,
    }
    if result.status == "error" and result.tests_passed == 0:
        # the original did not build or failed its own tests: nothing to evaluate against
        reason = result.error or "the original could not be built or tested"
        return {**record, "status": "skipped", "reason": reason}
    if result.status == "error":
        # the original passed; then the run failed (a model server down...): the metrics
        # count it as a failure, and --resume runs it again
        return {**record, "status": "error", "reason": result.error or "failed"}
    min_speedup = config.settings.min_speedup
    correct = [c for c in result.candidates if _correct(c)]
    best = max(correct, key=lambda c: c.speedup or 0.0, default=None)
    first = _first(result.candidates, order)
    k_speedup = result.speedup
    one_speedup = first.speedup if first is not None and _correct(first) else None
    record.update(
        status="done",
        reason="",
        result=result.status,
        best_origin=result.best_origin,
        speedup_k=k_speedup if correct else None,
        correct_k=bool(correct),
        optimized_k=bool(correct) and (k_speedup or 0.0) >= min_speedup,
        speedup_1=one_speedup,
        correct_1=_correct(first),
        optimized_1=(one_speedup or 0.0) >= min_speedup,
        best_measured_by=best.measured_by if best is not None else "",
        original_times=_times(result.original_timings),
        candidates=[
            {
                "origin": c.origin,
                "status": c.status,
                "reason": c.reason,
                "speedup": c.speedup,
                "measured_by": c.measured_by,
                "tests_passed": c.tests_passed,
                "tests_total": c.tests_total,
                "times": _times(c.timings),
                "source": c.source,
            }
            for c in result.candidates
        ],
        seconds=round(result.seconds, 3),
    )
    return record


class _BadProgram(Exception):
    """The problem's source or tests are not something pie-lsp can take (its own fault)."""

    def __init__(self, error: PieError) -> None:
        self.error = error


async def _optimize(
    task: Task, config: BenchConfig, path: Path, tests: Path
) -> tuple[OptimizeResult, list[str]]:
    if config.model == REFERENCE:
        assert task.reference is not None
        backend: ModelBackend = ReferenceBackend(task.reference)
    else:
        backend = make_backend(config.settings)
    order = _record_order(backend)
    # a PieError here (no gem5 on this node, a model server down) is the worker's: it
    # propagates, and the engine records the task as an error that --resume runs again
    async with Pipeline(config.settings, backend=backend) as pipeline:
        try:
            job = pipeline.job_for(path, text=task.source, tests=tests)
        except PieError as exc:
            raise _BadProgram(exc) from exc
        result = await pipeline.optimize(job)
    return result, order


def evaluate(task: Task, config: BenchConfig) -> dict[str, Any]:
    """Evaluate one problem (runs in a worker process; blocking)."""
    started = time.perf_counter()
    if config.model == REFERENCE and task.reference is None:
        entry = Skipped(task.id, task.problem_id, task.origin, "no reference fast version")
        return skipped_record(entry, config)
    # a private folder for the tests: the worker may be on a machine without the dataset
    with tempfile.TemporaryDirectory(prefix="pie-bench-") as scratch:
        tests = Path(scratch) / "tests"
        tests.mkdir()
        for test in task.tests:
            (tests / f"input.{test.name}.txt").write_bytes(test.input)
            (tests / f"output.{test.name}.txt").write_bytes(test.output)
        try:
            result, order = asyncio.run(_optimize(task, config, Path(scratch) / "slow.cpp", tests))
        except _BadProgram as bad:  # not a C++ program pie-lsp can take: skipped
            entry = Skipped(task.id, task.problem_id, task.origin, bad.error.message)
            return skipped_record(entry, config)
    record = result_record(task, config, result, order)
    # the scratch folder means nothing to the reader (and differs from run to run)
    record["reason"] = record.get("reason", "").replace(str(tests), f"{task.origin} tests")
    record["worker"] = f"{socket.gethostname()}:{os.getpid()}"
    record["wall_seconds"] = round(time.perf_counter() - started, 3)
    return record
