"""Measure slow/fast pairs in real gem5 into a calibration table (resumable).

`python benchmarks/estimate_gem5.py PROGRAMS_DIR TABLE.csv [--jobs 2] [NAME ...]`: every
source (`*.cpp`) of every program folder (`NAME/tests/input.N.txt`) is built with the
project's Builder and run through the project's own gem5 backend (`Gem5Measurer`, which
checks the output), one row per run appended to TABLE in the `pie-lsp calibrate` format.
Rows already in TABLE are skipped, so an interrupted run resumes. gem5 is found as the
product finds it (set PIE_GEM5=../shared/gem5/gem5.fast). Run it nice'd: gem5 takes
seconds per million simulated instructions.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import sys
from pathlib import Path

from pie_lsp.build import Builder
from pie_lsp.cache import Cache
from pie_lsp.calibrate import TABLE_COLUMNS
from pie_lsp.errors import PieError
from pie_lsp.measure.gem5 import Gem5Measurer
from pie_lsp.sandbox import Sandbox
from pie_lsp.settings import load
from pie_lsp.verify import TestCase


def done_rows(table: Path) -> set[tuple[str, str, str]]:
    if not table.is_file():
        return set()
    with table.open(newline="") as handle:
        return {(r["program"], r["source"], r["input"]) for r in csv.DictReader(handle)}


async def main(args: argparse.Namespace) -> int:
    # our own programs: no sandbox, which would also hide gem5 outside the system dirs
    settings = load(Path.cwd(), {"jobs": args.jobs, "sandbox": {"isolate": False}})
    cache = Cache(settings.cache)
    sandbox = Sandbox(settings.sandbox.isolate)
    slots = asyncio.Semaphore(args.jobs)
    builder = Builder(settings.build, sandbox, cache)
    measurer = Gem5Measurer.from_settings(settings, sandbox, cache, slots)
    done = done_rows(args.table)
    jobs = []
    folders = sorted(p for p in args.programs.iterdir() if (p / "tests").is_dir())
    if args.names:  # in the order given: the first named are measured first
        folders = [args.programs / n for n in args.names if (args.programs / n / "tests").is_dir()]
    for folder in folders:
        for source in sorted(folder.glob("*.cpp"), reverse=True):
            for stdin in sorted((folder / "tests").glob("input.*.txt")):
                if (folder.name, source.name, stdin.name) not in done:
                    jobs.append((folder, source, stdin))
    print(f"{len(jobs)} gem5 runs to do", file=sys.stderr, flush=True)
    new = not args.table.is_file()
    handle = args.table.open("a", newline="")
    writer = csv.writer(handle)
    if new:
        writer.writerow(TABLE_COLUMNS)
    lock = asyncio.Lock()
    binaries = {}

    async def one(folder: Path, source: Path, stdin: Path) -> None:
        test = stdin.name.removeprefix("input.").removesuffix(".txt")
        case = TestCase(test, stdin, folder / "tests" / f"output.{test}.txt")
        row: list[object]
        try:
            async with lock:
                if source not in binaries:
                    binaries[source] = await builder.build(source.read_text(), label=str(source))
            timing = await measurer.measure_test(binaries[source], case)
            row = [
                timing.seconds,
                timing.cycles,
                timing.instructions,
                timing.detail.get("gem5_host_seconds", ""),
                1,
                1,
            ]
        except PieError as exc:
            print(f"{folder.name}/{source.name} {stdin.name}: {exc.message}", file=sys.stderr)
            row = ["", "", "", "", 0, 0]
        writer.writerow([folder.name, source.name, stdin.name, *row])
        handle.flush()
        print(f"{folder.name}/{source.name} {stdin.name}: {row[1]}", file=sys.stderr, flush=True)

    await asyncio.gather(*(one(*job) for job in jobs))
    handle.close()
    cache.close()
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("programs", type=Path)
    parser.add_argument("table", type=Path)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("names", nargs="*")
    sys.exit(asyncio.run(main(parser.parse_intermixed_args())))
