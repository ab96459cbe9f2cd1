"""Benchmark: "estimate ranks, gem5 confirms" against a full gem5 ranking, on the examples.

For each bundled example, `Pipeline.optimize` (rules backend, real gem5) runs twice from an
empty cache: once with pie.simulator.gem5.ranking = "estimate" (the estimate ranks every
correct candidate; gem5 measures the original and the best `confirm`), once with "gem5"
(every correct candidate measured in gem5). Reported per example: wall-clock time of each,
the programs simulated, the chosen rewrite and its gem5 speedup under each, and the simulated
instructions per host second (gem5's own hostSeconds, and the whole run with gem5's start).

Usage: PIE_GEM5=../shared/gem5/gem5.fast python benchmarks/gem5_confirm.py [--jobs N]
       [--examples a,b] [--tests N] [--json FILE]
(--tests N: only each example's first N tests, for a machine too busy for all of them.)
Not a test: timings depend on the machine (and on what else runs on it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from attrs import evolve

from pie_lsp.job import Job
from pie_lsp.measure import TestTiming
from pie_lsp.measure.gem5 import find_gem5
from pie_lsp.pipeline import OptimizeResult, Pipeline
from pie_lsp.program import Program
from pie_lsp.settings import Settings
from pie_lsp.verify import find_tests

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def gem5_timings(result: OptimizeResult) -> list[TestTiming]:
    """Every per-test timing gem5 produced in this result (original and candidates)."""
    found = [t for t in result.original_timings if t.stats]
    for candidate in result.candidates:
        found += [t for t in candidate.timings if t.stats]
    return found


async def run_one(example: Path, ranking: str, jobs: int, tests: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="pie-gem5-bench-") as cache_dir:
        settings = Settings()
        settings.cache.dir = cache_dir
        settings.simulator.backend = "gem5"
        settings.simulator.gem5.ranking = ranking  # type: ignore[assignment]
        settings.jobs = jobs
        program, suite = Program.from_file(example), find_tests(example)
        if tests:
            suite = evolve(suite, cases=suite.cases[:tests])
        start = time.perf_counter()
        pipeline = Pipeline(settings)
        try:
            result = await pipeline.optimize(Job(program, suite))
        finally:
            await pipeline.aclose()
            pipeline.cache.close()
        wall = time.perf_counter() - start
    timings = gem5_timings(result)
    programs = 1 + sum(1 for c in result.candidates if c.measured_by == "gem5")
    insts = sum(t.instructions or 0 for t in timings)
    simulating = sum(t.detail.get("gem5_host_seconds", 0.0) for t in timings)
    hosting = sum(t.detail.get("host_seconds", 0.0) for t in timings)
    return {
        "example": example.parent.name,
        "ranking": ranking,
        "tests": len(suite),
        "status": result.status,
        "error": result.error,
        "wall_seconds": wall,
        "gem5_programs": programs if timings else 0,
        "gem5_tests": len(timings),
        "correct_candidates": sum(1 for c in result.candidates if c.status != "rejected"),
        "best": result.best_origin,
        "speedup": result.speedup,
        "summary": result.summary(),
        "instructions": insts,
        "gem5_host_seconds": simulating,
        "host_seconds": hosting,
        "instr_per_sim_second": insts / simulating if simulating else None,
        "instr_per_host_second": insts / hosting if hosting else None,
    }


def table(rows: list[dict[str, Any]]) -> str:
    by = {(r["example"], r["ranking"]): r for r in rows}
    lines = [
        "| example | correct candidates | full gem5: wall, programs in gem5 | "
        "estimate ranks + gem5 confirms: wall, programs in gem5 | saving | "
        "best (full / confirm) | gem5 speedup (full / confirm) |",
        "|---|---|---|---|---|---|---|",
    ]
    ratios = []
    for example in sorted({r["example"] for r in rows}):
        full, conf = by.get((example, "gem5")), by.get((example, "estimate"))
        if not full or not conf:
            continue
        saving = 1 - conf["wall_seconds"] / full["wall_seconds"]
        ratios.append(full["wall_seconds"] / conf["wall_seconds"])

        def speed(r: dict[str, Any]) -> str:
            return f"{r['speedup']:.2f}×" if r["speedup"] else "—"

        lines.append(
            f"| {example} | {full['correct_candidates']} | {full['wall_seconds']:.0f} s, "
            f"{full['gem5_programs']} | {conf['wall_seconds']:.0f} s, {conf['gem5_programs']} | "
            f"{saving:.0%} | {full['best']} / {conf['best']} | {speed(full)} / {speed(conf)} |"
        )
    if ratios:
        lines.append(f"\nmedian wall-clock ratio full / confirm: {statistics.median(ratios):.2f}×")
    return "\n".join(lines)


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--examples", default="", help="comma-separated example names")
    parser.add_argument("--tests", type=int, default=0, help="first N tests only (0: all)")
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    args = parser.parse_args()
    settings = Settings()
    if find_gem5(settings.simulator.gem5) is None:
        print("gem5 not found: set PIE_GEM5 (e.g. ../shared/gem5/gem5.fast)", file=sys.stderr)
        return 1
    names = [n for n in args.examples.split(",") if n] or sorted(
        p.name for p in EXAMPLES.iterdir() if (p / "slow.cpp").is_file()
    )
    rows: list[dict[str, Any]] = []
    for name in names:
        for ranking in ("estimate", "gem5"):
            row = await run_one(EXAMPLES / name / "slow.cpp", ranking, args.jobs, args.tests)
            rows.append(row)
            print(json.dumps(row), flush=True)
            if args.json:
                args.json.write_text(json.dumps(rows, indent=2))
    print(table(rows))
    sim = [r["instr_per_sim_second"] for r in rows if r["instr_per_sim_second"]]
    host = [r["instr_per_host_second"] for r in rows if r["instr_per_host_second"]]
    if sim and host:
        print(
            f"simulated instructions per host second: median {statistics.median(sim):,.0f} "
            f"(gem5's hostSeconds), {statistics.median(host):,.0f} (whole run, gem5's start "
            "included)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
