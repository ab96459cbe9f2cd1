"""Write pie_lsp/measure/gem5_micro_ops.json: gem5's micro-ops per x86 macro-op, from its source.

`python benchmarks/estimate_macroops.py GEM5_GIT_DIR [--rev v24.0.0.1] [--out FILE]`
(GEM5_GIT_DIR: a clone of github.com/gem5/gem5, bare or not). gem5 defines every x86
instruction as a macro-op in the microcode assembler of src/arch/x86/isa/insts/**.py:

    def macroop ADD_R_I
    {
        limm t1, imm
        add reg, reg, t1, flags=(OF,SF,ZF,AF,PF,CF)
    };

The count of micro-op lines (directives, labels and comments left out) is what gem5's fetch
delivers per execution, four a cycle (pie_lsp/measure/blocks.py). Conditional microcode
(a `br` inside a macro-op, as in BSF or DIV) is counted once per line; the estimate counts
divisions apart (divisions.py).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
INSTS = "src/arch/x86/isa/insts"
MACROOP = re.compile(r"def macroop\s+(\w+)\s*(?:\([^)]*\))?\s*\{(.*?)\};", re.S)
LABEL = re.compile(r"^\w+:\s*")


def micro_ops(body: str) -> int:
    count = 0
    for raw in body.splitlines():
        line = LABEL.sub("", raw.split("#")[0].strip())
        if line and not line.startswith("."):
            count += 1
    return count


def table(git_dir: Path, rev: str) -> dict[str, int]:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(git_dir), *args], capture_output=True, text=True, check=True
        ).stdout

    found: dict[str, int] = {}
    for path in git("ls-tree", "-r", "--name-only", rev, INSTS).split():
        if path.endswith(".py"):
            for match in MACROOP.finditer(git("show", f"{rev}:{path}")):
                found[match.group(1)] = micro_ops(match.group(2))
    return dict(sorted(found.items()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gem5", type=Path, help="a git clone of gem5")
    parser.add_argument("--rev", default="v24.0.0.1", help="gem5's tag (the one PIE's runs use)")
    parser.add_argument(
        "--out",
        type=Path,
        default=HERE.parent / "pie_lsp" / "measure" / "gem5_micro_ops.json",
    )
    args = parser.parse_args()
    found = table(args.gem5, args.rev)
    args.out.write_text(json.dumps(found, separators=(",", ":"), sort_keys=True))
    print(f"{len(found)} macro-ops from gem5 {args.rev} written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
