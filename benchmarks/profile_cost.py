"""What a per-line profile costs next to the plain estimate it is made from.

`python benchmarks/profile_cost.py [--runs 3] [--json]`: for each bundled example (all its
tests, one job at a time, a fresh in-memory cache per run), the wall time of

- **estimate**: building the program and one uncached estimate run of every test (what
  `pie-lsp measure --simulator estimate` does after its native check);
- **profile, cold**: `pie-lsp profile` from nothing: the plain and `-g` builds, the native
  check, the estimate, a second callgrind run of the `-g` build, addr2line, attribution;
- **profile, estimate cached**: the profile after the estimate ran (an editor that has
  measured or optimized the file): its own extra work only;
- **profile, cached**: the same profile again (raw counts from the cache, priced on read).

Medians of `--runs`, and the ratios to the estimate. Figures go to docs/PERFORMANCE.md
(the profile section).
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

from pie_lsp.pipeline import Pipeline
from pie_lsp.profile import Profiler
from pie_lsp.program import Program
from pie_lsp.settings import load
from pie_lsp.verify import find_tests

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


async def one_run(example: Path) -> dict[str, float]:
    settings = load(Path(tempfile.mkdtemp()), {"simulator": {"backend": "estimate"}})
    settings.cache.enabled = False  # in memory, for this run only
    settings.jobs = 1
    program, suite = Program.from_file(example), find_tests(example)
    times: dict[str, float] = {}
    async with Pipeline(settings) as pipeline:
        started = time.perf_counter()
        binary = await pipeline.builder.build(program.text)
        await pipeline.measurer.measure(binary, suite.cases)
        times["estimate"] = time.perf_counter() - started
        started = time.perf_counter()
        await Profiler.for_pipeline(pipeline).profile(program, suite)
        times["profile_estimate_cached"] = time.perf_counter() - started
        started = time.perf_counter()
        again = await Profiler.for_pipeline(pipeline).profile(program, suite)
        times["profile_cached"] = time.perf_counter() - started
        assert again.cached
    async with Pipeline(settings) as pipeline:  # a new in-memory cache: nothing known
        started = time.perf_counter()
        await Profiler.for_pipeline(pipeline).profile(program, suite)
        times["profile_cold"] = time.perf_counter() - started
    return times


async def main(runs: int) -> list[dict[str, Any]]:
    rows = []
    for folder in sorted(p for p in EXAMPLES.iterdir() if (p / "slow.cpp").is_file()):
        samples = [await one_run(folder / "slow.cpp") for _ in range(runs)]
        med = {key: statistics.median(s[key] for s in samples) for key in samples[0]}
        rows.append(
            {
                "example": folder.name,
                "tests": len(find_tests(folder / "slow.cpp")),
                **{f"{k}_s": round(v, 3) for k, v in med.items()},
                "cold_ratio": round(med["profile_cold"] / med["estimate"], 2),
                "extra_ratio": round(med["profile_estimate_cached"] / med["estimate"], 2),
            }
        )
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(main(args.runs))
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(
            "| example | tests | estimate | profile, cold | × | profile, estimate cached | × "
            "| profile, cached |"
        )
        print("|---|---|---|---|---|---|---|---|")
        for r in result:
            print(
                f"| {r['example']} | {r['tests']} | {r['estimate_s']:.2f} s | "
                f"{r['profile_cold_s']:.2f} s | {r['cold_ratio']:.2f}× | "
                f"{r['profile_estimate_cached_s']:.2f} s | {r['extra_ratio']:.2f}× | "
                f"{r['profile_cached_s'] * 1000:.0f} ms |"
            )
