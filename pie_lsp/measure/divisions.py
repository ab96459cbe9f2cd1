"""gem5's micro-op count of x86 integer division, from the quotients a run computes.

gem5 runs DIV and IDIV as microcode loops whose length depends on the quotient (see
`pie_div.c`): a 64-bit `idiv` with a small quotient is 29 micro-ops, one whose quotient has
many 1 bits up to 59. One price per division cannot know which, so the estimate counts
the micro-ops: a second, light valgrind run of the program under `pie-div`, a valgrind tool
of our own that sees every division's quotient, gives per division site the number of
divisions and of microcode loop iterations; `micro_ops` turns them into gem5's count.

The tool is compiled once per valgrind installation (tools.py). Only divisions are
instrumented, so the run costs a fraction of the counting run's; it is skipped when
divisions cannot matter (`needs_profile`: at most 64 of them, or fewer than one per
thousand instructions), and their micro-ops are then taken as the short form.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping

# Bump when what the profile's counts mean changes (the source's digest keys them too).
VERSION = 1
# A run is profiled when it executes more than this many divisions (glibc's start-up
# executes six)...
PROFILE_MIN_DIVISIONS = 64
# ...and at least one per this many instructions. Below, a division's loop could cost at
# most ~40 cycles more than the short form assumed, i.e. under 4% of the run, and typically
# (short quotients) under 0.5%, while the second run would cost as much as the program's
# divisions could matter (prefix_sums: 4,000 divisions in 14.7 M instructions, +1 s).
PROFILE_INSTRUCTIONS_PER_DIVISION = 1000

# gem5's micro-ops per division outside the loop, by kind (multiply_and_divide.py, register
# forms; a memory operand adds one load, which callgrind counts as a memory access):
# DIV: div1, div2i, div2, divq, divr; IDIV adds 19 for the signs of operands and results.
SETUP_MICRO_OPS = {"u32": 5, "s32": 24, "u64": 5, "s64": 24}
# Each loop iteration: four div2 steps and the micro-branch.
LOOP_MICRO_OPS = 5
# A division seen only by callgrind (a run below PROFILE_MIN_DIVISIONS): unsigned, one loop.
DEFAULT_MICRO_OPS = SETUP_MICRO_OPS["u64"] + LOOP_MICRO_OPS
# Of those, the micro-ops of class IntDiv, which go through gem5's one divide unit
# (FUList0, count 1) one a cycle, in a serial chain: div1, div2i and one div2, then four
# div2 per loop iteration. The rest (divq, divr, idiv's sign fix-ups, the micro-branch)
# streams through the pipeline like other micro-ops (estimate v5 prices the two apart).
INTDIV_SETUP_MICRO_OPS = 3
INTDIV_LOOP_MICRO_OPS = 4
DEFAULT_INTDIV_MICRO_OPS = INTDIV_SETUP_MICRO_OPS + INTDIV_LOOP_MICRO_OPS

_LINE = re.compile(r"pie-div (0x[0-9a-f]+|0) (u32|s32|u64|s64) (\d+) (\d+)")


def _entries(text: str) -> Iterator[tuple[int, str, int, int]]:
    """(address, kind, divisions, loop iterations) per line of the tool's log (address 0:
    not known)."""
    for match in _LINE.finditer(text):
        yield int(match.group(1), 16), match.group(2), int(match.group(3)), int(match.group(4))


def _site_micro_ops(kind: str, divisions: int, loops: int) -> int:
    return SETUP_MICRO_OPS[kind] * divisions + LOOP_MICRO_OPS * loops


def parse_log(text: str) -> dict[str, tuple[int, int]]:
    """Per kind, (divisions, loop iterations) from the tool's log."""
    totals = {kind: (0, 0) for kind in SETUP_MICRO_OPS}
    for _, kind, count, loops in _entries(text):
        before = totals[kind]
        totals[kind] = (before[0] + count, before[1] + loops)
    return totals


def micro_ops(totals: Mapping[str, tuple[int, int]]) -> float:
    """gem5's micro-ops of all the divisions of a run."""
    return float(sum(_site_micro_ops(k, n, loops) for k, (n, loops) in totals.items()))


def intdiv_micro_ops(counts: Mapping[str, float]) -> float:
    """gem5's IntDiv micro-ops of a run's divisions: from the profile's divisions and loop
    iterations per kind (`counts_from_log`), else the short form of each division callgrind
    counted (`div64`, `div32`)."""
    if any(f"div_{kind}" in counts for kind in SETUP_MICRO_OPS):
        return float(
            sum(
                INTDIV_SETUP_MICRO_OPS * counts.get(f"div_{kind}", 0.0)
                + INTDIV_LOOP_MICRO_OPS * counts.get(f"div_{kind}_loops", 0.0)
                for kind in SETUP_MICRO_OPS
            )
        )
    return DEFAULT_INTDIV_MICRO_OPS * (counts.get("div64", 0.0) + counts.get("div32", 0.0))


def extra_loop_micro_ops(counts: Mapping[str, float]) -> float:
    """The IntDiv micro-ops of the microcode loop iterations past each division's first
    (a long quotient's), from the profile's counts; 0 for a run without a profile (each
    division taken as the short form, one iteration)."""
    extra = sum(
        counts.get(f"div_{kind}_loops", 0.0) - counts.get(f"div_{kind}", 0.0)
        for kind in SETUP_MICRO_OPS
    )
    return INTDIV_LOOP_MICRO_OPS * max(extra, 0.0)


def _by_address(text: str, per_site: Callable[[str, int, int], float]) -> dict[int, float]:
    """`per_site(kind, divisions, loop iterations)` summed at each address of the tool's
    log (address 0: not known)."""
    out: dict[int, float] = {}
    for address, kind, count, loops in _entries(text):
        out[address] = out.get(address, 0.0) + per_site(kind, count, loops)
    return out


def extra_loop_micro_ops_by_address(text: str) -> dict[int, float]:
    """`extra_loop_micro_ops` at each address of the tool's log."""
    return _by_address(text, lambda _, count, loops: INTDIV_LOOP_MICRO_OPS * max(loops - count, 0))


def intdiv_micro_ops_by_address(text: str) -> dict[int, float]:
    """`intdiv_micro_ops` at each address of the tool's log."""
    return _by_address(
        text,
        lambda _, count, loops: INTDIV_SETUP_MICRO_OPS * count + INTDIV_LOOP_MICRO_OPS * loops,
    )


def micro_ops_by_address(text: str) -> dict[int, float]:
    """gem5's micro-ops of the divisions at each address, from the tool's log (the
    per-line profile prices each line's divisions with it)."""
    return _by_address(text, lambda kind, count, loops: float(_site_micro_ops(kind, count, loops)))


def counts_from_log(text: str) -> dict[str, float]:
    """The raw counts a run adds: `div_uops` and, per kind, divisions and loop iterations."""
    totals = parse_log(text)
    counts = {"div_uops": micro_ops(totals)}
    for kind, (n, loops) in totals.items():
        counts[f"div_{kind}"] = float(n)
        counts[f"div_{kind}_loops"] = float(loops)
    return counts


def needs_profile(divisions: float, instructions: float) -> bool:
    """Whether a run's divisions are many enough, and dense enough, to profile."""
    return (
        divisions > PROFILE_MIN_DIVISIONS
        and divisions * PROFILE_INSTRUCTIONS_PER_DIVISION >= instructions
    )


def counts_without_profile(divisions: float) -> dict[str, float]:
    """The counts of a run with too few divisions to profile: the short form each."""
    return {"div_uops": DEFAULT_MICRO_OPS * divisions}
