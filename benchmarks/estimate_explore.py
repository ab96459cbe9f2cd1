"""Models tried for the estimate's remaining misses (issue 10), and their figures.

`python benchmarks/estimate_explore.py [PLAN] [--work DIR] [--jobs N]` (PLAN: default
benchmarks/data/calibration_v5.json, the split these models were judged on). Each model
is fitted on the plan's fit data only and reported on its held-out data, like
benchmarks/estimate_agreement.py, beside estimates v3 and v4:

- **division, sign micro-ops apart:** `idiv`'s 19 sign micro-ops priced apart from the serial
  `div1`/`div2`/`divq`/`divr` chain (gem5 runs them beside it);
- **basic-block throughput (llvm-mca):** callgrind's per-instruction counts cut into basic
  blocks (contiguous addresses executed equally often, ended by control flow); every block
  executed at least `HOT` times is given to `llvm-mca -mcpu=skylake` (divisions left out:
  they are priced by gem5's micro-ops) and its cycles per iteration times the block's
  executions form one more feature, either beside the others or in place of the hot blocks'
  instruction, branch and memory-access counts;
- **self-looping blocks:** instructions (and branches) of blocks that jump back to their own
  start, priced apart from the rest;
- **last level as gem5's L2:** valgrind's last-level cache sized as gem5's L2 (1 MiB,
  16-way) instead of the L3, for the memory-level verdict misses;
- **gem5's fetch (estimate v4 and variants):** blocks.py's counts, which every estimate
  run now has: the 16-byte lines fetch reads (v4 prices them beside v3's features), and
  variants tried after v4: taken branches instead of all branches, gem5's micro-ops
  (divisions' included) instead of instructions, and v4 with `idiv`'s sign micro-ops apart.

The per-instruction counts need callgrind's output, which the estimate's cache does not keep,
so every run of the plan is measured again (minutes; kept in --work, default
/tmp/pie-estimate-explore, and reused). Figures go to stdout as a Markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import pickle
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pie_lsp.assets import asset
from pie_lsp.build import Builder
from pie_lsp.cache import Cache
from pie_lsp.calibrate import Calibration, calibrate, measure_counts, read_plan
from pie_lsp.calibration.tables import Gem5Table
from pie_lsp.measure import classes, estimate, load_machine, pricing
from pie_lsp.measure.divisions import SETUP_MICRO_OPS
from pie_lsp.sandbox import Sandbox
from pie_lsp.settings import load
from pie_lsp.verify import TestCase

HERE = Path(__file__).resolve().parent
Key = tuple[str, str, str, str]
# A block is given to llvm-mca when executed at least this many times (chosen before any fit).
HOT = 1000
CONTROL = re.compile(r"(j\w+|call\w*|ret\w*|loop\w*|syscall|hlt|ud2)")
# Not given to llvm-mca: divisions (priced by gem5's micro-ops), string and system
# instructions (llvm-mca models a real Skylake; these are microcode in gem5 too).
NOT_MCA = re.compile(r"(i?div\w?|rep\w*|syscall|cpuid|rdtsc|xgetbv|call\w*|ret\w*|hlt)")
SIGN_MICRO_OPS = SETUP_MICRO_OPS["s64"] - SETUP_MICRO_OPS["u64"]
Instruction = tuple[int, str, str]  # address, mnemonic, operands (AT&T)


def disassemble(data: bytes, addresses: list[int]) -> dict[int, tuple[int, str, str]]:
    """Size, mnemonic and AT&T operands of each executed address (what llvm-mca reads)."""
    import capstone

    disassembler = capstone.Cs(capstone.CS_ARCH_X86, capstone.CS_MODE_64)
    disassembler.syntax = capstone.CS_OPT_SYNTAX_ATT
    found: dict[int, tuple[int, str, str]] = {}
    for address, code in classes.instruction_bytes(data, addresses):
        for _, length, mnemonic, operands in disassembler.disasm_lite(code, address, 1):
            found[address] = (length, mnemonic, operands)
    return found


def basic_blocks(
    executed: Mapping[int, int], code: Mapping[int, tuple[int, str, str]]
) -> list[tuple[int, list[Instruction]]]:
    """(executions, instructions) of each block: contiguous addresses executed equally often,
    cut after control flow."""
    found: list[tuple[int, list[Instruction]]] = []
    body: list[Instruction] = []
    count, following = 0, -1
    for address in sorted(a for a in executed if a in code):
        length, mnemonic, operands = code[address]
        if body and (address != following or executed[address] != count):
            found.append((count, body))
            body = []
        body.append((address, mnemonic, operands))
        count, following = executed[address], address + length
        if CONTROL.fullmatch(mnemonic):
            found.append((count, body))
            body = []
    if body:
        found.append((count, body))
    return found


def mca_cycles(blocks: list[list[Instruction]], work: Path) -> list[float | None]:
    """llvm-mca's cycles per iteration of each block (one llvm-mca run, one code region per
    block; a block llvm-mca cannot read is dropped and the run repeated), cached by text."""
    lines = [
        [
            f"{m} .Ltarget" if m.startswith(("j", "loop")) else f"{m} {o}".strip()
            for _, m, o in block
            if not NOT_MCA.fullmatch(m)
        ]
        for block in blocks
    ]
    cache = work / ("mca-" + hashlib.sha256(json.dumps(lines).encode()).hexdigest()[:24] + ".json")
    if cache.is_file():
        return list(json.loads(cache.read_text()))
    result: list[float | None] = [0.0 if not body else None for body in lines]
    todo = [i for i, body in enumerate(lines) if body]
    while todo:
        source = [".Ltarget:"]
        starts: list[tuple[int, int]] = []
        for i in todo:
            starts.append((len(source) + 2, i))
            source += [f"# LLVM-MCA-BEGIN r{i}", *lines[i], f"# LLVM-MCA-END r{i}"]
        run = subprocess.run(
            ["llvm-mca", "-mcpu=skylake", "-iterations=100", "-all-views=false", "-summary-view"],
            input="\n".join(source) + "\n",
            capture_output=True,
            text=True,
            check=False,
        )
        if run.returncode != 0:
            bad = re.search(r"<stdin>:(\d+):", run.stderr)
            if bad is None:
                raise RuntimeError(f"llvm-mca failed: {run.stderr[:400]}")
            line = int(bad.group(1))
            region = max((s for s in starts if s[0] <= line), default=starts[0])[1]
            todo.remove(region)
            continue
        for found in re.finditer(
            r"Code Region - r(\d+)\s+Iterations:\s+(\d+).*?Total Cycles:\s+(\d+)", run.stdout, re.S
        ):
            result[int(found.group(1))] = int(found.group(3)) / int(found.group(2))
        break
    cache.write_text(json.dumps(result))
    return result


def block_features(data: bytes, executed: Mapping[int, int], work: Path) -> dict[str, float]:
    """Per run: llvm-mca cycles of the hot blocks and their instructions, branches and memory
    accesses; instructions and branches of self-looping blocks."""
    code = disassemble(data, list(executed))
    blocks = basic_blocks(executed, code)
    hot = [(n, body) for n, body in blocks if n >= HOT]
    cycles = mca_cycles([body for _, body in hot], work)
    out = dict.fromkeys(
        ("mca_cycles", "hot_instructions", "hot_branches", "hot_memory", "self_loop", "self_br"),
        0.0,
    )
    for (n, body), per_iteration in zip(hot, cycles, strict=True):
        if per_iteration is None:
            continue
        out["mca_cycles"] += n * per_iteration
        out["hot_instructions"] += n * len(body)
        out["hot_branches"] += n * sum(1 for _, m, _ in body if CONTROL.fullmatch(m))
        out["hot_memory"] += n * sum(
            1 for _, m, o in body if "(" in o and not m.startswith(("lea", "nop"))
        )
    for n, body in blocks:
        target = re.match(r"0x([0-9a-f]+)", body[-1][2])
        if body[-1][1].startswith("j") and target and int(target.group(1), 16) == body[0][0]:
            out["self_loop"] += n * len(body)
            out["self_br"] += n
    return out


async def per_instruction(
    tables: list[Gem5Table], settings: Any, work: Path
) -> dict[Key, dict[str, float]]:
    """Block features of every run, from a new callgrind run each (kept in `work`)."""
    cache = Cache(settings.cache)
    sandbox = Sandbox(settings.sandbox.isolate)
    slots = asyncio.Semaphore(settings.effective_jobs())
    builder = Builder(settings.build, sandbox, cache)
    measurer = estimate.EstimateMeasurer.from_settings(settings, sandbox, cache, slots)
    out: dict[Key, dict[str, float]] = {}

    async def one(key: Key, source: Path, case: TestCase) -> None:
        kept = work / (hashlib.sha256(repr(key).encode()).hexdigest()[:24] + ".pickle")
        binary = await builder.build(source.read_text(), label=str(source))
        if kept.is_file():
            executed = pickle.loads(kept.read_bytes())
        else:
            async with slots:
                text = await measurer.callgrind_output(binary, case)
            executed = classes.instruction_counts(text)
            kept.write_bytes(pickle.dumps(executed))
        out[key] = await asyncio.to_thread(block_features, binary.data, executed, work)

    jobs = []
    for table in tables:
        for run in table.usable:
            tests = table.programs / run.program / "tests"
            case = TestCase(run.test, tests / run.input, tests / f"output.{run.test}.txt")
            key: Key = (str(table.programs), *run.key)
            jobs.append(one(key, table.programs / run.program / run.source, case))
    try:
        await asyncio.gather(*jobs)
    finally:
        cache.close()
    return out


def explored_features(counts: Mapping[str, float], startup: float = 0.0) -> dict[str, float]:
    """pricing.features plus the explored ones (the `x_` counts added to each run)."""
    feats = BASE_FEATURES(counts, startup)
    signed = counts.get("div_s32", 0.0) + counts.get("div_s64", 0.0)
    feats["div_sign_uops"] = SIGN_MICRO_OPS * signed
    feats["div_serial_uops"] = feats["div_uops"] - SIGN_MICRO_OPS * signed
    feats["mca_cycles"] = counts.get("x_mca_cycles", 0.0)
    feats["hot_instructions"] = counts.get("x_hot_instructions", 0.0)
    feats["cold_instructions"] = feats["instructions"] - feats["hot_instructions"]
    feats["cold_branches"] = feats["branches"] - counts.get("x_hot_branches", 0.0)
    feats["cold_memory"] = max(feats["memory_accesses"] - counts.get("x_hot_memory", 0.0), 0.0)
    feats["self_loop"] = counts.get("x_self_loop", 0.0)
    feats["self_br"] = counts.get("x_self_br", 0.0)
    feats["other_instructions"] = feats["instructions"] - feats["self_loop"]
    feats["other_branches"] = feats["branches"] - feats["self_br"]
    feats["taken_branches"] = counts.get("taken_branches", 0.0)
    feats["micro_ops"] = counts.get("micro_ops", 0.0)
    return feats


BASE_FEATURES = pricing.features
V4 = dict(pricing.V4_COST_PARAMETERS)
V3 = {k: v for k, v in V4.items() if k != "fetch_lines"}


def without(*names: str) -> dict[str, tuple[str, ...]]:
    return {k: v for k, v in V3.items() if k not in names}


def v4_without(*names: str) -> dict[str, tuple[str, ...]]:
    return {k: v for k, v in V4.items() if k not in names}


MODELS: dict[str, dict[str, tuple[str, ...]]] = {
    "division: sign micro-ops priced apart": {
        **without("div_uops"),
        "div_serial_uops": ("div_serial_uops",),
        "div_sign_uops": ("div_sign_uops",),
    },
    "llvm-mca block cycles beside v3's features": {**V3, "mca": ("mca_cycles",)},
    "llvm-mca cycles and instructions for hot blocks": {
        **without("instructions", "branches", "memory_accesses"),
        "instructions": ("cold_instructions",),
        "branches": ("cold_branches",),
        "memory_accesses": ("cold_memory",),
        "mca": ("mca_cycles",),
        "hot_instructions": ("hot_instructions",),
    },
    "self-looping blocks' instructions priced apart": {
        **without("instructions"),
        "instructions": ("other_instructions",),
        "self_loop": ("self_loop",),
    },
    "self-looping blocks' instructions and branches priced apart": {
        **without("instructions", "branches"),
        "instructions": ("other_instructions",),
        "branches": ("other_branches",),
        "self_loop": ("self_loop",),
        "self_br": ("self_br",),
    },
    "v4, taken branches instead of all branches": {
        **v4_without("branches"),
        "taken_branches": ("taken_branches",),
    },
    "v4, gem5 micro-ops (divisions' included) instead of instructions": {
        **v4_without("instructions", "div_uops"),
        "micro_ops": ("micro_ops", "div_uops"),
    },
    "v4, division sign micro-ops apart": {
        **v4_without("div_uops"),
        "div_serial_uops": ("div_serial_uops",),
        "div_sign_uops": ("div_sign_uops",),
    },
}


def row(name: str, result: Calibration) -> str:
    held, cal = result.fitted[-1], result.fitted[0]
    spearman = "–" if held.spearman is None else f"{held.spearman:.3f}"
    return (
        f"| {name} | {held.speedup_error_median or 0:.1%} | {held.speedup_error_max or 0:.1%} | "
        f"{spearman} | {held.same_verdict or 0:.1%} | {cal.cycle_error_median:.1%} | "
        f"{held.worst_pair.split(':')[0]} |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plan", nargs="?", type=Path, default=HERE / "data" / "calibration_v5.json")
    parser.add_argument("--work", type=Path, default=Path("/tmp/pie-estimate-explore"))
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("llvm-mca") is None:
        print("llvm-mca is not installed (Debian: apt-get install llvm)", file=sys.stderr)
        return 2
    args.work.mkdir(parents=True, exist_ok=True)
    plan = read_plan(args.plan)
    tables = [*plan.fit, *plan.held_out]
    machine_path = asset("simulator", "skylake.json")
    machine = load_machine(machine_path)
    settings = load(Path.cwd(), {"jobs": args.jobs})
    counts = asyncio.run(measure_counts(tables, settings))
    blocks = asyncio.run(per_instruction(tables, settings, args.work))
    merged = {k: {**c, **{f"x_{n}": v for n, v in blocks[k].items()}} for k, c in counts.items()}
    l2 = json.loads(json.dumps(machine))
    l2["caches"]["l3"] = {
        **l2["caches"]["l3"],
        "size_kib": l2["caches"]["l2"]["size_kib"],
        "assoc": l2["caches"]["l2"]["assoc"],
    }
    l2_path = args.work / "machine-l2.json"
    l2_path.write_text(json.dumps(l2))
    l2_counts = asyncio.run(
        measure_counts(
            tables,
            load(
                Path.cwd(),
                {"jobs": args.jobs, "simulator": {"estimate": {"params": str(l2_path)}}},
            ),
        )
    )
    print(
        "| model | held-out median | worst | Spearman | same 1.10× verdict | "
        "calibration cycle error median | worst pair |"
    )
    print("|---|---|---|---|---|---|---|")
    print(
        row(
            "estimate v3",
            calibrate(plan.fit, plan.held_out, counts, machine, machine_path, tied=V3),
        )
    )
    v4 = calibrate(plan.fit, plan.held_out, counts, machine, machine_path, tied=V4)
    print(row("estimate v4", v4))
    pricing.features = explored_features  # parameter_values and estimated_cycles read it
    try:
        for name, tied in MODELS.items():
            result = calibrate(plan.fit, plan.held_out, merged, machine, machine_path, tied=tied)
            print(row(name, result))
            print(f"<!-- {name}: {json.dumps(result.parameters)} -->")
    finally:
        pricing.features = BASE_FEATURES
    result = calibrate(plan.fit, plan.held_out, l2_counts, machine, machine_path, tied=V3)
    print(row("last level sized as gem5's L2 (1 MiB)", result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
