"""gem5's instruction fetch, from callgrind's per-instruction counts: the estimate's front end.

PIE's Verbatim core (DerivO3CPU, simulator/skylake.json) has a front end that limits most
contest loops. gem5's O3 fetch (src/cpu/o3/fetch.cc, v24) holds one 16-byte fetch buffer
and asks the L1I for the next one only when the current one is used up or a predicted-taken
branch leaves it (no next-line fetch, and the L1I's PIF prefetcher is never trained in PIE's
setup), so every new 16-byte line costs the L1I's hit latency (4 cycles) with nothing to
overlap it. A taken branch back into the line already in the buffer (a loop of at most 16
bytes) needs no new access; within a line fetch delivers `fetch_width` (4) micro-ops a cycle
and stops at a predicted-taken branch. gem5's own statistics say the same: on the runs of
benchmarks/data/gem5_stats.json, fetch stalls on the I-cache (`icacheStallCycles`) for
about 4 cycles per fetched line (`fetch.cacheLines`) and for 40-60% of all cycles.

So the estimate counts, per run, from the executed addresses (callgrind, `--dump-instr=yes`)
and the binary's bytes (capstone):

- `fetch_lines`: the 16-byte lines fetch had to read: an instruction whose bytes begin a
  new line after the instruction before it, or a taken transfer into a line other than the
  branch's own (gem5's `fetch.cacheLines`, which also counts wrong-path fetches; checked
  within 2-20% on the runs with statistics);
- `taken_branches`: transfers taken (calls, returns, jumps, and the taken share of each
  conditional branch: its executions less those of the instruction after it);
- `micro_ops`: gem5's micro-ops of the executed instructions, divisions left out (they are
  `div_uops`, divisions.py), from `gem5_micro_ops.json`: the micro-op count of every x86
  macro-op gem5 v24 defines (src/arch/x86/isa/insts), written by
  benchmarks/estimate_macroops.py. An immediate operand adds `limm`, a memory operand
  `ld`/`st`, a `jcc` is `rdip`, `limm`, `wrip`; `tzcnt`/`lzcnt` are BSF/BSR's microcode;
- `front_end_cycles`: gem5's fetch cycles by H10b's rule from his probe loops
  (docs/GEM5_STATS.md): `ICACHE_WAIT` per new line plus, per start on a 16-byte block (a
  new fetch of it or a taken branch back into it), ceil(U / 4), U the micro-ops of the
  instructions ending in the block per start (averaged over its starts).

`pricing.py` prices `fetch_lines` and, since estimate v5, `micro_ops` (in place of
instructions); `taken_branches` and `front_end_cycles` are kept with the counts (for the
profile and later models: docs/ESTIMATE.md "Tried after v5" has why the front-end cycles
are not priced).
docs/ESTIMATE.md ("Cause 4", "Cause 5") has the derivation and figures.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pie_lsp.cache import digest
from pie_lsp.measure.classes import instruction_bytes, x86_64_disassembler

# Bump when what the features mean changes (cached decodings and counts depend on it).
# 2: `tzcnt`/`lzcnt` are gem5's BSF/BSR microcode (gem5 ignores their `rep` prefix without
# BMI), not one micro-op; `front_end_cycles` added.
BLOCKS_VERSION = 2
FETCH_BUFFER_BYTES = 16
FETCH_WIDTH = 4  # micro-ops gem5's fetch delivers a cycle (VerbatimCPU fetchWidth)
ICACHE_WAIT = 3  # cycles fetch waits for a new 16-byte block on an L1I hit (H10b's probes)
FEATURES = ("fetch_lines", "taken_branches", "micro_ops", "front_end_cycles")

# An executed instruction as the model needs it: size in bytes, gem5 micro-ops, how it
# transfers control ("cond", "jump", "call", "ret", "indirect", "" for none) and a direct
# transfer's target (0 if none). Plain tuples: they are cached per binary.
Decoded = tuple[int, int, str, int]

_CONDITIONS = {
    "e": "z", "z": "z", "ne": "nz", "nz": "nz", "a": "nbe", "nbe": "nbe", "ae": "nb",
    "nb": "nb", "nc": "nb", "b": "b", "c": "b", "nae": "b", "be": "be", "na": "be",
    "g": "nle", "nle": "nle", "ge": "nl", "nl": "nl", "l": "l", "nge": "l", "le": "le",
    "ng": "le", "s": "s", "ns": "ns", "o": "o", "no": "no", "p": "p", "pe": "p", "np": "np",
    "po": "np",
}  # fmt: skip
_CONDITIONAL = re.compile(r"(j|cmov|set)(\w+)")
_ALWAYS = ("jump", "call", "ret", "indirect")


TABLE = Path(__file__).with_name("gem5_micro_ops.json")


@functools.cache
def micro_op_table() -> dict[str, int]:
    """gem5 v24's micro-ops per x86 macro-op name (ADD_R_I, JNZ_I, ...)."""
    return {str(k): int(v) for k, v in json.loads(TABLE.read_text()).items()}


@functools.cache
def table_digest() -> str:
    """What the decoding depends on besides the code: the micro-op table (cache keys)."""
    return digest(TABLE.read_bytes())[:16]


def macroop_name(mnemonic: str, kinds: list[str], sizes: list[int]) -> str:
    """gem5's macro-op name of an instruction (capstone's Intel mnemonic, operand kinds R,
    XMM, M, P (RIP-relative), I in Intel order, operand sizes in bytes)."""
    m = mnemonic
    found = _CONDITIONAL.fullmatch(m)
    if found and found.group(2) in _CONDITIONS:
        m = found.group(1) + _CONDITIONS[found.group(2)]
    # gem5's decoder ignores the `rep` prefix of 0f bc / 0f bd (no BMI, no ABM): tzcnt
    # runs as BSF, lzcnt as BSR (src/arch/x86/isa/decoder/two_byte_opcodes.isa)
    m = {
        "shl": "sal",
        "movabs": "mov",
        "call": "call_near",
        "ret": "ret_near",
        "tzcnt": "bsf",
        "lzcnt": "bsr",
    }.get(m, m)
    if m in ("movzx", "movsx") and len(sizes) > 1:
        return f"{m.upper()}_{'B' if sizes[1] == 1 else 'W'}_{'_'.join(kinds)}"
    if m in ("mul", "imul") and len(kinds) == 1 and sizes[0] == 1:
        return f"{m.upper()}_B_{kinds[0]}"
    if m in ("cdq", "cqo", "cwd"):
        return "CQO_R_R"
    if m in ("cdqe", "cwde", "cbw"):
        return "CDQE_R"
    return "_".join([m.upper(), *kinds])


def _decoded(insn: Any, table: Mapping[str, int]) -> Decoded:
    from capstone import x86

    mnemonic = str(insn.mnemonic).removeprefix("notrack ").removeprefix("bnd ")
    kinds: list[str] = []
    sizes: list[int] = []
    for op in insn.operands:
        sizes.append(int(op.size))
        if op.type == x86.X86_OP_REG:
            kinds.append("XMM" if insn.reg_name(op.reg).startswith(("xmm", "ymm")) else "R")
        elif op.type == x86.X86_OP_IMM:
            kinds.append("I")
        elif op.type == x86.X86_OP_MEM:
            kinds.append("P" if op.mem.base == x86.X86_REG_RIP else "M")
    if mnemonic in ("div", "idiv"):
        micro_ops = 0  # a microcode loop as long as the quotient: divisions.py counts it
    elif mnemonic.startswith(("nop", "endbr")):
        micro_ops = 1
    elif mnemonic.startswith("rep"):
        micro_ops = 4  # string instructions: valgrind counts each iteration once
    else:
        memory = sum(1 for k in kinds if k in ("M", "P"))
        stored = 1 if kinds[:1] in (["M"], ["P"]) else 0
        micro_ops = table.get(macroop_name(mnemonic, kinds, sizes), 1 + memory + stored)
    direct = kinds == ["I"]
    if mnemonic == "jmp":
        transfer = "jump" if direct else "indirect"
    elif mnemonic == "call":
        transfer = "call" if direct else "indirect"
    elif mnemonic.startswith(("j", "loop")):
        transfer = "cond"
    elif mnemonic.startswith("ret"):
        transfer = "ret"
    elif mnemonic in ("syscall", "hlt", "ud2"):
        transfer = "indirect"
    else:
        transfer = ""
    target = int(insn.operands[0].imm) if direct and transfer in ("cond", "jump", "call") else 0
    return (int(insn.size), micro_ops, transfer, target)


def decode(data: bytes, addresses: Iterable[int]) -> dict[int, Decoded]:
    """Each executed address's instruction as the model needs it (capstone, detail mode)."""
    disassembler = x86_64_disassembler(detail=True)
    table = micro_op_table()
    found: dict[int, Decoded] = {}
    for address, code in instruction_bytes(data, addresses):
        for insn in disassembler.disasm(code, address, 1):
            found[address] = _decoded(insn, table)
    return found


_LINE_BITS = FETCH_BUFFER_BYTES.bit_length() - 1  # address >> _LINE_BITS: its 16-byte line


def features(executed: Mapping[int, int], code: Mapping[int, Decoded]) -> dict[str, float]:
    """`FEATURES` of one run (module docstring)."""
    per_address = by_address(executed, code)
    return {name: sum(v[i] for v in per_address.values()) for i, name in enumerate(FEATURES)}


def by_address(
    executed: Mapping[int, int], code: Mapping[int, Decoded]
) -> dict[int, tuple[float, float, float, float]]:
    """`FEATURES` at each executed address: the lines fetched for the instruction there,
    its taken transfers, its micro-ops and its share of the front end's cycles (the
    profile charges them to source lines)."""
    # (one pass per quantity over the sorted addresses, with the per-address facts in local
    # lists: this runs on every estimate, over some ten thousand addresses)
    addresses = sorted(a for a in executed if a in code)
    facts = [code[a] for a in addresses]
    counts = [float(executed[a]) for a in addresses]
    # The instruction before each one, when it ends where this one starts (else -1).
    before = [-1] * len(addresses)
    for i in range(1, len(addresses)):
        if addresses[i - 1] + facts[i - 1][0] == addresses[i]:
            before[i] = i - 1
    # Executions of each address reached by falling through from the instruction before
    # it (unless that one always transfers); the rest came by a taken transfer.
    fall = [
        0.0 if b < 0 or facts[b][2] in _ALWAYS else min(counts[b], counts[i])
        for i, b in enumerate(before)
    ]
    fall_at = dict(zip(addresses, fall, strict=True))
    taken: dict[int, float] = {}
    for address, (size, _, transfer, _), n in zip(addresses, facts, counts, strict=True):
        if transfer == "cond":
            taken[address] = max(n - fall_at.get(address + size, 0.0), 0.0)
        elif transfer:
            taken[address] = n
    # taken transfers into the line the branch itself is in need no new fetch
    same_line: dict[int, float] = {}
    for source, count in taken.items():
        size, _, _, target = code[source]
        if target in executed and target >> _LINE_BITS == (source + size - 1) >> _LINE_BITS:
            same_line[target] = same_line.get(target, 0.0) + count
    # Per 16-byte block: how often fetch starts on it (a new fetch of the line, or a taken
    # branch back into it: a predicted-taken branch ends the fetch cycle) and the
    # micro-ops of the instructions ending in it (a straddling one belongs to its end).
    starts: dict[int, float] = {}
    block_uops: dict[int, float] = {}
    out: dict[int, list[float]] = {}
    for i, address in enumerate(addresses):
        size, micro_ops, _, _ = facts[i]
        n = counts[i]
        first, last = address >> _LINE_BITS, (address + size - 1) >> _LINE_BITS
        spanned = last - first
        b = before[i]
        new_line = b >= 0 and (addresses[b] + facts[b][0] - 1) >> _LINE_BITS != first
        entered = n - fall[i]
        staying = min(entered, same_line.get(address, 0.0))
        lines = fall[i] * (spanned + new_line) + (entered - staying) * (spanned + 1)
        starts[first] = starts.get(first, 0.0) + fall[i] * new_line + entered
        if spanned:
            starts[last] = starts.get(last, 0.0) + n * spanned
        block_uops[last] = block_uops.get(last, 0.0) + n * micro_ops
        out[address] = [lines + staying * spanned, taken.get(address, 0.0), n * micro_ops, 0.0]
    # gem5's fetch (H10b's rule, docs/GEM5_STATS.md): ICACHE_WAIT cycles per new line and
    # ceil(U / FETCH_WIDTH) per start on a block, U its micro-ops per start (the block's
    # executed micro-ops over its starts: the exact path of each start is not known)
    cycles: dict[int, float] = {}
    for block, uops in block_uops.items():
        entries = starts.get(block, 0.0)
        if entries > 0:
            cycles[block] = entries * math.ceil(uops / entries / FETCH_WIDTH - 1e-9)
        else:
            cycles[block] = uops / FETCH_WIDTH
    for (address, values), (size, *_) in zip(out.items(), facts, strict=True):
        block = (address + size - 1) >> _LINE_BITS
        share = values[2] / block_uops[block] if block_uops[block] > 0 else 0.0
        values[3] = ICACHE_WAIT * values[0] + share * cycles[block]
    return {address: (v[0], v[1], v[2], v[3]) for address, v in out.items()}
