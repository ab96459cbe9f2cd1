"""The Skylake estimate: real valgrind, deterministic counts, costs from the machine file."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from pie_lsp.build import Builder
from pie_lsp.cache import Cache
from pie_lsp.errors import ToolMissing
from pie_lsp.measure import MeasureFailed, load_machine, make_measurer
from pie_lsp.measure.estimate import (
    EstimateMeasurer,
    cachegrind_geometry,
    estimated_cycles,
    features,
    parse_cachegrind,
    valgrind_path,
)
from pie_lsp.sandbox import Sandbox
from pie_lsp.settings import Settings
from pie_lsp.verify import find_tests

from ..conftest import DOUBLER

SAMPLE = """desc: I1 cache:         32768 B, 64 B, 16-way associative
cmd: ./prog
events: Ir I1mr ILmr Dr D1mr DLmr Dw D1mw DLmw Bc Bcm Bi Bim
fl=???
summary: 1000 10 5 300 20 4 200 8 2 150 30 10 3
"""


def test_parse_summary_by_event_names() -> None:
    counts = parse_cachegrind(SAMPLE)
    assert counts["Ir"] == 1000 and counts["Bim"] == 3
    f = features(counts)
    assert f["l1d_misses"] == 20 + 8 - 4 - 2
    assert f["l1i_misses"] == 5 and f["lli_misses"] == 5


def test_parse_rejects_output_without_summary() -> None:
    with pytest.raises(MeasureFailed):
        parse_cachegrind("events: Ir\n")
    with pytest.raises(MeasureFailed, match="lacks events"):
        parse_cachegrind("events: Ir\nsummary: 5\n")


def test_cycles_are_the_weighted_sum() -> None:
    counts = parse_cachegrind(SAMPLE)
    costs = {"instructions": 1.0, "branch_mispredicts": 10.0, "per_run": 7.0}
    assert estimated_cycles(counts, costs) == 1000 + 300 + 7


def test_geometry_comes_from_the_machine_file() -> None:
    machine = load_machine()
    geometry = cachegrind_geometry(machine)
    l1d = machine["caches"]["l1d"]
    assert f"--D1={l1d['size_kib'] * 1024},{l1d['assoc']},64" in geometry
    assert f"--LL={machine['caches']['l3']['size_kib'] * 1024}," in geometry[2]


async def test_same_binary_same_counts_every_run(doubler: Path, settings: Settings) -> None:
    settings.cache.enabled = False  # every call really runs valgrind
    sandbox = Sandbox()
    cache = Cache(settings.cache)
    binary = await Builder(settings.build, sandbox, cache).build(DOUBLER)
    case = find_tests(doubler).cases[0]
    measurer = EstimateMeasurer(settings, sandbox, cache, asyncio.Semaphore(2))
    runs = await asyncio.gather(*(measurer.counts(binary, case) for _ in range(3)))
    assert runs[0] == runs[1] == runs[2]
    assert runs[0]["Ir"] > 10_000
    timing = measurer.timing(case.name, runs[0])
    assert timing.seconds == pytest.approx(timing.cycles / 3.5e9)  # type: ignore[operator]


async def test_counts_are_cached_and_costs_applied_after(doubler: Path, settings: Settings) -> None:
    sandbox = Sandbox()
    cache = Cache(settings.cache)
    binary = await Builder(settings.build, sandbox, cache).build(DOUBLER)
    case = find_tests(doubler).cases[0]
    measurer = EstimateMeasurer(settings, sandbox, cache, asyncio.Semaphore(1))
    first = await measurer.measure_test(binary, case)
    # other costs (a refit) must reuse the cached counts, not rerun valgrind
    machine = json.loads(json.dumps(measurer.machine))
    machine["estimate"]["costs"]["instructions"] *= 2
    params = Path(settings.cache.dir or ".") / "machine.json"
    params.write_text(json.dumps(machine))
    settings.simulator.estimate.params = str(params)
    refit = EstimateMeasurer(settings, sandbox, cache, asyncio.Semaphore(1))
    misses = cache.misses
    second = await refit.measure_test(binary, case)
    assert cache.misses == misses
    assert second.cycles is not None and first.cycles is not None
    assert second.cycles > first.cycles


async def test_crash_under_valgrind_is_a_measure_failure(
    tmp_path: Path, settings: Settings
) -> None:
    from ..conftest import write_program

    path = write_program(
        tmp_path, "int main() { volatile int* p = nullptr; return *p; }", {"1": ("", "")}
    )
    sandbox, cache = Sandbox(), Cache(settings.cache)
    binary = await Builder(settings.build, sandbox, cache).build(path.read_text())
    measurer = EstimateMeasurer(settings, sandbox, cache, asyncio.Semaphore(1))
    with pytest.raises(MeasureFailed, match="test 1 under valgrind"):
        await measurer.measure_one(binary, find_tests(path).cases[0])


def test_auto_is_estimate_without_gem5(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PIE_GEM5", raising=False)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    settings.simulator.backend = "auto"
    measurer = make_measurer(settings, Sandbox(), Cache(settings.cache), asyncio.Semaphore(1))
    assert measurer.name == "estimate"
    settings.simulator.backend = "gem5"
    with pytest.raises(ToolMissing, match="gem5 was not found"):
        make_measurer(settings, Sandbox(), Cache(settings.cache), asyncio.Semaphore(1))


def test_missing_valgrind_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    valgrind_path.cache_clear()
    monkeypatch.setenv("PATH", "/nonexistent")
    try:
        with pytest.raises(ToolMissing, match="valgrind is not installed") as info:
            valgrind_path()
        assert "apt-get install valgrind" in info.value.hint
    finally:
        valgrind_path.cache_clear()
