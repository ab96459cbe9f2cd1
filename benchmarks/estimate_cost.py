"""The estimate's cost against a native run, and whether it gives the same numbers every run.

`python benchmarks/estimate_cost.py [--runs 5] [--json]`: for each bundled example's largest
test, the native run time of the static binary (NativeMeasurer, median of 5) and the wall
time of one uncached estimate (pie-count, callgrind's cache and branch model with
per-instruction counts, parsing, classifying the executed instructions, pricing: median of
`--runs`), their ratio, and whether every run gave identical counts. Both run in the same
sandbox. Since estimate v3, a run with divisions also runs the division profiler (a second,
light valgrind run); one division-heavy program (e29's slow version, `% mod` read at run
time, on a 1.5 M-iteration input) shows its cost. Figures go to docs/PERFORMANCE.md (the
estimate section).
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
DIVIDER = Path(__file__).resolve().parent / "estimate_pairs" / "e29-runtime-mod-vs-constant"


def division_heavy() -> Path:
    """e29's slow version with one large test (written to a temporary folder)."""
    folder = Path(tempfile.mkdtemp()) / "e29-division-heavy"
    (folder / "tests").mkdir(parents=True)
    (folder / "slow.cpp").write_text((DIVIDER / "slow.cpp").read_text())
    mod, n = 1000000007, 1500000
    f, total = 1, 0
    for i in range(1, n + 1):
        f = f * i % mod
        total = (total + f) % mod
    (folder / "tests" / "input.1.txt").write_text(f"{mod} {n}\n")
    (folder / "tests" / "output.1.txt").write_text(f"{total}\n")
    return folder / "slow.cpp"


async def cost(example: Path, runs: int) -> dict[str, Any]:
    settings = load(Path(tempfile.mkdtemp()))
    settings.cache.enabled = False  # every estimate really runs (and classifies) again
    settings.simulator.native.repeats = 5
    sandbox, cache, slots = Sandbox(), Cache(settings.cache), asyncio.Semaphore(1)
    binary = await Builder(settings.build, sandbox, cache).build(example.read_text())
    case = find_tests(example).cases[-1]  # the largest input
    native = await NativeMeasurer.from_settings(settings, sandbox, cache, slots).measure_one(
        binary, case
    )
    estimate = EstimateMeasurer.from_settings(settings, sandbox, cache, slots)
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
        "differing": sorted(k for k in counts[0] if len({c.get(k) for c in counts}) > 1),
        "division_profile": "div_s64" in counts[0],
        "runs": runs,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    programs = [*sorted(EXAMPLES.glob("*/slow.cpp")), division_heavy()]
    rows = [await cost(program, args.runs) for program in programs]
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print(
        "| example | instructions | native | estimate | ratio | identical counts | "
        "division profile |"
    )
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['example']} | {r['instructions']:,} | {r['native_median_s']:.4f} s | "
            f"{r['estimate_median_s']:.3f} s | {r['ratio']:.0f}× | "
            f"{'yes' if r['identical_runs'] else 'NO: ' + ', '.join(r['differing'])} "
            f"({r['runs']} runs) | "
            f"{'yes' if r['division_profile'] else 'no'} |"
        )


if __name__ == "__main__":
    asyncio.run(main())
