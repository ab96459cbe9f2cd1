"""Benchmark: the embedded rules on real PIE programs (../shared/pie-sample).

For each of PIE's slow CodeNet submissions, in one run:
1. `Pipeline.optimize` with the rules backend and the Skylake estimate, on all its tests:
   the status, the best speedup, every candidate's fate. A rule whose candidate fails a
   test is a bug in that rule, so failing candidates are listed by rule;
2. the human "fast" reference measured against the slow version the same way
   (`Pipeline.check_speedup`), for scale: what a person found, against what the rules found.

Usage: python benchmarks/pie_sample.py [--sample DIR] [--json]
The sample is not part of this repository (see docs/PERFORMANCE.md). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from pie_lsp.errors import PieError
from pie_lsp.job import Job
from pie_lsp.pipeline import Pipeline
from pie_lsp.program import Program
from pie_lsp.settings import Settings
from pie_lsp.verify import load_suite

DEFAULT_SAMPLE = Path(__file__).resolve().parent.parent.parent / "shared" / "pie-sample"


async def one(pipeline: Pipeline, folder: Path) -> dict[str, Any]:
    slow = folder / "slow.cpp"
    suite = load_suite(folder / "tests")
    program = Program.from_file(slow)
    started = time.perf_counter()
    result = await pipeline.optimize(Job(program, suite))
    seconds = time.perf_counter() - started
    row: dict[str, Any] = {
        "problem": folder.name,
        "tests": len(suite),
        "status": result.status,
        "rules_speedup": result.speedup,
        "best": result.best_origin,
        "seconds": round(seconds, 2),
        "candidates": len(result.candidates),
        "error": result.error,
        "failed_rules": [
            f"{c.origin}: {c.reason}"
            for c in result.candidates
            if c.status == "rejected" and c.reason.startswith("test ")
        ],
        "did_not_compile": [c.origin for c in result.candidates if "does not compile" in c.reason],
    }
    try:
        human = await pipeline.check_speedup(
            Job(Program.from_file(folder / "reference_fast.cpp"), suite), program, "slow"
        )
        row["human_speedup"] = human.speedup
    except PieError as exc:
        row["human_speedup"] = None
        row["human_error"] = exc.message
    return row


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sample", type=Path, default=DEFAULT_SAMPLE)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    folders = sorted(p for p in args.sample.glob("p*_*") if (p / "slow.cpp").is_file())
    if not folders:
        print(f"no PIE pairs under {args.sample}; give --sample DIR", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as cache_dir:
        settings = Settings()
        settings.cache.dir = cache_dir
        settings.simulator.backend = "estimate"
        pipeline = Pipeline(settings)
        try:
            rows = [await one(pipeline, folder) for folder in folders]
        finally:
            await pipeline.aclose()
            pipeline.cache.close()
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'problem':10} {'tests':>5} {'status':14} {'rules':>7} {'human':>8}  best / notes")
    for r in rows:
        rules = f"{r['rules_speedup']:.2f}×" if r["rules_speedup"] else "–"
        human = f"{r['human_speedup']:.2f}×" if r.get("human_speedup") else "–"
        notes = r["best"] or r["error"] or ""
        if r["failed_rules"]:
            notes += f"  FAILED: {'; '.join(r['failed_rules'])}"
        print(f"{r['problem']:10} {r['tests']:5} {r['status']:14} {rules:>7} {human:>8}  {notes}")
    optimized = [r for r in rows if r["status"] == "optimized"]
    failures = Counter(f.split(":")[1] for r in rows for f in r["failed_rules"])
    print(
        f"\n{len(optimized)}/{len(rows)} optimized by the rules (≥ 1.10×); "
        f"median speedup of those {statistics.median(r['rules_speedup'] for r in optimized):.2f}×"
        if optimized
        else f"\n0/{len(rows)} optimized by the rules"
    )
    humans = [r["human_speedup"] for r in rows if r.get("human_speedup")]
    print(
        f"human references: {sum(h >= 1.10 for h in humans)}/{len(humans)} ≥ 1.10× on the "
        f"estimate, median {statistics.median(humans):.2f}×"
    )
    print(f"candidates failing a test, by rule: {dict(failures) or 'none'}")
    print(f"median optimize time {statistics.median(r['seconds'] for r in rows):.1f} s (cold)")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
