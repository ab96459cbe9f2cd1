"""Benchmark: `pie-lsp bench --model reference` on ../shared/pie-sample next to gem5.

Reads a finished bench run (OUT/results.jsonl, the human reference as the candidate) and
the gem5 table of the same programs (../shared/pie-sample/gem5.csv: PIE's Skylake in gem5
on tests 1–3) and prints, per program and in PIE's metrics, the bench's speedup over all
tests, the bench's speedup over the tests gem5 measured, and gem5's. A gem5 run that hit
its 240 s limit (exit_ok 0) leaves that test out of gem5's sum and of the bench's matched
sum, so the two columns compare the same tests.

Usage:
  pie-lsp bench ../shared/pie-sample --model reference --simulator estimate --out OUT
  python benchmarks/bench_pie_sample.py OUT [--gem5 ../shared/pie-sample/gem5.csv]
Nothing is asserted.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

DEFAULT_GEM5 = Path(__file__).resolve().parent.parent.parent / "shared" / "pie-sample" / "gem5.csv"
MIN_SPEEDUP = 1.10


def gem5_times(table: Path) -> dict[str, dict[str, dict[str, float]]]:
    """{program: {source: {test: cycles}}} for the runs that finished correctly (cycles:
    the table's sim_seconds has three significant digits)."""
    times: dict[str, dict[str, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
    with table.open() as rows:
        for row in csv.DictReader(rows):
            if row["exit_ok"] == "1" and row["output_ok"] == "1" and row["num_cycles"]:
                test = row["input"].removeprefix("input.").removesuffix(".txt")
                times[row["program"]][row["source"]][test] = float(row["num_cycles"])
    return times


def ratio(slow: dict[str, float], fast: dict[str, float], tests: set[str]) -> float | None:
    if not tests:
        return None
    denominator = sum(fast[t] for t in tests)
    return sum(slow[t] for t in tests) / denominator if denominator else None


def pie_metrics(speedups: list[float | None]) -> tuple[float, float]:
    """(% optimized, floored mean) over programs; None (not measured) counts as 1.0."""
    floored = [max(1.0, s) if s else 1.0 for s in speedups]
    optimized = sum(1 for s in speedups if s and s >= MIN_SPEEDUP)
    return 100.0 * optimized / len(speedups), statistics.fmean(floored)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path, help="a bench run's --out folder (model reference)")
    parser.add_argument("--gem5", type=Path, default=DEFAULT_GEM5)
    args = parser.parse_args()
    records = [json.loads(x) for x in (args.out / "results.jsonl").read_text().splitlines()]
    gem5 = gem5_times(args.gem5)
    rows: list[dict[str, Any]] = []
    for record in records:
        if record.get("status") != "done" or not record.get("candidates"):
            continue
        original = {t["test"]: t["cycles"] or t["seconds"] for t in record["original_times"]}
        reference = {
            t["test"]: t["cycles"] or t["seconds"] for t in record["candidates"][0]["times"]
        }
        measured = gem5.get(record["id"], {})
        slow5, fast5 = measured.get("slow.cpp", {}), measured.get("reference_fast.cpp", {})
        both = set(slow5) & set(fast5) & set(original) & set(reference)
        rows.append(
            {
                "program": record["id"],
                "bench_all": record.get("speedup_k"),
                "correct": record.get("correct_k"),
                "bench_matched": ratio(original, reference, both) if reference else None,
                "gem5": ratio(slow5, fast5, both),
                "tests": len(both),
                "gem5_timeouts": 3 - len(both) if measured else None,
            }
        )
    print("| program | bench (all tests) | bench (gem5's tests) | gem5 | tests compared |")
    print("|---|---|---|---|---|")

    def show(value: float | None) -> str:
        return f"{value:.2f}×" if value else "–"

    for row in rows:
        note = f" ({row['gem5_timeouts']} timed out in gem5)" if row["gem5_timeouts"] else ""
        print(
            f"| {row['program']} | {show(row['bench_all'])} | {show(row['bench_matched'])} | "
            f"{show(row['gem5'])} | {row['tests']}{note} |"
        )
    compared = [r for r in rows if r["gem5"]]
    print()
    print(f"programs with a gem5 pair: {len(compared)} of {len(rows)} evaluated")
    for label, key, subset in (
        ("bench, all tests, all programs", "bench_all", rows),
        ("bench, all tests, gem5's programs", "bench_all", compared),
        ("bench, gem5's tests", "bench_matched", compared),
        ("gem5 (gem5.csv)", "gem5", compared),
    ):
        pct, mean = pie_metrics([r[key] for r in subset])
        print(f"- {label}: {pct:.0f}% optimized (≥ 1.10×), floored mean {mean:.2f}× "
              f"over {len(subset)} programs")  # fmt: skip
    agree = sum(
        1
        for r in compared
        if ((r["bench_matched"] or 0) >= MIN_SPEEDUP) == ((r["gem5"] or 0) >= MIN_SPEEDUP)
    )
    print(f"- optimized verdicts (≥ 1.10×) that agree with gem5: {agree} of {len(compared)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
