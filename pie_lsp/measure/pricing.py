"""Pricing raw counts: the estimate's features, the fitted costs' parameters, cycles.

Raw counts (valgrind's events, executed instructions per class, division micro-ops, the
16-byte lines gem5's fetch reads) become the cost model's features (`features`); cycles
are the sum of cost x feature (`estimated_cycles`) with the machine file's costs, fitted by
`pie-lsp calibrate` over the parameters of `COST_PARAMETERS`. Used by the estimate, the
calibration and the per-line profile, so all three price a count the same way.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from pie_lsp.cache import digest
from pie_lsp.measure.classes import INSTRUCTION_CLASSES
from pie_lsp.measure.divisions import (
    DEFAULT_MICRO_OPS,
    extra_loop_micro_ops,
    intdiv_micro_ops,
)

# The events a cost applies to, derived from the counts.
FEATURES = (
    "instructions",
    "l1i_misses",
    "lli_misses",
    "l1d_misses",
    "lld_read_misses",
    "lld_write_misses",
    "branch_mispredicts",
    "indirect_mispredicts",
    "memory_accesses",
    "branches",
    *INSTRUCTION_CLASSES,
    "div_uops",
    "fetch_lines",
    "micro_ops",
    "intdiv_uops",
    "div_stream_uops",
    "intdiv_first_uops",
    "intdiv_extra_loop_uops",
    "intdiv_chained_uops",
)


# What `pie-lsp calibrate` fits: one cost per parameter, shared by its features, plus a
# per-run constant. Tying is physical: a miss that hits the last level costs about the same
# from the I-side as from the D-side; a mispredicted indirect branch flushes the pipeline
# like a conditional one; FP add, multiply and conversion all have 4-5 cycle latencies, and
# divide and square root share the one unpipelined FP divider. Integer division is priced
# per gem5 micro-op (divisions.py: the microcode loop's length follows the quotient), not
# per instruction; the div64/div32 counts stay as features, unpriced. Bit scans
# (bsf/bsr: __builtin_ctz, __lg) are microcode sequences in gem5 too.
# Memory accesses and branches are priced apart from plain instructions: ALU-dense loops run
# above one instruction per cycle in gem5, loads, stores and branches below.
# Since v4, the 16-byte lines gem5's fetch reads (blocks.py) are priced too: each costs the
# L1I's latency, which a loop inside one line never pays and a long loop pays per line.
V4_COST_PARAMETERS: dict[str, tuple[str, ...]] = {
    "instructions": ("instructions",),
    "l1_misses": ("l1i_misses", "l1d_misses"),
    "lli_misses": ("lli_misses",),
    "lld_read_misses": ("lld_read_misses",),
    "lld_write_misses": ("lld_write_misses",),
    "mispredicts": ("branch_mispredicts", "indirect_mispredicts"),
    "memory_accesses": ("memory_accesses",),
    "branches": ("branches",),
    "div_uops": ("div_uops",),
    "int_mul": ("int_mul",),
    "bit_scan": ("bit_scan",),
    "fp_arith": ("fp_add", "fp_mul", "fp_convert", "x87"),
    "fp_div_sqrt": ("fp_div", "fp_sqrt"),
    "fetch_lines": ("fetch_lines",),
    "per_run": ("per_run",),
}

# Estimate v5 prices what gem5's front end and its divide unit see, not instructions: the
# fetch lines, and gem5's micro-ops (blocks.py's count; fetch delivers 4 a cycle), with
# the division micro-ops split in two. Those of class IntDiv (div1, div2i, the div2 steps)
# go one a cycle through gem5's single divide unit in a serial chain; the others (divq,
# divr, idiv's sign fix-ups) stream with the rest (divisions.py). So a short 64-bit idiv
# is 7 IntDiv micro-ops and 22 others, not 29 at one price (gem5: about 7 cycles). With
# micro-ops priced, instructions, branches, memory accesses, multiplies and FP arithmetic
# are not: in gem5 they cost their micro-ops and their fetch lines (docs/GEM5_STATS.md);
# chosen among v4's variants by a leave-one-program-out cross-validation of the fit data
# (benchmarks/estimate_cv.py, docs/ESTIMATE.md "Cause 5").
V5_COST_PARAMETERS: dict[str, tuple[str, ...]] = {
    "micro_ops": ("micro_ops", "div_stream_uops"),
    "intdiv_uops": ("intdiv_uops",),
    "fetch_lines": ("fetch_lines",),
    "l1_misses": ("l1i_misses", "l1d_misses"),
    "lli_misses": ("lli_misses",),
    "lld_read_misses": ("lld_read_misses",),
    "lld_write_misses": ("lld_write_misses",),
    "mispredicts": ("branch_mispredicts", "indirect_mispredicts"),
    "bit_scan": ("bit_scan",),
    "fp_div_sqrt": ("fp_div", "fp_sqrt"),
    "per_run": ("per_run",),
}

# Estimate v6 prices IntDiv micro-ops by where they sit (chains.py; docs/ESTIMATE.md "Cause
# 6"). gem5's divide unit is pipelined, so independent divisions overlap their serial
# microcode chains with other work: the first loop iteration's chain (7 IntDiv micro-ops)
# costs little. Further loop iterations (a long quotient) lengthen each chain past what the
# window hides, and a division whose inputs come from its own previous result (Euclid's
# gcd, `x = x * a % m`) waits for the whole chain: both are priced on top. Chosen by the
# leave-one-program-out cross-validation of everything measured before the fresh held-out
# set (benchmarks/estimate_cv.py, model 7b), by a rule fixed before any estimate of it.
COST_PARAMETERS: dict[str, tuple[str, ...]] = {
    "micro_ops": ("micro_ops", "div_stream_uops"),
    "intdiv_first": ("intdiv_first_uops",),
    "intdiv_extra_loops": ("intdiv_extra_loop_uops",),
    "intdiv_chained": ("intdiv_chained_uops",),
    **{k: v for k, v in V5_COST_PARAMETERS.items() if k not in ("micro_ops", "intdiv_uops")},
}


def parameter_values(
    counts: Mapping[str, float],
    startup: float = 0.0,
    tied: Mapping[str, tuple[str, ...]] = COST_PARAMETERS,
) -> dict[str, float]:
    """The fit's regressors for one run: each parameter's features summed (per_run = 1).
    `tied` is the parameterisation (an earlier model's, in benchmarks/estimate_agreement)."""
    feats = features(counts, startup)
    feats["per_run"] = 1.0
    return {name: sum(feats[f] for f in members) for name, members in tied.items()}


def expand_costs(
    parameters: Mapping[str, float], tied: Mapping[str, tuple[str, ...]] = COST_PARAMETERS
) -> dict[str, float]:
    """Per-feature costs (the machine file's form) from fitted per-parameter costs."""
    return {
        feature: float(parameters.get(name, 0.0))
        for name, members in tied.items()
        for feature in members
    }


def features(counts: Mapping[str, float], startup: float = 0.0) -> dict[str, float]:
    """Cost-model features from raw counts (valgrind's events plus instruction classes);
    `startup` is the instructions glibc's start-up runs under valgrind and not in gem5."""
    feats = {
        "instructions": max(counts["Ir"] - startup, 0.0),
        "l1i_misses": counts["I1mr"] - counts["ILmr"],
        "lli_misses": counts["ILmr"],
        "l1d_misses": counts["D1mr"] + counts["D1mw"] - counts["DLmr"] - counts["DLmw"],
        "lld_read_misses": counts["DLmr"],
        "lld_write_misses": counts["DLmw"],
        "branch_mispredicts": counts["Bcm"],
        "indirect_mispredicts": counts["Bim"],
        "memory_accesses": counts["Dr"] + counts["Dw"],
        "branches": counts["Bc"] + counts["Bi"],
    }
    for name in INSTRUCTION_CLASSES:
        feats[name] = counts.get(name, 0.0)
    # counts without a division profile (a profile's per-line costs): the short form each
    feats["div_uops"] = counts.get(
        "div_uops", DEFAULT_MICRO_OPS * (feats["div64"] + feats["div32"])
    )
    # counts without per-instruction addresses (a profile's per-line costs): none
    feats["fetch_lines"] = counts.get("fetch_lines", 0.0)
    feats["micro_ops"] = counts.get("micro_ops", 0.0)  # divisions left out (blocks.py)
    # a profile's line gives its own; a run's come from its division counts
    feats["intdiv_uops"] = (
        counts["intdiv_uops"] if "intdiv_uops" in counts else intdiv_micro_ops(counts)
    )
    feats["div_stream_uops"] = feats["div_uops"] - feats["intdiv_uops"]
    # a profile's line gives its own (per address); a run's come from its totals: the
    # further loop iterations from the division profile, the chained share from chains.py
    # (by executions: a run rarely mixes chained and independent divisions)
    feats["intdiv_extra_loop_uops"] = (
        counts["intdiv_extra_loop_uops"]
        if "intdiv_extra_loop_uops" in counts
        else extra_loop_micro_ops(counts)
    )
    feats["intdiv_first_uops"] = feats["intdiv_uops"] - feats["intdiv_extra_loop_uops"]
    divisions = feats["div64"] + feats["div32"]
    feats["intdiv_chained_uops"] = (
        counts["intdiv_chained_uops"]
        if "intdiv_chained_uops" in counts
        else feats["intdiv_uops"] * counts.get("div_chained", 0.0) / divisions
        if divisions
        else 0.0
    )
    return feats


def estimated_cycles(
    counts: Mapping[str, float], costs: Mapping[str, float], startup: float = 0.0
) -> float:
    feats = features(counts, startup)
    return sum(costs.get(name, 0.0) * value for name, value in feats.items()) + costs.get(
        "per_run", 0.0
    )


def costs_digest(costs: Mapping[str, float]) -> str:
    """A short hash of a cost table: it names the costs in labels and priced cache keys."""
    return digest(json.dumps(dict(costs), sort_keys=True))[:12]
