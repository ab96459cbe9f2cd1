"""The estimate's cost against a native run, and whether it gives the same numbers every run.

`python benchmarks/estimate_cost.py [--runs 5] [--json]`: for each bundled example's largest
test, the native run time of the static binary (NativeMeasurer, median of 5) and the wall
time of one uncached estimate (callgrind with the cache and branch simulators and
per-instruction counts, parsing, classifying the executed instructions, pricing: median of
`--runs`), their ratio, and whether every run gave identical counts. Both run in the same
sandbox. Figures go to docs/PERFORMANCE.md (the estimate section).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from pie_lsp.build import Builder
from pie_lsp.cache import Cache
from pie_lsp.measure.estimate import EstimateMeasurer
from pie_lsp.measure.native import NativeMeasurer
from pie_lsp.sandbox import Sandbox
from pie_lsp.settings import load
from pie_lsp.verify import find_tests

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


async def cost(example: Path, runs: int) -> dict[str, Any]:
    settings = load(Path(tempfile.mkdtemp()))
    settings.cache.enabled = False  # every estimate really runs (and classifies) again
    settings.simulator.native.repeats = 5
    sandbox, cache, slots = Sandbox(), Cache(settings.cache), asyncio.Semaphore(1)
    binary = await Builder(settings.build, sandbox, cache).build(example.read_text())
    case = find_tests(example).cases[-1]  # the largest input
    native = await NativeMeasurer(settings, sandbox, cache, slots).measure_one(binary, case)
    estimate = EstimateMeasurer(settings, sandbox, cache, slots)
    walls, counts = [], []
    for _ in range(runs):
        start = time.perf_counter()
        counts.append(await estimate.counts(binary, case))
        estimate.timing(case.name, counts[-1])
        walls.append(time.perf_counter() - start)
    return {
        "example": example.parent.name,
        "test": case.name,
        "instructions": int(counts[0]["Ir"] - estimate.startup),
        "native_median_s": native.seconds,
        "estimate_median_s": statistics.median(walls),
        "ratio": statistics.median(walls) / native.seconds,
        "identical_runs": all(c == counts[0] for c in counts),
        "runs": runs,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = [await cost(example, args.runs) for example in sorted(EXAMPLES.glob("*/slow.cpp"))]
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print("| example | instructions | native | estimate | ratio | identical counts |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['example']} | {r['instructions']:,} | {r['native_median_s']:.4f} s | "
            f"{r['estimate_median_s']:.3f} s | {r['ratio']:.0f}× | "
            f"{'yes' if r['identical_runs'] else 'NO'} ({r['runs']} runs) |"
        )


if __name__ == "__main__":
    asyncio.run(main())
