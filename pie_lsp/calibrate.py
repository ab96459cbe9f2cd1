"""`pie-lsp calibrate`: fit the estimate's costs to gem5 measurements, and say how well it agrees.

The input is a table of real gem5 runs (`program,source,input,sim_seconds,num_cycles,
sim_insts,host_seconds,exit_ok,output_ok`; `program` is a folder holding `source` and
`tests/input.N.txt` / `output.N.txt`), or a plan (JSON, `read_plan`) naming several fit and
held-out tables, as benchmarks/data/calibration.json does. Every program is built and run under
the `estimate` backend with the machine file's cache geometry and CPU mask (counts are cached,
like any estimate), the costs are fitted by non-negative least squares on relative cycle error,
and agreement is reported where it matters for pie-lsp: per-run cycle error, and above all
speedups — of pairs of sources on the same input (slow vs fast), and of the comparison groups a
calibration set's README lists ("c05 / c06 / c07 — …") — with their Spearman rank correlation.
`--check` tables are held out: measured with the fitted costs, never fitted on. `--write` stores
the costs and their provenance in the machine file.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime
import hashlib
import itertools
import json
import math
import re
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from attrs import asdict, evolve, frozen
from rich.console import Console
from rich.table import Table

from pie_lsp.errors import PieError
from pie_lsp.tasks import task_group

TABLE_COLUMNS = (
    "program",
    "source",
    "input",
    "sim_seconds",
    "num_cycles",
    "sim_insts",
    "host_seconds",
    "exit_ok",
    "output_ok",
)
# Two sources of one program are compared as cycles(first) / cycles(second), with names in
# descending order: "slow.cpp" before "reference_fast.cpp" gives PIE's speedup.
FIT_METHOD = "non-negative least squares on relative cycle error (scipy.optimize.nnls)"


class CalibrationError(PieError):
    """A calibration table or its programs cannot be used."""


@frozen
class Gem5Run:
    """One row of a gem5 table."""

    program: str
    source: str
    input: str
    cycles: float | None
    sim_seconds: float | None
    instructions: float | None
    host_seconds: float | None
    ok: bool
    line: int

    @property
    def test(self) -> str:
        match = re.fullmatch(r"input\.(.+)\.txt", self.input)
        return match.group(1) if match else Path(self.input).stem

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.program, self.source, self.test)

    def describe(self) -> str:
        return f"{self.program}/{self.source} test {self.test}"


@frozen
class Gem5Table:
    """A gem5 table and where its programs are."""

    path: Path
    programs: Path
    runs: tuple[Gem5Run, ...]
    # "fit" or "held out" for the halves of a table split by program (`split_table`)
    part: str = ""

    @property
    def name(self) -> str:
        folder = self.path.parent.name
        base = f"{folder}/{self.path.name}" if folder else self.path.name
        return f"{base} [{self.part}]" if self.part else base

    @property
    def usable(self) -> list[Gem5Run]:
        return [r for r in self.runs if r.ok and r.cycles]

    @property
    def skipped(self) -> list[Gem5Run]:
        return [r for r in self.runs if not (r.ok and r.cycles)]


def _number(text: str, where: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise CalibrationError(
            f"{where}: {text!r} is not a number", hint="fix that cell (numbers, or empty)"
        ) from None


def read_table(path: Path, programs: Path | None = None) -> Gem5Table:
    """Read and check a gem5 table: columns, numbers, and that every program, source, input
    and expected output exists under `programs` (default: the table's folder)."""
    if not path.is_file():
        raise CalibrationError(f"no table at {path}", hint="give the path of a gem5 CSV table")
    folder = programs if programs is not None else path.parent
    with path.open(newline="") as handle:
        reader = csv.DictReader(handle)
        header = [name.strip() for name in reader.fieldnames or []]
        missing = [c for c in TABLE_COLUMNS if c not in header]
        if missing:
            raise CalibrationError(
                f"{path} lacks the columns {', '.join(missing)}",
                hint="the header must be " + ",".join(TABLE_COLUMNS),
            )
        runs: list[Gem5Run] = []
        for line, raw in enumerate(reader, start=2):
            row = {k.strip(): (v or "") for k, v in raw.items() if k is not None}
            where = f"{path.name} line {line}"
            exit_ok = _number(row["exit_ok"], f"{where}, exit_ok")
            output_ok = _number(row["output_ok"], f"{where}, output_ok")
            runs.append(
                Gem5Run(
                    program=row["program"].strip(),
                    source=row["source"].strip(),
                    input=row["input"].strip(),
                    cycles=_number(row["num_cycles"], f"{where}, num_cycles"),
                    sim_seconds=_number(row["sim_seconds"], f"{where}, sim_seconds"),
                    instructions=_number(row["sim_insts"], f"{where}, sim_insts"),
                    host_seconds=_number(row["host_seconds"], f"{where}, host_seconds"),
                    ok=bool(exit_ok) and bool(output_ok),
                    line=line,
                )
            )
    if not runs:
        raise CalibrationError(f"{path} has no rows", hint="add gem5 measurements to the table")
    _check_files(path, folder, runs)
    return Gem5Table(path, folder, tuple(runs))


def _check_files(path: Path, folder: Path, runs: Sequence[Gem5Run]) -> None:
    for run in runs:
        where = f"{path.name} line {run.line}"
        program = folder / run.program
        if not run.program or not program.is_dir():
            raise CalibrationError(
                f"{where}: unknown program folder {run.program!r} (no directory {program})",
                hint="give --programs DIR, the folder that holds the programs of the table",
            )
        if not (program / run.source).is_file():
            raise CalibrationError(
                f"{where}: {run.program} has no source file {run.source!r}",
                hint=f"put {run.source} in {program}",
            )
        tests = program / "tests"
        for name in (run.input, f"output.{run.test}.txt"):
            if not (tests / name).is_file():
                raise CalibrationError(
                    f"{where}: missing test file {tests / name}",
                    hint="each program needs tests/input.N.txt and tests/output.N.txt",
                )


def program_part(program: str, held_out_share: float = 0.5) -> str:
    """Which half of a split table a program belongs to: a stable hash of its name alone,
    so adding programs never moves others between fit and held-out data."""
    value = int(hashlib.sha256(program.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "held out" if value < held_out_share else "fit"


def split_table(table: Gem5Table, part: str, held_out_share: float = 0.5) -> Gem5Table:
    """The runs of `table` whose program falls in `part` ("fit" or "held out")."""
    runs = tuple(r for r in table.runs if program_part(r.program, held_out_share) == part)
    return evolve(table, runs=runs, part=part)


@frozen
class Plan:
    """What to fit on and what to hold out: several tables, some split by program."""

    fit: tuple[Gem5Table, ...]
    held_out: tuple[Gem5Table, ...]


def read_plan(path: Path) -> Plan:
    """A calibration plan (JSON): {"fit": [ENTRY...], "held_out": [ENTRY...]}, where an
    ENTRY is {"table": CSV, "programs": DIR (optional), "split": true (optional)} with paths
    relative to the plan. A split table gives its "fit" half to the fit and its "held out"
    half to the held-out data (`program_part`); `held_out_share` sets the share."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise CalibrationError(f"cannot read the plan {path}: {exc}", hint="fix the JSON") from None
    share = float(data.get("held_out_share", 0.5))
    parts: dict[str, list[Gem5Table]] = {"fit": [], "held_out": []}
    for role, found in parts.items():
        for entry in data.get(role, []):
            if not isinstance(entry, dict) or "table" not in entry:
                raise CalibrationError(
                    f'{path}: every {role} entry needs a "table"',
                    hint='write entries like {"table": "gem5.csv", "split": true}',
                )
            programs = entry.get("programs")
            table = read_table(
                (path.parent / entry["table"]).resolve(),
                (path.parent / programs).resolve() if programs else None,
            )
            if entry.get("split"):
                part = "fit" if role == "fit" else "held out"
                table = split_table(table, part, share)
            found.append(table)
    if not parts["fit"]:
        raise CalibrationError(f"{path} lists no fit table", hint='add "fit": [{"table": ...}]')
    return Plan(tuple(parts["fit"]), tuple(parts["held_out"]))


# -- measuring --------------------------------------------------------------------------------


async def measure_counts(
    tables: Sequence[Gem5Table],
    settings: Any,
    progress: Callable[[int, int], None] | None = None,
) -> dict[tuple[str, str, str, str], dict[str, float]]:
    """Raw estimate counts of every usable run, keyed by (table programs dir, program,
    source, test); built and measured in parallel, cached like every estimate."""
    from pie_lsp.build import Binary, Builder
    from pie_lsp.cache import Cache
    from pie_lsp.measure.estimate import EstimateMeasurer
    from pie_lsp.sandbox import Sandbox
    from pie_lsp.verify import TestCase

    cache = Cache(settings.cache)
    sandbox = Sandbox(settings.sandbox.isolate)
    slots = asyncio.Semaphore(settings.effective_jobs())
    builder = Builder(settings.build, sandbox, cache)
    measurer = EstimateMeasurer(settings, sandbox, cache, slots)
    binaries: dict[Path, asyncio.Future[Binary]] = {}

    def binary(source: Path) -> asyncio.Future[Binary]:
        if source not in binaries:

            async def build() -> Binary:
                async with slots:
                    return await builder.build(source.read_text(), label=str(source))

            binaries[source] = group.create_task(build())
        return binaries[source]

    jobs: list[tuple[tuple[str, str, str, str], Path, TestCase]] = []
    for table in tables:
        for run in table.usable:
            folder = table.programs / run.program
            tests = folder / "tests"
            case = TestCase(run.test, tests / run.input, tests / f"output.{run.test}.txt")
            jobs.append(((str(table.programs), *run.key), folder / run.source, case))
    done = 0

    async def one(source: Path, case: TestCase) -> dict[str, float]:
        nonlocal done
        try:
            built = await binary(source)
            timing = await measurer.measure_test(built, case)
        except PieError as exc:
            raise CalibrationError(
                f"{source} test {case.name}: {exc.message}", hint=exc.hint, details=exc.details
            ) from exc
        done += 1
        if progress is not None:
            progress(done, len(jobs))
        return dict(timing.detail)

    try:
        # one failure ends the calibration: the group stops the other builds and valgrind runs
        async with task_group() as group:
            tasks = [group.create_task(one(source, case)) for _, source, case in jobs]
        results = [task.result() for task in tasks]
    finally:
        cache.close()
    return {key: counts for (key, _, _), counts in zip(jobs, results, strict=True)}


# -- fitting ----------------------------------------------------------------------------------


def _numpy() -> Any:
    try:
        import numpy
        import scipy.optimize
        import scipy.stats  # noqa: F401
    except ImportError as exc:
        raise CalibrationError(
            f"calibration needs numpy and scipy ({exc})",
            hint="pip install 'pie-lsp[calibrate]'",
        ) from exc
    return numpy


def fit_costs(
    features: Sequence[Mapping[str, float]], cycles: Sequence[float], names: Sequence[str]
) -> dict[str, float]:
    """Non-negative costs c minimising sum(((features . c) - cycles) / cycles)^2: relative
    error, so a 60 k-cycle run weighs as much as a 60 M-cycle one (speedups are ratios)."""
    np = _numpy()
    from scipy.optimize import nnls

    if len(features) != len(cycles) or not features:
        raise CalibrationError(
            "nothing to fit", hint="the table needs usable rows (exit_ok=1, num_cycles)"
        )
    y = np.asarray(cycles, dtype=float)
    a = np.asarray([[f.get(n, 0.0) for n in names] for f in features], dtype=float)
    weighted = a / y[:, None]
    # Columns scaled to unit norm so nnls converges whatever the units (counts vs. 1).
    norms = np.linalg.norm(weighted, axis=0)
    norms[norms == 0] = 1.0
    solution, _ = nnls(weighted / norms, np.ones_like(y), maxiter=50 * len(names))
    costs = solution / norms
    return {name: float(round(value, 6)) for name, value in zip(names, costs, strict=True)}


# -- agreement --------------------------------------------------------------------------------


@frozen
class Pair:
    """Two runs on the same input whose cycle ratio is a speedup."""

    name: str
    first: tuple[str, str, str]
    second: tuple[str, str, str]


@frozen
class Agreement:
    """How well estimated cycles agree with gem5 on one table."""

    table: str
    runs: int
    skipped: int
    cycle_error_median: float
    cycle_error_max: float
    worst_run: str
    pairs: int
    speedup_error_median: float | None
    speedup_error_max: float | None
    worst_pair: str
    spearman: float | None
    same_verdict: float | None  # share of pairs on the same side of the 1.10x threshold
    programs: int
    program_speedup_error_median: float | None
    program_spearman: float | None
    details: tuple[dict[str, Any], ...] = ()
    # |estimated instructions - gem5's committed instructions| / gem5's: the same code ran?
    instruction_error_median: float | None = None
    instruction_error_max: float | None = None


def speedup_error(estimated: float, actual: float) -> float:
    """How far apart two speedups are, the same whichever way round: max(a/b, b/a) - 1."""
    ratio = estimated / actual
    return max(ratio, 1 / ratio) - 1


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    if len(xs) < 3:
        return None
    _numpy()
    from scipy.stats import spearmanr

    value = float(spearmanr(xs, ys).statistic)
    return None if math.isnan(value) else round(value, 4)


def source_pairs(runs: Iterable[Gem5Run]) -> list[Pair]:
    """Every two sources of one program measured on the same input."""
    by_input: dict[tuple[str, str], list[Gem5Run]] = {}
    for run in runs:
        by_input.setdefault((run.program, run.test), []).append(run)
    pairs = []
    for (program, test), group in sorted(by_input.items()):
        ordered = sorted(group, key=lambda r: r.source, reverse=True)
        for a, b in itertools.combinations(ordered, 2):
            pairs.append(Pair(f"{program} test {test}: {a.source}/{b.source}", a.key, b.key))
    return pairs


def readme_groups(readme: str, programs: Iterable[str]) -> list[list[str]]:
    """The comparison groups a calibration README lists under "Groups meant to be compared":
    bullets like "c05 / c06 / c07 — why", several groups per bullet separated by commas.
    Short names (c05) are matched to program folders (c05_branch_random)."""
    names = sorted(set(programs))
    lines = readme.splitlines()
    start = next((i for i, line in enumerate(lines) if "Groups meant to be compared" in line), None)
    if start is None:
        return []
    groups: list[list[str]] = []
    for line in lines[start + 1 :]:
        if not line.strip():
            if groups:
                break
            continue
        if not line.lstrip().startswith("- "):
            if groups and line.startswith("  "):
                continue  # continuation of a bullet
            if groups:
                break
            continue
        head = re.split(r"\s[—–-]{1,2}\s", line.lstrip()[2:], maxsplit=1)[0]
        for part in head.split(","):
            tokens = [t.strip() for t in part.split("/") if t.strip()]
            members = []
            for token in tokens:
                found = [n for n in names if n == token or n.startswith(token + "_")]
                if len(found) == 1:
                    members.append(found[0])
            if len(members) >= 2:
                groups.append(members)
    return groups


def group_pairs(runs: Iterable[Gem5Run], groups: Sequence[Sequence[str]]) -> list[Pair]:
    """Pairs of programs of one comparison group: the same source name measured on the
    same input (calibration programs have one source each, so the name is left out)."""
    index = {r.key: r for r in runs}
    tests = sorted({(r.test, r.source) for r in index.values()})
    several = len({source for _, source in tests}) > 1
    pairs = []
    for group in groups:
        for a, b in itertools.combinations(group, 2):
            for test, source in tests:
                ra, rb = index.get((a, source, test)), index.get((b, source, test))
                if ra is not None and rb is not None:
                    name = f"{a}/{b} test {test}" + (f" ({source})" if several else "")
                    pairs.append(Pair(name, ra.key, rb.key))
    return pairs


def agreement(
    table: Gem5Table,
    predicted: Mapping[tuple[str, str, str], float],
    groups: Sequence[Sequence[str]] = (),
    threshold: float = 1.10,
    instructions: Mapping[tuple[str, str, str], float] | None = None,
) -> Agreement:
    """Cycle and speedup agreement of `predicted` cycles with the table's gem5 cycles (and of
    `instructions`, when given, with gem5's committed instructions)."""
    runs = [r for r in table.usable if r.key in predicted]
    ierrors = [
        abs(instructions[r.key] - r.instructions) / r.instructions
        for r in runs
        if instructions is not None and r.key in instructions and r.instructions
    ]
    actual = {r.key: float(r.cycles or 0.0) for r in runs}
    errors = {r.key: abs(predicted[r.key] - actual[r.key]) / actual[r.key] for r in runs}
    worst = max(errors, key=lambda k: errors[k]) if errors else None
    pairs = source_pairs(runs) + group_pairs(runs, groups)
    pair_rows: list[dict[str, Any]] = []
    for pair in pairs:
        gem5 = actual[pair.first] / actual[pair.second]
        est = predicted[pair.first] / predicted[pair.second]
        pair_rows.append(
            {
                "pair": pair.name,
                "gem5": round(gem5, 4),
                "estimate": round(est, 4),
                "error": round(speedup_error(est, gem5), 4),
                "same_verdict": (gem5 >= threshold) == (est >= threshold)
                and (1 / gem5 >= threshold) == (1 / est >= threshold),
            }
        )
    program_rows = _program_speedups(runs, actual, predicted)
    pe = [p["error"] for p in pair_rows]
    worst_pair = max(pair_rows, key=lambda p: p["error"])["pair"] if pair_rows else ""
    return Agreement(
        table=table.name,
        runs=len(runs),
        skipped=len(table.skipped),
        cycle_error_median=round(statistics.median(errors.values()), 4) if errors else 0.0,
        cycle_error_max=round(max(errors.values()), 4) if errors else 0.0,
        worst_run=_describe(worst) if worst else "",
        pairs=len(pair_rows),
        speedup_error_median=round(statistics.median(pe), 4) if pe else None,
        speedup_error_max=round(max(pe), 4) if pe else None,
        worst_pair=worst_pair,
        spearman=spearman([p["gem5"] for p in pair_rows], [p["estimate"] for p in pair_rows]),
        same_verdict=round(sum(p["same_verdict"] for p in pair_rows) / len(pair_rows), 4)
        if pair_rows
        else None,
        programs=len(program_rows),
        program_speedup_error_median=round(statistics.median(p["error"] for p in program_rows), 4)
        if program_rows
        else None,
        program_spearman=spearman(
            [p["gem5"] for p in program_rows], [p["estimate"] for p in program_rows]
        ),
        details=tuple(
            [
                {
                    "run": _describe(r.key),
                    "gem5_cycles": actual[r.key],
                    "estimate_cycles": round(predicted[r.key], 1),
                    "error": round(errors[r.key], 4),
                }
                for r in runs
            ]
            + [{"kind": "pair", **p} for p in pair_rows]
            + [{"kind": "program", **p} for p in program_rows]
        ),
        instruction_error_median=round(statistics.median(ierrors), 4) if ierrors else None,
        instruction_error_max=round(max(ierrors), 4) if ierrors else None,
    )


def _describe(key: tuple[str, str, str]) -> str:
    return f"{key[0]}/{key[1]} test {key[2]}"


def _program_speedups(
    runs: Sequence[Gem5Run],
    actual: Mapping[tuple[str, str, str], float],
    predicted: Mapping[tuple[str, str, str], float],
) -> list[dict[str, Any]]:
    """PIE's per-program speedup: summed cycles over the tests both sources ran."""
    rows: list[dict[str, Any]] = []
    by_program: dict[str, dict[str, set[str]]] = {}
    for run in runs:
        by_program.setdefault(run.program, {}).setdefault(run.source, set()).add(run.test)
    for program, sources in sorted(by_program.items()):
        if len(sources) != 2:
            continue
        first, second = sorted(sources, reverse=True)
        tests = sorted(sources[first] & sources[second])
        if not tests:
            continue

        def total(values: Mapping[tuple[str, str, str], float], source: str) -> float:
            return sum(values[(program, source, t)] for t in tests)  # noqa: B023

        gem5 = total(actual, first) / total(actual, second)
        est = total(predicted, first) / total(predicted, second)
        rows.append(
            {
                "program": program,
                "tests": len(tests),
                "gem5": round(gem5, 4),
                "estimate": round(est, 4),
                "error": round(speedup_error(est, gem5), 4),
            }
        )
    return rows


# -- the command ------------------------------------------------------------------------------


@frozen
class Calibration:
    """Everything `pie-lsp calibrate` found: fitted costs and agreement before and after."""

    fit_tables: tuple[str, ...]
    fitted_runs: int
    skipped: tuple[str, ...]
    parameters: dict[str, float]
    costs: dict[str, float]
    current_costs: dict[str, float]
    # per table (fit tables first), then "all held out" when there are several held-out ones
    fitted: tuple[Agreement, ...]
    current: tuple[Agreement, ...]
    held_out: int  # how many of `fitted` / `current` are held out (the last ones)
    gem5_version: str
    machine_file: str
    written: bool = False

    @property
    def fit_table(self) -> str:
        return " + ".join(self.fit_tables)


def gem5_version_of(table: Path) -> str:
    """The gem5 version a table's README (or SOURCE.md) names, e.g. "24.0.0.1"."""
    for name in ("README.md", "SOURCE.md"):
        doc = table.parent / name
        if doc.is_file():
            match = re.search(r"gem5 v?(\d+(?:\.\d+)+)", doc.read_text(errors="replace"))
            if match:
                return match.group(1)
    return "unknown"


def _groups_for(table: Gem5Table) -> list[list[str]]:
    readme = table.path.parent / "README.md"
    if not readme.is_file():
        return []
    return readme_groups(readme.read_text(errors="replace"), (r.program for r in table.runs))


def calibrate(
    tables: Gem5Table | Sequence[Gem5Table],
    checks: Sequence[Gem5Table],
    counts: Mapping[tuple[str, str, str, str], Mapping[str, float]],
    machine: Mapping[str, Any],
    machine_file: Path,
    parameters: Sequence[str] | None = None,
) -> Calibration:
    """Fit the costs on the runs of `tables` and measure agreement on each of them and on
    every `checks` table (never fitted on). `parameters` limits the fitted parameters
    (default: all of COST_PARAMETERS; the others cost 0)."""
    from pie_lsp.measure.estimate import (
        COST_PARAMETERS,
        estimated_cycles,
        expand_costs,
        parameter_values,
        startup_instructions,
    )

    startup = startup_instructions(machine)
    fit_tables = (tables,) if isinstance(tables, Gem5Table) else tuple(tables)
    names = [n for n in COST_PARAMETERS if parameters is None or n in parameters]

    def run_counts(t: Gem5Table, run: Gem5Run) -> Mapping[str, float]:
        return counts[(str(t.programs), *run.key)]

    usable = [(t, r) for t in fit_tables for r in t.usable]
    fitted = fit_costs(
        [parameter_values(run_counts(t, r), startup) for t, r in usable],
        [float(r.cycles or 0.0) for _, r in usable],
        names,
    )
    fitted = {n: fitted.get(n, 0.0) for n in COST_PARAMETERS}
    costs = expand_costs(fitted)
    current = dict(machine.get("estimate", {}).get("costs", {}))

    def agree(with_costs: Mapping[str, float]) -> tuple[Agreement, ...]:
        rows = []
        predicted_all: dict[tuple[str, str, str], float] = {}
        instructions_all: dict[tuple[str, str, str], float] = {}
        for t in (*fit_tables, *checks):
            predicted = {
                r.key: estimated_cycles(run_counts(t, r), with_costs, startup) for r in t.usable
            }
            instructions = {r.key: run_counts(t, r)["Ir"] - startup for r in t.usable}
            rows.append(agreement(t, predicted, _groups_for(t), instructions=instructions))
            if t in checks:
                predicted_all.update(predicted)
                instructions_all.update(instructions)
        if len(checks) > 1:
            merged = Gem5Table(
                Path("all held out"),
                Path(),
                tuple(r for t in checks for r in t.runs),
                part="",
            )
            groups = [g for t in checks for g in _groups_for(t)]
            rows.append(agreement(merged, predicted_all, groups, instructions=instructions_all))
        return tuple(rows)

    skipped = tuple(
        f"{t.path.name} line {r.line}: {r.describe()} (exit_ok/output_ok = 0 or no cycles: "
        "gem5 did not finish it)"
        for t in (*fit_tables, *checks)
        for r in t.skipped
    )
    after = agree(costs)
    return Calibration(
        fit_tables=tuple(t.name for t in fit_tables),
        fitted_runs=len(usable),
        skipped=skipped,
        parameters=fitted,
        costs=costs,
        current_costs=current,
        fitted=after,
        current=agree(current),
        held_out=len(after) - len(fit_tables),
        gem5_version=gem5_version_of(fit_tables[0].path),
        machine_file=str(machine_file),
    )


def machine_json(machine: Mapping[str, Any]) -> str:
    """The machine file's text: two-space indents, small flat objects kept on one line."""

    def render(value: Any, indent: int) -> str:
        if isinstance(value, dict):
            flat = all(not isinstance(v, dict | list) for v in value.values())
            one_line = json.dumps(value, ensure_ascii=False)
            if flat and value and len(one_line) + indent <= 160:
                return one_line
            pad = " " * (indent + 2)
            items = [f"{pad}{json.dumps(k)}: {render(v, indent + 2)}" for k, v in value.items()]
            return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
        return json.dumps(value, ensure_ascii=False)

    return render(dict(machine), 0) + "\n"


def _summary(a: Agreement) -> dict[str, Any]:
    keep = (
        "runs",
        "cycle_error_median",
        "cycle_error_max",
        "pairs",
        "speedup_error_median",
        "speedup_error_max",
        "spearman",
        "same_verdict",
        "programs",
        "program_speedup_error_median",
        "program_spearman",
    )
    return {k: getattr(a, k) for k in keep}


def replace_section(text: str, key: str, value: Any, indent: int = 2) -> str:
    """`text` (a JSON object) with its top-level `key` replaced by `value`, every other byte
    kept: the machine file's other sections are someone else's, formatting included."""
    decoder = json.JSONDecoder()
    marker = re.search(r'^\s*"' + re.escape(key) + r'"\s*:\s*', text, re.MULTILINE)
    rendered = machine_json(value).rstrip("\n").replace("\n", "\n" + " " * indent)
    if marker is None:
        head = text.rstrip().removesuffix("}").rstrip()
        return f'{head},\n{" " * indent}"{key}": {rendered}\n}}\n'
    _, end = decoder.raw_decode(text, marker.end())
    return text[: marker.end()] + rendered + text[end:]


def write_costs(result: Calibration, machine: dict[str, Any], path: Path) -> None:
    """Store the fitted costs, with where they came from and how well they agree, in the
    machine file's estimate section (the rest of the file is left as it is)."""
    estimate = dict(machine.get("estimate", {}))
    figures = {a.table: _summary(a) for a in result.fitted}
    held = [a.table for a in result.fitted[len(result.fitted) - result.held_out :]]
    first = figures[result.fitted[0].table]
    estimate["source"] = (
        f"pie-lsp calibrate on {result.fit_table} ({result.fitted_runs} runs, gem5 "
        f"v{result.gem5_version}), {datetime.date.today().isoformat()}: cycle error median "
        f"{first['cycle_error_median']:.1%} on {result.fitted[0].table}; see docs/ESTIMATE.md"
    )
    estimate["costs"] = result.costs
    estimate["fit"] = {
        "data": list(result.fit_tables),
        "held_out": held,
        "gem5_version": result.gem5_version,
        "date": datetime.date.today().isoformat(),
        "method": FIT_METHOD + "; tied parameters: pie_lsp.measure.estimate.COST_PARAMETERS",
        "parameters": result.parameters,
        "runs": result.fitted_runs,
        "agreement": figures,
    }
    path.write_text(replace_section(path.read_text(), "estimate", estimate))


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def render_calibration(result: Calibration, out: Console) -> None:
    out.print(
        f"Fitted on {result.fitted_runs} gem5 runs of {result.fit_table} "
        f"(gem5 v{result.gem5_version}); {FIT_METHOD}."
    )
    for note in result.skipped:
        out.print(f"[yellow]skipped[/] {note}")
    costs = Table(title="Costs (cycles per event)", title_justify="left")
    for column in ("parameter", "fitted", "machine file now"):
        costs.add_column(column, justify="right" if column != "parameter" else "left")
    from pie_lsp.measure.estimate import COST_PARAMETERS

    for name, members in COST_PARAMETERS.items():
        now = ", ".join(f"{result.current_costs.get(m, 0.0):g}" for m in members)
        costs.add_row(
            name + (f" ({' + '.join(members)})" if len(members) > 1 else ""),
            f"{result.parameters[name]:g}",
            now,
        )
    out.print(costs)
    for title, rows in (("fitted costs", result.fitted), ("machine file's costs", result.current)):
        table = Table(title=f"Agreement with gem5, {title}", title_justify="left")
        for column in (
            "table",
            "runs",
            "cycle err med / max",
            "pairs",
            "speedup err med / max",
            "Spearman",
            "same 1.10× verdict",
            "programs: err med, Spearman",
            "instr. err med / max",
        ):
            table.add_column(column)
        for i, a in enumerate(rows):
            table.add_row(
                a.table + (" (fit)" if i < len(rows) - result.held_out else " (held out)"),
                str(a.runs),
                f"{_pct(a.cycle_error_median)} / {_pct(a.cycle_error_max)}",
                str(a.pairs),
                f"{_pct(a.speedup_error_median)} / {_pct(a.speedup_error_max)}",
                "–" if a.spearman is None else f"{a.spearman:.3f}",
                _pct(a.same_verdict),
                f"{_pct(a.program_speedup_error_median)}, "
                + ("–" if a.program_spearman is None else f"{a.program_spearman:.3f}")
                if a.programs
                else "–",
                f"{_pct(a.instruction_error_median)} / {_pct(a.instruction_error_max)}",
            )
        out.print(table)
    for a in result.fitted:
        out.print(f"{a.table}: worst run {a.worst_run}; worst pair {a.worst_pair}")
    if result.written:
        out.print(f"wrote the fitted costs to {result.machine_file}")


def run_calibrate(args: argparse.Namespace, out: Console) -> int:
    """`pie-lsp calibrate TABLE|PLAN.json [--programs DIR] [--check TABLE ...] [--write]
    [--json]`: a plan (JSON, `read_plan`) names several fit and held-out tables."""
    from pie_lsp.assets import asset
    from pie_lsp.measure import load_machine
    from pie_lsp.settings import load

    _numpy()  # fail before minutes of measuring, not after
    layer = {"jobs": args.jobs} if getattr(args, "jobs", None) else None
    settings = load(Path.cwd(), layer)
    if args.table.suffix == ".json":
        plan = read_plan(args.table)
        tables, checks = list(plan.fit), [*plan.held_out, *(read_table(p) for p in args.check)]
    else:
        tables = [read_table(args.table, args.programs)]
        checks = [read_table(path) for path in args.check]
    machine_path = Path(settings.simulator.estimate.params or asset("simulator", "skylake.json"))
    machine = load_machine(machine_path)
    err = Console(stderr=True)
    total_runs = sum(len(t.usable) for t in (*tables, *checks))
    with err.status(f"Measuring {total_runs} runs with the estimate…") as status:

        def progress(done: int, total: int) -> None:
            status.update(f"Measured {done}/{total} runs with the estimate (callgrind)…")

        counts = asyncio.run(measure_counts([*tables, *checks], settings, progress))
    result = calibrate(tables, checks, counts, machine, machine_path)
    if args.write:
        write_costs(result, dict(machine), machine_path)
        result = evolve(result, written=True)
    if args.json:
        data = asdict(result)
        print(json.dumps(data, indent=2))
    else:
        render_calibration(result, out)
    return 0
