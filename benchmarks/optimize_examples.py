"""Benchmark: `optimize` on the bundled examples, the estimator's cost, and its determinism.

Reports, in one run (figures go to docs/PERFORMANCE.md):
1. end-to-end wall time of `Pipeline.optimize` per example, cold (empty cache) and cached,
   and of the whole `pie-lsp optimize --json` command (a new process) on the cached result;
2. the estimate's cost relative to a native run of the same binary on the same input;
3. run-to-run identity of the estimate (valgrind counts of repeated uncached runs).

Usage: python benchmarks/optimize_examples.py [--repeats N] [--json]
Not a test: timings depend on the machine; nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from estimate_cost import cost as estimate_cost  # benchmarks/estimate_cost.py

from pie_lsp.job import Job
from pie_lsp.pipeline import Pipeline
from pie_lsp.program import Program
from pie_lsp.settings import Settings
from pie_lsp.verify import find_tests

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def settings_in(cache_dir: Path) -> Settings:
    s = Settings()
    s.cache.dir = str(cache_dir)
    s.simulator.backend = "estimate"
    return s


async def optimize_times(example: Path, repeats: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as cache_dir:
        settings = settings_in(Path(cache_dir))
        program, suite = Program.from_file(example), find_tests(example)
        start = time.perf_counter()
        pipeline = Pipeline(settings)
        result = await pipeline.optimize(Job(program, suite))
        cold = time.perf_counter() - start
        pipeline.cache.close()
        cached = []
        for _ in range(repeats):
            start = time.perf_counter()
            pipeline = Pipeline(settings)
            again = await pipeline.optimize(Job(program, suite))
            cached.append(time.perf_counter() - start)
            pipeline.cache.close()
            assert again.cached
        command = []
        for _ in range(repeats):
            start = time.perf_counter()
            subprocess.run(  # noqa: ASYNC221 - timed alone, nothing else on the loop
                [sys.executable, "-m", "pie_lsp", "optimize", str(example), "--json",
                 "--simulator", "estimate", "--set", f"cache.dir={cache_dir}"],
                check=True,
                capture_output=True,
            )  # fmt: skip
            command.append(time.perf_counter() - start)
    return {
        "example": example.parent.name,
        "status": result.status,
        "speedup": result.speedup,
        "candidates": len(result.candidates),
        "cold_s": cold,
        "cached_median_s": statistics.median(cached),
        "command_cached_median_s": statistics.median(command),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    examples = sorted(EXAMPLES.glob("*/slow.cpp"))
    report = {
        "optimize": [await optimize_times(e, args.repeats) for e in examples],
        "estimator": [await estimate_cost(e, args.repeats) for e in examples],
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print("optimize (rules + estimate), wall seconds")
    print(
        f"{'example':16} {'status':14} {'speedup':>8} {'cold':>8} {'cached':>8} "
        f"{'command, cached':>16}"
    )
    for row in report["optimize"]:
        print(
            f"{row['example']:16} {row['status']:14} {row['speedup'] or 0:8.2f} "
            f"{row['cold_s']:8.2f} {row['cached_median_s']:8.3f} "
            f"{row['command_cached_median_s']:16.3f}"
        )
    print("\nestimator cost vs a native run (largest test), and determinism")
    print(f"{'example':16} {'instr':>11} {'native':>9} {'estimate':>9} {'ratio':>7} identical")
    for row in report["estimator"]:
        print(
            f"{row['example']:16} {row['instructions']:11,} {row['native_median_s']:9.4f} "
            f"{row['estimate_median_s']:9.3f} {row['ratio']:7.1f} "
            f"{row['identical_runs']} ({row['runs']} runs)"
        )


if __name__ == "__main__":
    asyncio.run(main())
