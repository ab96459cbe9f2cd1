"""The `native` backend: wall-clock runs on this machine.

For users who want their own hardware's answer. Each test runs `warmup` times untimed,
then `repeats` times timed; the reported time is the median, and the minimum is kept in
the details. Every run's output is checked against the expected one (a candidate must be
right on each run, not only on the run that verified it). Times include process start-up
in the sandbox (a few ms; see docs/PERFORMANCE.md), which affects original and candidate
alike.
"""

from __future__ import annotations

import statistics

from pie_lsp.build import Binary
from pie_lsp.cache import digest
from pie_lsp.measure import MeasureFailed, Measurer, TestTiming
from pie_lsp.measure.bound import MEASURE_WALL, bounded, timed_out_reason
from pie_lsp.verify import TestCase, compare_outputs


class NativeMeasurer(Measurer):
    name = "native"
    label = "native: wall-clock on this machine"
    short = "this machine (native)"

    def config_digest(self) -> str:
        native = self.simulator.native
        return digest(str(native.repeats), str(native.warmup))

    async def measure_one(self, binary: Binary, case: TestCase) -> TestTiming:
        native = self.simulator.native
        # a candidate's limit is the original's time
        limits, is_bound = bounded(self.base_limits, case.name)
        samples: list[float] = []
        longest = 0.0
        expected = case.expected.read_text("utf-8", "replace")
        for index in range(native.warmup + native.repeats):
            # a fresh directory for every run: nothing one run leaves behind (an answer
            # cached in a file) reaches the next, so each timed run does the whole work
            with self.sandbox.program_scratch("native", binary.data) as work:
                run = await self.sandbox.run(["./prog"], cwd=work, limits=limits, stdin=case.input)
            if run.timed_out and is_bound:
                raise MeasureFailed(timed_out_reason(case.name))
            if not run.ok:
                raise MeasureFailed(f"test {case.name} {run.describe()} while timing")
            # every timed run must also be right: an output that changes from run to
            # run (time, addresses, uninitialised memory) is not a correct program
            why = compare_outputs(run.stdout.decode("utf-8", "replace"), expected)
            if why:
                raise MeasureFailed(
                    f"test {case.name} gives another output on timing run {index + 1} "
                    f"({why}): its output changes from run to run",
                    hint="the program may read the time, addresses or uninitialised memory",
                )
            longest = max(longest, run.wall_seconds)
            if index >= native.warmup:
                samples.append(run.wall_seconds)
        median = statistics.median(samples)
        return TestTiming(
            test=case.name,
            seconds=median,
            detail={
                "min_seconds": min(samples),
                "median_seconds": median,
                "runs": float(len(samples)),
                MEASURE_WALL: longest,
            },
        )
