"""Choosing the estimate's next model on the fit side only: leave-one-program-out, then held out.

`python benchmarks/estimate_cv.py [PLAN] [--jobs N] [--json OUT]` (PLAN: default
benchmarks/data/calibration.json). Every model below is a parameterisation of the same raw
counts (the cached estimate counts of every run of the plan: no new valgrind runs). For each:

1. **fit-side cross-validation:** for every program of the plan's fit tables (the
   calibration set's micro-programs and the fit half of the new pairs), the costs are fitted
   on the fit runs of all the *other* programs and the left-out program's runs are priced
   with them. The out-of-fold cycles of all fit runs are then scored like any table: the fit
   half's slow/fast pairs (speedup error median and worst, Spearman, same 1.10× verdict) and
   the calibration set's cycle error. This is what a model is chosen by.
2. **held out:** the model fitted on all the fit data, reported once on the held-out pairs
   (the held-out half and the PIE sample), as `pie-lsp calibrate` does.

The models (docs/ESTIMATE.md, "Tried after v4"), each set from gem5's configuration and
H10b's gem5 statistics (docs/GEM5_STATS.md), not from the held-out pairs:

- **v4:** estimate v4 (pricing.V4_COST_PARAMETERS);
- **stores apart:** gem5's O3 core retires a store into its store queue and does not wait
  for its miss, while a load's consumers wait: L1 data misses and every-level data misses
  of reads and writes priced apart, and loads apart from stores;
- **micro-ops:** gem5's front end delivers micro-ops (4 a cycle, division microcode
  included), so gem5's micro-ops of every executed instruction (blocks.py's count, plus the
  divisions' from divisions.py) are priced in place of instructions, branches, memory
  accesses, multiplies, FP arithmetic and the separate division price; fetch lines, misses,
  mispredictions, bit scans and the FP divider stay;
- **micro-ops, IntDiv apart:** as above, with the division micro-ops that take gem5's one
  divide unit (`div1`, `div2i` and the `div2` steps: 3 + 4 per loop iteration) priced apart
  from the rest of the micro-ops (the sign fix-ups and `divq`/`divr` stream like others):
  chosen by the cross-validation, shipped as estimate v5 (pricing.COST_PARAMETERS);
- **both:** micro-ops with stores apart.

Tried after v5 (counts of blocks v2, where `tzcnt`/`lzcnt` count as gem5's BSF/BSR
microcode), from H10b's fetch rule, which fits all 17 of his probe loops
(docs/GEM5_STATS.md), not from the held-out pairs: **front-end cycles**
(blocks.py `front_end_cycles`: 3 cycles of I-cache wait per new 16-byte line plus
ceil(U / 4) per start on a block, U the block's micro-ops per start) in place of v5's
micro-ops and fetch lines (5a), beside them (5b), in place of the micro-ops with the lines
kept (5c); and v5 without its bit-scan price, now that bit scans' micro-ops are counted (5d).
Chosen on the fit-side CV alone, before any held-out figure of them: **none; v5 stays.**
5a-5c lower the mean pair error (5.2% to 4.9-5.1%) and the worst (25.9% to 25.7-26.0%) but
lose the median (3.0% to 3.2-3.4%), the same verdict (97.5% to 95.0-96.2%: fs-35's
memory-bound loop-order pair flips) and the CV calibration median (5.5% to 6.8-7.3%);
5d ties v5 on every figure (the fit data have almost no bit scans).

**For the fresh held-out set (after v5).** The 152 held-out pairs above had been looked at,
so a new set was written blind (benchmarks/estimate_fresh/, 40 pairs, 80 comparisons) and
everything measured before it became the fit side: the calibration set, all the new pairs
and the PIE sample (`benchmarks/data/calibration.json` since; the old split is
`calibration_v5.json`). On that fit side the division residuals split in two (chains.py):
divisions on their own previous result (Euclid's gcd, `x = x * a % m`) cost ~1.2-1.3 cycles
per IntDiv micro-op beyond the rest of v5, independent ones ~0.2-0.4, plus ~6 cycles per
further microcode loop iteration of a long quotient (the calibration set's c03). Models 7a-7d
price that. **The rule, fixed before any estimate of the fresh set:** one point per issue
target the fit-side CV meets (pairs' median <= 8%, worst <= 30%, Spearman >= 0.97, same
verdict >= 97%, calibration cycle error median <= 8%); most points wins, ties go to the
higher same verdict, then the lower worst pair, then the lower mean pair error. Run
`python benchmarks/estimate_cv.py` (this plan): v5 scores 3 (worst 48.8%, fs-26 test 2;
same verdict 96.5%);
models 2, 3, 7c, 7d and 7b score 5, and **7b wins on the same verdict (98.3% against
97.0%)**: median 2.7%, worst 26.0% (e38 test 2), Spearman 0.995, CV calibration 5.4%, mean
pair error 4.0% (v5: 4.8%). Shipped as estimate v6 (pricing.COST_PARAMETERS).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pie_lsp.assets import asset
from pie_lsp.calibrate import (
    Calibration,
    calibrate,
    fit_costs,
    measure_counts,
    merged_agreement,
    read_plan,
)
from pie_lsp.calibration.agreement import Agreement, agreement
from pie_lsp.calibration.tables import Gem5Table
from pie_lsp.measure import load_machine, pricing
from pie_lsp.settings import load

HERE = Path(__file__).resolve().parent
Key = tuple[str, str, str, str]
Tied = Mapping[str, tuple[str, ...]]
BASE_FEATURES = pricing.features


def explored_features(counts: Mapping[str, float], startup: float = 0.0) -> dict[str, float]:
    """pricing.features plus the candidates' features, all from the raw counts."""
    feats = BASE_FEATURES(counts, startup)
    feats["loads"] = counts["Dr"]
    feats["stores"] = counts["Dw"]
    feats["l1d_read_misses"] = counts["D1mr"] - counts["DLmr"]
    feats["l1d_write_misses"] = counts["D1mw"] - counts["DLmw"]
    feats["front_end_cycles"] = counts.get("front_end_cycles", 0.0)  # blocks v2
    return feats


V4 = pricing.V4_COST_PARAMETERS


def _without(base: Tied, *names: str) -> dict[str, tuple[str, ...]]:
    return {k: v for k, v in base.items() if k not in names}


STORES_APART = {
    **_without(V4, "l1_misses", "memory_accesses"),
    "l1i_misses": ("l1i_misses",),
    "l1d_read_misses": ("l1d_read_misses",),
    "l1d_write_misses": ("l1d_write_misses",),
    "loads": ("loads",),
    "stores": ("stores",),
}
MICRO_OPS = {
    **_without(
        V4, "instructions", "branches", "memory_accesses", "int_mul", "fp_arith", "div_uops"
    ),
    "micro_ops": ("micro_ops", "div_uops"),
}
# MICRO_OPS with the IntDiv micro-ops priced apart: estimate v5, chosen by this script's
# cross-validation and shipped as pricing.V5_COST_PARAMETERS
MICRO_OPS_INTDIV = pricing.V5_COST_PARAMETERS
BOTH = {
    **_without(MICRO_OPS, "l1_misses"),
    "l1i_misses": ("l1i_misses",),
    "l1d_read_misses": ("l1d_read_misses",),
    "l1d_write_misses": ("l1d_write_misses",),
}
BOTH_INTDIV = {
    **_without(MICRO_OPS_INTDIV, "l1_misses"),
    "l1i_misses": ("l1i_misses",),
    "l1d_read_misses": ("l1d_read_misses",),
    "l1d_write_misses": ("l1d_write_misses",),
}
# After v5 (blocks v2): gem5's fetch cycles by H10b's rule from the probe loops
# (blocks.front_end_cycles: 3 per new 16-byte line, ceil(micro-ops / 4) per start on a
# block); the divisions' streaming micro-ops keep a price of their own beside it.
FRONT_END = {
    **_without(MICRO_OPS_INTDIV, "micro_ops", "fetch_lines"),
    "front_end": ("front_end_cycles",),
    "div_stream_uops": ("div_stream_uops",),
}
FRONT_END_BESIDE = {**MICRO_OPS_INTDIV, "front_end": ("front_end_cycles",)}
FRONT_END_LINES = {
    **_without(MICRO_OPS_INTDIV, "micro_ops"),
    "front_end": ("front_end_cycles",),
    "div_stream_uops": ("div_stream_uops",),
}
V5_NO_BIT_SCAN = _without(MICRO_OPS_INTDIV, "bit_scan")
# After v5, for the fresh held-out set (chains.py, docs/ESTIMATE.md "Cause 6"): a division
# on its own previous result waits for its whole IntDiv chain; an independent one overlaps
# it, except for the further microcode loop iterations of a long quotient.
CHAINED = {**MICRO_OPS_INTDIV, "intdiv_chained": ("intdiv_chained_uops",)}
INTDIV_SPLIT = {
    "intdiv_first": ("intdiv_first_uops",),
    "intdiv_extra_loops": ("intdiv_extra_loop_uops",),
    "intdiv_chained": ("intdiv_chained_uops",),
}
CHAINED_LOOPS = pricing.COST_PARAMETERS  # v5 with INTDIV_SPLIT for intdiv_uops: estimate v6
FRONT_END_CHAINED = {**FRONT_END, "intdiv_chained": ("intdiv_chained_uops",)}
FRONT_END_CHAINED_LOOPS = {**_without(FRONT_END, "intdiv_uops"), **INTDIV_SPLIT}
MODELS: dict[str, Tied] = {
    "v4 (shipped)": V4,
    "1. stores apart": STORES_APART,
    "2. micro-ops in place of instructions": MICRO_OPS,
    "2b. micro-ops, IntDiv micro-ops apart (v5)": MICRO_OPS_INTDIV,
    "3. micro-ops and stores apart": BOTH,
    "3b. micro-ops, IntDiv apart, stores apart": BOTH_INTDIV,
    "5a. front-end cycles in place of micro-ops and fetch lines": FRONT_END,
    "5b. front-end cycles beside v5's micro-ops and fetch lines": FRONT_END_BESIDE,
    "5c. front-end cycles in place of micro-ops, fetch lines kept": FRONT_END_LINES,
    "5d. v5 without the bit-scan price (bit scans' micro-ops counted)": V5_NO_BIT_SCAN,
    "7a. v5 + chained divisions' IntDiv micro-ops": CHAINED,
    "7b. 7a, further division loop iterations apart": CHAINED_LOOPS,
    "7c. 5a + chained divisions' IntDiv micro-ops": FRONT_END_CHAINED,
    "7d. 7c, further division loop iterations apart": FRONT_END_CHAINED_LOOPS,
}


def cross_validate(
    fit_tables: Sequence[Gem5Table],
    counts: Mapping[Key, Mapping[str, float]],
    tied: Tied,
    startup: float,
    groups_for: Callable[[Gem5Table], list[list[str]]],
) -> tuple[Agreement, ...]:
    """Leave-one-program-out over the fit tables: each program's runs priced with costs
    fitted on every other program's, then scored per table like a calibration."""
    runs = [(t, r) for t in fit_tables for r in t.usable]
    values = {
        (str(t.programs), *r.key): pricing.parameter_values(
            counts[(str(t.programs), *r.key)], startup, tied
        )
        for t, r in runs
    }
    names = list(tied)
    predicted: dict[Key, float] = {}
    programs = sorted({(str(t.programs), r.program) for t, r in runs})
    for folder, program in programs:
        train = [(t, r) for t, r in runs if (str(t.programs), r.program) != (folder, program)]
        costs = fit_costs(
            [values[(str(t.programs), *r.key)] for t, r in train],
            [float(r.cycles or 0.0) for _, r in train],
            names,
        )
        for t, r in runs:
            if (str(t.programs), r.program) == (folder, program):
                key = (str(t.programs), *r.key)
                predicted[key] = sum(costs[n] * values[key][n] for n in names)
    per_table = [
        agreement(
            t,
            {r.key: predicted[(str(t.programs), *r.key)] for r in t.usable},
            groups_for(t),
        )
        for t in fit_tables
    ]
    return (*per_table, *fit_side_pairs(fit_tables, predicted))


def fit_side_pairs(
    fit_tables: Sequence[Gem5Table], predicted: Mapping[Key, float]
) -> list[Agreement]:
    """The pair tables of a fit side with more than one (every table after the calibration
    set) scored as one, appended so that the last agreement is always the pairs'."""
    if len(fit_tables) <= 2:
        return []
    pair_tables = fit_tables[1:]
    return [
        merged_agreement(
            "fit-side pairs",
            pair_tables,
            {r.key: predicted[(str(t.programs), *r.key)] for t in pair_tables for r in t.usable},
        )
    ]


def pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def figures(a: Agreement) -> str:
    spearman = "–" if a.spearman is None else f"{a.spearman:.3f}"
    return (
        f"{pct(a.speedup_error_median)} / {pct(a.speedup_error_max)} | {spearman} | "
        f"{pct(a.same_verdict)}"
    )


def misses(a: Agreement) -> list[str]:
    return [
        f"{d['pair']} ({d['gem5']:.3f} vs {d['estimate']:.3f})"
        for d in a.details
        if d.get("kind") == "pair" and not d["same_verdict"]
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plan", nargs="?", type=Path, default=HERE / "data" / "calibration.json")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--held-out", action="store_true", help="also fit on all fit data and report held out"
    )
    args = parser.parse_args()
    from pie_lsp.calibrate import _groups_for
    from pie_lsp.measure.estimate import startup_instructions

    plan = read_plan(args.plan)
    machine_path = asset("simulator", "skylake.json")
    machine = load_machine(machine_path)
    startup = startup_instructions(machine)
    counts = asyncio.run(
        measure_counts([*plan.fit, *plan.held_out], load(Path.cwd(), {"jobs": args.jobs}))
    )
    print(
        "| model | fit-side CV: pairs' speedup error median / worst | Spearman | same verdict "
        "| CV calibration cycle error median | in-sample calibration cycle error median |"
        + (" held out: median / worst | Spearman | same verdict |" if args.held_out else "")
    )
    print("|---|---|---|---|---|---|" + ("---|---|---|" if args.held_out else ""))
    report: dict[str, Any] = {}
    pricing.features = explored_features  # parameter_values and estimated_cycles read it
    try:
        for name, tied in MODELS.items():
            cv = cross_validate(plan.fit, counts, tied, startup, _groups_for)
            full: Calibration = calibrate(
                plan.fit, plan.held_out, counts, machine, machine_path, tied=tied
            )
            pairs_cv = cv[-1]
            line = (
                f"| {name} | {figures(pairs_cv)} | {pct(cv[0].cycle_error_median)} | "
                f"{pct(full.fitted[0].cycle_error_median)} |"
            )
            entry: dict[str, Any] = {
                "parameters": full.parameters,
                "cv_pairs": {
                    "median": pairs_cv.speedup_error_median,
                    "worst": pairs_cv.speedup_error_max,
                    "worst_pair": pairs_cv.worst_pair,
                    "spearman": pairs_cv.spearman,
                    "same_verdict": pairs_cv.same_verdict,
                    "verdict_misses": misses(pairs_cv),
                    "errors_over_20pct": [
                        f"{d['pair']} {d['error']:.1%}"
                        for d in pairs_cv.details
                        if d.get("kind") == "pair" and d["error"] > 0.2
                    ],
                    "mean_error": statistics.fmean(
                        d["error"] for d in pairs_cv.details if d.get("kind") == "pair"
                    ),
                },
                "cv_calibration_cycle_error_median": cv[0].cycle_error_median,
                "calibration_cycle_error_median": full.fitted[0].cycle_error_median,
            }
            if args.held_out:
                held = full.fitted[-1]
                line += f" {figures(held)} |"
                entry["held_out"] = {
                    "median": held.speedup_error_median,
                    "worst": held.speedup_error_max,
                    "worst_pair": held.worst_pair,
                    "spearman": held.spearman,
                    "same_verdict": held.same_verdict,
                    "verdict_misses": misses(held),
                }
            print(line)
            report[name] = entry
    finally:
        pricing.features = BASE_FEATURES
    print(json.dumps(report, indent=1))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
