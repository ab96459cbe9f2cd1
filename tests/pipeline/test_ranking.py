"""Judging a measurement and ranking candidates (pure: no build, no measurement)."""

from __future__ import annotations

from pie_lsp.measure import Measurement
from pie_lsp.measure import TestTiming as Timing
from pie_lsp.pipeline.ranking import judge, rank
from pie_lsp.pipeline.results import CandidateResult


def measured(backend: str, *seconds: float) -> Measurement:
    return Measurement(backend, backend, tuple(Timing(str(i), s) for i, s in enumerate(seconds)))


def candidate(
    origin: str, status: str = "not-faster", speedup: float | None = None
) -> CandidateResult:
    return CandidateResult(origin, "", f"// {origin}", status, speedup=speedup)  # type: ignore[arg-type]


def test_judge_is_the_ratio_of_sums_against_the_threshold() -> None:
    base = measured("estimate", 1.0, 3.0)
    fast, slow = candidate("fast", "rejected"), candidate("slow", "rejected")
    judge(fast, measured("estimate", 0.5, 1.5), base, 1.10)
    judge(slow, measured("estimate", 1.0, 2.8), base, 1.10)
    assert (fast.status, fast.speedup, fast.reason, fast.measured_by) == (
        "faster",
        2.0,
        "",
        "estimate",
    )
    assert slow.status == "not-faster" and slow.speedup is not None
    assert "below the 1.10× threshold" in slow.reason
    nothing = candidate("nothing", "rejected")
    judge(nothing, measured("estimate", 0.0), base, 1.10)  # no time measured: no speedup
    assert nothing.speedup is None and nothing.status == "not-faster"


def test_rank_orders_by_speedup_and_only_the_confirmed_can_win() -> None:
    first = candidate("first", "faster", 2.0)
    tie = candidate("tie", "faster", 2.0)
    slower = candidate("slower", "not-faster", 1.02)
    broken = candidate("broken", "rejected")
    ranked = rank([broken, slower, first, tie])
    assert [c.origin for c in ranked.candidates] == ["first", "tie", "slower", "broken"]
    assert ranked.best is first and ranked.optimized  # a tie goes to the one listed first
    first.measured_by, slower.measured_by = "estimate", "gem5"
    confirmed = rank([first, tie, slower], confirmed_by="gem5")
    assert confirmed.best is slower and not confirmed.optimized
    assert rank([broken]).best is None and not rank([]).optimized
