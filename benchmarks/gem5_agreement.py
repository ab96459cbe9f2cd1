"""Benchmark: does pie-lsp's gem5 machine reproduce PIE's VerbatimCPU measurements?

Builds every calibration program (../shared/calibration/cNN_*/prog.cpp, inputs 1 and 2)
and every PIE sample pair (../shared/pie-sample/*/slow.cpp and reference_fast.cpp, on the
tests the reference measured), runs each through pie-lsp's own gem5 measurer
(`Gem5Measurer`, so the project's script, machine file, sandbox and stats parser are what is
checked) and compares with the reference tables measured with darchr/gem5-skylake-config's
`run-se.py Verbatim` on the same gem5:

- per calibration program and input: our cycles against `num_cycles`, the % error;
- per PIE pair: our speedup (slow cycles / fast cycles, summed over the pair's tests, which is
  pie-lsp's ratio of total times) against the reference's, the % error.

Every finished run is appended at once to a results CSV, and a rerun skips the runs already
in it, so an interrupted run resumes. gem5 is found as pie-lsp finds it (`PIE_GEM5`...).

Usage:
  PIE_GEM5=../shared/gem5/gem5.fast python benchmarks/gem5_agreement.py \
      [--csv benchmarks/data/gem5-agreement.csv] [--jobs 2] [--only c01,c03] [--table-only]
The agreement table (Markdown) goes to stdout; nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import statistics
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from attrs import frozen

from pie_lsp.build import Binary, Builder
from pie_lsp.cache import Cache
from pie_lsp.errors import PieError
from pie_lsp.measure.gem5 import Gem5Measurer
from pie_lsp.sandbox import Sandbox
from pie_lsp.settings import CacheSettings, Settings
from pie_lsp.verify import TestCase

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DEFAULT_CSV = ROOT / "benchmarks" / "data" / "gem5-agreement.csv"
FIELDS = [
    "set",
    "program",
    "source",
    "input",
    "num_cycles",
    "sim_insts",
    "sim_seconds",
    "host_seconds",
    "ref_cycles",
    "ref_insts",
    "error",
]
TOLERANCE = 0.02  # the target: within 2% of the reference


@frozen
class Run:
    """One program source on one input, with the reference's figures for it."""

    set: str  # "calibration" or "pie-sample"
    program: str  # folder name
    source: str  # prog.cpp, slow.cpp, reference_fast.cpp
    input: str  # input.N.txt
    folder: Path
    ref_cycles: int
    ref_insts: int

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.set, self.program, self.source, self.input)


def reference_runs(name: str, folder: Path) -> list[Run]:
    """The runs of one reference table whose program, source and input exist here."""
    table = folder / "gem5.csv"
    runs = []
    with table.open() as handle:
        for row in csv.DictReader(handle):
            program = folder / row["program"]
            if not (program / row["source"]).is_file() or row.get("exit_ok") != "1":
                continue
            if not (program / "tests" / row["input"]).is_file():
                continue
            runs.append(
                Run(
                    name,
                    row["program"],
                    row["source"],
                    row["input"],
                    program,
                    int(row["num_cycles"]),
                    int(row["sim_insts"]),
                )
            )
    return sorted(runs, key=lambda r: r.key)


def load_results(path: Path) -> dict[tuple[str, str, str, str], dict[str, str]]:
    if not path.is_file():
        return {}
    with path.open() as handle:
        return {
            (r["set"], r["program"], r["source"], r["input"]): r for r in csv.DictReader(handle)
        }


def error(ours: float, ref: float) -> float:
    return (ours - ref) / ref


class Runner:
    """Builds and measures runs through pie-lsp's gem5 measurer, appending rows to the CSV."""

    def __init__(self, csv_path: Path, jobs: int) -> None:
        settings = Settings()
        settings.simulator.backend = "gem5"
        # the large PIE tests take minutes of gem5 on a busy machine; the target is agreement
        settings.simulator.gem5.timeout = 3600.0
        self.cache = Cache(CacheSettings(enabled=False))  # measure for real every time
        sandbox = Sandbox(settings.sandbox.isolate)
        self.builder = Builder(settings.build, sandbox, self.cache)
        self.measurer = Gem5Measurer.from_settings(
            settings, sandbox, self.cache, asyncio.Semaphore(jobs)
        )
        self.csv_path = csv_path
        self.binaries: dict[Path, asyncio.Task[Binary]] = {}
        self.build_slots = asyncio.Semaphore(jobs)  # g++ shares the cores with gem5

    async def _build(self, source: Path) -> Binary:
        async with self.build_slots:
            return await self.builder.build(source.read_text(), label=str(source))

    def binary(self, source: Path) -> asyncio.Task[Binary]:
        """One build per source, shared by all its runs."""
        if source not in self.binaries:
            self.binaries[source] = asyncio.ensure_future(self._build(source))
        return self.binaries[source]

    def append(self, row: dict[str, object]) -> None:
        new = not self.csv_path.is_file()
        self.csv_path.parent.mkdir(parents=True, exist_ok=True)
        with self.csv_path.open("a", newline="") as handle:
            writer = csv.DictWriter(handle, FIELDS)
            if new:
                writer.writeheader()
            writer.writerow(row)

    async def one(self, run: Run) -> None:
        name = run.input.removeprefix("input.").removesuffix(".txt")
        tests = run.folder / "tests"
        case = TestCase(name, tests / run.input, tests / f"output.{name}.txt")
        started = time.perf_counter()
        try:
            binary = await self.binary(run.folder / run.source)
            timing = await self.measurer.measure_test(binary, case)
        except PieError as exc:
            print(f"{run.program} {run.source} {run.input}: {exc}", file=sys.stderr)
            return
        cycles = int(timing.cycles or 0)
        host = timing.detail.get("host_seconds", time.perf_counter() - started)
        self.append(
            {
                "set": run.set,
                "program": run.program,
                "source": run.source,
                "input": run.input,
                "num_cycles": cycles,
                "sim_insts": timing.instructions,
                "sim_seconds": f"{timing.seconds:.6f}",
                "host_seconds": f"{host:.2f}",
                "ref_cycles": run.ref_cycles,
                "ref_insts": run.ref_insts,
                "error": f"{error(cycles, run.ref_cycles):.6f}",
            }
        )
        print(
            f"{run.program} {run.source} {run.input}: {cycles} cycles "
            f"(reference {run.ref_cycles}, {error(cycles, run.ref_cycles):+.2%}), {host:.0f} s",
            file=sys.stderr,
            flush=True,
        )

    async def all(self, runs: Iterable[Run]) -> None:
        await asyncio.gather(*(self.one(r) for r in runs))


def pct(value: float) -> str:
    return f"{value:+.2%}"


def table(runs: list[Run], results: dict[tuple[str, str, str, str], dict[str, str]]) -> str:
    """The agreement table in Markdown: cycles per calibration run, speedups per PIE pair."""
    lines: list[str] = []
    cycle_errors: list[float] = []
    lines += [
        "| program | input | our cycles | reference cycles | error | our insts | reference insts |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        row = results.get(run.key)
        if run.set != "calibration":
            continue
        if row is None:
            lines.append(f"| {run.program} | {run.input} | not run | {run.ref_cycles} | | | |")
            continue
        err = error(int(row["num_cycles"]), run.ref_cycles)
        cycle_errors.append(abs(err))
        lines.append(
            f"| {run.program} | {run.input} | {row['num_cycles']} | {run.ref_cycles} | "
            f"{pct(err)} | {row['sim_insts']} | {run.ref_insts} |"
        )
    pairs: dict[str, dict[str, list[Run]]] = {}
    for run in runs:
        if run.set == "pie-sample":
            pairs.setdefault(run.program, {}).setdefault(run.source, []).append(run)
    speed_errors: list[float] = []
    sample_errors: list[float] = []
    lines += [
        "",
        "| PIE pair | tests | our speedup | reference speedup | error |",
        "|---|---:|---:|---:|---:|",
    ]
    for program, sources in sorted(pairs.items()):
        slow, fast = sources.get("slow.cpp", []), sources.get("reference_fast.cpp", [])
        inputs = sorted({r.input for r in slow} & {r.input for r in fast})
        ours: dict[str, float] = {"slow.cpp": 0.0, "reference_fast.cpp": 0.0}
        ref: dict[str, float] = {"slow.cpp": 0.0, "reference_fast.cpp": 0.0}
        complete = bool(inputs)
        for run in slow + fast:
            if run.input not in inputs:
                continue
            row = results.get(run.key)
            if row is None:
                complete = False
                continue
            ours[run.source] += int(row["num_cycles"])
            ref[run.source] += run.ref_cycles
            sample_errors.append(abs(error(int(row["num_cycles"]), run.ref_cycles)))
        ref_speedup = ref["slow.cpp"] / ref["reference_fast.cpp"] if complete else 0.0
        if not complete:
            lines.append(f"| {program} | {len(inputs)} | not run | | |")
            continue
        our_speedup = ours["slow.cpp"] / ours["reference_fast.cpp"]
        err = error(our_speedup, ref_speedup)
        speed_errors.append(abs(err))
        lines.append(
            f"| {program} | {len(inputs)} | {our_speedup:.4f} | {ref_speedup:.4f} | {pct(err)} |"
        )
    lines.append("")
    if cycle_errors:
        within = sum(e <= TOLERANCE for e in cycle_errors)
        lines.append(
            f"Calibration cycles: {len(cycle_errors)} runs, |error| median "
            f"{statistics.median(cycle_errors):.3%}, max {max(cycle_errors):.3%}, "
            f"{within} within 2%."
        )
    if sample_errors:
        lines.append(
            f"PIE sample cycles: {len(sample_errors)} runs, |error| median "
            f"{statistics.median(sample_errors):.3%}, max {max(sample_errors):.3%}."
        )
    if speed_errors:
        within = sum(e <= TOLERANCE for e in speed_errors)
        lines.append(
            f"PIE sample speedups: {len(speed_errors)} pairs, |error| median "
            f"{statistics.median(speed_errors):.3%}, max {max(speed_errors):.3%}, "
            f"{within} within 2%."
        )
    rates = [
        int(r["sim_insts"]) / float(r["host_seconds"])
        for r in results.values()
        if float(r["host_seconds"]) > 0
    ]
    if rates:
        lines.append(
            f"Simulation speed: median {statistics.median(rates) / 1e6:.3f} M simulated "
            f"instructions per host second over {len(rates)} runs "
            f"(range {min(rates) / 1e6:.3f}-{max(rates) / 1e6:.3f} M)."
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV, help="results CSV (resumed)")
    parser.add_argument("--calibration", type=Path, default=SHARED / "calibration")
    parser.add_argument("--sample", type=Path, default=SHARED / "pie-sample")
    parser.add_argument("--jobs", type=int, default=2, help="gem5 runs at once")
    parser.add_argument("--only", default="", help="comma-separated program-name prefixes")
    parser.add_argument("--table-only", action="store_true", help="no runs, only the table")
    args = parser.parse_args()

    runs: list[Run] = []
    for name, folder in (("calibration", args.calibration), ("pie-sample", args.sample)):
        if (folder / "gem5.csv").is_file():
            runs += reference_runs(name, folder)
        else:
            print(f"no reference table {folder / 'gem5.csv'}; skipping {name}", file=sys.stderr)
    prefixes = [p for p in args.only.split(",") if p]
    if prefixes:
        runs = [r for r in runs if any(r.program.startswith(p) for p in prefixes)]
    if not args.table_only:
        done = load_results(args.csv)
        todo = [r for r in runs if r.key not in done]
        print(
            f"{len(todo)} runs to do, {len(runs) - len(todo)} already in {args.csv}",
            file=sys.stderr,
        )
        try:
            runner = Runner(args.csv, args.jobs)
        except PieError as exc:
            print(exc, file=sys.stderr)
            return 1
        asyncio.run(runner.all(todo))
    print(table(runs, load_results(args.csv)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
