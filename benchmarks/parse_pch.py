"""Benchmark: what the precompiled standard headers (pie_lsp/preamble.py) save libclang.

For every slow.cpp of ../shared/pie-sample (real CodeNet programs), alternately with and
without the PCH: the rules backend's libclang work on it, `Parsed(program)` and one
`check_many_anywhere` of one edited text (a reparse and the restoring reparse, which is
where the reparse preamble is built). Prints the median and max seconds of each, and
their ratio. The PCH is built before the first timed run (once per machine, as in use).

Usage: python benchmarks/parse_pch.py [DIR]      Nothing is asserted.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import pie_lsp.program as program_module
from pie_lsp.preamble import leading_includes
from pie_lsp.program import Parsed, Program

PIE_SAMPLE = Path(__file__).resolve().parent.parent.parent / "shared" / "pie-sample"


def timed(program: Program) -> float:
    started = time.perf_counter()
    parsed = Parsed(program)
    parsed.check_many_anywhere([program.text + "\n"])
    return time.perf_counter() - started


def main() -> int:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else PIE_SAMPLE
    programs = [Program.from_file(p) for p in sorted(folder.glob("*/slow.cpp"))]
    if not programs:
        print(f"no */slow.cpp under {folder}", file=sys.stderr)
        return 1
    names = vars(program_module)  # Parsed looks pch_args up in its module at each parse
    with_pch = names["pch_args"]
    results: dict[str, list[float]] = {"with PCH": [], "without": []}
    covered = sum(1 for p in programs if leading_includes(p.text))
    for program in programs:
        Parsed(program)  # builds the PCH of its includes if it is the first
        for label in ("without", "with PCH"):
            names["pch_args"] = with_pch if label == "with PCH" else lambda *_: []
            results[label].append(timed(program))
        names["pch_args"] = with_pch
        print(
            f"{program.path.parent.name}: without {results['without'][-1]:.2f} s, "
            f"with PCH {results['with PCH'][-1]:.2f} s",
            flush=True,
        )
    print(f"{covered} of {len(programs)} programs start with system includes only")
    for label, seconds in results.items():
        print(f"{label}: median {statistics.median(seconds):.2f} s, max {max(seconds):.2f} s")
    ratio = statistics.median(results["without"]) / statistics.median(results["with PCH"])
    print(f"median ratio without / with: {ratio:.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
