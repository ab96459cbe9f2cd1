"""Benchmark: what verifying on derived inputs costs, per bundled example.

For each example: how many derived inputs are made (tests.derived, default 24) and kept
(the original answers them), the time to make them, the original's runs on them (done once
per optimize: two runs each, to check it is repeatable), one candidate's runs on them (done
per candidate that passes the tests; the example's best rule rewrite stands in), and, for
scale, one candidate's runs on the three tests. Each figure is the median of --repeats
cold runs (an empty cache each time).

Usage: python benchmarks/derived_inputs.py [--repeats N] [--count N]
Not a test: timings depend on the machine; nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from pie_lsp.build import Builder
from pie_lsp.derive import derive_inputs
from pie_lsp.pipeline import Pipeline
from pie_lsp.program import Program
from pie_lsp.settings import Settings
from pie_lsp.verify import Verifier, find_tests

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


async def one_run(example: Path, count: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as cache_dir, tempfile.TemporaryDirectory() as folder:
        settings = Settings()
        settings.cache.dir = cache_dir
        pipeline = Pipeline(settings)
        builder: Builder = pipeline.builder
        verifier: Verifier = pipeline.verifier
        program, suite = Program.from_file(example), find_tests(example)
        original = await builder.build(program.text)
        generation = await pipeline.backend.generate(program, 8, lambda _: None)
        candidate = await builder.build(generation.candidates[-1].source)
        limits = pipeline.test_limits()
        outcomes = await verifier.run_suite(original, suite.cases, limits)

        start = time.perf_counter()
        made = derive_inputs([(c.name, c.input_bytes) for c in suite.cases], count)
        make = time.perf_counter() - start

        start = time.perf_counter()
        derived = await verifier.derived_cases(
            original, made, pipeline.candidate_limits(outcomes), Path(folder), 1e9
        )
        oracle = time.perf_counter() - start

        start = time.perf_counter()
        checked = await verifier.run_suite(candidate, derived.cases, limits)
        on_derived = time.perf_counter() - start

        start = time.perf_counter()
        await verifier.run_suite(candidate, suite.cases, limits)
        on_tests = time.perf_counter() - start
        pipeline.cache.close()
        return {
            "made": len(made),
            "kept": len(derived.cases),
            "agree": sum(o.passed for o in checked),
            "make": make,
            "oracle": oracle,
            "candidate_derived": on_derived,
            "candidate_tests": on_tests,
        }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--count", type=int, default=24)
    args = parser.parse_args()
    print(
        "| example | made | kept | rewrite agrees | make | original on them (once) "
        "| a candidate on them | a candidate on the 3 tests |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for example in sorted(EXAMPLES.glob("*/slow.cpp")):
        runs = [await one_run(example, args.count) for _ in range(args.repeats)]

        def med(key: str, runs: list[dict[str, float]] = runs) -> float:
            return statistics.median(r[key] for r in runs)

        print(
            f"| {example.parent.name} | {med('made'):.0f} | {med('kept'):.0f} "
            f"| {med('agree'):.0f} | {med('make') * 1e3:.0f} ms | {med('oracle'):.2f} s "
            f"| {med('candidate_derived'):.2f} s | {med('candidate_tests'):.2f} s |"
        )


if __name__ == "__main__":
    asyncio.run(main())
