"""`pie-lsp calibrate`: fit the estimate's costs to gem5 measurements, and say how well it agrees.

Every program of the gem5 tables (pie_lsp/calibration/tables.py) is built and run under the
`estimate` backend with the machine file's cache geometry and CPU mask (counts are cached,
like any estimate), the costs are fitted by non-negative least squares on relative cycle error,
and agreement is reported (pie_lsp/calibration/agreement.py): per-run cycle error and above
all speedups. Held-out tables are measured with the fitted costs, never fitted on. `write_costs`
stores the costs and their provenance in the machine file. The flags are parsed in cli.py;
the command and its rendering are pie_lsp/calibrate_report.py.
"""

from __future__ import annotations

import asyncio
import datetime
import json
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from attrs import evolve, frozen

from pie_lsp.calibration.agreement import (
    Agreement,
    Pair,
    agreement,
    group_pairs,
    readme_groups,
    require_scipy,
    source_pairs,
    spearman,
    speedup_error,
)
from pie_lsp.calibration.tables import (
    TABLE_COLUMNS,
    CalibrationError,
    Gem5Run,
    Gem5Table,
    Plan,
    gem5_version_of,
    program_part,
    read_plan,
    read_table,
    split_table,
)
from pie_lsp.errors import PieError
from pie_lsp.tasks import task_group

__all__ = [
    "FIT_METHOD",
    "TABLE_COLUMNS",
    "Agreement",
    "Calibration",
    "CalibrationError",
    "Gem5Run",
    "Gem5Table",
    "Pair",
    "Plan",
    "agreement",
    "calibrate",
    "fit_costs",
    "gem5_version_of",
    "group_pairs",
    "machine_json",
    "measure_counts",
    "program_part",
    "read_plan",
    "read_table",
    "readme_groups",
    "replace_section",
    "run",
    "source_pairs",
    "spearman",
    "speedup_error",
    "split_table",
    "total_runs",
    "write_costs",
]

# descending order: "slow.cpp" before "reference_fast.cpp" gives PIE's speedup.
FIT_METHOD = "non-negative least squares on relative cycle error (scipy.optimize.nnls)"


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
    measurer = EstimateMeasurer.from_settings(settings, sandbox, cache, slots)
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


def fit_costs(
    features: Sequence[Mapping[str, float]], cycles: Sequence[float], names: Sequence[str]
) -> dict[str, float]:
    """Non-negative costs c minimising sum(((features . c) - cycles) / cycles)^2: relative
    error, so a 60 k-cycle run weighs as much as a 60 M-cycle one (speedups are ratios)."""
    np = require_scipy()
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


def _groups_for(table: Gem5Table) -> list[list[str]]:
    readme = table.path.parent / "README.md"
    if not readme.is_file():
        return []
    return readme_groups(readme.read_text(errors="replace"), (r.program for r in table.runs))


def merged_agreement(
    name: str,
    tables: Sequence[Gem5Table],
    predicted: Mapping[tuple[str, str, str], float],
    instructions: Mapping[tuple[str, str, str], float] | None = None,
) -> Agreement:
    """One agreement over the runs of several tables, as if they were one table."""
    merged = Gem5Table(Path(name), Path(), tuple(r for t in tables for r in t.runs), part="")
    groups = [g for t in tables for g in _groups_for(t)]
    return agreement(merged, predicted, groups, instructions=instructions)


def calibrate(
    tables: Gem5Table | Sequence[Gem5Table],
    checks: Sequence[Gem5Table],
    counts: Mapping[tuple[str, str, str, str], Mapping[str, float]],
    machine: Mapping[str, Any],
    machine_file: Path,
    parameters: Sequence[str] | None = None,
    tied: Mapping[str, tuple[str, ...]] | None = None,
) -> Calibration:
    """Fit the costs on the runs of `tables` and measure agreement on each of them and on
    every `checks` table (never fitted on). `parameters` limits the fitted parameters
    (default: all; the others cost 0) of the parameterisation `tied` (default:
    COST_PARAMETERS; benchmarks/estimate_agreement.py passes earlier models')."""
    from pie_lsp.measure.estimate import startup_instructions
    from pie_lsp.measure.pricing import (
        COST_PARAMETERS,
        estimated_cycles,
        expand_costs,
        parameter_values,
    )

    tied = COST_PARAMETERS if tied is None else tied
    startup = startup_instructions(machine)
    fit_tables = (tables,) if isinstance(tables, Gem5Table) else tuple(tables)
    names = [n for n in tied if parameters is None or n in parameters]

    def run_counts(t: Gem5Table, run: Gem5Run) -> Mapping[str, float]:
        return counts[(str(t.programs), *run.key)]

    usable = [(t, r) for t in fit_tables for r in t.usable]
    fitted = fit_costs(
        [parameter_values(run_counts(t, r), startup, tied) for t, r in usable],
        [float(r.cycles or 0.0) for _, r in usable],
        names,
    )
    fitted = {n: fitted.get(n, 0.0) for n in tied}
    costs = expand_costs(fitted, tied)
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
            rows.append(merged_agreement("all held out", checks, predicted_all, instructions_all))
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
        "method": FIT_METHOD + "; tied parameters: pie_lsp.measure.pricing.COST_PARAMETERS",
        "parameters": result.parameters,
        "runs": result.fitted_runs,
        "agreement": figures,
    }
    path.write_text(replace_section(path.read_text(), "estimate", estimate))


def run(
    table: Path,
    *,
    programs: Path | None = None,
    checks: Sequence[Path] = (),
    write: bool = False,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Calibration:
    """The whole calibration of `pie-lsp calibrate TABLE|PLAN.json`: read the table (or the
    plan, `read_plan`, which names its fit and held-out tables) and the `checks` tables,
    measure every run with the estimate, fit, and with `write` store the costs in the
    machine file (the settings' estimate.params, else the shipped one)."""
    from pie_lsp.assets import asset
    from pie_lsp.measure import load_machine
    from pie_lsp.settings import load

    require_scipy()  # fail before minutes of measuring, not after
    settings = load(Path.cwd(), {"jobs": jobs} if jobs else None)
    if table.suffix == ".json":
        plan = read_plan(table)
        tables, held = list(plan.fit), [*plan.held_out, *(read_table(p) for p in checks)]
    else:
        tables = [read_table(table, programs)]
        held = [read_table(path) for path in checks]
    machine_path = Path(settings.simulator.estimate.params or asset("simulator", "skylake.json"))
    machine = load_machine(machine_path)
    counts = asyncio.run(measure_counts([*tables, *held], settings, progress))
    result = calibrate(tables, held, counts, machine, machine_path)
    if write:
        write_costs(result, dict(machine), machine_path)
        result = evolve(result, written=True)
    return result


def total_runs(table: Path, programs: Path | None = None, checks: Sequence[Path] = ()) -> int:
    """How many runs `run` will measure (for a progress display)."""
    if table.suffix == ".json":
        plan = read_plan(table)
        found = [*plan.fit, *plan.held_out]
    else:
        found = [read_table(table, programs)]
    return sum(len(t.usable) for t in (*found, *(read_table(p) for p in checks)))
