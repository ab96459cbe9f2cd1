"""The estimate's agreement with gem5 before and after each fix of issue 10, on held-out pairs.

`python benchmarks/estimate_agreement.py [PLAN] [--json OUT]` (PLAN: default
benchmarks/data/calibration.json). Every run of the plan's tables is measured twice with the
estimate (cached): as gem5 runs it (glibc shown gem5's CPU, the machine file's tunables) and
as the host's CPU runs it (no tunables: what the estimate did before). Then eight models are
fitted on the plan's fit data only and reported on its held-out data:

- v1 as shipped: the previous machine file's costs (fitted on the calibration set), host CPU;
- v1 refit: the same cost parameters, refitted on this plan's fit data, host CPU;
- + cause 1: glibc shown gem5's CPU (and the start-up difference removed), same parameters;
- + cause 2: also priced by instruction class (division, multiplication, FP, memory access);
  divisions priced per instruction by operand size (estimate v2);
- + cause 3: divisions priced per gem5 micro-op, from the quotients (estimate v3);
- + cause 4: the 16-byte lines gem5's fetch reads priced (estimate v4, blocks.py);
- + cause 5: gem5's micro-ops priced in place of instructions, branches, memory accesses
  and FP arithmetic, the divisions' IntDiv micro-ops apart (estimate v5).
- + cause 6: the IntDiv micro-ops of chained divisions (chains.py) and of further microcode
  loop iterations priced apart (estimate v6).

The plan of record (calibration.json) holds out the fresh pairs written after v5; the
split v1-v5 were chosen on is calibration_v5.json (its table: estimate_agreement.json).

Figures go to stdout as a Markdown table (docs/ESTIMATE.md) and, with --json, to a file.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from attrs import asdict

from pie_lsp.assets import asset
from pie_lsp.calibrate import Agreement, calibrate, measure_counts, read_plan
from pie_lsp.measure import load_machine
from pie_lsp.measure.pricing import V4_COST_PARAMETERS, V5_COST_PARAMETERS
from pie_lsp.settings import load

HERE = Path(__file__).resolve().parent
# The machine file's costs before issue 10 (cachegrind, host CPU; docs/ESTIMATE.md history).
V1_COSTS = {
    "instructions": 1.451652,
    "l1i_misses": 0.89407,
    "l1d_misses": 0.89407,
    "lli_misses": 126.440893,
    "lld_read_misses": 26.355404,
    "lld_write_misses": 211.669433,
    "branch_mispredicts": 26.229017,
    "indirect_mispredicts": 26.229017,
    "per_run": 0.0,
}
V1_PARAMETERS = (
    "instructions",
    "l1_misses",
    "lli_misses",
    "lld_read_misses",
    "lld_write_misses",
    "mispredicts",
    "per_run",
)
# Estimate v2's parameters: today's, with integer division priced per executed instruction
# by operand size instead of per gem5 micro-op.
V3_PARAMETERS = {
    name: members for name, members in V4_COST_PARAMETERS.items() if name != "fetch_lines"
}
V2_PARAMETERS = {
    **{name: members for name, members in V3_PARAMETERS.items() if name != "div_uops"},
    "div64": ("div64",),
    "div32": ("div32",),
}


def pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def row(name: str, held: Agreement, fit_cal: Agreement) -> str:
    return (
        f"| {name} | {held.pairs} | {pct(held.speedup_error_median)} | "
        f"{pct(held.speedup_error_max)} | "
        f"{'–' if held.spearman is None else f'{held.spearman:.3f}'} | "
        f"{pct(held.same_verdict)} | {pct(held.instruction_error_median)} | "
        f"{pct(fit_cal.cycle_error_median)} | {pct(fit_cal.instruction_error_median)} / "
        f"{pct(fit_cal.instruction_error_max)} |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plan", nargs="?", type=Path, default=HERE / "data" / "calibration.json")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    plan = read_plan(args.plan)
    tables = [*plan.fit, *plan.held_out]
    machine_path = asset("simulator", "skylake.json")
    machine = load_machine(machine_path)
    host = json.loads(json.dumps(machine))
    host["estimate"]["glibc_tunables"] = ""
    host["estimate"]["startup_instructions"] = 0
    with tempfile.TemporaryDirectory() as tmp:
        host_path = Path(tmp) / "host.json"
        host_path.write_text(json.dumps(host))
        gem5_cpu = asyncio.run(measure_counts(tables, load(Path.cwd(), {"jobs": args.jobs})))
        host_cpu = asyncio.run(
            measure_counts(
                tables,
                load(
                    Path.cwd(),
                    {"jobs": args.jobs, "simulator": {"estimate": {"params": str(host_path)}}},
                ),
            )
        )
    v1_machine = {**host, "estimate": {**host["estimate"], "costs": V1_COSTS}}
    models: list[tuple[str, Any]] = [
        (
            "v1 as shipped (host CPU, costs fitted on the calibration set)",
            calibrate(
                plan.fit,
                plan.held_out,
                host_cpu,
                v1_machine,
                machine_path,
                V1_PARAMETERS,
                tied=V4_COST_PARAMETERS,
            ),
        ),
        (
            "v1 refit on this fit data (host CPU)",
            calibrate(
                plan.fit,
                plan.held_out,
                host_cpu,
                host,
                machine_path,
                V1_PARAMETERS,
                tied=V4_COST_PARAMETERS,
            ),
        ),
        (
            "+ cause 1: gem5's CPU for glibc",
            calibrate(
                plan.fit,
                plan.held_out,
                gem5_cpu,
                machine,
                machine_path,
                V1_PARAMETERS,
                tied=V4_COST_PARAMETERS,
            ),
        ),
        (
            "+ cause 2: instruction classes priced (v2: division per instruction)",
            calibrate(plan.fit, plan.held_out, gem5_cpu, machine, machine_path, tied=V2_PARAMETERS),
        ),
        (
            "+ cause 3: division per gem5 micro-op (v3)",
            calibrate(plan.fit, plan.held_out, gem5_cpu, machine, machine_path, tied=V3_PARAMETERS),
        ),
        (
            "+ cause 4: gem5's fetch lines (v4)",
            calibrate(
                plan.fit, plan.held_out, gem5_cpu, machine, machine_path, tied=V4_COST_PARAMETERS
            ),
        ),
        (
            "+ cause 5: gem5's micro-ops, IntDiv apart, in place of instructions (v5)",
            calibrate(
                plan.fit, plan.held_out, gem5_cpu, machine, machine_path, tied=V5_COST_PARAMETERS
            ),
        ),
        (
            "+ cause 6: chained divisions and further loop iterations apart (v6)",
            calibrate(plan.fit, plan.held_out, gem5_cpu, machine, machine_path),
        ),
    ]
    print(
        "| model | held-out pairs | speedup error median | worst | Spearman | same 1.10× "
        "verdict | instr. error median (held out) | calibration cycle error median | "
        "calibration instr. error median / max |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    report = {}
    for index, (name, result) in enumerate(models):
        agreements = result.current if index == 0 else result.fitted
        held = agreements[-1]
        calibration = agreements[0]
        print(row(name, held, calibration))
        report[name] = {
            "parameters": result.parameters,
            "agreement": [
                {k: v for k, v in asdict(a).items() if k != "details"} for a in agreements
            ],
            "held_out_details": list(held.details),
        }
    print(f"\nworst held-out pair (last model): {models[-1][1].fitted[-1].worst_pair}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
