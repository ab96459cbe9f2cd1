"""Raw counts priced with the estimate's costs: the `Profile` (cycles per line, per
function and per library function, shares of the total) and where functions are defined."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from attrs import asdict, field, frozen

from pie_lsp.measure.pricing import features
from pie_lsp.profile.attribution import library_of
from pie_lsp.profile.counts import _IR, KEYS, Vector, _add, _zeros

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
