"""How well estimated cycles agree with gem5: per run, and above all per speedup.

Speedups are of pairs of sources on the same input (slow vs fast), and of the comparison
groups a calibration set's README lists ("c05 / c06 / c07 — …"), with their Spearman rank
correlation and the share of pairs on the same side of the 1.10× threshold.
"""

from __future__ import annotations

import itertools
import math
import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from attrs import frozen

from pie_lsp.calibration.tables import CalibrationError, Gem5Run, Gem5Table


def require_scipy() -> Any:
    try:
        import numpy
        import scipy.optimize
        import scipy.stats  # noqa: F401
    except ImportError as exc:
        raise CalibrationError(
            f"calibration needs numpy and scipy ({exc})",
            hint="pip install 'pie-lsp[calibrate]'",
        ) from exc
    return numpy


@frozen
class Pair:
    """Two runs on the same input whose cycle ratio is a speedup."""

    name: str
    first: tuple[str, str, str]
    second: tuple[str, str, str]


@frozen
class Agreement:
    """How well estimated cycles agree with gem5 on one table."""

    table: str
    runs: int
    skipped: int
    cycle_error_median: float
    cycle_error_max: float
    worst_run: str
    pairs: int
    speedup_error_median: float | None
    speedup_error_max: float | None
    worst_pair: str
    spearman: float | None
    same_verdict: float | None  # share of pairs on the same side of the 1.10x threshold
    programs: int
    program_speedup_error_median: float | None
    program_spearman: float | None
    details: tuple[dict[str, Any], ...] = ()
    # |estimated instructions - gem5's committed instructions| / gem5's: the same code ran?
    instruction_error_median: float | None = None
    instruction_error_max: float | None = None


def speedup_error(estimated: float, actual: float) -> float:
    """How far apart two speedups are, the same whichever way round: max(a/b, b/a) - 1."""
    ratio = estimated / actual
    return max(ratio, 1 / ratio) - 1


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    if len(xs) < 3:
        return None
    require_scipy()
    from scipy.stats import spearmanr

    value = float(spearmanr(xs, ys).statistic)
    return None if math.isnan(value) else round(value, 4)


def source_pairs(runs: Iterable[Gem5Run]) -> list[Pair]:
    """Every two sources of one program measured on the same input."""
    by_input: dict[tuple[str, str], list[Gem5Run]] = {}
    for run in runs:
        by_input.setdefault((run.program, run.test), []).append(run)
    pairs = []
    for (program, test), group in sorted(by_input.items()):
        ordered = sorted(group, key=lambda r: r.source, reverse=True)
        for a, b in itertools.combinations(ordered, 2):
            pairs.append(Pair(f"{program} test {test}: {a.source}/{b.source}", a.key, b.key))
    return pairs


def readme_groups(readme: str, programs: Iterable[str]) -> list[list[str]]:
    """The comparison groups a calibration README lists under "Groups meant to be compared":
    bullets like "c05 / c06 / c07 — why", several groups per bullet separated by commas.
    Short names (c05) are matched to program folders (c05_branch_random)."""
    names = sorted(set(programs))
    lines = readme.splitlines()
    start = next((i for i, line in enumerate(lines) if "Groups meant to be compared" in line), None)
    if start is None:
        return []
    groups: list[list[str]] = []
    for line in lines[start + 1 :]:
        if not line.strip():
            if groups:
                break
            continue
        if not line.lstrip().startswith("- "):
            if groups and line.startswith("  "):
                continue  # continuation of a bullet
            if groups:
                break
            continue
        head = re.split(r"\s[—–-]{1,2}\s", line.lstrip()[2:], maxsplit=1)[0]
        for part in head.split(","):
            tokens = [t.strip() for t in part.split("/") if t.strip()]
            members = []
            for token in tokens:
                found = [n for n in names if n == token or n.startswith(token + "_")]
                if len(found) == 1:
                    members.append(found[0])
            if len(members) >= 2:
                groups.append(members)
    return groups


def group_pairs(runs: Iterable[Gem5Run], groups: Sequence[Sequence[str]]) -> list[Pair]:
    """Pairs of programs of one comparison group: the same source name measured on the
    same input (calibration programs have one source each, so the name is left out)."""
    index = {r.key: r for r in runs}
    tests = sorted({(r.test, r.source) for r in index.values()})
    several = len({source for _, source in tests}) > 1
    pairs = []
    for group in groups:
        for a, b in itertools.combinations(group, 2):
            for test, source in tests:
                ra, rb = index.get((a, source, test)), index.get((b, source, test))
                if ra is not None and rb is not None:
                    name = f"{a}/{b} test {test}" + (f" ({source})" if several else "")
                    pairs.append(Pair(name, ra.key, rb.key))
    return pairs


def agreement(
    table: Gem5Table,
    predicted: Mapping[tuple[str, str, str], float],
    groups: Sequence[Sequence[str]] = (),
    threshold: float = 1.10,
    instructions: Mapping[tuple[str, str, str], float] | None = None,
) -> Agreement:
    """Cycle and speedup agreement of `predicted` cycles with the table's gem5 cycles (and of
    `instructions`, when given, with gem5's committed instructions)."""
    runs = [r for r in table.usable if r.key in predicted]
    ierrors = [
        abs(instructions[r.key] - r.instructions) / r.instructions
        for r in runs
        if instructions is not None and r.key in instructions and r.instructions
    ]
    actual = {r.key: float(r.cycles or 0.0) for r in runs}
    errors = {r.key: abs(predicted[r.key] - actual[r.key]) / actual[r.key] for r in runs}
    worst = max(errors, key=lambda k: errors[k]) if errors else None
    pairs = source_pairs(runs) + group_pairs(runs, groups)
    pair_rows: list[dict[str, Any]] = []
    for pair in pairs:
        gem5 = actual[pair.first] / actual[pair.second]
        est = predicted[pair.first] / predicted[pair.second]
        pair_rows.append(
            {
                "pair": pair.name,
                "gem5": round(gem5, 4),
                "estimate": round(est, 4),
                "error": round(speedup_error(est, gem5), 4),
                "same_verdict": (gem5 >= threshold) == (est >= threshold)
                and (1 / gem5 >= threshold) == (1 / est >= threshold),
            }
        )
    program_rows = _program_speedups(runs, actual, predicted)
    pe = [p["error"] for p in pair_rows]
    worst_pair = max(pair_rows, key=lambda p: p["error"])["pair"] if pair_rows else ""
    return Agreement(
        table=table.name,
        runs=len(runs),
        skipped=len(table.skipped),
        cycle_error_median=round(statistics.median(errors.values()), 4) if errors else 0.0,
        cycle_error_max=round(max(errors.values()), 4) if errors else 0.0,
        worst_run=_describe(worst) if worst else "",
        pairs=len(pair_rows),
        speedup_error_median=round(statistics.median(pe), 4) if pe else None,
        speedup_error_max=round(max(pe), 4) if pe else None,
        worst_pair=worst_pair,
        spearman=spearman([p["gem5"] for p in pair_rows], [p["estimate"] for p in pair_rows]),
        same_verdict=round(sum(p["same_verdict"] for p in pair_rows) / len(pair_rows), 4)
        if pair_rows
        else None,
        programs=len(program_rows),
        program_speedup_error_median=round(statistics.median(p["error"] for p in program_rows), 4)
        if program_rows
        else None,
        program_spearman=spearman(
            [p["gem5"] for p in program_rows], [p["estimate"] for p in program_rows]
        ),
        details=tuple(
            [
                {
                    "run": _describe(r.key),
                    "gem5_cycles": actual[r.key],
                    "estimate_cycles": round(predicted[r.key], 1),
                    "error": round(errors[r.key], 4),
                }
                for r in runs
            ]
            + [{"kind": "pair", **p} for p in pair_rows]
            + [{"kind": "program", **p} for p in program_rows]
        ),
        instruction_error_median=round(statistics.median(ierrors), 4) if ierrors else None,
        instruction_error_max=round(max(ierrors), 4) if ierrors else None,
    )


def _describe(key: tuple[str, str, str]) -> str:
    return f"{key[0]}/{key[1]} test {key[2]}"


def _program_speedups(
    runs: Sequence[Gem5Run],
    actual: Mapping[tuple[str, str, str], float],
    predicted: Mapping[tuple[str, str, str], float],
) -> list[dict[str, Any]]:
    """PIE's per-program speedup: summed cycles over the tests both sources ran."""
    rows: list[dict[str, Any]] = []
    by_program: dict[str, dict[str, set[str]]] = {}
    for run in runs:
        by_program.setdefault(run.program, {}).setdefault(run.source, set()).add(run.test)
    for program, sources in sorted(by_program.items()):
        if len(sources) != 2:
            continue
        first, second = sorted(sources, reverse=True)
        tests = sorted(sources[first] & sources[second])
        if not tests:
            continue

        def total(values: Mapping[tuple[str, str, str], float], source: str) -> float:
            return sum(values[(program, source, t)] for t in tests)  # noqa: B023

        gem5 = total(actual, first) / total(actual, second)
        est = total(predicted, first) / total(predicted, second)
        rows.append(
            {
                "program": program,
                "tests": len(tests),
                "gem5": round(gem5, 4),
                "estimate": round(est, 4),
                "error": round(speedup_error(est, gem5), 4),
            }
        )
    return rows
