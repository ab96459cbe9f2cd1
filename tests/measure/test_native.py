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
    measurer = NativeMeasurer.from_settings(settings, sandbox, cache, asyncio.Semaphore(1))
    timing = await measurer.measure_one(binary, find_tests(doubler).cases[0])
    assert timing.detail["runs"] == 3
    assert 0 < timing.detail["min_seconds"] <= timing.seconds == timing.detail["median_seconds"]
    assert timing.cycles is None  # native time has no simulated cycles


# An output that changes from run to run: it depends on where the stack is (ASLR). Each
# run is wrong with probability 1/2, so with 30 runs some run differs from the expected
# output except with probability 2^-30. (Runs share no files: each gets a fresh directory.)
RUN_TO_RUN = r"""#include <cstdio>
#include <cstdint>
int main() {
    long long x;
    long long odd = ((std::uintptr_t)&x >> 12) & 1;
    while (std::scanf("%lld", &x) == 1) std::printf("%lld\n", 2 * x + odd);
    return 0;
}
"""


async def test_every_timed_run_is_checked(doubler: Path, settings: Settings) -> None:
    settings.simulator.native.warmup, settings.simulator.native.repeats = 0, 30
    sandbox, cache = Sandbox(), Cache(settings.cache)
    binary = await Builder(settings.build, sandbox, cache).build(RUN_TO_RUN)
    measurer = NativeMeasurer.from_settings(settings, sandbox, cache, asyncio.Semaphore(1))
    with pytest.raises(MeasureFailed) as info:
        await measurer.measure_one(binary, find_tests(doubler).cases[0])
    assert "another output on timing run " in info.value.message
    assert "changes from run to run" in info.value.message
