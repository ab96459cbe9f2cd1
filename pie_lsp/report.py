"""Presenting results: JSON for tools, rich tables and a diff for people."""

from __future__ import annotations

import json
from typing import Any

import cattrs
from attrs import define
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.syntax import Syntax
from rich.table import Table

from pie_lsp.measure import TestTiming
from pie_lsp.pipeline import OptimizeResult, Reporter, SpeedupResult, Step
from pie_lsp.text import markup, times, visible

_converter = cattrs.Converter()


def to_json(result: OptimizeResult | SpeedupResult) -> dict[str, Any]:
    data: dict[str, Any] = _converter.unstructure(result)
    data["summary"] = result.summary() if isinstance(result, OptimizeResult) else (result.label())
    return data


def dumps(result: OptimizeResult | SpeedupResult) -> str:
    return json.dumps(to_json(result), indent=2, ensure_ascii=False)


# Wide enough for any line the CLI prints; tables are only as wide as their content.
_UNBOUNDED = 4096


def console(stderr: bool = False) -> Console:
    """The CLI's console. On a terminal rich fits the terminal; piped into a file or another
    program it would cut and wrap everything at 80 columns, so there it gets no limit (and
    no colour, as rich does for any non-terminal)."""
    probe = Console(stderr=stderr, highlight=False)
    if probe.is_terminal:
        return probe
    return Console(stderr=stderr, highlight=False, width=_UNBOUNDED)


def format_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds >= 1:
        return f"{seconds:.3f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.3f} ms"
    return f"{seconds * 1e6:.1f} µs"


def _timing_table(
    title: str,
    before: tuple[TestTiming, ...],
    after: tuple[TestTiming, ...],
    before_name: str,
    after_name: str,
) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("test")
    table.add_column(before_name, justify="right")
    table.add_column(after_name, justify="right")
    table.add_column("speedup", justify="right")
    table.add_column("instructions", justify="right")
    paired = {t.test: t for t in after}
    for old in before:
        new = paired.get(old.test)
        ratio = times(old.seconds / new.seconds) if new and new.seconds else "—"
        instr = ""
        if old.instructions and new and new.instructions:
            instr = f"{old.instructions:,} → {new.instructions:,}"
        table.add_row(
            markup(old.test),
            format_seconds(old.seconds),
            format_seconds(new.seconds if new else None),
            ratio,
            instr,
        )
    return table


def render(result: OptimizeResult, console: Console) -> None:
    """The human report of `pie-lsp optimize`."""
    if result.status == "error":
        console.print(f"[bold red]error:[/] {markup(result.error or '')}", highlight=False)
        if result.hint:
            console.print(f"[yellow]hint:[/] {markup(result.hint)}", highlight=False)
        return
    if result.diff:
        # a candidate's text: escapes and \r could hide a line that --write would apply
        diff = visible(result.diff)
        console.print(Syntax(diff, "diff", theme="ansi_dark", background_color="default"))
    if result.optimized_timings:
        console.print(
            _timing_table(
                f"Per test ({result.simulator_label})",
                result.original_timings,
                result.optimized_timings,
                "original",
                "optimized",
            )
        )
    elif result.original_timings:
        console.print(
            _timing_table(
                f"Per test ({result.simulator_label})", result.original_timings, (), "original", "—"
            )
        )
    if result.candidates:
        table = Table(title="Candidates", title_justify="left")
        table.add_column("origin")
        table.add_column("result")
        table.add_column("speedup", justify="right")
        table.add_column("why", overflow="fold")
        for c in result.candidates:
            speed = times(c.speedup) if c.speedup is not None else "—"
            style = {"faster": "green", "not-faster": "yellow", "rejected": "red"}[c.status]
            table.add_row(
                markup(c.origin),
                f"[{style}]{c.status}[/]",
                speed,
                markup(c.reason or c.description),
            )
        console.print(table)
    for note in result.notes:
        console.print(f"[dim]note: {markup(note)}[/]", highlight=False)
    if result.why_not:
        console.print("[bold]Why nothing faster was found:[/]", highlight=False)
        for line in result.why_not:
            console.print(f"  {markup(line)}", highlight=False)
        if result.model == "rules":  # the why names settings; here they are flags too
            console.print(
                "  From the command line: --model openai --model-url URL --model-name NAME "
                "(or --model transformers --model-path DIR).",
                highlight=False,
            )
    style = "bold green" if result.status == "optimized" else "bold yellow"
    cached = " [dim](cached)[/]" if result.cached else ""
    console.print(f"[{style}]{markup(result.summary())}[/]{cached}", highlight=False)


def render_speedup(result: SpeedupResult, console: Console) -> None:
    console.print(
        _timing_table(
            f"Per test ({result.simulator_label})",
            result.baseline_timings,
            result.current_timings,
            result.baseline_name,
            "current",
        )
    )
    for failure in result.failures:
        console.print(f"[red]current version fails {markup(failure)}[/]", highlight=False)
    console.print(f"[bold]{result.label()}[/]", highlight=False)


# -- pie-lsp measure ----------------------------------------------------------------------


@define
class MeasureReport:
    """`pie-lsp measure`: one program's times on its tests, from one backend."""

    status: str  # ok | error
    path: str
    simulator: str = ""
    simulator_label: str = ""
    tests_dir: str = ""
    tests: tuple[TestTiming, ...] = ()
    seconds: float = 0.0  # wall-clock time of the command
    error: str | None = None
    hint: str = ""
    error_details: str = ""

    @property
    def total_seconds(self) -> float:
        return sum(t.seconds for t in self.tests)

    def summary(self) -> str:
        if self.status == "error":
            return f"error: {self.error}"
        insts = [t.instructions for t in self.tests if t.instructions is not None]
        counted = f", {sum(insts):,} instructions" if len(insts) == len(self.tests) else ""
        return (
            f"{len(self.tests)} tests: {format_seconds(self.total_seconds)}{counted} "
            f"({self.simulator_label})"
        )


def measure_json(report: MeasureReport) -> dict[str, Any]:
    """Per test: test, simulator, seconds, cycles, instructions, and where they came from
    (`stats`: gem5's stats.txt entries by name; `detail`: host time, simulation speed...)."""
    return {
        "status": report.status,
        "path": report.path,
        "simulator": report.simulator,
        "simulator_label": report.simulator_label,
        "tests_dir": report.tests_dir,
        "tests": [
            {
                "test": t.test,
                "simulator": report.simulator,
                "seconds": t.seconds,
                "cycles": t.cycles,
                "instructions": t.instructions,
                "stats": dict(t.stats),
                "detail": dict(t.detail),
            }
            for t in report.tests
        ],
        "total_seconds": report.total_seconds,
        "seconds": report.seconds,
        "error": report.error,
        "hint": report.hint,
        "error_details": report.error_details,
        "summary": report.summary(),
    }


def render_measure(report: MeasureReport, console: Console) -> None:
    """The human report of `pie-lsp measure`: a row per test, gem5's stats names below."""
    if report.status == "error":
        console.print(f"[bold red]error:[/] {markup(report.error or '')}", highlight=False)
        if report.hint:
            console.print(f"[yellow]hint:[/] {markup(report.hint)}", highlight=False)
        if report.error_details:
            console.print(f"[dim]{markup(report.error_details)}[/]", highlight=False)
        return
    table = Table(title=f"{report.path} ({report.simulator_label})", title_justify="left")
    for column in ("test", "seconds", "cycles", "instructions", "host time"):
        table.add_column(column, justify="left" if column == "test" else "right")
    for t in report.tests:
        host = t.detail.get("host_seconds")
        table.add_row(
            t.test,
            format_seconds(t.seconds),
            f"{t.cycles:,.0f}" if t.cycles is not None else "—",
            f"{t.instructions:,}" if t.instructions is not None else "—",
            f"{host:.1f} s" if host is not None else "—",
        )
    console.print(table)
    sources = sorted({name for t in report.tests for name in t.stats})
    if sources:
        console.print(f"[dim]from stats.txt: {', '.join(sources)}[/]", highlight=False)
    console.print(f"[bold]{report.summary()}[/]", highlight=False)


class TerminalProgress:
    """A rich progress bar on stderr for long steps (only on a terminal)."""

    def __init__(self, enabled: bool) -> None:
        self.progress: Progress | None = None
        if enabled:
            self.progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.completed}/{task.total}"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self.task = self.progress.add_task("Starting…", total=None)

    def __enter__(self) -> Reporter:
        if self.progress is not None:
            self.progress.start()
        return self.report

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()

    def report(self, step: Step) -> None:
        if self.progress is not None:
            self.progress.update(
                self.task,
                description=markup(step.message),
                completed=step.done,
                total=step.total or None,
            )
