"""The `estimate` backend: deterministic cycles from cachegrind counts.

valgrind's cachegrind runs the program with the Skylake cache geometry of the machine file
(L1I, L1D, and the L3 as its last level) and its branch simulator, in a fixed environment
(`env -i`, fixed-length scratch path, PID namespace), so the same binary and input give the
same counts on every run. Estimated cycles are the sum of cost x event, with the costs of
the machine file (fitted against gem5 by `pie-lsp calibrate`; see docs/ESTIMATE.md).

The cost model is deliberately small: events whose count barely varies on the calibration set
(L1I misses that hit the last level, indirect mispredictions) share the cost of their
sibling event (`COST_PARAMETERS`), because a free cost for them soaks up the start-up cost of
the fit set and then misprices other programs. What cachegrind cannot see (instruction
latencies such as division, the L2, prefetching, memory-level parallelism) is not modelled;
docs/ESTIMATE.md measures where that costs agreement.
"""

from __future__ import annotations

import functools
import json
import shutil
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pie_lsp.build import Binary
from pie_lsp.cache import digest
from pie_lsp.errors import ToolMissing
from pie_lsp.measure import MeasureFailed, Measurer, TestTiming, load_machine
from pie_lsp.measure.bound import MEASURE_WALL, bounded, timed_out_reason
from pie_lsp.sandbox import Limits
from pie_lsp.verify import TestCase, compare_outputs

CACHEGRIND_EVENTS = (
    "Ir",
    "I1mr",
    "ILmr",
    "Dr",
    "D1mr",
    "DLmr",
    "Dw",
    "D1mw",
    "DLmw",
    "Bc",
    "Bcm",
    "Bi",
    "Bim",
)
# The events a cost applies to, derived from cachegrind's counters.
FEATURES = (
    "instructions",
    "l1i_misses",
    "lli_misses",
    "l1d_misses",
    "lld_read_misses",
    "lld_write_misses",
    "branch_mispredicts",
    "indirect_mispredicts",
)


# What `pie-lsp calibrate` fits: one cost per parameter, shared by its features, plus a
# per-run constant. Tying is physical: a miss that hits the last level costs about the same
# from the I-side as from the D-side, and a mispredicted indirect branch flushes the
# pipeline like a conditional one.
COST_PARAMETERS: dict[str, tuple[str, ...]] = {
    "instructions": ("instructions",),
    "l1_misses": ("l1i_misses", "l1d_misses"),
    "lli_misses": ("lli_misses",),
    "lld_read_misses": ("lld_read_misses",),
    "lld_write_misses": ("lld_write_misses",),
    "mispredicts": ("branch_mispredicts", "indirect_mispredicts"),
    "per_run": ("per_run",),
}


def parameter_values(counts: Mapping[str, float]) -> dict[str, float]:
    """The fit's regressors for one run: each parameter's features summed (per_run = 1)."""
    feats = features(counts)
    feats["per_run"] = 1.0
    return {name: sum(feats[f] for f in members) for name, members in COST_PARAMETERS.items()}


def expand_costs(parameters: Mapping[str, float]) -> dict[str, float]:
    """Per-feature costs (the machine file's form) from fitted per-parameter costs."""
    return {
        feature: float(parameters.get(name, 0.0))
        for name, members in COST_PARAMETERS.items()
        for feature in members
    }


def features(counts: Mapping[str, float]) -> dict[str, float]:
    """Cost-model features from raw cachegrind counts."""
    return {
        "instructions": counts["Ir"],
        "l1i_misses": counts["I1mr"] - counts["ILmr"],
        "lli_misses": counts["ILmr"],
        "l1d_misses": counts["D1mr"] + counts["D1mw"] - counts["DLmr"] - counts["DLmw"],
        "lld_read_misses": counts["DLmr"],
        "lld_write_misses": counts["DLmw"],
        "branch_mispredicts": counts["Bcm"],
        "indirect_mispredicts": counts["Bim"],
    }


def estimated_cycles(counts: Mapping[str, float], costs: Mapping[str, float]) -> float:
    feats = features(counts)
    return sum(costs.get(name, 0.0) * value for name, value in feats.items()) + costs.get(
        "per_run", 0.0
    )


def cachegrind_geometry(machine: Mapping[str, Any]) -> list[str]:
    caches = machine["caches"]
    line = caches["line_bytes"]

    def spec(level: str) -> str:
        c = caches[level]
        return f"{c['size_kib'] * 1024},{c['assoc']},{line}"

    # cachegrind has two levels; the last one is the machine's last-level cache (L3)
    return [f"--I1={spec('l1i')}", f"--D1={spec('l1d')}", f"--LL={spec('l3')}"]


def parse_cachegrind(text: str) -> dict[str, float]:
    """The totals of a cachegrind output file (its `events:` and `summary:` lines)."""
    names: list[str] = []
    values: list[str] = []
    for line in text.splitlines():
        if line.startswith("events:"):
            names = line.split()[1:]
        elif line.startswith("summary:"):
            values = line.split()[1:]
    if not names or len(names) != len(values):
        raise MeasureFailed(
            "cachegrind wrote no usable summary", hint="check that valgrind works: pie-lsp doctor"
        )
    counts = {name: float(value) for name, value in zip(names, values, strict=True)}
    missing = [e for e in CACHEGRIND_EVENTS if e not in counts]
    if missing:
        raise MeasureFailed(
            f"cachegrind output lacks events {missing}",
            hint="valgrind must run with --cache-sim=yes --branch-sim=yes",
        )
    return counts


@functools.cache
def valgrind_path() -> str:
    path = shutil.which("valgrind")
    if path is None:
        raise ToolMissing(
            "valgrind is not installed, so the Skylake estimate cannot run",
            hint="install valgrind (Debian: apt-get install valgrind), or use --simulator native",
        )
    return path


class EstimateMeasurer(Measurer):
    name = "estimate"
    label = "estimate: cachegrind Skylake model"
    short = "Skylake (estimate)"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.machine = load_machine(self.settings.simulator.estimate.params)
        self.costs: dict[str, float] = dict(self.machine["estimate"]["costs"])
        self.frequency_hz = float(self.machine["core"]["frequency_ghz"]) * 1e9
        self.valgrind = valgrind_path()

    def config_digest(self) -> str:
        # counts depend on the geometry; costs are applied after the cache lookup
        return digest(self.valgrind, json.dumps(cachegrind_geometry(self.machine)))

    def command(self, out_file: str) -> list[str]:
        return [
            self.valgrind,
            "--tool=cachegrind",
            "--cache-sim=yes",
            "--branch-sim=yes",
            # no gdb server: its files in /tmp are named by pid (1 in our PID namespace)
            # and would clash between runs of different uids
            "--vgdb=no",
            *cachegrind_geometry(self.machine),
            f"--cachegrind-out-file={out_file}",
            "./prog",
        ]

    async def counts(self, binary: Binary, case: TestCase) -> dict[str, float]:
        """Raw cachegrind counts of one run (uncached)."""
        tests = self.settings.tests
        limits = Limits(
            timeout=self.settings.simulator.estimate.timeout,
            memory_mb=tests.memory_mb * 2 + 1024,
            output_bytes=tests.output_limit_mb * 1024 * 1024,
            file_size_mb=self.settings.sandbox.file_size_mb,
            processes=self.settings.sandbox.processes,
        )
        limits, is_bound = bounded(limits, case.name)  # a candidate: the original's time
        with self.sandbox.scratch("estimate") as work:
            exe = work / "prog"
            exe.write_bytes(binary.data)
            exe.chmod(0o755)
            run = await self.sandbox.run(
                self.command("cg.out"),
                cwd=work,
                limits=limits,
                stdin=case.input,
                env={"TMPDIR": str(work)},  # valgrind's own temporary files stay in the run
            )
            if run.timed_out and is_bound:
                raise MeasureFailed(timed_out_reason(case.name))
            if not run.ok:
                raise MeasureFailed(
                    f"test {case.name} under valgrind {run.describe()}",
                    hint="raise pie.simulator.estimate.timeout for long tests"
                    if run.timed_out
                    else "see the log for valgrind's output",
                    details=run.stderr_tail(20),
                )
            why = compare_outputs(
                run.stdout.decode("utf-8", "replace"), case.expected.read_text("utf-8", "replace")
            )
            if why:
                raise MeasureFailed(
                    f"test {case.name} gives another output under valgrind ({why})",
                    hint="the program may read uninitialised memory or depend on timing",
                )
            return parse_cachegrind((work / "cg.out").read_text())

    async def measure_one(self, binary: Binary, case: TestCase) -> TestTiming:
        counts = await self.counts(binary, case)
        return self.timing(case.name, counts)

    def timing(self, test: str, counts: Mapping[str, float]) -> TestTiming:
        cycles = estimated_cycles(counts, self.costs)
        return TestTiming(
            test=test,
            seconds=cycles / self.frequency_hz,
            cycles=cycles,
            instructions=int(counts["Ir"]),
            detail=dict(counts),
        )

    async def measure_test(self, binary: Binary, case: TestCase) -> TestTiming:
        # Cache raw counts, not cycles: refitting the costs must not need new runs.
        key = "counts:" + digest(self.config_digest(), binary.sha256, case.input_bytes)
        counts = self.cache.get(key)
        if not isinstance(counts, dict):
            async with self.slots:
                started = time.perf_counter()
                counts = await self.counts(binary, case)
                # how long measuring took bounds a candidate's measurement (measure/bound.py)
                counts = {**counts, MEASURE_WALL: time.perf_counter() - started}
            self.cache.set(key, counts)
        return self.timing(case.name, counts)


def read_counts_file(path: Path) -> dict[str, float]:
    return parse_cachegrind(path.read_text())
