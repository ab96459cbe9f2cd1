"""After an edit: which lines got cheaper or dearer between two versions of a program
(`pie-lsp check --lines`, Check speedup in the editor)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from attrs import frozen

from pie_lsp.profile.pricing import Profile
from pie_lsp.profile.profiler import Profiler
from pie_lsp.profile.render import _mega
from pie_lsp.program import Program
from pie_lsp.tasks import task_group

# -- after an edit: which lines got cheaper or dearer -----------------------------------------


@frozen
class LineChange:
    """A line (or block of changed lines) with its cycles before and after an edit."""

    line: int  # first line in the current version (where a removed block was, if removed)
    baseline_line: int  # first line in the baseline
    lines: int  # how many current lines the row covers (0: removed)
    text: str  # the current line's text (or the removed baseline line's)
    before: float
    after: float

    @property
    def change(self) -> float:
        return self.after - self.before

    @property
    def kind(self) -> str:
        return "cheaper" if self.change < 0 else "dearer"


def compare(
    baseline_text: str, baseline: Profile, current_text: str, current: Profile
) -> list[LineChange]:
    """Lines whose cycles changed by at least 1% of the baseline's total, biggest first.
    Unchanged lines are matched by text (difflib), so code that moved still compares;
    a replaced, inserted or deleted block is one row."""
    import difflib

    old, new = baseline_text.splitlines(), current_text.splitlines()
    before = {row.line: row.cost.cycles for row in baseline.lines}
    after = {row.line: row.cost.cycles for row in current.lines}
    rows: list[LineChange] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            for i, j in zip(range(a0, a1), range(b0, b1), strict=True):
                rows.append(
                    LineChange(
                        j + 1, i + 1, 1, new[j], before.get(i + 1, 0.0), after.get(j + 1, 0.0)
                    )
                )
        else:
            rows.append(
                LineChange(
                    line=b0 + 1,
                    baseline_line=a0 + 1,
                    lines=b1 - b0,
                    text=new[b0] if b1 > b0 else old[a0],
                    before=sum(before.get(i + 1, 0.0) for i in range(a0, a1)),
                    after=sum(after.get(j + 1, 0.0) for j in range(b0, b1)),
                )
            )
    threshold = 0.01 * baseline.total_cycles
    changed = [row for row in rows if abs(row.change) >= threshold]
    return sorted(changed, key=lambda row: -abs(row.change))


async def compare_versions(pipeline: Any, job: Any, baseline: Program) -> list[LineChange]:
    """Profile a job's program and a baseline version on the job's tests, and compare."""
    profiler = Profiler.for_pipeline(pipeline)
    async with task_group() as group:
        old = group.create_task(profiler.profile(baseline, job.suite))
        new = group.create_task(profiler.profile(job.program, job.suite))
    return compare(baseline.text, old.result(), job.program.text, new.result())


def changes_json(changes: Sequence[LineChange]) -> list[dict[str, Any]]:
    return [
        {
            "line": row.line,
            "baseline_line": row.baseline_line,
            "lines": row.lines,
            "text": row.text,
            "before_cycles": row.before,
            "after_cycles": row.after,
            "change": row.kind,
        }
        for row in changes
    ]


def changes_phrase(changes: Sequence[LineChange], count: int = 3) -> str:
    """The biggest line changes in a few words: "line 13 −71%, line 17 −42%"."""
    parts = []
    for row in changes[:count]:
        how = f"{row.after / row.before - 1:+.0%}" if row.before > 0 else "new"
        parts.append(f"line {row.line} {how}".replace("-", "−"))
    return ", ".join(parts)


def render_changes(changes: Sequence[LineChange], baseline_name: str, console: Any) -> None:
    """The lines that got cheaper or dearer than in the baseline, as a table."""
    from rich.table import Table

    from pie_lsp.text import markup

    if not changes:
        console.print(f"No line's estimated cycles changed by 1% or more since {baseline_name}.")
        return
    table = Table(title=f"Lines against {markup(baseline_name)}", title_justify="left")
    for column in ("line", "source", baseline_name, "now", "change"):
        table.add_column(markup(column), overflow="fold")
    for row in changes:
        where = str(row.line) if row.lines <= 1 else f"{row.line}-{row.line + row.lines - 1}"
        if row.lines == 0:
            where = f"({row.baseline_line} removed)"
        ratio = f" ({row.after / row.before - 1:+.0%})" if row.before > 0 else ""
        colour = "green" if row.change < 0 else "red"
        table.add_row(
            where,
            markup(row.text.strip()[:60]),
            _mega(row.before),
            _mega(row.after),
            f"[{colour}]{row.kind}: {_mega(abs(row.change))}{ratio}[/]",
        )
    console.print(table)
