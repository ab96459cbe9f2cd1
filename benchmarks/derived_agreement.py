"""Benchmark: would derived inputs wrongly reject a correct rewrite? Measured on PIE pairs.

Each PIE problem in the sample (/work/shared/pie-sample: a slow submission, the faster one
PIE pairs it with, CodeNet's tests) is a correct rewrite accepted on its tests. Here the
slow program is the oracle: derived inputs are made from the tests' inputs (24 by default),
the slow program answers them (inputs it fails on are dropped, as in `optimize`), and the
fast one must agree. Any disagreement would be a false rejection of a correct rewrite (or
an input outside the problem's constraints, where the two programs may differ).

Usage: python benchmarks/derived_agreement.py [--sample DIR] [--count N]
Not a test: it reads a data set outside the repository.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from pathlib import Path

from pie_lsp.derive import derive_inputs
from pie_lsp.pipeline import Pipeline
from pie_lsp.settings import Settings
from pie_lsp.verify import find_tests


async def one(folder: Path, count: int, pipeline: Pipeline) -> tuple[str, int, int, int, str]:
    slow = (folder / "slow.cpp").read_text()
    fast = (folder / "reference_fast.cpp").read_text()
    suite = find_tests(folder / "slow.cpp", folder / "tests")
    original = await pipeline.builder.build(slow)
    rewrite = await pipeline.builder.build(fast)
    limits = pipeline.test_limits()
    made = derive_inputs([(c.name, c.input_bytes) for c in suite.cases], count)
    with tempfile.TemporaryDirectory() as work:
        derived = await pipeline.verifier.derived_cases(original, made, limits, Path(work), 120)
        outcomes = await pipeline.verifier.run_suite(rewrite, derived.cases, limits)
        wrong = [o for o in outcomes if not o.passed]
        first = f"{wrong[0].test}: {wrong[0].reason}" if wrong else ""
    agree = len(outcomes) - len(wrong)
    return folder.name, len(made), len(derived.cases), agree, first


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=Path, default=Path("/work/shared/pie-sample"))
    parser.add_argument("--count", type=int, default=24)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache_dir:
        settings = Settings()
        settings.cache.dir = cache_dir
        pipeline = Pipeline(settings)
        print("| problem | made | kept | fast agrees | first disagreement |")
        print("|---|---|---|---|---|")
        totals = [0, 0, 0]
        for folder in sorted(p for p in args.sample.iterdir() if (p / "slow.cpp").is_file()):
            name, made, kept, agree, first = await one(folder, args.count, pipeline)
            totals = [totals[0] + made, totals[1] + kept, totals[2] + agree]
            print(f"| {name} | {made} | {kept} | {agree} | {first[:90]} |", flush=True)
        print(f"| all | {totals[0]} | {totals[1]} | {totals[2]} | |")
        pipeline.cache.close()


if __name__ == "__main__":
    asyncio.run(main())
