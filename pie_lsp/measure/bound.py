"""The measurement bound: a candidate may take only so long to measure.

Verification stops a candidate that is slow natively, but a candidate can behave when run
natively and spin only when measured (under valgrind it can tell: the CPUID, the timing).
So each measurement of a candidate is bounded by a multiple of the time the original's
measurement took on the same test, plus a floor (`pie.sandbox.measure_factor` and
`measure_floor`). The pipeline sets the bound for the task that measures a candidate;
measurers apply it to their sandboxed runs with `bounded` and name it in their error with
`timed_out_reason`. The original itself is never bounded this way.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

from attrs import evolve, frozen

from pie_lsp.sandbox import Limits

# TestTiming.detail key: wall seconds of the longest sandboxed run that measuring one test
# made (one valgrind run; the slowest of the native runs)
MEASURE_WALL = "measure_wall_seconds"


@frozen
class MeasureBound:
    """Per test, the longest a candidate's measuring run may take."""

    factor: float
    floor: float
    original: Mapping[str, float]  # test name -> the original's MEASURE_WALL

    def limit(self, test: str) -> float | None:
        seconds = self.original.get(test)
        return None if seconds is None else self.factor * seconds + self.floor

    def reason(self, test: str) -> str:
        limit = self.limit(test)
        return (
            f"test {test}: measurement timed out ({self.factor:g}× the original's time "
            f"+ {self.floor:g} s = {limit or 0:.1f} s)"
        )


_BOUND: ContextVar[MeasureBound | None] = ContextVar("pie_measure_bound", default=None)


@contextmanager
def measurement_bound(bound: MeasureBound | None) -> Iterator[None]:
    """Bound the measurements made by this task (and the tasks it starts)."""
    token = _BOUND.set(bound)
    try:
        yield
    finally:
        _BOUND.reset(token)


def bounded(limits: Limits, test: str) -> tuple[Limits, bool]:
    """`limits` with the timeout cut to the current bound for `test`, and whether the
    bound is what limits it (so a timeout is reported as the bound's)."""
    bound = _BOUND.get()
    limit = bound.limit(test) if bound is not None else None
    if limit is None or limit >= limits.timeout:
        return limits, False
    return evolve(limits, timeout=limit), True


def timed_out_reason(test: str) -> str:
    """The message for a run stopped by the current bound."""
    bound = _BOUND.get()
    return bound.reason(test) if bound is not None else f"test {test}: measurement timed out"
