"""What the pipeline answers: progress steps, each candidate's fate, the optimization's
result and a speedup check's, and the unified diff shown for a rewrite.

Plain data (attrs), pickled into the disk cache and read by the CLI's report, the server's
presentation and the benchmarks; nothing here runs anything.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from typing import Literal

from attrs import define, field, frozen

from pie_lsp.measure import TestTiming
from pie_lsp.text import speed, times

CandidateStatus = Literal["faster", "not-faster", "rejected"]
ResultStatus = Literal["optimized", "not-optimized", "error"]


@frozen
class Step:
    """A progress event: what the pipeline is doing now."""

    stage: str  # build | verify | generate | measure | rank | partial | done
    message: str
    done: int = 0
    total: int = 0
    # stage "partial": the result so far (a better candidate was found; more rounds run)
    result: OptimizeResult | None = None


Reporter = Callable[[Step], None]


def quiet(_: Step) -> None:
    """A Reporter that drops every step."""
    return None


@define
class CandidateResult:
    """What became of one candidate."""

    origin: str
    description: str
    source: str
    status: CandidateStatus
    reason: str = ""
    tests_passed: int = 0
    tests_total: int = 0
    speedup: float | None = None
    total_seconds: float | None = None
    timings: tuple[TestTiming, ...] = ()
    # which backend measured `speedup` (with "estimate ranks, gem5 confirms": estimate or
    # gem5), and the estimate's speedup of a candidate gem5 then confirmed
    measured_by: str = ""
    estimated_speedup: float | None = None
    # derived inputs (the original is the oracle) on which it printed what the original does
    derived_passed: int = 0
    derived_total: int = 0
    # the derived input it got wrong (first 4 kB), to reproduce the failure
    counterexample: str = ""


@define
class OptimizeResult:
    """The answer to "make this program faster", with its evidence."""

    status: ResultStatus
    path: str
    simulator: str = ""
    simulator_label: str = ""
    simulator_short: str = ""
    speedup: float | None = None
    tests_passed: int = 0
    tests_total: int = 0
    original_source: str = ""
    optimized_source: str | None = None
    diff: str = ""
    best_origin: str | None = None
    original_timings: tuple[TestTiming, ...] = ()
    optimized_timings: tuple[TestTiming, ...] = ()
    candidates: list[CandidateResult] = field(factory=list)
    model: str = ""
    tests_dir: str = ""
    error: str | None = None
    hint: str = ""
    error_details: str = ""
    notes: list[str] = field(factory=list)
    seconds: float = 0.0
    cached: bool = False
    # "estimate ranks, gem5 confirms": the backend that ranked every correct candidate and
    # the one that measured the original and the best (the shown speedup); "" otherwise
    ranked_by: str = ""
    confirmed_by: str = ""
    # when not optimized: what was tried and what else could find more (backend.explain)
    why_not: list[str] = field(factory=list)
    # derived inputs every correct candidate had to agree with the original on
    derived_total: int = 0
    # rounds with execution feedback done (pie_lsp.rounds); what the model cost
    rounds: int = 0
    model_calls: int = 0
    tokens: int = 0
    # a snapshot while rounds still run (streamed to the editor), not the final answer
    partial: bool = False

    def tests_phrase(self, editor: bool = False) -> str:
        """ "3/3 tests pass", or "3/3 tests + 24 derived inputs agree with the original"
        (editor form: "3/3 tests" and "3/3 tests + 24 derived inputs")."""
        tests = f"{self.tests_passed}/{self.tests_total} tests"
        if self.derived_total:
            tests += f" + {self.derived_total} derived inputs"
            return tests if editor else f"{tests} agree with the original"
        return tests if editor else f"{tests} pass"

    def measured_with(self) -> str:
        """The simulator label, with how the ranking was done when two backends shared it."""
        if self.confirmed_by:
            return (
                f"{self.simulator_label}; ranked by the {self.ranked_by}, "
                f"confirmed in {self.confirmed_by}"
            )
        return self.simulator_label

    def summary(self) -> str:
        """One line: "3.42× faster (gem5: simulated Skylake, SE mode) — 3/3 tests pass"."""
        if self.status == "error":
            return f"error: {self.error}"
        if self.status == "optimized" and self.speedup:
            return f"{speed(self.speedup)} ({self.measured_with()}) — {self.tests_phrase()}"
        if self.speedup:
            best = f"best candidate {times(self.speedup)}"
        elif self.candidates:
            best = "no correct candidate"
        elif self.model == "rules":  # why_not: the rules checked, what may find more
            best = "no rule applies to this program"
        else:
            best = f"the {self.model or 'model'} backend proposed no rewrite"
        return f"not optimized: {best} ({self.measured_with()})"

    def label(self) -> str:
        """Editor form: "3.42× faster on Skylake (gem5) — 12/12 tests"."""
        if self.status == "optimized" and self.speedup and self.partial:
            return f"{times(self.speedup)} so far on {self.simulator_short}, still searching…"
        if self.status == "optimized" and self.speedup:
            return (
                f"{speed(self.speedup)} on {self.simulator_short} — "
                f"{self.tests_phrase(editor=True)}"
            )
        return self.summary()


@define
class SpeedupResult:
    """One version of a program measured against another on the same tests."""

    baseline_name: str
    speedup: float
    simulator: str
    simulator_label: str
    simulator_short: str
    tests_passed: int
    tests_total: int
    baseline_timings: tuple[TestTiming, ...]
    current_timings: tuple[TestTiming, ...]
    failures: list[str] = field(factory=list)
    cached: bool = False

    def label(self) -> str:
        """ "1.80× faster than HEAD — 3/3 tests" (or slower, or same speed as HEAD)."""
        tests = f"{self.tests_passed}/{self.tests_total} tests"
        return f"{speed(self.speedup, self.baseline_name)} on {self.simulator_short} — {tests}"


def _source_lines(text: str) -> list[str]:
    # lines as `diff` and editors count them: only \n ends one (str.splitlines also breaks
    # at \r, \f, \x1c...); a stray \r stays in its line, where `visible` shows it
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


def unified_diff(path: str, before: str, after: str) -> str:
    return "".join(
        difflib.unified_diff(
            _source_lines(before),
            _source_lines(after),
            fromfile=f"a/{path}",
            tofile=f"b/{path}",
        )
    )
