"""Which divisions wait for the one before: loop-carried dependence through registers.

gem5's divider (VerbatimCPU's port 0) takes one IntDiv micro-op a cycle, pipelined, but a
division's microcode is one serial chain of them (divisions.py). Divisions whose operands
do not depend on each other (trial division: `n % i` with `i` counting) overlap their
chains with the loop's other work and with each other, and cost little more than their
micro-ops; a division whose dividend or divisor comes from the previous division's result
(Euclid's `a % b`, `x = x * a % m`) cannot start before that one ends, so the whole chain
is on the loop's critical path. A linear price per IntDiv micro-op cannot be right for
both: fitted on both kinds, the first cost ~0.2-0.4 cycles per IntDiv micro-op beyond the
rest of the model and the second ~1.2-1.3 (docs/ESTIMATE.md, "Cause 6").

`chained` finds the divisions of the second kind in a run: for each executed division, the
innermost executed loop around it (the shortest backward jump spanning it) is walked in
address order from the division round to itself, propagating "depends on the division's
result" through registers and flags (capstone's read/written registers per instruction).
The division is chained when one of its own inputs depends on its previous result. The walk
is path-insensitive (every executed instruction of the loop, in address order) and does not
follow values through memory or into called functions (a call's result depends on its
register arguments); see docs/ESTIMATE.md for what that misses.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pie_lsp.measure.classes import instruction_bytes, x86_64_disassembler

# Bump when what `chained` decides changes (it is part of the callgrind counts).
VERSION = 2

DIVISION_CLASSES = ("div64", "div32")
# A longer loop body is not walked (its division is not counted as chained): the walk is
# path-insensitive, and a body that long holds more than one ROB's worth of other work.
MAX_LOOP_INSTRUCTIONS = 200
# A loop's back edge: a direct jump (Decoded's transfer kinds, blocks.py).
_BACK_EDGES = ("cond", "jump")
# Not data: the walk's order already stands for control flow, and the stack pointer
# links everything that pushes.
_IGNORED = frozenset({"rip", "rsp"})
_ARGUMENTS = frozenset({"rdi", "rsi", "rdx", "rcx", "r8", "r9"} | {f"xmm{i}" for i in range(8)})
_CALL_CLOBBERED = frozenset(
    {"rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "rflags"}
    | {f"xmm{i}" for i in range(16)}
)
_ZEROING = ("xor", "sub", "pxor", "xorps", "xorpd", "vpxor", "vxorps", "vxorpd")


def _family_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for x in "abcd":
        for name in (f"{x}l", f"{x}h", f"{x}x", f"e{x}x", f"r{x}x"):
            table[name] = f"r{x}x"
    for x in ("si", "di", "bp", "sp"):
        for name in (f"{x}l", x, f"e{x}", f"r{x}"):
            table[name] = f"r{x}"
    for n in range(8, 16):
        for suffix in ("", "d", "w", "b"):
            table[f"r{n}{suffix}"] = f"r{n}"
    table["eflags"] = "rflags"
    return table


_FAMILY = _family_table()


def _registers(insn: Any, ids: Any) -> set[str]:
    names = {_FAMILY.get(n, n) for n in (insn.reg_name(i) for i in ids) if n}
    return names - _IGNORED


def _access(insn: Any) -> tuple[set[str], set[str]]:
    """(registers read, registers written) of one instruction, whole-register families."""
    from capstone import CsError, x86

    try:
        read_ids, written_ids = insn.regs_access()
    except CsError:  # capstone knows no access list for it: it links nothing
        return set(), set()
    read, written = _registers(insn, read_ids), _registers(insn, written_ids)
    ops = insn.operands
    if (
        insn.mnemonic in _ZEROING
        and len(ops) == 2
        and all(op.type == x86.X86_OP_REG for op in ops)
        and ops[0].reg == ops[1].reg
    ):
        read = set()  # `xor edx, edx` zeroes: it depends on nothing
    return read, written


# What the walk needs of an instruction: (registers read, registers written, a call?).
Access = tuple[frozenset[str], frozenset[str], bool]


def accesses(data: bytes, addresses: Iterable[int]) -> dict[int, Access]:
    """The `Access` of each address of the ELF image `data` (capstone, detail mode): the
    same for every run of a binary, so the estimate keeps it per binary."""
    disassembler = x86_64_disassembler(detail=True)
    found: dict[int, Access] = {}
    for address, raw in instruction_bytes(data, addresses):
        for insn in disassembler.disasm(raw, address, 1):
            read, written = _access(insn)
            found[address] = (frozenset(read), frozenset(written), insn.mnemonic == "call")
    return found


def _step(taint: set[str], access: Access) -> None:
    read, written, call = access
    if call:
        arguments = bool(taint & _ARGUMENTS)
        taint -= _CALL_CLOBBERED
        if arguments:
            taint.update({"rax", "xmm0"})
        return
    if read & taint:
        taint |= written
    else:
        taint -= written


def _loops(
    executed: Mapping[int, int], decoded: Mapping[int, tuple[int, int, str, int]]
) -> list[tuple[int, int]]:
    """(first, last) address of every executed loop: a direct jump back, shortest first."""
    edges = [
        (code[3], address)
        for address, code in decoded.items()
        if address in executed and code[2] in _BACK_EDGES and 0 < code[3] < address
    ]
    return sorted(edges, key=lambda edge: edge[1] - edge[0])


def chained(
    executed: Mapping[int, int],
    decoded: Mapping[int, tuple[int, int, str, int]],
    classes: Mapping[int, str],
    access_of: Callable[[list[int]], Mapping[int, Access]],
) -> set[int]:
    """The executed division sites whose inputs depend on their own previous result (see
    the module's docstring). `decoded` is blocks.decode's view of the executed addresses,
    `classes` classes.classify's, `access_of` gives the `Access` of the addresses asked
    (`accesses`, or the estimate's cached copy of it)."""
    sites = [a for a, name in classes.items() if name in DIVISION_CLASSES and a in executed]
    if not sites:
        return set()
    loops = _loops(executed, decoded)
    addresses = sorted(executed)
    bodies: dict[int, list[int]] = {}
    for site in sites:
        loop = next(((a, b) for a, b in loops if a <= site < b), None)
        if loop is None:
            continue
        body = addresses[bisect_left(addresses, loop[0]) : bisect_right(addresses, loop[1])]
        if len(body) <= MAX_LOOP_INSTRUCTIONS:
            bodies[site] = body
    access = access_of(sorted({a for body in bodies.values() for a in body}))
    found: set[int] = set()
    for site, body in bodies.items():
        if site not in access:
            continue
        start = body.index(site)
        taint = set(access[site][1])
        for address in body[start + 1 :] + body[:start]:
            if address in access:
                _step(taint, access[address])
        if access[site][0] & taint:
            found.add(site)
    return found


def chained_divisions(executed: Mapping[int, int], sites: Iterable[int]) -> dict[str, float]:
    """The run's raw count: executions of chained divisions (`div_chained`)."""
    return {"div_chained": float(sum(executed.get(a, 0) for a in sites))}
