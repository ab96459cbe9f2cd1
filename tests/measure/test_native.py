"""The native backend: repeated wall-clock runs, min and median."""

from __future__ import annotations

import asyncio
from pathlib import Path

from pie_lsp.build import Builder
from pie_lsp.cache import Cache
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
