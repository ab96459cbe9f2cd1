"""Benchmark: the rules backend on the development set, beside the human references.

For every program of benchmarks/devset (slow programs written for this purpose; the rules
must never be written against them, see benchmarks/devset/README.md), in one run:
1. `Pipeline.optimize` with the rules backend and the Skylake estimate on its 3 tests,
   cold (fresh cache): status, speedup, the rule(s) of the best candidate, wall time, every
   candidate that failed a test (a bug in that rule);
2. the edit it presents (if any) run natively on the program's held-out tests (heldout/,
   never shown to the pipeline): does it still print the right answer?
3. the hand-written fast.cpp measured against slow.cpp the same way
   (`Pipeline.check_speedup`, the same builder and measurer): the human reference.

It reports, for rules and reference: % optimized (≥ the 1.10× threshold), PIE's floored
mean speedup (a program not optimized counts 1.0), % of presented edits correct, and the
median time per program. `--pie-sample` adds the same figures on ../shared/pie-sample (real
CodeNet programs, reference_fast.cpp as the human reference; no held-out tests there).

Usage: python benchmarks/rules_devset.py [--only PREFIX ...] [--pie-sample [DIR]]
           [--no-devset] [--markdown FILE] [--json FILE]
       python benchmarks/rules_devset.py --table-from A.json B.json   # merge earlier runs
Nothing is asserted; the table is for docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pie_lsp.errors import PieError
from pie_lsp.job import Job
from pie_lsp.pipeline import Pipeline
from pie_lsp.program import Program
from pie_lsp.settings import Settings
from pie_lsp.verify import load_suite

ROOT = Path(__file__).resolve().parent
DEVSET = ROOT / "devset"
PIE_SAMPLE = ROOT.parent.parent / "shared" / "pie-sample"


async def heldout_failures(pipeline: Pipeline, source: str, folder: Path) -> list[str] | None:
    """Failures of `source` on the held-out tests (None when there are none)."""
    heldout = folder / "heldout"
    if not heldout.is_dir():
        return None
    suite = load_suite(heldout)
    if not suite.cases:
        return None
    binary = await pipeline.builder.build(source, label="presented edit")
    outcomes = await pipeline.verifier.run_suite(binary, suite.cases, pipeline.test_limits())
    return [f"held-out {o.test}: {o.reason}" for o in outcomes if not o.passed]


async def evaluate(pipeline: Pipeline, folder: Path, reference: str) -> dict[str, Any]:
    """One program: the rules' result, its held-out check and the human reference."""
    suite = load_suite(folder / "tests")
    program = Program.from_file(folder / "slow.cpp")
    load = os.getloadavg()[0]  # the machine is shared: times mean little without it
    started = time.perf_counter()
    result = await pipeline.optimize(Job(program, suite))
    seconds = time.perf_counter() - started
    tested = [c for c in result.candidates if c.tests_passed or c.reason.startswith("test ")]
    row: dict[str, Any] = {
        "program": folder.name,
        "status": result.status,
        "speedup": result.speedup,
        "best": result.best_origin,
        "seconds": round(seconds, 2),
        "load": round(load, 2),
        # the rules' time budget (model.rules.search_seconds) stopped the combinations
        "search_cut": any("search over combinations was cut" in n for n in result.notes),
        "candidates": len(result.candidates),
        "tested": len(tested),
        "failed_tests": [f"{c.origin}: {c.reason}" for c in tested if c.reason.startswith("test ")],
        "error": result.error,
        "heldout_failures": None,
    }
    if result.status == "optimized" and result.optimized_source:
        try:
            row["heldout_failures"] = await heldout_failures(
                pipeline, result.optimized_source, folder
            )
        except PieError as exc:
            row["heldout_failures"] = [exc.message]
    started = time.perf_counter()
    try:
        human = await pipeline.check_speedup(
            Job(Program.from_file(folder / reference), suite), program, "slow"
        )
        row["reference_speedup"] = human.speedup
        row["reference_failures"] = human.failures
    except PieError as exc:
        row["reference_speedup"] = None
        row["reference_failures"] = [exc.message]
    row["reference_seconds"] = round(time.perf_counter() - started, 2)
    return row


async def run_set(
    folders: Sequence[Path],
    reference: str,
    threshold: float,
    save: Callable[[list[dict[str, Any]]], None],
) -> list[dict[str, Any]]:
    """Every program of one set, in order; `save` gets the rows so far after each one (a
    run cut short still leaves its figures)."""
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as cache_dir:
        settings = Settings()
        settings.cache.dir = cache_dir
        settings.simulator.backend = "estimate"
        settings.model.backend = "rules"
        settings.min_speedup = threshold
        pipeline = Pipeline(settings)
        try:
            for folder in folders:
                row = await evaluate(pipeline, folder, reference)
                rows.append(row)
                save(rows)
                print(one_line(row), file=sys.stderr, flush=True)
        finally:
            await pipeline.aclose()
            pipeline.cache.close()
    return rows


def fmt(speedup: float | None) -> str:
    return f"{speedup:.2f}×" if speedup else "–"


def one_line(r: dict[str, Any]) -> str:
    notes = r["best"] or r["error"] or ""
    if r["failed_tests"]:
        notes += f"  FAILED: {'; '.join(r['failed_tests'])}"
    if r["heldout_failures"]:
        notes += f"  HELD-OUT: {'; '.join(r['heldout_failures'])}"
    return (
        f"{r['program']:28} {r['status']:14} {fmt(r['speedup']):>9} "
        f"{fmt(r['reference_speedup']):>9} {r['seconds']:6.1f}s  {notes}"
    )


def summary(rows: Sequence[dict[str, Any]], threshold: float) -> dict[str, Any]:
    """The headline figures for rules and reference on one set of programs."""
    n = len(rows)
    rules_ok = [r for r in rows if r["status"] == "optimized"]
    presented_correct = [r for r in rules_ok if not r["heldout_failures"]]
    tested = sum(r["tested"] for r in rows)
    failed = sum(len(r["failed_tests"]) for r in rows)
    ref = [r["reference_speedup"] or 0.0 for r in rows]
    ref_ok = [s for s in ref if s >= threshold]
    ref_correct = [r for r in rows if r["reference_speedup"] and not r["reference_failures"]]
    loads = [r["load"] for r in rows if "load" in r]  # (runs before it was recorded)
    return {
        "programs": n,
        "load_min": min(loads, default=None),
        "load_max": max(loads, default=None),
        "rules_under_30_seconds": sum(r["seconds"] < 30 for r in rows),
        "rules_search_cut": sum(bool(r.get("search_cut")) for r in rows),
        "rules_optimized": len(rules_ok),
        "rules_floored_mean": sum(r["speedup"] if r in rules_ok else 1.0 for r in rows) / n,
        "rules_presented_correct": len(presented_correct),
        "rules_heldout_checked": sum(r["heldout_failures"] is not None for r in rules_ok),
        "rules_candidates_tested": tested,
        "rules_candidates_failing": failed,
        "rules_median_seconds": statistics.median(r["seconds"] for r in rows),
        "rules_max_seconds": max(r["seconds"] for r in rows),
        "rules_total_seconds": sum(r["seconds"] for r in rows),
        "reference_optimized": len(ref_ok),
        "reference_floored_mean": sum(s if s >= threshold else 1.0 for s in ref) / n,
        "reference_correct": len(ref_correct),
        "reference_median_seconds": statistics.median(r["reference_seconds"] for r in rows),
    }


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}% ({part}/{whole})" if whole else "–"


def markdown(sets: dict[str, tuple[list[dict[str, Any]], dict[str, Any]]]) -> str:
    lines = [
        f"Table made {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node() or 'unknown'} "
        f"({platform.machine()}, Python {platform.python_version()}), estimate simulator.",
        "",
        "| | " + " | ".join(f"{name}: rules | {name}: human reference" for name in sets) + " |",
        "|---|" + "---|---|" * len(sets),
    ]

    def row(label: str, cells: list[str]) -> None:
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    sums = [s for _, s in sets.values()]
    row(
        "optimized (≥ 1.10×)",
        [c for s in sums for c in (pct(s["rules_optimized"], s["programs"]),
                                   pct(s["reference_optimized"], s["programs"]))],
    )  # fmt: skip
    row(
        "floored mean speedup",
        [c for s in sums for c in (f"{s['rules_floored_mean']:.2f}×",
                                   f"{s['reference_floored_mean']:.2f}×")],
    )  # fmt: skip
    row(
        "presented edits correct (all tests + held-out)",
        [c for s in sums for c in (
            pct(s["rules_presented_correct"], s["rules_optimized"])
            + (f", {s['rules_heldout_checked']} with held-out tests"
               if s["rules_heldout_checked"] else ""),
            pct(s["reference_correct"], s["programs"]))],
    )  # fmt: skip
    row(
        "candidates failing a test",
        [c for s in sums for c in (
            f"{s['rules_candidates_failing']} of {s['rules_candidates_tested']}", "–")],
    )  # fmt: skip
    row(
        "time per program, median (max)",
        [c for s in sums for c in (
            f"{s['rules_median_seconds']:.1f} s ({s['rules_max_seconds']:.1f} s)",
            f"{s['reference_median_seconds']:.1f} s (measure only)")],
    )  # fmt: skip
    row(
        "cold optimize under 30 s (search cut by its time budget)",
        [c for s in sums for c in (
            f"{pct(s['rules_under_30_seconds'], s['programs'])} ({s['rules_search_cut']})",
            "–")],
    )  # fmt: skip
    row(
        "load average (1 min) as each program began",
        [c for s in sums for c in (
            f"{s['load_min']:.1f}–{s['load_max']:.1f}" if s["load_min"] is not None else "–",
            "")],
    )  # fmt: skip
    for name, (rows, _) in sets.items():
        lines += ["", f"Per program ({name}):", "", "| program | rules | best | human | s |",
                  "|---|---|---|---|---|"]  # fmt: skip
        for r in rows:
            best = (r["best"] or "").replace("|", "\\|")
            if r["status"] != "optimized":
                best = f"({best})" if best else ""
            flag = " ⚠" if r["failed_tests"] or r["heldout_failures"] else ""
            lines.append(
                f"| {r['program']} | {fmt(r['speedup'])}{flag} | {best} | "
                f"{fmt(r['reference_speedup'])} | {r['seconds']:.1f} |"
            )
    return "\n".join(lines) + "\n"


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", default=[], metavar="PREFIX")
    parser.add_argument(
        "--pie-sample", nargs="?", const=PIE_SAMPLE, type=Path, metavar="DIR",
        help=f"also the PIE sample (default {PIE_SAMPLE})",
    )  # fmt: skip
    parser.add_argument("--no-devset", action="store_true", help="only the PIE sample")
    parser.add_argument("--markdown", type=Path, metavar="FILE", help="also write the table")
    parser.add_argument(
        "--json", type=Path, metavar="FILE", help="also write every row (after each program)"
    )
    parser.add_argument(
        "--table-from", nargs="+", type=Path, metavar="JSON",
        help="run nothing: print the table of earlier runs' --json files (sets merged)",
    )  # fmt: skip
    parser.add_argument("--threshold", type=float, default=1.10)
    args = parser.parse_args()
    sets: dict[str, list[dict[str, Any]]] = {}

    def save(name: str) -> Callable[[list[dict[str, Any]]], None]:
        def write(rows: list[dict[str, Any]]) -> None:
            sets[name] = rows
            if args.json:
                args.json.write_text(json.dumps(sets, indent=2))

        return write

    if args.table_from:
        for path in args.table_from:  # the rows of parts of one set run apart are joined
            for name, rows in json.loads(path.read_text()).items():
                known = {r["program"] for r in sets.get(name, [])}
                sets[name] = sorted(
                    [*sets.get(name, []), *(r for r in rows if r["program"] not in known)],
                    key=lambda r: str(r["program"]),
                )
    else:
        if not args.no_devset:
            folders = sorted(
                p for p in DEVSET.iterdir()
                if (p / "slow.cpp").is_file()
                and (not args.only or any(p.name.startswith(o) for o in args.only))
            )  # fmt: skip
            await run_set(folders, "fast.cpp", args.threshold, save("devset"))
        if args.pie_sample:
            folders = sorted(p for p in args.pie_sample.glob("p*_*") if (p / "slow.cpp").is_file())
            if not folders:
                print(f"no PIE pairs under {args.pie_sample}", file=sys.stderr)
                return 1
            await run_set(folders, "reference_fast.cpp", args.threshold, save("pie-sample"))
    if not sets:
        print("nothing to run", file=sys.stderr)
        return 2
    table = markdown({k: (rows, summary(rows, args.threshold)) for k, rows in sets.items()})
    print(table)
    if args.markdown:
        args.markdown.write_text(table)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
