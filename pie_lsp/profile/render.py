"""The profile for people: short texts for the editors (hint, hover) and the tables and JSON
of `pie-lsp profile` (`run_command`)."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from attrs import asdict

from pie_lsp.errors import PieError
from pie_lsp.profile.aimed import AimedRewrite, aimed, rules_rewrites
from pie_lsp.profile.pricing import LineCost, Profile
from pie_lsp.profile.profiler import Profiler

log = logging.getLogger(__name__)


# -- the command line -------------------------------------------------------------------------


def _mega(cycles: float) -> str:
    return f"{cycles / 1e6:.2f} M" if abs(cycles) >= 1e5 else f"{cycles / 1e3:.1f} k"


def cycles_text(cycles: float) -> str:
    """ "1.23 M cycles" (or "45.6 k cycles")."""
    return f"{_mega(cycles)} cycles"


def hint_text(line: LineCost) -> str:
    """The short form the editors show at a hot line: "38% · 1.2 M cycles"."""
    return f"{line.cost.share:.0%} · {_mega(line.cost.cycles)} cycles"


def breakdown(line: LineCost) -> str:
    """What a line's cycles are made of (the editors' hover, the CLI's detail)."""
    c = line.cost
    parts = [
        f"{_mega(c.cycles)} cycles ({c.share:.1%} of the program) in {line.function}",
        f"{c.instructions:,.0f} instructions, {c.l1_misses:,.0f} L1 misses, "
        f"{c.ll_misses:,.0f} last-level misses, {c.mispredicts:,.0f} mispredicted branches",
    ]
    if line.library_cycles:
        spent = ", ".join(
            f"{name} {cycles / c.cycles:.0%}"
            for name, cycles in line.library_cycles.items()
            if c.cycles > 0 and cycles / c.cycles >= 0.005
        )
        if spent:
            parts.append(f"in library code it calls: {spent}")
    return "\n".join(parts)


def render(profile: Profile, source: str, lines: int, console: Any) -> None:
    """Tables of the hottest lines and functions, and what ran outside the user's code."""
    from rich.table import Table

    from pie_lsp.text import markup

    text = source.splitlines()
    console.print(
        f"[bold]{markup(profile.path)}[/]: {_mega(profile.total_cycles)} cycles on "
        f"{profile.tests} tests ({markup(profile.label)}); {profile.user_share:.0%} on its "
        "own lines"
    )
    table = Table(title="Hottest lines", title_justify="left")
    for column in ("line", "share", "cycles", "source", "of which library"):
        table.add_column(column, overflow="fold")
    for row in profile.lines[:lines]:
        code = text[row.line - 1].strip() if 0 < row.line <= len(text) else ""
        libraries = ", ".join(
            f"{name} {cycles / row.cost.cycles:.0%}"
            for name, cycles in list(row.library_cycles.items())[:2]
            if row.cost.cycles > 0 and cycles / row.cost.cycles >= 0.01
        )
        table.add_row(
            str(row.line),
            f"{row.cost.share:.1%}",
            _mega(row.cost.cycles),
            markup(code[:60]),
            libraries,
        )
    console.print(table)
    functions = Table(title="Hottest functions", title_justify="left")
    for column in ("function", "line", "share", "cycles"):
        functions.add_column(column, overflow="fold")
    for fn in profile.functions[:lines]:
        functions.add_row(
            markup(fn.name), str(fn.line), f"{fn.cost.share:.1%}", _mega(fn.cost.cycles)
        )
    for lib in profile.libraries[:3]:
        functions.add_row(
            markup(f"{lib.function} ({lib.library}, not called from your lines)"),
            "",
            f"{lib.cost.share:.1%}",
            _mega(lib.cost.cycles),
        )
    console.print(functions)


def run_command(
    path: Path, tests: Path | None, settings: Any, as_json: bool, out: Any, err: Any
) -> int:
    """`pie-lsp profile FILE [--tests DIR] [--json]`: exit 0, or 1 with the error said."""
    from pie_lsp.pipeline import Pipeline
    from pie_lsp.text import markup

    async def run() -> tuple[Profile, list[AimedRewrite]]:
        async with Pipeline(settings) as pipeline:
            job = await asyncio.to_thread(pipeline.job_for, path, None, tests)
            profile = await Profiler.for_pipeline(pipeline).profile(job.program, job.suite)
            try:
                offered = await rules_rewrites(settings, job.program)
            except PieError as exc:  # the profile stands without them
                log.warning("no rules' rewrites for %s: %s", path, exc.message)
                offered = []
            return profile, aimed(profile, job.program.text, offered)

    try:
        profile, rewrites = asyncio.run(run())
    except PieError as exc:
        if as_json:
            print(json.dumps({"status": "error", "error": exc.message, "hint": exc.hint}))
        else:
            err.print(f"[bold red]error:[/] {markup(exc.message)}")
            if exc.hint:
                err.print(f"[yellow]hint:[/] {markup(exc.hint)}")
        return 1
    if as_json:
        data = {"status": "ok", **profile.to_json()}
        data["rewrites"] = [asdict(r) for r in rewrites]
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        render(profile, path.read_text("utf-8", "replace"), settings.profile.lines, out)
        render_rewrites(rewrites, out)
    return 0


def render_rewrites(rewrites: Sequence[AimedRewrite], console: Any) -> None:
    """The rules' rewrites with the hot lines each changes."""
    from pie_lsp.text import markup

    if not rewrites:
        return
    console.print("[bold]Rewrites the embedded rules offer[/] (pie-lsp optimize verifies them):")
    for r in rewrites:
        where = (
            f"touches line{'s' if len(r.hot_lines) > 1 else ''} "
            f"{', '.join(map(str, r.hot_lines))} ({r.share:.0%} of the cycles)"
            if r.hot_lines
            else "touches no line with cycles"
        )
        console.print(f"  {markup(r.origin)}: {markup(r.description)} — {where}")
