"""The native backend: repeated wall-clock runs, min and median."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from pie_lsp.build import Builder
from pie_lsp.cache import Cache
from pie_lsp.measure import MeasureFailed
from pie_lsp.measure.native import NativeMeasurer
from pie_lsp.sandbox import Sandbox
from pie_lsp.settings import Settings
from pie_lsp.verify import find_tests

from ..conftest import DOUBLER


async def test_reports_median_and_min_of_repeats(doubler: Path, settings: Settings) -> None:
    settings.simulator.native.repeats = 3
    sandbox, cache = Sandbox(), Cache(settings.cache)
    binary = await Builder(settings.build, sandbox, cache).build(DOUBLER)
    measurer = NativeMeasurer(settings, sandbox, cache, asyncio.Semaphore(1))
    timing = await measurer.measure_one(binary, find_tests(doubler).cases[0])
    assert timing.detail["runs"] == 3
    assert 0 < timing.detail["min_seconds"] <= timing.seconds == timing.detail["median_seconds"]
    assert timing.cycles is None  # native time has no simulated cycles


# Right on its first run, wrong on every later one (it leaves a mark in its directory):
# an output that changes from run to run, made deterministic for the test.
SECOND_RUN_WRONG = r"""#include <cstdio>
int main() {
    long long x;
    bool again = std::fopen("mark", "r") != nullptr;
    std::FILE* mark = std::fopen("mark", "w");
    if (mark) std::fclose(mark);
    while (std::scanf("%lld", &x) == 1) std::printf("%lld\n", again ? x : 2 * x);
    return 0;
}
"""


async def test_every_timed_run_is_checked(doubler: Path, settings: Settings) -> None:
    settings.simulator.native.warmup, settings.simulator.native.repeats = 0, 3
    sandbox, cache = Sandbox(), Cache(settings.cache)
    binary = await Builder(settings.build, sandbox, cache).build(SECOND_RUN_WRONG)
    measurer = NativeMeasurer(settings, sandbox, cache, asyncio.Semaphore(1))
    with pytest.raises(MeasureFailed) as info:
        await measurer.measure_one(binary, find_tests(doubler).cases[0])
    assert "another output on timing run 2" in info.value.message
    assert "changes from run to run" in info.value.message
