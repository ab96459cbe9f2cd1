"""Measuring run time: the common interface of the gem5, estimate and native backends.

A measurer turns (binary, test input) into a `TestTiming`: seconds on the measured machine,
and where it knows them, cycles and instructions. Results are cached by the binary's hash,
the input's hash and the backend's configuration, so the original program is measured
once per version and identical candidates once in all.

Long runs (a gem5 test takes seconds to minutes) report themselves on an `ActivityBoard`
that the caller installs for its task (`measuring_activity`): the pipeline turns it into
progress ("In gem5: test 2 for 35 s of 120 s"), which the CLI bar and `$/progress` show.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextvars import ContextVar
from pathlib import Path
from typing import Any, ClassVar, Self

from attrs import field, frozen

from pie_lsp.assets import asset
from pie_lsp.build import Binary
from pie_lsp.cache import Cache, digest
from pie_lsp.errors import PieError, ToolMissing
from pie_lsp.sandbox import Limits, Sandbox
from pie_lsp.settings import BuildSettings, Settings, SimulatorSettings
from pie_lsp.tasks import task_group
from pie_lsp.verify import TestCase, run_limits


class MeasureFailed(PieError):
    """A program could not be measured (crashed under the simulator, timed out...)."""


@frozen
class TestTiming:
    """The measured time of one test."""

    test: str
    seconds: float
    cycles: float | None = None
    instructions: int | None = None
    detail: dict[str, float] = field(factory=dict)
    # where the numbers came from, e.g. gem5's stats.txt entries by name
    stats: dict[str, float] = field(factory=dict)


@frozen
class Measurement:
    """A program's times on a suite, from one backend."""

    backend: str
    label: str
    tests: tuple[TestTiming, ...]

    @property
    def total_seconds(self) -> float:
        return sum(t.seconds for t in self.tests)


class ActivityBoard:
    """The long runs under way (e.g. tests in gem5) and since when; while any runs, a line
    naming them is emitted every `interval` seconds."""

    def __init__(self, emit: Callable[[str], None] | None = None, interval: float = 1.0) -> None:
        self.emit = emit
        self.interval = interval
        self.runs: dict[int, tuple[str, float, float]] = {}
        self._ids = 0
        self._ticker: asyncio.Future[None] | None = None

    def describe(self) -> str:
        now = time.monotonic()
        parts = [
            f"{label} for {now - start:.0f} s of {limit:g} s"
            for label, start, limit in self.runs.values()
        ]
        return "In gem5: " + ", ".join(parts)

    @contextlib.asynccontextmanager
    async def track(self, label: str, limit: float) -> AsyncIterator[None]:
        self._ids += 1
        key = self._ids
        self.runs[key] = (label, time.monotonic(), limit)
        if self.emit is not None and (self._ticker is None or self._ticker.done()):
            self._ticker = asyncio.ensure_future(self._tick())
        try:
            yield
        finally:
            del self.runs[key]
            if not self.runs and self._ticker is not None:
                self._ticker.cancel()
                self._ticker = None

    async def _tick(self) -> None:
        while self.runs and self.emit is not None:
            self.emit(self.describe())
            await asyncio.sleep(self.interval)


_ACTIVITY: ContextVar[ActivityBoard | None] = ContextVar("pie_measure_activity", default=None)


def current_activity() -> ActivityBoard:
    """The board of the running task (a silent one when nobody listens)."""
    return _ACTIVITY.get() or ActivityBoard()


@contextlib.contextmanager
def measuring_activity(emit: Callable[[str], None]) -> Iterator[ActivityBoard]:
    """Report long runs of this task (and tasks it starts) through `emit`."""
    board = ActivityBoard(emit)
    token = _ACTIVITY.set(board)
    try:
        yield board
    finally:
        _ACTIVITY.reset(token)


def load_machine(path: str | Path | None = None) -> dict[str, Any]:
    """The machine-parameter file (simulator/skylake.json unless another is given)."""
    where = Path(path) if path else asset("simulator", "skylake.json")
    try:
        data: dict[str, Any] = json.loads(where.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise PieError(
            f"cannot read machine parameters {where}: {exc}",
            hint="fix the file or unset pie.simulator.estimate.params",
        ) from exc
    return data


class Measurer(ABC):
    """One measurement backend."""

    name: ClassVar[str]
    # How a result names its source, e.g. "3.4× faster (gem5: simulated Skylake, SE mode)".
    label: ClassVar[str]
    # Short form for editor labels: "3.4× faster on Skylake (gem5)".
    short: ClassVar[str]

    def __init__(
        self,
        simulator: SimulatorSettings,
        limits: Limits,
        build: BuildSettings,
        sandbox: Sandbox,
        cache: Cache,
        slots: asyncio.Semaphore,
    ) -> None:
        """A backend with its own settings (`pie.simulator`), the base limits of a test run
        (verify.run_limits, derived with attrs.evolve), and how binaries are built (gem5
        needs static ones; the estimate builds its valgrind tool with the same compiler)."""
        self.simulator = simulator
        self.base_limits = limits
        self.build = build
        self.sandbox = sandbox
        self.cache = cache
        self.slots = slots

    @classmethod
    def from_settings(
        cls, settings: Settings, sandbox: Sandbox, cache: Cache, slots: asyncio.Semaphore
    ) -> Self:
        """The backend with its parts of a whole settings tree."""
        return cls(settings.simulator, run_limits(settings), settings.build, sandbox, cache, slots)

    @abstractmethod
    def config_digest(self) -> str:
        """A hash of everything besides binary and input that changes the numbers."""

    @abstractmethod
    async def measure_one(self, binary: Binary, case: TestCase) -> TestTiming:
        """Measure one test (uncached); raise MeasureFailed when it cannot."""

    async def measure_test(self, binary: Binary, case: TestCase) -> TestTiming:
        key = f"measure2:{self.name}:" + digest(
            self.config_digest(), binary.sha256, case.input_bytes
        )
        cached = self.cache.get(key)
        if isinstance(cached, TestTiming):
            return cached
        async with self.slots:
            timing = await self.measure_one(binary, case)
        self.cache.set(key, timing)
        return timing

    async def measure(self, binary: Binary, cases: Sequence[TestCase]) -> Measurement:
        async with task_group() as group:
            tasks = [group.create_task(self.measure_test(binary, c)) for c in cases]
        return Measurement(self.name, self.label, tuple(t.result() for t in tasks))


def make_measurer(
    settings: Settings, sandbox: Sandbox, cache: Cache, slots: asyncio.Semaphore
) -> Measurer:
    """The backend the settings ask for (`auto`: gem5 when found, else estimate)."""
    from pie_lsp.measure.estimate import EstimateMeasurer
    from pie_lsp.measure.native import NativeMeasurer

    backend = settings.simulator.backend
    if backend in ("auto", "gem5"):
        from pie_lsp.measure import gem5

        found = gem5.find_gem5(settings.simulator.gem5)
        if found is not None:
            try:
                return gem5.Gem5Measurer.from_settings(settings, sandbox, cache, slots)
            except ToolMissing:
                if backend == "gem5":
                    raise
                # auto: a gem5 that does not run (another ISA...) means the estimate;
                # results name their backend, and `pie-lsp doctor` says what is wrong
        if backend == "gem5":
            raise gem5.gem5_missing_error(settings.simulator.gem5)
        backend = "estimate"
    if backend == "native":
        return NativeMeasurer.from_settings(settings, sandbox, cache, slots)
    return EstimateMeasurer.from_settings(settings, sandbox, cache, slots)
