"""Each instruction's cost charged to a line of the user's file: its own line (from the
debug info), or, for library code, the user's line that called it, passed up callgrind's
call graph in proportion to each call's inclusive cost; what no user line called stays with
its library function."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence

from pie_lsp.measure.divisions import DEFAULT_INTDIV_MICRO_OPS, DEFAULT_MICRO_OPS
from pie_lsp.measure.estimate import EXCLUDED_FUNCTIONS
from pie_lsp.profile.counts import (
    _CHAINED_UOPS,
    _CLASS_INDEX,
    _DIV_UOPS,
    _EXTRA_LOOP_UOPS,
    _FETCH_LINES,
    _INTDIV_UOPS,
    _IR,
    _MICRO_OPS,
    _RECURSION,
    KEYS,
    CallgrindRun,
    Vector,
    _add,
    _zeros,
)

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


def attribute(
    run: CallgrindRun,
    where: Mapping[int, tuple[int, str]],
    classes: Mapping[int, str],
    division_uops: Mapping[int, float] | None = None,
    fetch_lines: Mapping[int, float] | None = None,
    micro_ops: Mapping[int, float] | None = None,
    intdiv_uops: Mapping[int, float] | None = None,
    extra_loop_uops: Mapping[int, float] | None = None,
    chained: Collection[int] = (),
) -> dict[str, dict[str, Vector]]:
    """Raw counts per destination: `lines` keyed "LINE\\tFUNCTION\\tLIBRARY" (LIBRARY empty
    for the line's own instructions, else the library its calls spent them in),
    `libraries` keyed by function (what no line of the user's file called), `dropped`.
    Per address: `fetch_lines` and `micro_ops` from blocks.by_address; `division_uops` and
    `intdiv_uops` and `extra_loop_uops` from the division profile (divisions.py), when the
    run has one; `chained`: the division addresses chains.py finds chained."""
    # the lines gem5's fetch reads for the instruction at an address, and its micro-ops
    for index, values in ((_FETCH_LINES, fetch_lines), (_MICRO_OPS, micro_ops)):
        for address, value in (values or {}).items():
            vector = run.self_cost.get(address)
            if vector is not None:
                vector[index] = value
    # classes: executed instructions of a class at an address count its executions
    for address, name in classes.items():
        vector = run.self_cost.get(address)
        if vector is not None:
            vector[_CLASS_INDEX[name]] = vector[_IR]
            if name in ("div64", "div32"):  # the estimate's short form, without a profile
                vector[_DIV_UOPS] = DEFAULT_MICRO_OPS * vector[_IR]
                vector[_INTDIV_UOPS] = DEFAULT_INTDIV_MICRO_OPS * vector[_IR]
    dividing = [a for a, v in run.self_cost.items() if v[_DIV_UOPS] > 0]
    for index, profiled in (
        (_DIV_UOPS, division_uops),
        (_INTDIV_UOPS, intdiv_uops),
        (_EXTRA_LOOP_UOPS, extra_loop_uops),
    ):
        if profiled is None:
            continue
        # the division profile's micro-ops where it names the address; the rest (address
        # unknown, or not seen by callgrind) spread over the divisions by their executions
        for address in dividing:
            run.self_cost[address][index] = 0.0
        spare = 0.0
        for address, uops in profiled.items():
            if address in run.self_cost and address in classes:
                run.self_cost[address][index] += uops
            else:
                spare += uops
        executions = sum(run.self_cost[a][_IR] for a in dividing)
        for address in dividing if executions > 0 else ():
            run.self_cost[address][index] += spare * run.self_cost[address][_IR] / executions
    for address in chained:
        vector = run.self_cost.get(address)
        if vector is not None:
            vector[_CHAINED_UOPS] = vector[_INTDIV_UOPS]

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
