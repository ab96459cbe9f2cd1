"""`pie-lsp calibrate` (its flags are parsed in cli.py): the run with a status line, and the
rich rendering of a calibration, the fitted costs and the agreement tables, before and
after. The figures come from pie_lsp/calibrate.py."""

from __future__ import annotations

import argparse
import json

from attrs import asdict
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pie_lsp import calibrate
from pie_lsp.calibrate import FIT_METHOD, Calibration


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def render_calibration(result: Calibration, out: Console) -> None:
    out.print(
        f"Fitted on {result.fitted_runs} gem5 runs of {escape(result.fit_table)} "
        f"(gem5 v{result.gem5_version}); {FIT_METHOD}."
    )
    for note in result.skipped:
        out.print(f"[yellow]skipped[/] {escape(note)}")
    costs = Table(title="Costs (cycles per event)", title_justify="left")
    for column in ("parameter", "fitted", "machine file now"):
        costs.add_column(column, justify="right" if column != "parameter" else "left")
    from pie_lsp.measure.pricing import COST_PARAMETERS

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
                escape(a.table) + (" (fit)" if i < len(rows) - result.held_out else " (held out)"),
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
        out.print(escape(f"{a.table}: worst run {a.worst_run}; worst pair {a.worst_pair}"))
    if result.written:
        out.print(f"wrote the fitted costs to {result.machine_file}")


def command(args: argparse.Namespace, out: Console, err: Console) -> int:
    """`pie-lsp calibrate`: measure the table's programs with the estimate (a status line
    on stderr), then the calibration as JSON or tables."""
    where = {"programs": args.programs, "checks": args.check}
    with err.status(f"Measuring {calibrate.total_runs(args.table, **where)} runs…") as status:

        def progress(done: int, total: int) -> None:
            status.update(f"Measured {done}/{total} runs with the estimate…")

        result = calibrate.run(
            args.table, **where, write=args.write, jobs=args.jobs, progress=progress
        )
    if args.json:
        print(json.dumps(asdict(result), indent=2))
    else:
        render_calibration(result, out)
    return 0
