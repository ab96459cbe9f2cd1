"""Instruction classes of the estimate: which executed x86-64 instructions cost more than one.

callgrind gives executions per instruction address (`instruction_counts`); the binary's
executable bytes, disassembled with capstone (`classify`), name the class of each address
whose instruction gem5 runs slower than a plain ALU instruction: integer division by
operand size, multiplication, bit scans, FP add/multiply/convert, FP divide and square root,
x87. `class_counts` sums executions per class; `estimate.py` caches them per binary and
`pricing.py` prices them.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from pie_lsp.errors import ToolMissing
from pie_lsp.measure import MeasureFailed

# Executed instructions per class (see `instruction_class`); the rest are plain `Ir`.
INSTRUCTION_CLASSES = (
    "div64",
    "div32",
    "int_mul",
    "bit_scan",
    "fp_add",
    "fp_mul",
    "fp_div",
    "fp_sqrt",
    "fp_convert",
    "x87",
)
# Bump when `instruction_class` changes: cached class counts depend on it.
CLASSIFIER_VERSION = 2


def instruction_counts(text: str) -> dict[int, int]:
    """Executions per instruction address from a callgrind file written with
    --dump-instr=yes --compress-pos=no: a cost line is `ADDRESS LINE Ir ...`; the line
    after `calls=` is the inclusive cost of a call, not the call instruction's own."""
    executed: dict[int, int] = {}
    skip = False
    for line in text.splitlines():
        if line.startswith("0x"):
            if skip:
                skip = False
                continue
            parts = line.split(maxsplit=3)
            if len(parts) >= 3:
                address = int(parts[0], 16)
                executed[address] = executed.get(address, 0) + int(parts[2])
        elif line.startswith("calls="):
            skip = True
    return executed


_FP_ADD = re.compile(r"v?(add|sub|min|max)(s|p)(s|d)$|v?(u?comis)(s|d)$")
_FP_MUL = re.compile(r"v?mul(s|p)(s|d)$|v?f(n?m(add|sub)\d+)(s|p)(s|d)$")
_FP_DIV = re.compile(r"v?div(s|p)(s|d)$")
_FP_SQRT = re.compile(r"v?sqrt(s|p)(s|d)$")
_FP_CONVERT = re.compile(r"v?cvtt?\w+$")
_X87 = re.compile(r"f(add|sub|subr|mul|div|divr|sqrt|ld|st|stp|ild|ist|istp|chs|abs|com|ucom)")


def instruction_class(mnemonic: str, operands: str) -> str | None:
    """The cost class of one x86-64 instruction (capstone's Intel syntax), or None."""
    if mnemonic in ("div", "idiv"):
        wide = operands.startswith("r") or operands.startswith("qword")
        return "div64" if wide else "div32"
    if mnemonic in ("imul", "mul", "mulx"):
        return "int_mul"
    if mnemonic in ("bsf", "bsr", "tzcnt", "lzcnt"):
        return "bit_scan"  # a microcode loop in gem5 (tzcnt runs as bsf without BMI)
    if _FP_DIV.fullmatch(mnemonic):
        return "fp_div"
    if _FP_SQRT.fullmatch(mnemonic):
        return "fp_sqrt"
    if _FP_MUL.fullmatch(mnemonic):
        return "fp_mul"
    if _FP_ADD.fullmatch(mnemonic):
        return "fp_add"
    if _FP_CONVERT.fullmatch(mnemonic):
        return "fp_convert"
    if _X87.match(mnemonic) and mnemonic not in ("fxsave", "fxrstor", "fnstcw", "fldcw"):
        return "x87"
    return None


def executable_segments(data: bytes) -> list[tuple[int, int, int]]:
    """(virtual address, file offset, size) of an x86-64 ELF file's executable PT_LOAD
    segments: where the bytes of an executed address are."""
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise MeasureFailed(
            "the estimate classifies instructions of 64-bit little-endian ELF files only",
            hint="build for x86-64 Linux (g++ -static)",
        )
    (phoff,) = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    segments = []
    for i in range(phnum):
        kind, flags, offset, vaddr, _, filesz = struct.unpack_from(
            "<IIQQQQ", data, phoff + i * phentsize
        )
        if kind == 1 and flags & 1:  # PT_LOAD, PF_X
            segments.append((vaddr, offset, filesz))
    return segments


def x86_64_disassembler(detail: bool) -> Any:
    """capstone's x86-64 disassembler (with operand details when `detail`)."""
    try:
        import capstone
    except ImportError as exc:  # a base dependency; only a broken install lacks it
        raise ToolMissing(
            f"the estimate needs the capstone disassembler ({exc})",
            hint="pip install capstone (pie-lsp's own dependencies: pip install pie-lsp)",
        ) from exc
    disassembler = capstone.Cs(capstone.CS_ARCH_X86, capstone.CS_MODE_64)
    disassembler.detail = detail
    return disassembler


def instruction_bytes(data: bytes, addresses: Iterable[int]) -> Iterator[tuple[int, bytes]]:
    """(address, the up to 16 bytes of the instruction there) for each address inside an
    executable segment of the ELF image `data` (an x86 instruction is at most 15 bytes)."""
    segments = executable_segments(data)
    for address in addresses:
        for vaddr, offset, size in segments:
            if vaddr <= address < vaddr + size:
                start = offset + address - vaddr
                yield address, data[start : start + 16]
                break


def classify(data: bytes, addresses: Iterable[int]) -> dict[int, str]:
    """The class of each executed address that has one (see `instruction_class`)."""
    disassembler = x86_64_disassembler(detail=False)
    classes: dict[int, str] = {}
    for address, code in instruction_bytes(data, addresses):
        for _, _, mnemonic, operands in disassembler.disasm_lite(code, address, 1):
            name = instruction_class(mnemonic, operands)
            if name is not None:
                classes[address] = name
    return classes


def class_counts(executed: Mapping[int, int], classes: Mapping[int, str]) -> dict[str, float]:
    counts = dict.fromkeys(INSTRUCTION_CLASSES, 0.0)
    for address, name in classes.items():
        counts[name] += executed.get(address, 0)
    return counts
