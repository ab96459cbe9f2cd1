"""Where one cold `optimize` spends its time: a timeline of its steps, and their totals.

For each program given (a folder with slow.cpp and tests/, as in benchmarks/devset, or a
.cpp file with its tests folder), runs `Pipeline.optimize` with the rules backend and the
Skylake estimate in a fresh cache, timing every libclang parse and check, g++ build, test
suite run, run on derived inputs, valgrind measurement of one test (the counting run,
pie-count, and the division profile apart) and the search over combinations. It prints
each span (start, end, seconds, what) and the seconds each kind of step kept busy: the
spans overlap (two slots, a libclang thread), so these add up to more than the wall time,
and the longest chain of them is what a program waits for.

Usage: python benchmarks/optimize_timeline.py benchmarks/devset/31-big-fibonacci [...]
           [--tests DIR] [--quiet]
Nothing is asserted; figures for docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import functools
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pie_lsp.build import Builder
from pie_lsp.job import Job
from pie_lsp.measure.estimate import EstimateMeasurer
from pie_lsp.models.rules.backend import RulesBackend
from pie_lsp.pipeline import Pipeline
from pie_lsp.program import Parsed, Program
from pie_lsp.settings import Settings
from pie_lsp.verify import Verifier, load_suite

Span = tuple[str, str, float, float]  # kind, detail, start, end
SPANS: list[Span] = []
STARTED = [0.0]


def _label(kind: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    if kind == "build":
        return str(kwargs.get("label", ""))
    if kind in ("counting run", "division profile"):
        return f"test {args[1].name} of {args[0].sha256[:8]}"
    if kind in ("libclang check",):
        return f"{len(args[0])} texts"
    if kind in ("tests",):
        return f"{len(args[1])} runs"
    return ""


def _timed(owner: type, name: str, kind: str) -> None:
    """Record every call of owner.name (sync or async) as a span of `kind`."""
    real: Callable[..., Any] = getattr(owner, name)

    def record(started: float, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        detail = _label(kind, args, kwargs)
        SPANS.append((kind, detail, started - STARTED[0], time.perf_counter() - STARTED[0]))

    if asyncio.iscoroutinefunction(real):

        @functools.wraps(real)
        async def timed_async(self: Any, *args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return await real(self, *args, **kwargs)
            finally:
                record(started, args, kwargs)

        setattr(owner, name, timed_async)
    else:

        @functools.wraps(real)
        def timed(self: Any, *args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return real(self, *args, **kwargs)
            finally:
                record(started, args, kwargs)

        setattr(owner, name, timed)


def instrument() -> None:
    _timed(Builder, "build", "build")
    _timed(Verifier, "run_suite", "tests")
    _timed(Verifier, "derived_cases", "original on derived inputs")
    _timed(EstimateMeasurer, "count_output", "counting run")
    _timed(EstimateMeasurer, "division_log", "division profile")
    _timed(Parsed, "__init__", "libclang parse")
    _timed(Parsed, "check_many_anywhere", "libclang check")
    _timed(RulesBackend, "generate", "generation (all)")
    _timed(RulesBackend, "refine", "combinations (libclang)")


async def timeline(source: Path, tests: Path, quiet: bool) -> float:
    SPANS.clear()
    program = Program.from_file(source)
    suite = load_suite(tests)
    with tempfile.TemporaryDirectory() as cache_dir:
        settings = Settings()
        settings.cache.dir = cache_dir
        settings.simulator.backend = "estimate"
        settings.model.backend = "rules"
        pipeline = Pipeline(settings)
        try:
            STARTED[0] = time.perf_counter()
            result = await pipeline.optimize(Job(program, suite))
            wall = time.perf_counter() - STARTED[0]
        finally:
            await pipeline.aclose()
    print(f"== {source.parent.name}/{source.name}: {wall:.1f} s, {result.status}, "
          f"{(result.speedup or 0):.2f}× ({result.best_origin or '-'}), "
          f"{len(result.candidates)} candidates")  # fmt: skip
    if not quiet:
        for kind, detail, start, end in sorted(SPANS, key=lambda s: s[2]):
            print(f"  {start:7.2f} {end:7.2f} {end - start:6.2f}  {kind} {detail}")
    busy: dict[str, float] = collections.defaultdict(float)
    for kind, _, start, end in SPANS:
        busy[kind] += end - start
    for kind, seconds in sorted(busy.items(), key=lambda item: -item[1]):
        print(f"  {seconds:7.2f} s busy  {kind}")
    for note in result.notes:
        print(f"  note: {note}")
    return wall


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("programs", nargs="+", type=Path, help="folders (slow.cpp) or files")
    parser.add_argument("--tests", type=Path, help="tests folder for a .cpp file")
    parser.add_argument("--quiet", action="store_true", help="totals only, no timeline")
    args = parser.parse_args()
    instrument()
    for given in args.programs:
        source = given / "slow.cpp" if given.is_dir() else given
        tests = args.tests or source.parent / "tests"
        await timeline(source, tests, args.quiet)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
