"""What a bench run shows: the summary table (rich) and the speedup distribution (SVG).

The plot is a small hand-written SVG (a grouped bar chart of best@1 and best@k speedups in
bins), so the bench needs no plotting library and the file opens in any browser.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from rich.console import Console
from rich.table import Table

from pie_lsp.bench.metrics import Summary
from pie_lsp.text import markup

# bins of the best speedup; "incorrect" holds programs without a correct candidate
BINS: tuple[tuple[str, float, float], ...] = (
    ("< 0.9×", 0.0, 0.9),
    ("0.9–1.1×", 0.9, 1.1),
    ("1.1–1.5×", 1.1, 1.5),
    ("1.5–2×", 1.5, 2.0),
    ("2–4×", 2.0, 4.0),
    ("4–8×", 4.0, 8.0),
    ("≥ 8×", 8.0, float("inf")),
)
INCORRECT = "incorrect"


def histogram(records: Sequence[Mapping[str, Any]], at: str) -> dict[str, int]:
    """Programs per speedup bin for best@`at` (errors count as incorrect)."""
    counts = {INCORRECT: 0, **{label: 0 for label, _, _ in BINS}}
    for record in records:
        if record.get("status") not in ("done", "error"):
            continue
        speedup = record.get(f"speedup_{at}")
        if record.get("status") != "done" or not record.get(f"correct_{at}") or not speedup:
            counts[INCORRECT] += 1
            continue
        label = next(label for label, low, high in BINS if low <= float(speedup) < high)
        counts[label] += 1
    return counts


def speedup_svg(records: Sequence[Mapping[str, Any]], title: str) -> str:
    """A grouped bar chart of the best@1 and best@k speedup distributions."""
    one, k = histogram(records, "1"), histogram(records, "k")
    labels = list(one)
    width, height, left, bottom, top = 640, 320, 50, 60, 40
    plot_w, plot_h = width - left - 20, height - bottom - top
    peak = max([1, *one.values(), *k.values()])
    slot = plot_w / len(labels)
    bar = slot * 0.38
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
        '<rect width="100%" height="100%" fill="white"/>',
        f'<text x="{width / 2}" y="20" text-anchor="middle" font-size="14">{escape(title)}</text>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        'stroke="black"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="black"/>',
        f'<text x="14" y="{top + plot_h / 2}" transform="rotate(-90 14 {top + plot_h / 2})" '
        'text-anchor="middle">programs</text>',
    ]
    for tick in range(0, peak + 1, max(1, peak // 5)):
        y = top + plot_h - plot_h * tick / peak
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>'
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
            'stroke="#ddd"/>'
        )
    for i, label in enumerate(labels):
        x = left + i * slot + slot * 0.1
        for j, (counts, colour) in enumerate(((one, "#9ecae1"), (k, "#3182bd"))):
            h = plot_h * counts[label] / peak
            bx = x + j * bar
            parts.append(
                f'<rect x="{bx:.1f}" y="{top + plot_h - h:.1f}" width="{bar:.1f}" '
                f'height="{h:.1f}" fill="{colour}"><title>{escape(label)}: '
                f"{counts[label]}</title></rect>"
            )
            if counts[label]:
                parts.append(
                    f'<text x="{bx + bar / 2:.1f}" y="{top + plot_h - h - 3:.1f}" '
                    f'text-anchor="middle">{counts[label]}</text>'
                )
        parts.append(
            f'<text x="{left + i * slot + slot / 2:.1f}" y="{top + plot_h + 16}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    legend_y = height - 18
    parts.append(
        f'<rect x="{left}" y="{legend_y - 9}" width="10" height="10" fill="#9ecae1"/>'
        f'<text x="{left + 14}" y="{legend_y}">best@1</text>'
        f'<rect x="{left + 80}" y="{legend_y - 9}" width="10" height="10" fill="#3182bd"/>'
        f'<text x="{left + 94}" y="{legend_y}">best@k</text>'
        f'<text x="{left + 170}" y="{legend_y}">best correct speedup, Σ original / Σ candidate '
        "over all tests</text>"
    )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def summary_table(summary: Summary, title: str) -> Table:
    table = Table(title=markup(title), title_justify="left")
    table.add_column("metric (PIE)")
    table.add_column("best@1", justify="right")
    table.add_column("best@k", justify="right")
    one, k = summary.best1, summary.bestk
    table.add_row(
        "% optimized (≥ 1.10×)",
        f"{one.pct_optimized:.1f} ({one.optimized})",
        f"{k.pct_optimized:.1f} ({k.optimized})",
    )
    table.add_row(
        "mean speedup (floored at 1.0)", f"{one.mean_speedup:.3f}", f"{k.mean_speedup:.3f}"
    )
    table.add_row(
        "% correct",
        f"{one.pct_correct:.1f} ({one.correct})",
        f"{k.pct_correct:.1f} ({k.correct})",
    )
    return table


def render(
    summary: Summary,
    records: Sequence[Mapping[str, Any]],
    title: str,
    out: Console,
    where: str,
) -> None:
    """The summary table, the skipped and failed programs with their reasons, the files."""
    out.print(summary_table(summary, title))
    median = f"{summary.median_speedup_k:.2f}×" if summary.median_speedup_k else "n/a"
    out.print(
        f"{summary.programs} programs evaluated ({summary.errors} failed to run), "
        f"{summary.skipped} skipped; median best@k speedup of correct programs {median}"
    )
    for record in records:
        if record.get("status") in ("skipped", "error"):
            reason = str(record.get("reason", ""))
            out.print(
                f"  {record['status']} {markup(str(record['id']))}: {markup(reason[:200])}",
                highlight=False,
            )
    out.print(f"results in {markup(where)}")
