"""Presenting results: JSON for tools, rich tables and a diff for people."""

from __future__ import annotations

import json
from typing import Any

import cattrs
from rich.console import Console
from rich.syntax import Syntax
from rich.table import Table

from pie_lsp.measure import TestTiming
from pie_lsp.pipeline import OptimizeResult, SpeedupResult

_converter = cattrs.Converter()


def to_json(result: OptimizeResult | SpeedupResult) -> dict[str, Any]:
    data: dict[str, Any] = _converter.unstructure(result)
    data["summary"] = result.summary() if isinstance(result, OptimizeResult) else (result.label())
    return data


def dumps(result: OptimizeResult | SpeedupResult) -> str:
    return json.dumps(to_json(result), indent=2, ensure_ascii=False)


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
        ratio = f"{old.seconds / new.seconds:.2f}×" if new and new.seconds else "—"
        instr = ""
        if old.instructions and new and new.instructions:
            instr = f"{old.instructions:,} → {new.instructions:,}"
        table.add_row(
            old.test,
            format_seconds(old.seconds),
            format_seconds(new.seconds if new else None),
            ratio,
            instr,
        )
    return table


def render(result: OptimizeResult, console: Console) -> None:
    """The human report of `pie-lsp optimize`."""
    if result.status == "error":
        console.print(f"[bold red]error:[/] {result.error}", highlight=False)
        if result.hint:
            console.print(f"[yellow]hint:[/] {result.hint}", highlight=False)
        return
    if result.diff:
        console.print(Syntax(result.diff, "diff", theme="ansi_dark", background_color="default"))
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
            speed = f"{c.speedup:.2f}×" if c.speedup is not None else "—"
            style = {"faster": "green", "not-faster": "yellow", "rejected": "red"}[c.status]
            table.add_row(c.origin, f"[{style}]{c.status}[/]", speed, c.reason or c.description)
        console.print(table)
    for note in result.notes:
        console.print(f"[dim]note: {note}[/]", highlight=False)
    style = "bold green" if result.status == "optimized" else "bold yellow"
    cached = " [dim](cached)[/]" if result.cached else ""
    console.print(f"[{style}]{result.summary()}[/]{cached}", highlight=False)


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
        console.print(f"[red]current version fails {failure}[/]", highlight=False)
    console.print(f"[bold]{result.label()}[/]", highlight=False)
