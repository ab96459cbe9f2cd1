"""Where the time goes: estimated Skylake cycles per source line and per function.

A profile is the estimate's own run (measure/estimate.py) made readable. The original is
built a second time with `-g` and the same flags; the two binaries must hold the same code
(every loaded section but the build-id note is compared), so the counts are the ones the
estimate prices. callgrind runs the `-g` binary exactly as the estimate does and writes a
cost line per executed instruction; each instruction is then:

- **on a line of the user's file**: `addr2line -i` walks the inline chain of its address and
  the innermost frame in the user's file names the line and function (an `upper_bound`
  inlined into `count_at_most` inlined into `main` is charged to the line in
  `count_at_most` that calls it);
- **in library code** (glibc, libstdc++, libm, and template code from headers that was not
  inlined): its cost is passed up the call graph to its callers in proportion to the
  inclusive cost of each call (callgrind's `calls=` records, event by event), until it
  reaches a call from a line of the user's file, which it is charged to. What no line of
  the user's file called (start-up, static constructors, exit-time flushing) stays with
  the library function that ran it, named with its library.

Every instruction is priced with the estimate's costs (`features`, the machine file's
`estimate.costs`), so lines, library rows and the per-run constant add up to the estimate
of the program; glibc's start-up difference (`startup_instructions`) is taken off the
library rows, where it runs; integer divisions are priced per gem5 micro-op as the estimate
prices them (per address, from its division profile when it took one). Raw counts per line
are cached (keyed by the estimate's counts digest, the binary, the source and the input)
and priced when read, like the estimate's.

Built on it: `compare` (which lines got cheaper or dearer between two versions: `pie-lsp
check --lines`, Check speedup in the editor), `hotspots_text` (a prompt's `{hotspots}`),
`aimed` (which hot lines a rewrite touches), and `pie-lsp profile` (`run_command`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import struct
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from attrs import asdict, define, evolve, field, frozen

from pie_lsp.build import Binary, Builder, build_flags
from pie_lsp.cache import digest
from pie_lsp.errors import OriginalFailsTests, PieError, ToolMissing
from pie_lsp.measure import MeasureFailed, Measurement
from pie_lsp.measure.divisions import DEFAULT_MICRO_OPS, LOOP_MICRO_OPS, SETUP_MICRO_OPS
from pie_lsp.measure.estimate import (
    CACHEGRIND_EVENTS,
    EXCLUDED_FUNCTIONS,
    INSTRUCTION_CLASSES,
    EstimateMeasurer,
    features,
)
from pie_lsp.program import Program
from pie_lsp.sandbox import Limits
from pie_lsp.tasks import task_group
from pie_lsp.verify import TestCase, TestSuite, Verifier

log = logging.getLogger(__name__)

# Part of every profile cache key: bump when the attribution changes.
PROFILE_VERSION = 3
# What one cost vector holds: valgrind's events, executed instructions per class, and
# gem5's micro-ops of the integer divisions (what the estimate prices divisions by).
KEYS: tuple[str, ...] = (*CACHEGRIND_EVENTS, *INSTRUCTION_CLASSES, "div_uops")
_IR = KEYS.index("Ir")
_CLASS_INDEX = {name: KEYS.index(name) for name in INSTRUCTION_CLASSES}
_DIV_UOPS = KEYS.index("div_uops")
# the pie-div tool's log: address (0: unknown), kind, divisions, loop iterations
_DIVISION = re.compile(r"pie-div (0x[0-9a-f]+|0) (u32|s32|u64|s64) (\d+) (\d+)")
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


# -- attribution ------------------------------------------------------------------------------

_UNREACHED = ("", 0, "")  # no line of the user's file called it: stays with its function
_DROPPED = ("-", 0, "")  # glibc's tunables parsing: left out by the estimate too

_LIBRARIES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        (
            "malloc",
            r"(_int_|__libc_)?(malloc|free|calloc|realloc|memalign)\b|malloc_|sysmalloc|"
            r"tcache|unlink_chunk|operator new|operator delete|_int_free|arena_|__brk|__sbrk",
        ),
        (
            "iostream",
            r"std::(basic_)?(i|o|io)stream|std::ios_base|std::basic_ios|std::locale|"
            r"std::num_(get|put)|std::ctype|std::__basic_file|std::basic_(string|file)buf|"
            r"std::ostream|std::istream|std::endl|std::flush|__gnu_cxx::stdio_sync_filebuf|"
            r"std::codecvt|std::__ostream_insert|std::__convert_|std::use_facet|"
            r"std::has_facet|std::__numpunct|std::numpunct|std::__use_cache",
        ),
        (
            "stdio",
            r"^_IO_|printf|scanf|^__?(uflow|underflow|overflow)|^_?_?(f|v)?(puts|putc|getc|"
            r"read|write|flush|fwrite|fread)|^__?libc_(read|write)|^_itoa|strto|^____strto|"
            r"^__mpn_|^hack_digit|^read_int|^__printf_fp|^__strchrnul|^_fitoa|^__find_spec",
        ),
        (
            "libm",
            r"^(__)?(ieee754_)?(sin|cos|tan|exp|log|pow|sqrt|atan|asin|acos|floor|ceil|"
            r"fmod|hypot|cbrt|round|trunc)(f|l)?(_fma|_avx|_sse2|_finite)?\b|^__(sin|cos|exp|"
            r"log|pow)|^__math_",
        ),
        ("string", r"^_*(mem|str|wmem|wcs)[a-z]*(_|$)|^__(mem|str)"),
        ("static initialisation", r"^_GLOBAL__sub_I_|__static_initialization"),
        ("libstdc++", r"(^|\s)std::|^__gnu_cxx|^__cxa|^__cxxabiv1|^_Unwind|^__gxx"),
    )
)


def library_of(function: str) -> str:
    """Which library a function outside the user's file belongs to (by its name)."""
    for name, pattern in _LIBRARIES:
        if pattern.search(function):
            return name
    return "libc"


Destination = tuple[str, int, str]  # (function of the line, line, library reached) or above


def division_micro_ops(log: str) -> dict[int, float]:
    """gem5's micro-ops of the divisions at each address, from the pie-div tool's log (the
    estimate's division profile, measure/divisions.py); address 0: not known."""
    out: dict[int, float] = defaultdict(float)
    for match in _DIVISION.finditer(log):
        address, kind = int(match.group(1), 16), match.group(2)
        count, loops = int(match.group(3)), int(match.group(4))
        out[address] += SETUP_MICRO_OPS[kind] * count + LOOP_MICRO_OPS * loops
    return dict(out)


def attribute(
    run: CallgrindRun,
    where: Mapping[int, tuple[int, str]],
    classes: Mapping[int, str],
    division_uops: Mapping[int, float] | None = None,
) -> dict[str, dict[str, Vector]]:
    """Raw counts per destination: `lines` keyed "LINE\\tFUNCTION\\tLIBRARY" (LIBRARY empty
    for the line's own instructions, else the library its calls spent them in),
    `libraries` keyed by function (what no line of the user's file called), `dropped`."""
    # classes: executed instructions of a class at an address count its executions
    for address, name in classes.items():
        vector = run.self_cost.get(address)
        if vector is not None:
            vector[_CLASS_INDEX[name]] = vector[_IR]
            if name in ("div64", "div32"):  # the estimate's short form, without a profile
                vector[_DIV_UOPS] = DEFAULT_MICRO_OPS * vector[_IR]
    if division_uops is not None:
        # the division profile's micro-ops where it names the address; the rest (address
        # unknown, or not seen by callgrind) spread over the divisions by their executions
        dividing = [a for a, v in run.self_cost.items() if v[_DIV_UOPS] > 0]
        for address in dividing:
            run.self_cost[address][_DIV_UOPS] = 0.0
        spare = 0.0
        for address, uops in division_uops.items():
            if address in run.self_cost and address in classes:
                run.self_cost[address][_DIV_UOPS] += uops
            else:
                spare += uops
        executions = sum(run.self_cost[a][_IR] for a in dividing)
        for address in dividing if executions > 0 else ():
            run.self_cost[address][_DIV_UOPS] += spare * run.self_cost[address][_IR] / executions

    # functions with code on lines of the user's file; their other addresses (no line,
    # e.g. padding) go to the nearest line of the same function
    user_lines: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for address, (line, function) in where.items():
        fn = run.function_of.get(address)
        if fn is not None:
            user_lines[fn].append((address, line, function))
    for entries in user_lines.values():
        entries.sort()

    def line_at(fn: str, address: int) -> tuple[int, str]:
        if address in where:
            return where[address]
        entries = user_lines[fn]
        best = min(entries, key=lambda e: (abs(e[0] - address), e[0] > address))
        return best[1], best[2]

    out: dict[str, dict[str, Vector]] = {"lines": {}, "libraries": {}, "dropped": {}}

    def put(kind: str, key: str, values: Sequence[float], scale: float = 1.0) -> None:
        _add(out[kind].setdefault(key, _zeros()), values, scale)

    library_self: dict[str, Vector] = {}
    for address, vector in run.self_cost.items():
        fn = run.function_of[address]
        if fn in user_lines:
            line, function = line_at(fn, address)
            put("lines", f"{line}\t{function}\t", vector)
        else:
            _add(library_self.setdefault(fn, _zeros()), vector)

    incoming: dict[str, list[tuple[str, int, Vector]]] = defaultdict(list)
    for (caller, site, callee), inclusive in run.calls.items():
        if callee != caller and callee not in user_lines:
            weights = list(inclusive)
            for index in (*_CLASS_INDEX.values(), _DIV_UOPS):
                weights[index] = inclusive[_IR]  # calls carry no class counts: by Ir
            incoming[callee].append((caller, site, weights))

    shares: dict[str, dict[Destination, Vector]] = {}

    def distribution(fn: str, stack: set[str]) -> dict[Destination, Vector]:
        """Where a unit of `fn`'s cost ends, per event: shares of destinations."""
        if fn in shares:
            return shares[fn]
        ones = [1.0] * len(KEYS)
        if fn in EXCLUDED_FUNCTIONS:
            return {_DROPPED: ones}
        edges = incoming.get(fn)
        if not edges or fn in stack:
            return {_UNREACHED: ones}
        stack.add(fn)
        totals = _zeros()
        for _, _, weights in edges:
            _add(totals, weights)
        result: dict[Destination, Vector] = defaultdict(_zeros)
        for caller, site, weights in edges:
            share = [
                w / t if t > 0 else (weights[_IR] / totals[_IR] if totals[_IR] > 0 else 0.0)
                for w, t in zip(weights, totals, strict=True)
            ]
            if caller in user_lines:
                line, function = line_at(caller, site)
                _add(result[(function, line, "")], share)
            else:
                for destination, fractions in distribution(caller, stack).items():
                    result[destination] = [
                        r + s * f
                        for r, s, f in zip(result[destination], share, fractions, strict=True)
                    ]
        stack.discard(fn)
        # what rounding or events no call carries leaves unplaced stays with the function
        rest = [max(0.0, 1.0 - sum(v[i] for v in result.values())) for i in range(len(KEYS))]
        if any(r > 1e-12 for r in rest):
            _add(result[_UNREACHED], rest)
        shares[fn] = dict(result)
        return shares[fn]

    for fn, vector in library_self.items():
        library = library_of(fn)
        for destination, fractions in distribution(fn, set()).items():
            part = [v * f for v, f in zip(vector, fractions, strict=True)]
            if destination == _UNREACHED:
                put("libraries", _RECURSION.sub("", fn), part)
            elif destination == _DROPPED:
                put("dropped", fn, part)
            else:
                function, line, _ = destination
                put("lines", f"{line}\t{function}\t{library}", part)
    return out


# -- priced profile ---------------------------------------------------------------------------


@frozen
class Cost:
    """Estimated cycles of a part of the program and the counts behind them."""

    cycles: float
    share: float  # of the profile's total
    instructions: float
    l1_misses: float
    ll_misses: float
    mispredicts: float


@frozen
class LineCost:
    line: int
    function: str
    cost: Cost
    # cycles spent in library code called from this line, by library ("stdio": 1.2e6)
    library_cycles: dict[str, float] = field(factory=dict)


@frozen
class FunctionCost:
    name: str
    line: int  # where it is defined (the debug info's first line with code, before that)
    cost: Cost


@frozen
class LibraryCost:
    function: str
    library: str
    cost: Cost


@frozen
class Profile:
    """A program's estimated cycles per line, per function and outside the user's code."""

    path: str
    label: str  # the estimate's label (machine file and costs digest)
    tests: int
    total_cycles: float  # lines + libraries + per-run constant
    estimate_cycles: float  # the estimate's own total for the program (plain build)
    lines: tuple[LineCost, ...]  # hottest first
    functions: tuple[FunctionCost, ...]  # hottest first
    libraries: tuple[LibraryCost, ...]  # hottest first
    fixed_cycles: float = 0.0  # the machine file's per-run constant (and start-up left over)
    seconds: float = 0.0
    cached: bool = False

    @property
    def user_share(self) -> float:
        """The share of cycles charged to lines of the user's file."""
        return sum(line.cost.cycles for line in self.lines) / self.total_cycles

    def hot_lines(self, count: int, min_share: float = 0.0) -> list[LineCost]:
        return [line for line in self.lines[:count] if line.cost.share >= min_share]

    def line(self, number: int) -> LineCost | None:
        return next((line for line in self.lines if line.line == number), None)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["user_share"] = self.user_share
        return data


def _totals(vector: Sequence[float]) -> dict[str, float]:
    counts = dict(zip(KEYS, vector, strict=True))
    return counts


def _cost(vector: Sequence[float], cycles: float, total: float) -> Cost:
    c = _totals(vector)
    return Cost(
        cycles=cycles,
        share=cycles / total if total > 0 else 0.0,
        instructions=c["Ir"],
        l1_misses=c["I1mr"] + c["D1mr"] + c["D1mw"],
        ll_misses=c["ILmr"] + c["DLmr"] + c["DLmw"],
        mispredicts=c["Bcm"] + c["Bim"],
    )


def price(
    raw: Iterable[Mapping[str, Mapping[str, Vector]]],
    costs: Mapping[str, float],
    startup: float,
    *,
    path: str,
    label: str,
    estimate_cycles: float,
) -> Profile:
    """A priced profile from the raw counts of each test (see `attribute`)."""
    tests = 0
    lines: dict[str, Vector] = defaultdict(_zeros)
    libraries: dict[str, Vector] = defaultdict(_zeros)
    for one in raw:
        tests += 1
        for key, vector in one["lines"].items():
            _add(lines[key], vector)
        for key, vector in one["libraries"].items():
            _add(libraries[key], vector)

    def cycles(vector: Sequence[float]) -> float:
        feats = features(_totals(vector), 0.0)
        return sum(costs.get(name, 0.0) * value for name, value in feats.items())

    # glibc's start-up runs under valgrind only: the estimate takes it off the instruction
    # count; here off the library rows (where it runs), in proportion to their instructions
    startup_total = startup * tests
    library_ir = sum(v[_IR] for v in libraries.values())
    taken = min(startup_total, library_ir)
    per_instruction = costs.get("instructions", 0.0)
    library_cycles = {
        fn: cycles(v) - per_instruction * taken * (v[_IR] / library_ir if library_ir else 0.0)
        for fn, v in libraries.items()
    }
    fixed = costs.get("per_run", 0.0) * tests - per_instruction * (startup_total - taken)
    line_cycles = {key: cycles(v) for key, v in lines.items()}
    total = sum(line_cycles.values()) + sum(library_cycles.values()) + fixed

    by_line: dict[int, Vector] = defaultdict(_zeros)
    line_total: dict[int, float] = defaultdict(float)
    line_function: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    line_library: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    by_function: dict[str, Vector] = defaultdict(_zeros)
    function_total: dict[str, float] = defaultdict(float)
    function_first: dict[str, int] = {}
    for key, vector in lines.items():
        number_text, function, library = key.split("\t")
        number, spent = int(number_text), line_cycles[key]
        _add(by_line[number], vector)
        line_total[number] += spent
        line_function[number][function] += spent
        if library:
            line_library[number][library] += spent
        _add(by_function[function], vector)
        function_total[function] += spent
        function_first[function] = min(function_first.get(function, number), number)

    line_rows = [
        LineCost(
            line=number,
            function=max(line_function[number].items(), key=lambda kv: kv[1])[0],
            cost=_cost(by_line[number], line_total[number], total),
            library_cycles=dict(sorted(line_library[number].items(), key=lambda kv: -kv[1])),
        )
        for number in by_line
    ]
    function_rows = [
        FunctionCost(name, function_first[name], _cost(v, function_total[name], total))
        for name, v in by_function.items()
    ]
    library_rows = [
        LibraryCost(fn, library_of(fn), _cost(v, library_cycles[fn], total))
        for fn, v in libraries.items()
    ]
    return Profile(
        path=path,
        label=label,
        tests=tests,
        total_cycles=total,
        estimate_cycles=estimate_cycles,
        lines=tuple(sorted(line_rows, key=lambda r: (-r.cost.cycles, r.line))),
        functions=tuple(sorted(function_rows, key=lambda r: (-r.cost.cycles, r.name))),
        libraries=tuple(sorted(library_rows, key=lambda r: (-r.cost.cycles, r.function))),
        fixed_cycles=fixed,
    )


def _bare_name(function: str) -> str:
    """ "count_at_most" of "count_at_most(std::vector<int>, int)" (or of "ns::f<T>(...)")."""
    parts = (
        function.split("(", maxsplit=1)[0]
        .split("<", maxsplit=1)[0]
        .rsplit("::", maxsplit=1)[-1]
        .split()
    )
    return parts[-1] if parts else ""


def definition_line(text: str, function: FunctionCost) -> int:
    """The 1-based line where `function` is defined: its name followed by `(` on its first
    line with code or the lines above it (the debug info gives the first line with code)."""
    bare = _bare_name(function.name)
    lines = text.splitlines()
    if bare:
        pattern = re.compile(rf"\b{re.escape(bare)}\s*\(")
        for number in range(min(function.line, len(lines)), max(0, function.line - 30), -1):
            if pattern.search(lines[number - 1]):
                return number
    return function.line


# -- running it -------------------------------------------------------------------------------


def debug_flags(flags: Sequence[str]) -> list[str]:
    """The build's flags with debug line info (same optimisation: the same code). DWARF 4:
    binutils 2.40's addr2line reads some DWARF 5 line tables with the wrong file (a cloned
    std::_Rb_tree function from stl_tree.h:1929 came out as prog.cpp:1929)."""
    return [*(f for f in flags if not f.startswith("-g")), "-g", "-gdwarf-4"]


class Profiler:
    """Profiles programs with a pipeline's builder, sandbox, cache and slots."""

    def __init__(
        self,
        builder: Builder,
        measurer: EstimateMeasurer,
        verifier: Verifier | None = None,
        limits: Limits | None = None,
    ) -> None:
        self.builder = builder
        self.verifier, self.limits = verifier, limits
        self.debug_builder = Builder(
            evolve(builder.settings, flags=debug_flags(builder.settings.flags)),
            builder.sandbox,
            builder.cache,
        )
        self.measurer = measurer

    @classmethod
    def for_pipeline(cls, pipeline: Any) -> Profiler:
        """The pipeline's own estimate when it measures with it, else a new one beside it."""
        measurer = pipeline.measurer
        if not isinstance(measurer, EstimateMeasurer):
            measurer = EstimateMeasurer.from_settings(
                pipeline.settings, pipeline.sandbox, pipeline.cache, pipeline.slots
            )
        return cls(pipeline.builder, measurer, pipeline.verifier, pipeline.test_limits())

    def key(self, program: Program, plain: Binary, case: TestCase) -> str:
        return f"profile{PROFILE_VERSION}:" + digest(
            self.measurer.counts_digest(),
            plain.sha256,
            program.text,  # line numbers: a comment changes them, not the code
            json.dumps(build_flags(self.debug_builder.settings)),
            case.input_bytes,
        )

    async def profile(self, program: Program, suite: TestSuite) -> Profile:
        """Build the program twice (plain and -g), estimate it, map the counts to lines."""
        started = time.perf_counter()
        plain = await self.builder.build(program.text, label=program.path.name)
        debug = await self.debug_builder.build(program.text, label=f"{program.path.name} (-g)")
        if self.verifier is not None and self.limits is not None:
            # as `measure` does: a program that fails its tests has no profile worth showing
            outcomes = await self.verifier.run_suite(plain, suite.cases, self.limits)
            failed = next((o for o in outcomes if not o.passed), None)
            if failed is not None:
                raise OriginalFailsTests(
                    f"{program.path.name} fails its own test {failed.test} "
                    f"({suite.directory}): {failed.reason}",
                    hint="fix the program or the expected output first",
                )
        why = same_code(plain.data, debug.data)
        if why is not None:
            raise PieError(
                f"the -g build of {program.path.name} is not the same code as the plain build "
                f"({why} differs), so its lines would not describe what the estimate measured",
                hint="remove flags that change code with debug info from pie.build.flags",
            )
        # the estimate first: whether it profiled a test's divisions says whether its lines
        # need the division profile too
        estimate: Measurement = await self.measurer.measure(plain, suite.cases)
        async with task_group() as group:
            raws = [
                group.create_task(self.raw(program, plain, debug, case, timing.detail))
                for case, timing in zip(suite.cases, estimate.tests, strict=True)
            ]
        profile = price(
            [task.result()[0] for task in raws],
            self.measurer.costs,
            self.measurer.startup,
            path=str(program.path),
            label=self.measurer.label,
            estimate_cycles=sum(t.cycles or 0.0 for t in estimate.tests),
        )
        functions = tuple(
            evolve(fn, line=definition_line(program.text, fn)) for fn in profile.functions
        )
        return evolve(
            profile,
            functions=functions,
            seconds=time.perf_counter() - started,
            cached=all(task.result()[1] for task in raws),
        )

    async def raw(
        self,
        program: Program,
        plain: Binary,
        debug: Binary,
        case: TestCase,
        estimated: Mapping[str, float],
    ) -> tuple[dict[str, dict[str, Vector]], bool]:
        """Raw counts per line of one test, and whether they came from the cache.
        `estimated`: the estimate's counts of the test (with a division profile or not)."""
        profiled = any(name.startswith("div_") and name.endswith("_loops") for name in estimated)
        key = self.key(program, plain, case) + f":{profiled}"
        cached = self.builder.cache.get(key)
        if isinstance(cached, dict):
            return cached, True
        async with self.measurer.slots:
            text = await self.measurer.callgrind_output(debug, case)
            run = parse_callgrind(text)
            where = await self.lines_of(debug, run.self_cost, len(program.text.splitlines()))
            uops = (
                division_micro_ops(await self.measurer.division_log(debug, case))
                if profiled
                else None
            )
        executed = {a: int(v[_IR]) for a, v in run.self_cost.items()}
        raw = attribute(run, where, self.measurer.classes(debug, executed), uops)
        self.builder.cache.set(key, raw)
        return raw, False

    async def lines_of(
        self, debug: Binary, addresses: Iterable[int], source_lines: int
    ) -> dict[int, tuple[int, str]]:
        """The user's (line, function) of each address, from the binary's debug info."""
        tool = _addr2line()
        wanted = "".join(f"{a:#x}\n" for a in sorted(addresses)).encode()
        with self.builder.sandbox.scratch("profile") as work:
            (work / "prog").write_bytes(debug.data)
            run = await self.builder.sandbox.run(
                [tool, "-a", "-i", "-f", "-C", "-e", "prog"],
                cwd=work,
                limits=Limits(timeout=120, memory_mb=4096, output_bytes=512 * 1024 * 1024),
                stdin=wanted,
                env={"LANG": "C"},
            )
        if not run.ok:
            raise MeasureFailed(
                f"addr2line {run.describe()}",
                hint="check binutils (addr2line) works",
                details=run.stderr_tail(),
            )
        return parse_addr2line(run.stdout.decode("utf-8", "replace"), source_lines)


def _addr2line() -> str:
    import shutil

    path = shutil.which("addr2line")
    if path is None:
        raise ToolMissing(
            "addr2line is not installed, so the profile cannot map code to lines",
            hint="install binutils (Debian: apt-get install binutils), which g++ needs too",
        )
    return path


# -- aimed rewrites ---------------------------------------------------------------------------


def hotspots_text(profile: Profile, source: str, lines: int = 3, min_share: float = 0.05) -> str:
    """What a prompt's `{hotspots}` says (pie_lsp/models/prompts.py): the hottest function
    and its hottest lines with their shares, or "" when the profile has no lines."""
    if not profile.lines or not profile.functions:
        return ""
    text = source.splitlines()
    hottest = profile.functions[0]
    rows = [r for r in profile.lines[:lines] if r.cost.share >= min_share] or [profile.lines[0]]
    out = [
        f"Most of its run time ({hottest.cost.share:.0%}, estimated on a simulated Skylake) "
        f"is in {hottest.name}; the hottest lines:"
    ]
    for row in rows:
        code = text[row.line - 1].strip() if 0 < row.line <= len(text) else ""
        out.append(f"- line {row.line} ({row.cost.share:.0%}): {code}")
    return "\n".join(out) + "\n"


def touched_lines(original: str, rewritten: str) -> set[int]:
    """The 1-based lines of `original` a rewrite replaces or deletes; an insertion touches
    the line it follows (a statement added before a loop is about that loop's neighbour)."""
    import difflib

    old, new = original.splitlines(), rewritten.splitlines()
    touched: set[int] = set()
    for tag, a0, a1, _, _ in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag in ("replace", "delete"):
            touched.update(range(a0 + 1, a1 + 1))
        elif tag == "insert" and a0 > 0:
            touched.add(a0)
    return touched


@frozen
class AimedRewrite:
    """A rewrite the embedded rules offer, and the hot lines it changes."""

    origin: str
    description: str
    hot_lines: tuple[int, ...]  # hottest first
    share: float  # of the program's cycles on those lines


def aimed(
    profile: Profile, original: str, rewrites: Iterable[tuple[str, str, str]]
) -> list[AimedRewrite]:
    """Which hot lines each (origin, description, source) rewrite touches, the rewrites
    touching the most cycles first. Changing a function's definition line (its parameters)
    touches the lines that call it too: a by-value parameter's copy is made, and charged,
    at the call."""
    text = original.splitlines()
    out = []
    for origin, description, source in rewrites:
        touched = touched_lines(original, source)
        for fn in profile.functions:
            name = _bare_name(fn.name)
            if fn.line in touched and name:
                calls = re.compile(rf"\b{re.escape(name)}\s*\(")
                touched |= {i + 1 for i, line in enumerate(text) if calls.search(line)}
        rows = [row for row in profile.lines if row.line in touched]
        out.append(
            AimedRewrite(
                origin, description, tuple(r.line for r in rows), sum(r.cost.share for r in rows)
            )
        )
    return sorted(out, key=lambda r: (-r.share, r.origin))


async def rules_rewrites(settings: Any, program: Program) -> list[tuple[str, str, str]]:
    """The embedded rules' rewrites of a program (libclang, no model, nothing run)."""
    from pie_lsp.models import make_backend

    rules = evolve(settings, model=evolve(settings.model, backend="rules"))
    backend = make_backend(rules)
    try:
        generated = await backend.generate(program, rules.model.samples, lambda _: None)
    finally:
        await backend.aclose()
    return [(c.origin, c.description, c.source) for c in generated.candidates]


# -- the command line -------------------------------------------------------------------------


def _mega(cycles: float) -> str:
    return f"{cycles / 1e6:.2f} M" if abs(cycles) >= 1e5 else f"{cycles / 1e3:.1f} k"


def cycles_text(cycles: float) -> str:
    """ "1.23 M cycles" (or "45.6 k cycles")."""
    return f"{_mega(cycles)} cycles"


def hint_text(line: LineCost) -> str:
    """The short form the editors show at a hot line: "38% · 1.2 M cycles"."""
    return f"{line.cost.share:.0%} · {_mega(line.cost.cycles)} cycles"


def breakdown(line: LineCost) -> str:
    """What a line's cycles are made of (the editors' hover, the CLI's detail)."""
    c = line.cost
    parts = [
        f"{_mega(c.cycles)} cycles ({c.share:.1%} of the program) in {line.function}",
        f"{c.instructions:,.0f} instructions, {c.l1_misses:,.0f} L1 misses, "
        f"{c.ll_misses:,.0f} last-level misses, {c.mispredicts:,.0f} mispredicted branches",
    ]
    if line.library_cycles:
        spent = ", ".join(
            f"{name} {cycles / c.cycles:.0%}"
            for name, cycles in line.library_cycles.items()
            if c.cycles > 0 and cycles / c.cycles >= 0.005
        )
        if spent:
            parts.append(f"in library code it calls: {spent}")
    return "\n".join(parts)


def render(profile: Profile, source: str, lines: int, console: Any) -> None:
    """Tables of the hottest lines and functions, and what ran outside the user's code."""
    from rich.table import Table

    from pie_lsp.text import markup

    text = source.splitlines()
    console.print(
        f"[bold]{markup(profile.path)}[/]: {_mega(profile.total_cycles)} cycles on "
        f"{profile.tests} tests ({markup(profile.label)}); {profile.user_share:.0%} on its "
        "own lines"
    )
    table = Table(title="Hottest lines", title_justify="left")
    for column in ("line", "share", "cycles", "source", "of which library"):
        table.add_column(column, overflow="fold")
    for row in profile.lines[:lines]:
        code = text[row.line - 1].strip() if 0 < row.line <= len(text) else ""
        libraries = ", ".join(
            f"{name} {cycles / row.cost.cycles:.0%}"
            for name, cycles in list(row.library_cycles.items())[:2]
            if row.cost.cycles > 0 and cycles / row.cost.cycles >= 0.01
        )
        table.add_row(
            str(row.line),
            f"{row.cost.share:.1%}",
            _mega(row.cost.cycles),
            markup(code[:60]),
            libraries,
        )
    console.print(table)
    functions = Table(title="Hottest functions", title_justify="left")
    for column in ("function", "line", "share", "cycles"):
        functions.add_column(column, overflow="fold")
    for fn in profile.functions[:lines]:
        functions.add_row(
            markup(fn.name), str(fn.line), f"{fn.cost.share:.1%}", _mega(fn.cost.cycles)
        )
    for lib in profile.libraries[:3]:
        functions.add_row(
            markup(f"{lib.function} ({lib.library}, not called from your lines)"),
            "",
            f"{lib.cost.share:.1%}",
            _mega(lib.cost.cycles),
        )
    console.print(functions)


def run_command(
    path: Path, tests: Path | None, settings: Any, as_json: bool, out: Any, err: Any
) -> int:
    """`pie-lsp profile FILE [--tests DIR] [--json]`: exit 0, or 1 with the error said."""
    from pie_lsp.pipeline import Pipeline
    from pie_lsp.text import markup

    async def run() -> tuple[Profile, list[AimedRewrite]]:
        async with Pipeline(settings) as pipeline:
            job = await asyncio.to_thread(pipeline.job_for, path, None, tests)
            profile = await Profiler.for_pipeline(pipeline).profile(job.program, job.suite)
            try:
                offered = await rules_rewrites(settings, job.program)
            except PieError as exc:  # the profile stands without them
                log.warning("no rules' rewrites for %s: %s", path, exc.message)
                offered = []
            return profile, aimed(profile, job.program.text, offered)

    try:
        profile, rewrites = asyncio.run(run())
    except PieError as exc:
        if as_json:
            print(json.dumps({"status": "error", "error": exc.message, "hint": exc.hint}))
        else:
            err.print(f"[bold red]error:[/] {markup(exc.message)}")
            if exc.hint:
                err.print(f"[yellow]hint:[/] {markup(exc.hint)}")
        return 1
    if as_json:
        data = {"status": "ok", **profile.to_json()}
        data["rewrites"] = [asdict(r) for r in rewrites]
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        render(profile, path.read_text("utf-8", "replace"), settings.profile.lines, out)
        render_rewrites(rewrites, out)
    return 0


def render_rewrites(rewrites: Sequence[AimedRewrite], console: Any) -> None:
    """The rules' rewrites with the hot lines each changes."""
    from pie_lsp.text import markup

    if not rewrites:
        return
    console.print("[bold]Rewrites the embedded rules offer[/] (pie-lsp optimize verifies them):")
    for r in rewrites:
        where = (
            f"touches line{'s' if len(r.hot_lines) > 1 else ''} "
            f"{', '.join(map(str, r.hot_lines))} ({r.share:.0%} of the cycles)"
            if r.hot_lines
            else "touches no line with cycles"
        )
        console.print(f"  {markup(r.origin)}: {markup(r.description)} — {where}")


# -- after an edit: which lines got cheaper or dearer -----------------------------------------


@frozen
class LineChange:
    """A line (or block of changed lines) with its cycles before and after an edit."""

    line: int  # first line in the current version (where a removed block was, if removed)
    baseline_line: int  # first line in the baseline
    lines: int  # how many current lines the row covers (0: removed)
    text: str  # the current line's text (or the removed baseline line's)
    before: float
    after: float

    @property
    def change(self) -> float:
        return self.after - self.before

    @property
    def kind(self) -> str:
        return "cheaper" if self.change < 0 else "dearer"


def compare(
    baseline_text: str, baseline: Profile, current_text: str, current: Profile
) -> list[LineChange]:
    """Lines whose cycles changed by at least 1% of the baseline's total, biggest first.
    Unchanged lines are matched by text (difflib), so code that moved still compares;
    a replaced, inserted or deleted block is one row."""
    import difflib

    old, new = baseline_text.splitlines(), current_text.splitlines()
    before = {row.line: row.cost.cycles for row in baseline.lines}
    after = {row.line: row.cost.cycles for row in current.lines}
    rows: list[LineChange] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            for i, j in zip(range(a0, a1), range(b0, b1), strict=True):
                rows.append(
                    LineChange(
                        j + 1, i + 1, 1, new[j], before.get(i + 1, 0.0), after.get(j + 1, 0.0)
                    )
                )
        else:
            rows.append(
                LineChange(
                    line=b0 + 1,
                    baseline_line=a0 + 1,
                    lines=b1 - b0,
                    text=new[b0] if b1 > b0 else old[a0],
                    before=sum(before.get(i + 1, 0.0) for i in range(a0, a1)),
                    after=sum(after.get(j + 1, 0.0) for j in range(b0, b1)),
                )
            )
    threshold = 0.01 * baseline.total_cycles
    changed = [row for row in rows if abs(row.change) >= threshold]
    return sorted(changed, key=lambda row: -abs(row.change))


async def compare_versions(pipeline: Any, job: Any, baseline: Program) -> list[LineChange]:
    """Profile a job's program and a baseline version on the job's tests, and compare."""
    profiler = Profiler.for_pipeline(pipeline)
    async with task_group() as group:
        old = group.create_task(profiler.profile(baseline, job.suite))
        new = group.create_task(profiler.profile(job.program, job.suite))
    return compare(baseline.text, old.result(), job.program.text, new.result())


def changes_json(changes: Sequence[LineChange]) -> list[dict[str, Any]]:
    return [
        {
            "line": row.line,
            "baseline_line": row.baseline_line,
            "lines": row.lines,
            "text": row.text,
            "before_cycles": row.before,
            "after_cycles": row.after,
            "change": row.kind,
        }
        for row in changes
    ]


def changes_phrase(changes: Sequence[LineChange], count: int = 3) -> str:
    """The biggest line changes in a few words: "line 13 −71%, line 17 −42%"."""
    parts = []
    for row in changes[:count]:
        how = f"{row.after / row.before - 1:+.0%}" if row.before > 0 else "new"
        parts.append(f"line {row.line} {how}".replace("-", "−"))
    return ", ".join(parts)


def render_changes(changes: Sequence[LineChange], baseline_name: str, console: Any) -> None:
    """The lines that got cheaper or dearer than in the baseline, as a table."""
    from rich.table import Table

    from pie_lsp.text import markup

    if not changes:
        console.print(f"No line's estimated cycles changed by 1% or more since {baseline_name}.")
        return
    table = Table(title=f"Lines against {markup(baseline_name)}", title_justify="left")
    for column in ("line", "source", baseline_name, "now", "change"):
        table.add_column(markup(column), overflow="fold")
    for row in changes:
        where = str(row.line) if row.lines <= 1 else f"{row.line}-{row.line + row.lines - 1}"
        if row.lines == 0:
            where = f"({row.baseline_line} removed)"
        ratio = f" ({row.after / row.before - 1:+.0%})" if row.before > 0 else ""
        colour = "green" if row.change < 0 else "red"
        table.add_row(
            where,
            markup(row.text.strip()[:60]),
            _mega(row.before),
            _mega(row.after),
            f"[{colour}]{row.kind}: {_mega(abs(row.change))}{ratio}[/]",
        )
    console.print(table)
