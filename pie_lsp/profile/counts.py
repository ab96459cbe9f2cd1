"""The tools' output read: callgrind's per-instruction costs and call graph, addr2line's
(line, function) per address, and the check that the `-g` build is the code the estimate
measured (every loaded section but the build-id note compared)."""

from __future__ import annotations

import re
import struct
from collections.abc import Sequence
from pathlib import Path

from attrs import define, field

from pie_lsp.errors import PieError
from pie_lsp.measure import MeasureFailed
from pie_lsp.measure.classes import INSTRUCTION_CLASSES
from pie_lsp.measure.estimate import CACHEGRIND_EVENTS

# What one cost vector holds: valgrind's events, executed instructions per class,
# gem5's micro-ops of the integer divisions (what the estimate prices divisions by) and
# the 16-byte lines gem5's fetch reads for the instructions (estimate v4, blocks.py),
# gem5's micro-ops of the other instructions and the divisions' IntDiv micro-ops (v5), and
# of those, the further loop iterations' and the chained divisions' (v6, chains.py).
KEYS: tuple[str, ...] = (
    *CACHEGRIND_EVENTS,
    *INSTRUCTION_CLASSES,
    "div_uops",
    "fetch_lines",
    "micro_ops",
    "intdiv_uops",
    "intdiv_extra_loop_uops",
    "intdiv_chained_uops",
)
_IR = KEYS.index("Ir")
_CLASS_INDEX = {name: KEYS.index(name) for name in INSTRUCTION_CLASSES}
_DIV_UOPS = KEYS.index("div_uops")
_FETCH_LINES = KEYS.index("fetch_lines")
_MICRO_OPS = KEYS.index("micro_ops")
_INTDIV_UOPS = KEYS.index("intdiv_uops")
_EXTRA_LOOP_UOPS = KEYS.index("intdiv_extra_loop_uops")
_CHAINED_UOPS = KEYS.index("intdiv_chained_uops")
# callgrind's mark of a function entered again below itself: "(below main)'2"
_RECURSION = re.compile(r"'\d+$")
# The builder compiles every program as this file (build.py): its frames are the user's.
SOURCE_NAME = "prog.cpp"

Vector = list[float]


def _zeros() -> Vector:
    return [0.0] * len(KEYS)


def _add(into: Vector, values: Sequence[float], scale: float = 1.0) -> None:
    for i, value in enumerate(values):
        into[i] += value * scale


# -- callgrind's output -----------------------------------------------------------------------


@define
class CallgrindRun:
    """Per-instruction costs and the call graph of one callgrind output file."""

    self_cost: dict[int, Vector] = field(factory=dict)  # address -> events (KEYS order)
    function_of: dict[int, str] = field(factory=dict)  # address -> callgrind's fn name
    # (caller fn, call-site address, callee fn) -> inclusive cost of those calls
    calls: dict[tuple[str, int, str], Vector] = field(factory=dict)


def parse_callgrind(text: str) -> CallgrindRun:
    """Read a callgrind file written with --dump-instr=yes --compress-pos=no
    --compress-strings=no (the estimate's command): `ADDRESS LINE EVENTS...` cost lines,
    `fn=`/`cfn=` names, and after `calls=` the call's inclusive cost at its call site."""
    run = CallgrindRun()
    columns: list[int] = []
    function = callee = ""
    in_call = False
    for line in text.splitlines():
        if line.startswith("0x"):
            parts = line.split()
            address = int(parts[0], 16)
            vector = _zeros()
            for column, value in zip(columns, parts[2:], strict=False):
                vector[column] = float(value)
            if in_call:
                key = (function, address, callee)
                _add(run.calls.setdefault(key, _zeros()), vector)
                in_call = False
            else:
                _add(run.self_cost.setdefault(address, _zeros()), vector)
                run.function_of.setdefault(address, function)
        elif line.startswith("fn="):
            function = line[3:].strip()
        elif line.startswith("cfn="):
            callee = line[4:].strip()
        elif line.startswith("calls="):
            in_call = True
        elif line.startswith("events:"):
            names = line.split()[1:]
            columns = [KEYS.index(name) for name in names]
        elif line.startswith("positions:") and line.split()[1:] != ["instr", "line"]:
            raise MeasureFailed(
                f"callgrind wrote positions {line.split()[1:]}, not per instruction",
                hint="the profile reads the estimate's callgrind output (--dump-instr=yes)",
            )
    if not columns:
        raise MeasureFailed("callgrind wrote no events", hint="check valgrind: pie-lsp doctor")
    return run


# -- debug info -------------------------------------------------------------------------------

# functions the compiler makes for a file (iostream's static initialiser): library time
_COMPILER_MADE = ("_GLOBAL__sub_I_", "__static_initialization_and_destruction")


def parse_addr2line(
    text: str, source_lines: int, source_name: str = SOURCE_NAME
) -> dict[int, tuple[int, str]]:
    """(line, function) of the innermost inline frame in the user's file, per address, from
    `addr2line -a -i -f -C` output (an address line, then function / file:line pairs from
    the innermost frame out). A line past the file's end is not the user's (see
    `debug_flags`); neither is the compiler's static initialisation (`_GLOBAL__sub_I_`),
    which it files under the last line."""
    where: dict[int, tuple[int, str]] = {}
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if not lines[i].startswith("0x"):
            i += 1
            continue
        address = int(lines[i], 16)
        i += 1
        while i + 1 < len(lines) and not lines[i].startswith("0x"):
            function, location = lines[i], lines[i + 1]
            i += 2
            if address in where:
                continue
            path, _, rest = location.rpartition(":")
            number = rest.split()[0] if rest.split() else ""
            if (
                Path(path).name == source_name
                and number.isdigit()
                and 0 < int(number) <= source_lines
                and not function.startswith(_COMPILER_MADE)
            ):
                where[address] = (int(number), function)
    return where


def _sections(data: bytes) -> dict[str, tuple[int, bytes]]:
    """Loaded (SHF_ALLOC) sections of a 64-bit ELF file but notes: name -> (address, bytes)."""
    if data[:4] != b"\x7fELF" or data[4] != 2:
        raise PieError("the profile reads 64-bit ELF binaries only", hint="build for x86-64")
    (shoff,) = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    headers = [struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize) for i in range(shnum)]
    names_offset = headers[shstrndx][4]
    out: dict[str, tuple[int, bytes]] = {}
    for name_at, kind, flags, address, offset, size in headers:
        if not flags & 0x2 or kind == 7:  # SHF_ALLOC; SHT_NOTE (the build-id hashes -g)
            continue
        end = data.index(b"\0", names_offset + name_at)
        name = data[names_offset + name_at : end].decode()
        body = b"" if kind == 8 else data[offset : offset + size]  # SHT_NOBITS: no bytes
        out[name] = (address, body + size.to_bytes(8, "little"))
    return out


def same_code(plain: bytes, debug: bytes) -> str | None:
    """None when two binaries load the same bytes at the same addresses, else which section
    differs: the `-g` build must be the code the estimate measured."""
    a, b = _sections(plain), _sections(debug)
    if a.keys() != b.keys():
        return f"sections {sorted(a.keys() ^ b.keys())}"
    for name, value in a.items():
        if b[name] != value:
            return f"section {name}"
    return None
