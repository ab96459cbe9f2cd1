"""PIE's metrics over per-program records (Shypula et al., "Learning Performance-Improving
Code Edits", section 2):

- % optimized: programs whose best correct candidate is ≥ 1.10× (min_speedup) faster than
  the original, the speedup taken over all tests (Σ original / Σ candidate);
- mean speedup, floored: a program with no correct candidate, or only slower ones, counts
  as 1.0×, so a model cannot gain by breaking programs or lose by trying;
- % correct: programs with a candidate that passes every test;

each for best@1 (the first candidate proposed) and best@k (the best of all k).
Programs skipped for bad input are counted apart, not in the denominators; a program whose
task failed (an engine or model error) counts as not correct and 1.0×.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from typing import Any

from attrs import asdict, frozen


@frozen
class At:
    """The metrics for best@1 or best@k."""

    pct_optimized: float
    mean_speedup: float  # floored at 1.0 per program
    pct_correct: float
    optimized: int
    correct: int


@frozen
class Summary:
    programs: int  # evaluated (done or error)
    done: int
    errors: int
    skipped: int
    best1: At
    bestk: At
    median_speedup_k: float | None  # of the correct programs, unfloored

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def floored(record: Mapping[str, Any], at: str) -> float:
    """A program's speedup as PIE averages it: 1.0 unless correct and faster."""
    speedup = record.get(f"speedup_{at}")
    if record.get("status") != "done" or not record.get(f"correct_{at}") or not speedup:
        return 1.0
    return max(1.0, float(speedup))


def _at(records: list[Mapping[str, Any]], at: str) -> At:
    n = len(records)
    optimized = sum(1 for r in records if r.get("status") == "done" and r.get(f"optimized_{at}"))
    correct = sum(1 for r in records if r.get("status") == "done" and r.get(f"correct_{at}"))
    return At(
        pct_optimized=100.0 * optimized / n if n else 0.0,
        mean_speedup=statistics.fmean(floored(r, at) for r in records) if n else 1.0,
        pct_correct=100.0 * correct / n if n else 0.0,
        optimized=optimized,
        correct=correct,
    )


def summarize(records: Iterable[Mapping[str, Any]]) -> Summary:
    rows = list(records)
    evaluated = [r for r in rows if r.get("status") in ("done", "error")]
    correct = [
        float(r["speedup_k"])
        for r in evaluated
        if r.get("status") == "done" and r.get("correct_k") and r.get("speedup_k")
    ]
    return Summary(
        programs=len(evaluated),
        done=sum(1 for r in evaluated if r.get("status") == "done"),
        errors=sum(1 for r in evaluated if r.get("status") == "error"),
        skipped=sum(1 for r in rows if r.get("status") == "skipped"),
        best1=_at(evaluated, "1"),
        bestk=_at(evaluated, "k"),
        median_speedup_k=statistics.median(correct) if correct else None,
    )
