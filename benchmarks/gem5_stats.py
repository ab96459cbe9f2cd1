"""Where gem5 spends its cycles on chosen runs, beside valgrind's counts for the same runs.

`python benchmarks/gem5_stats.py [RUN ...] [--requests FILE] [--json OUT] [--keep DIR]`

A RUN is `PROGRAM:SOURCE:TEST`, e.g. `fs-26:slow:1`, `p03420:fast:2`, `c01:prog:1`. PROGRAM
is a folder of `benchmarks/estimate_pairs/`, `../shared/pie-sample/` or
`../shared/calibration/` (a unique prefix is enough: `fs-26`, `e40`, `c01`); SOURCE is a
`.cpp` file of it (`fast` also finds PIE's `reference_fast.cpp`); TEST names
`tests/input.TEST.txt`. Without RUNs, the estimate's worst and near-threshold runs
(`DEFAULT_RUNS`). `--requests FILE` adds the RUNs listed in FILE (one a line, `#` comments).

Each run's binary is built with the project's Builder (as the estimate tables are), run in
real gem5 in the project's configuration (`Gem5Measurer`'s files, command line, limits and
output check: the aligned Verbatim Skylake of simulator/gem5_skylake.py), and gem5's
stats.txt is kept (gzipped, in DIR, by default the cache directory's `gem5_stats/`). The
record written to OUT (default benchmarks/data/gem5_stats.json; merged, one record per run)
holds the stats that say where the cycles went (fetch, decode, rename, IEW, commit, branch
predictor, caches, queues, FU busy; all of them non-zero, by their gem5 names), a summary
with a CPI stack, and valgrind's counts of the same binary and input as the estimate
collects them (`EstimateMeasurer.measure_test`, cached like any estimate) with the
estimate's cycles. Runs already in OUT are skipped (`--force` redoes them).

gem5 is found as the product finds it (set PIE_GEM5=../shared/gem5/gem5.fast); without it
the script stops with the product's message. Run it nice'd: gem5 takes seconds per million
simulated instructions; at most `--jobs` (2) gem5 processes run at once.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import math
import re
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from attrs import frozen

from pie_lsp.build import Binary, Builder
from pie_lsp.cache import Cache
from pie_lsp.errors import PieError
from pie_lsp.measure import MeasureFailed
from pie_lsp.measure.classes import instruction_bytes, x86_64_disassembler
from pie_lsp.measure.estimate import (
    CACHEGRIND_EVENTS,
    ESTIMATE_VERSION,
    OUT_FILES,
    EstimateMeasurer,
    main_process_output,
)
from pie_lsp.measure.gem5 import CONFIG_NAME, Gem5Measurer
from pie_lsp.measure.gem5_output import stats_sections
from pie_lsp.sandbox import Sandbox
from pie_lsp.settings import load
from pie_lsp.verify import TestCase

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SHARED = REPO.parent / "shared"
PROGRAM_DIRS = (HERE / "estimate_pairs", SHARED / "pie-sample", SHARED / "calibration")
DEFAULT_OUT = HERE / "data" / "gem5_stats.json"

# The estimate's worst and near-threshold runs (docs/ESTIMATE.md), the loops gem5 runs
# at 1.2-1.5 CPI, two branch programs for a misprediction penalty, and glibc's start-up
# alone (to take start-up off a loop's figures).
DEFAULT_RUNS = (
    "fs-26:slow:1",
    "fs-26:fast:1",
    "e40:slow:1",
    "e40:fast:1",
    "e10:slow:1",
    "e10:fast:1",
    "fs-14:slow:2",
    "fs-14:fast:2",
    "fs-13:slow:1",
    "fs-13:fast:1",
    "e03:slow:1",
    "e03:fast:1",
    "p03420:slow:2",
    "p03420:fast:2",
    "e18:slow:1",
    "e18:fast:1",
    "c01:prog:1",
    "fs-21:slow:1",
    "fs-21:fast:1",
    "glibc-startup:prog:1",
    "c05:prog:1",
    "c07:prog:1",
)

# The stats kept per run (non-zero ones), by gem5 v24's names: the pipeline stages' cycle
# accounting, the branch predictor, the caches, the queues and the functional units.
KEPT = re.compile(
    r"^(sim(Insts|Ops|Seconds|Ticks)|hostSeconds|system\.cpu\."
    r"(numCycles|idleCycles|quiesceCycles|cpi|ipc|timesIdled|fuBusy|statFuBusy::.*"
    r"|numIssuedDist::\d+|instsIssued|squashedInstsIssued|numSquashedInsts"
    r"|fetch\.(?!nisnDist::(mean|stdev|samples|total)).*|fetchStats0\..*"
    r"|decode\..*|rename\..*|iew\..*|rob\..*|lsq0\.(?!loadToUse::\d).*"
    r"|commit\.(?!committedInstType).*|commitStats0\.(numInsts|numOps|committedInstType::.*"
    r"|committedControl::.*|numLoadInsts|numStoreInsts|numFpInsts)"
    r"|branchPred\.(?!.*power_state).*"
    r"|(icache|dcache)\.(demand|overall)(Misses|Accesses|MissLatency|Hits)::total"
    r"|(icache|dcache)\.(ReadReq|WriteReq)\.(misses|missLatency)::total"
    r"|(icache|dcache)\.prefetcher\.(pfIssued|pfUseful|pfUnused|accuracy|coverage)"
    r"|MemDepUnit__0\..*)"
    r"|system\.l2cache\.((demand|overall)(Misses|Accesses|MissLatency|Hits)::total"
    r"|prefetcher\.(pfIssued|pfUseful|pfUnused|accuracy|coverage)))$"
)
# valgrind's counts as the estimate collects them (callgrind events; see estimate.py)
VALGRIND_KEYS = (*CACHEGRIND_EVENTS, "div64", "div32", "div_uops")


@frozen
class Run:
    """One (program, source, test) to measure, with its files."""

    program: str
    source: Path
    test: str
    folder: Path

    @property
    def key(self) -> str:
        return f"{self.program}/{self.source.name}:{self.test}"

    def case(self) -> TestCase:
        tests = self.folder / "tests"
        return TestCase(
            self.test, tests / f"input.{self.test}.txt", tests / f"output.{self.test}.txt"
        )


def find_program(name: str) -> Path:
    """The program folder named `name`, or the only one whose name starts with it."""
    for base in PROGRAM_DIRS:
        if (base / name / "tests").is_dir():
            return base / name
    found = [
        p
        for base in PROGRAM_DIRS
        if base.is_dir()
        for p in sorted(base.iterdir())
        if (p / "tests").is_dir() and re.match(re.escape(name) + r"[-_]", p.name)
    ]
    if len(found) != 1:
        where = ", ".join(str(b) for b in PROGRAM_DIRS)
        raise SystemExit(
            f"program {name!r}: {'no folder' if not found else f'{len(found)} folders'} "
            f"matches in {where}" + (f" ({', '.join(p.name for p in found)})" if found else "")
        )
    return found[0]


def parse_run(spec: str) -> Run:
    parts = spec.strip().split(":")
    if len(parts) != 3:
        raise SystemExit(f"run {spec!r}: expected PROGRAM:SOURCE:TEST, e.g. fs-26:slow:1")
    name, source, test = parts
    folder = find_program(name)
    stem = source.removesuffix(".cpp")
    candidates = [folder / f"{stem}.cpp"] + (
        [folder / "reference_fast.cpp"] if stem == "fast" else []
    )
    path = next((c for c in candidates if c.is_file()), None)
    if path is None:
        have = ", ".join(p.name for p in sorted(folder.glob("*.cpp")))
        raise SystemExit(f"run {spec!r}: {folder} has no {stem}.cpp (it has {have})")
    run = Run(folder.name, path, test, folder)
    if not run.case().input.is_file():
        raise SystemExit(f"run {spec!r}: no {run.case().input}")
    return run


def read_requests(path: Path) -> list[str]:
    if not path.is_file():
        return []
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [line for line in lines if line]


def kept_stats(stats: Mapping[str, float]) -> dict[str, float]:
    return {k: v for k, v in stats.items() if v and not math.isnan(v) and KEPT.match(k)}


# gem5's O3 fetch reads one aligned buffer of this many bytes (fetchBufferSize) per icache
# access; leaving it costs a new access (docs/GEM5_STATS.md).
FETCH_BLOCK = 16
_JUMP = re.compile(r"j(?:ump|cnd)=(\d+)(?:/\d+)? (0x[0-9a-f]+)")
_CALL = re.compile(r"calls=(\d+) (0x[0-9a-f]+)")


def control_flow(text: str) -> tuple[dict[int, int], list[tuple[int, int, int]]]:
    """Executions per instruction address and the taken transfers (source, target, count)
    of a callgrind file written with --dump-instr=yes --collect-jumps=yes
    --compress-pos=no. A `jump=N`/`jcnd=N/E` line (N taken) precedes its source's position
    line; a `calls=N TARGET` line precedes the call site's inclusive cost (not its own), and
    the call returns to the instruction after it."""
    executed: dict[int, int] = {}
    transfers: list[tuple[int, int, int]] = []
    jumps: list[tuple[int, int]] = []
    call: tuple[int, int] | None = None
    for line in text.splitlines():
        if line.startswith("0x"):
            parts = line.split()
            address = int(parts[0], 16)
            if call is not None:
                transfers.append((address, call[0], call[1]))
                transfers.append((address, -1, call[1]))  # the return: resolved below
                call = None
                continue
            if len(parts) >= 3:
                executed[address] = executed.get(address, 0) + int(parts[2])
            transfers.extend((address, target, n) for target, n in jumps)
            jumps = []
        elif m := _JUMP.match(line):
            jumps.append((int(m.group(2), 16), int(m.group(1))))
        elif m := _CALL.match(line):
            call = (int(m.group(2), 16), int(m.group(1)))
    return executed, transfers


def fetch_fills(text: str, data: bytes) -> dict[str, float]:
    """How often gem5's fetch would read a new 16-byte buffer on the path callgrind saw
    (correct path only: gem5 also fetches down mispredicted paths), and the taken
    transfers. A fill happens when an instruction's bytes reach a block other than the one
    fetch holds: falling through into the next block, a straddling instruction, or a taken
    branch, call or return to another block (a branch within the block needs none)."""
    executed, transfers = control_flow(text)
    disassembler = x86_64_disassembler(detail=False)
    size: dict[int, int] = {}
    addresses = executed.keys() | {src for src, _, _ in transfers}
    for address, code in instruction_bytes(data, addresses):
        for _, n, _, _ in disassembler.disasm_lite(code, address, 1):
            size[address] = n
    entries: dict[int, list[tuple[int | None, int]]] = {}
    taken = 0
    for src, target, n in transfers:
        end = src + size.get(src, 1)
        if target == -1:  # a call's return lands after it, from the callee's block
            entries.setdefault(end, []).append((None, n))
        else:
            entries.setdefault(target, []).append(((end - 1) // FETCH_BLOCK, n))
        taken += n
    fills = 0
    for address, count in executed.items():
        first = address // FETCH_BLOCK
        last = (address + size.get(address, 1) - 1) // FETCH_BLOCK
        arrived = 0
        for block, n in entries.get(address, []):
            arrived += n
            fills += n * (last - first + (block != first))
        fills += max(count - arrived, 0) * (last - (address - 1) // FETCH_BLOCK)
    return {"fetch_fills": float(fills), "taken_transfers": float(taken)}


async def callgrind_jumps(estimate: EstimateMeasurer, built: Binary, case: TestCase) -> str:
    """callgrind's output for the run with jump counts: the estimate's own command and
    environment (gem5's CPU for glibc), plus --collect-jumps=yes."""
    command = estimate.callgrind_command(OUT_FILES)
    command.insert(-1, "--collect-jumps=yes")
    with estimate.run_directory(built, case) as work:
        run = await estimate.sandbox.run(
            command, cwd=work, limits=estimate.valgrind_limits(), env=estimate.environment(work)
        )
        if not run.ok:
            raise MeasureFailed(f"test {case.name} under callgrind {run.describe()}")
        return main_process_output(work, run.stderr)


def summary(stats: Mapping[str, float], clock_ticks: float) -> dict[str, float]:
    """Derived figures: IPC, the rename stage's cycle accounting as a CPI stack, fetch's
    accounting, mispredictions and their squash cycles, and cache miss latencies in cycles."""

    def s(name: str) -> float:
        return stats.get("system.cpu." + name, 0.0)

    cycles = s("numCycles")
    insts, ops = stats.get("simInsts", 0.0), stats.get("simOps", 0.0)
    mispredicts = s("commit.branchMispredicts")
    out: dict[str, float] = {
        "cycles": cycles,
        "insts": insts,
        "ops": ops,
        "ipc": insts / cycles,
        "ops_per_cycle": ops / cycles,
        "ops_per_inst": ops / insts,
        # Each cycle the rename stage is in one state (their sum with the CPU's idle cycles,
        # when nothing ticks, is numCycles): the CPI stack as rename sees it.
        "stack_cpu_idle": s("idleCycles") / cycles,
        "stack_rename_idle": s("rename.idleCycles") / cycles,
        "stack_rename_squash": s("rename.squashCycles") / cycles,
        "stack_rename_blocked": (
            s("rename.blockCycles") + s("rename.serializeStallCycles") + s("rename.unblockCycles")
        )
        / cycles,
        "stack_rename_run": s("rename.runCycles") / cycles,
        # fetch's own accounting
        "fetch_active": s("fetch.cycles") / cycles,
        "fetch_squash": s("fetch.squashCycles") / cycles,
        "fetch_icache_stall": s("fetchStats0.icacheStallCycles") / cycles,
        "fetch_blocked": s("fetch.blockedCycles") / cycles,
        "fetch_idle": s("fetch.idleCycles") / cycles,
        "commit_zero_cycles": s("commit.numCommittedDist::0") / cycles,
        "taken_branches_per_fetch_cycle": s("fetch.predictedBranches") / max(s("fetch.cycles"), 1),
        "fetched_ops_per_fetch_cycle": s("fetchStats0.numInsts") / max(s("fetch.cycles"), 1),
        "mispredicts": mispredicts,
        "mispredicts_cond": s("branchPred.mispredicted_0::DirectCond"),
        "mispredicts_indirect": s("branchPred.mispredicted_0::CallIndirect")
        + s("branchPred.mispredicted_0::IndirectUncond"),
        "mispredicts_return": s("branchPred.mispredicted_0::Return"),
        "cond_committed": s("branchPred.committed_0::DirectCond"),
        "squashed_ops_per_mispredict": s("commit.commitSquashedInsts") / max(mispredicts, 1),
        "fetch_squash_cycles_per_mispredict": s("fetch.squashCycles") / max(mispredicts, 1),
        "rename_squash_cycles_per_mispredict": s("rename.squashCycles") / max(mispredicts, 1),
    }
    for cache in ("icache", "dcache", "l2cache"):
        prefix = "system.l2cache." if cache == "l2cache" else f"system.cpu.{cache}."
        misses = stats.get(prefix + "demandMisses::total", 0.0)
        latency = stats.get(prefix + "demandMissLatency::total", 0.0) / clock_ticks
        out[f"{cache}_misses"] = misses
        out[f"{cache}_miss_cycles"] = latency
        out[f"{cache}_cycles_per_miss"] = latency / misses if misses else 0.0
    return out


def read_table(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text()) if path.is_file() else {}


def pairs_of(records: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(pair, slow key, fast key) of every recorded slow/fast pair and test."""
    out = []
    for key, record in sorted(records.items()):
        if record["source"] != "slow.cpp":
            continue
        for fast in ("fast.cpp", "reference_fast.cpp"):
            other = f"{record['program']}/{fast}:{record['test']}"
            if other in records:
                out.append((f"{record['program']} test {record['test']}", key, other))
    return out


def versions(records: Mapping[str, Any]) -> str:
    """Which estimate versions priced the records (a record keeps the version it ran)."""
    found = sorted({int(r["estimate"]["version"]) for r in records.values()})
    return "estimate " + "/".join(f"v{v}" for v in found)


def report(records: Mapping[str, Any]) -> str:
    """The tables of docs/GEM5_STATS.md, from the records."""
    lines = [
        "| run | cycles | IPC | uops/cycle | CPU idle | rename idle | squash | back end "
        "| rename running | fetch waits on icache | icache miss cycles | fills gem5 / valgrind "
        "| mispredicts gem5 / valgrind |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key, r in sorted(records.items()):
        s, v = r["summary"], r["valgrind"]
        lines_g = r["gem5"].get("system.cpu.fetch.cacheLines", 0.0)
        fills = v.get("fetch_fills")
        fills_text = f"{lines_g / 1000:.0f} k / {fills / 1000:.0f} k" if fills else "–"
        valgrind_mp = v.get("Bcm", 0.0) + v.get("Bim", 0.0)
        lines.append(
            f"| {key} | {s['cycles'] / 1000:.0f} k | {s['ipc']:.2f} | {s['ops_per_cycle']:.2f} "
            f"| {s['stack_cpu_idle']:.0%} | {s['stack_rename_idle']:.0%} "
            f"| {s['stack_rename_squash']:.1%} | {s['stack_rename_blocked']:.0%} "
            f"| {s['stack_rename_run']:.0%} | {s['fetch_icache_stall']:.0%} "
            f"| {s['icache_miss_cycles'] / s['cycles']:.0%} | {fills_text} "
            f"| {s['mispredicts']:.0f} / {valgrind_mp:.0f} |"
        )
    lines += [
        "",
        f"| pair | gem5 speedup | {versions(records)} | the same with gem5's mispredicts "
        "(24.5 cycles each) "
        "| fills ratio gem5 / valgrind | instructions ratio |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    price = 24.468054  # estimate v3's branch_mispredicts cost
    for name, slow, fast in pairs_of(records):
        a, b = records[slow], records[fast]

        def with_gem5_mispredicts(r: Mapping[str, Any]) -> float:
            v = r["valgrind"]
            extra = r["summary"]["mispredicts"] - v.get("Bcm", 0.0) - v.get("Bim", 0.0)
            return float(r["estimate"]["cycles"] + price * extra)

        gem5 = a["summary"]["cycles"] / b["summary"]["cycles"]
        est = a["estimate"]["cycles"] / b["estimate"]["cycles"]
        est_mp = with_gem5_mispredicts(a) / with_gem5_mispredicts(b)
        fills_g = a["gem5"].get("system.cpu.fetch.cacheLines", 0.0) / max(
            b["gem5"].get("system.cpu.fetch.cacheLines", 0.0), 1.0
        )
        fa, fb = a["valgrind"].get("fetch_fills"), b["valgrind"].get("fetch_fills")
        fills_v = f"{fa / fb:.3f}" if fa and fb else "–"
        insts = a["summary"]["insts"] / b["summary"]["insts"]
        lines.append(
            f"| {name} | {gem5:.3f} | {est:.3f} ({est / gem5 - 1:+.0%}) "
            f"| {est_mp:.3f} ({est_mp / gem5 - 1:+.0%}) | {fills_g:.3f} / {fills_v} | {insts:.3f} |"
        )
    return "\n".join([*lines, "", fetch_model(records)])


def fetch_model(records: Mapping[str, Any]) -> str:
    """How far gem5's cycles follow its fetch: cycles fitted (non-negative least squares on
    relative error, all records: an in-sample check, not a held-out result) to fetch-buffer
    fills, micro-ops, icache misses, mispredictions and dcache misses, first with gem5's own
    counts, then with the fills and mispredictions valgrind gives (callgrind's fills plus
    gem5's wrong-path fills per misprediction; gem5's or valgrind's mispredictions)."""
    import numpy as np  # scipy's dependency; scipy is pie-lsp calibrate's
    from scipy.optimize import nnls

    keys = sorted(k for k, r in records.items() if "fetch_fills" in r["valgrind"])
    if not keys:
        return "(no record has valgrind's fetch fills yet)"

    def lines_of(key: str) -> float:
        return float(records[key]["gem5"].get("system.cpu.fetch.cacheLines", 0.0))

    busy = [k for k in keys if records[k]["summary"]["mispredicts"] > 3000]
    per_mispredict = [
        (lines_of(k) - records[k]["valgrind"]["fetch_fills"]) / records[k]["summary"]["mispredicts"]
        for k in busy
    ]
    wrong_path = float(np.median(per_mispredict)) if per_mispredict else 0.0

    def features(key: str, mode: str) -> list[float]:
        r = records[key]
        s, v = r["summary"], r["valgrind"]
        mispredicts = s["mispredicts"] if mode != "valgrind" else v["Bcm"] + v["Bim"]
        fills = lines_of(key) if mode == "gem5" else v["fetch_fills"] + wrong_path * mispredicts
        return [fills, s["ops"], s["icache_misses"], mispredicts, s["dcache_misses"]]

    cycles = np.array([records[k]["summary"]["cycles"] for k in keys])
    matrix = np.array([features(k, "gem5") for k in keys])
    costs, _ = nnls(matrix / cycles[:, None], np.ones(len(keys)))
    out = [
        f"Wrong-path fills per misprediction (gem5 fills less valgrind's, runs with more "
        f"than 3,000 mispredictions): median {wrong_path:.2f} "
        f"({min(per_mispredict, default=0):.2f}–{max(per_mispredict, default=0):.2f}, "
        f"{len(busy)} runs).",
        "",
        f"cycles = {costs[0]:.2f} × fills + {costs[1]:.2f} × micro-ops + {costs[2]:.1f} × "
        f"icache misses + {costs[3]:.1f} × mispredictions + {costs[4]:.1f} × dcache misses "
        f"(fitted on gem5's counts, {len(keys)} runs)",
        "",
        "| mode | cycle error median / max | pair speedup error median / max "
        "| same 1.10× verdict as gem5 |",
        "|---|---|---|---|",
    ]
    pairs = [p for p in pairs_of(records) if p[1] in keys and p[2] in keys]
    for mode, name in (
        ("v3", f"{versions(records)}, as recorded"),
        ("gem5", "fills and mispredictions from gem5"),
        ("mixed", "fills from valgrind, mispredictions from gem5"),
        ("valgrind", "fills and mispredictions from valgrind"),
    ):

        def model(key: str, mode: str = mode) -> float:
            if mode == "v3":
                return float(records[key]["estimate"]["cycles"])
            return float(np.array(features(key, mode)) @ costs)

        errors = [abs(model(k) / records[k]["summary"]["cycles"] - 1) for k in keys]
        speedups = [
            (
                records[a]["summary"]["cycles"] / records[b]["summary"]["cycles"],
                model(a) / model(b),
            )
            for _, a, b in pairs
        ]
        pair_errors = [abs(m / g - 1) for g, m in speedups]
        same = sum((g >= 1.10) == (m >= 1.10) for g, m in speedups)
        out.append(
            f"| {name} | {np.median(errors):.1%} / {max(errors):.1%} "
            f"| {np.median(pair_errors):.1%} / {max(pair_errors):.1%} "
            f"| {same} of {len(speedups)} |"
        )
    return "\n".join(out)


async def main(args: argparse.Namespace) -> int:
    if args.report:
        print(report(read_table(args.json).get("runs", {})))
        return 0
    specs = list(args.runs) or list(DEFAULT_RUNS)
    if args.requests is not None:
        specs += read_requests(args.requests)
    runs = list({r.key: r for r in map(parse_run, specs)}.values())
    records: dict[str, Any] = read_table(args.json).get("runs", {})
    todo = [r for r in runs if args.force or r.key not in records]
    # records from before the fetch fills were counted get them (no gem5 run needed)
    fills_only = [
        r for r in runs if r not in todo and "fetch_fills" not in records[r.key]["valgrind"]
    ]
    print(
        f"{len(todo)} of {len(runs)} runs to do, {len(fills_only)} to add fetch fills to",
        file=sys.stderr,
        flush=True,
    )
    if not todo and not fills_only:
        return 0

    # The estimate as `pie-lsp calibrate` runs it (default settings, so its cached counts
    # are reused); gem5 without the sandbox, as benchmarks/estimate_gem5.py runs it.
    settings = load(Path.cwd())
    cache = Cache(settings.cache)
    slots = asyncio.Semaphore(args.jobs)
    sandbox = Sandbox(settings.sandbox.isolate)
    builder = Builder(settings.build, sandbox, cache)
    estimate = EstimateMeasurer.from_settings(settings, sandbox, cache, slots)
    gem5_settings = load(Path.cwd(), {"sandbox": {"isolate": False}})
    try:
        gem5 = Gem5Measurer.from_settings(gem5_settings, Sandbox(False), cache, slots)
    except PieError as exc:
        print(f"gem5_stats: {exc.message}\n  {exc.hint or ''}", file=sys.stderr)
        print("  (set PIE_GEM5=../shared/gem5/gem5.fast)", file=sys.stderr)
        return 2
    identity = gem5.identity()
    keep = args.keep or Path(cache.directory) / "gem5_stats"
    keep.mkdir(parents=True, exist_ok=True)
    header = {
        "_about": (
            "gem5's statistics (non-zero, by gem5's names) and a summary per run, beside "
            "valgrind's counts of the same binary and input as the estimate collects them; "
            "written by benchmarks/gem5_stats.py, see docs/GEM5_STATS.md"
        ),
        "gem5": {
            "version": identity.version,
            "binary_sha256": identity.fingerprint,
            "config": f"simulator/{CONFIG_NAME} with simulator/skylake.json (aligned Verbatim)",
            "config_digest": gem5.config_digest(),
        },
    }
    binaries: dict[Path, asyncio.Future[Binary]] = {}
    lock = asyncio.Lock()
    building = asyncio.Semaphore(1)  # one compiler at a time on a shared machine

    async def build(source: Path) -> Binary:
        async with building:
            return await builder.build(source.read_text(), label=str(source))

    async def binary(source: Path) -> Binary:
        async with lock:
            if source not in binaries:
                binaries[source] = asyncio.ensure_future(build(source))
        return await binaries[source]

    async def simulate(built: Binary, run: Run) -> dict[str, float]:
        case = run.case()
        async with slots:
            with gem5.run_sandbox.scratch("gem5") as work:
                gem5.prepare(work, built, case)
                started = time.perf_counter()
                result = await gem5.run_sandbox.run(
                    gem5.command(work), cwd=work, limits=gem5.limits(), env=gem5.environment()
                )
                wall = time.perf_counter() - started
                stats_file = work / "m5out" / "stats.txt"
                if stats_file.is_file():
                    name = run.key.replace("/", "__").replace(":", "__") + ".stats.txt.gz"
                    (keep / name).write_bytes(gzip.compress(stats_file.read_bytes()))
                gem5.interpret(case, work, result)  # MeasureFailed unless exit 0 and right output
                stats = stats_sections(stats_file.read_text())[-1]
        return {**stats, "_wall_seconds": wall}

    def save(key: str, record: dict[str, Any]) -> None:
        # re-read before writing: another run of this script may have added records
        table = read_table(args.json)
        table.update(header)
        table.setdefault("runs", {})[key] = records[key] = record
        args.json.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n")

    async def fills(built: Binary, run: Run) -> dict[str, float]:
        return fetch_fills(await callgrind_jumps(estimate, built, run.case()), built.data)

    async def add_fills(run: Run) -> None:
        try:
            found = await fills(await binary(run.source), run)
        except PieError as exc:
            print(f"{run.key}: FAILED {exc.message}", file=sys.stderr, flush=True)
            return
        record = records[run.key]
        record["valgrind"].update(found)
        save(run.key, record)

    async def one(run: Run) -> None:
        try:
            built = await binary(run.source)
            stats = await simulate(built, run)
            timing = await estimate.measure_test(built, run.case())
            found = await fills(built, run)
        except PieError as exc:
            print(f"{run.key}: FAILED {exc.message}", file=sys.stderr, flush=True)
            return
        clock = stats.get("system.clk_domain.clock", 0.0) or stats.get("simFreq", 1e12) / 3.5e9
        counts = timing.detail
        record = {
            "program": run.program,
            "source": run.source.name,
            "test": run.test,
            "binary_sha256": built.sha256,
            "gem5_wall_seconds": round(stats["_wall_seconds"], 1),
            "summary": summary(stats, clock),
            "gem5": kept_stats(stats),
            "valgrind": {**{k: counts[k] for k in VALGRIND_KEYS if k in counts}, **found},
            "estimate": {
                "label": estimate.label,
                "version": ESTIMATE_VERSION,
                "cycles": timing.cycles,
                "instructions": timing.instructions,
            },
        }
        save(run.key, record)
        s = summary(stats, clock)
        print(
            f"{run.key}: {s['cycles']:.0f} cycles, IPC {s['ipc']:.2f}, mispredicts "
            f"{s['mispredicts']:.0f} (valgrind Bcm {counts.get('Bcm', 0):.0f})",
            file=sys.stderr,
            flush=True,
        )

    try:
        await asyncio.gather(*(one(r) for r in todo), *(add_fills(r) for r in fills_only))
    finally:
        cache.close()
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="*", help="PROGRAM:SOURCE:TEST (default: DEFAULT_RUNS)")
    parser.add_argument("--requests", type=Path, help="a file of more runs, one a line")
    parser.add_argument("--json", type=Path, default=DEFAULT_OUT, help="the records (merged)")
    parser.add_argument("--keep", type=Path, help="where gem5's stats.txt go (gzipped)")
    parser.add_argument("--jobs", type=int, default=2, help="gem5 processes at once")
    parser.add_argument("--force", action="store_true", help="redo runs already recorded")
    parser.add_argument("--report", action="store_true", help="print the tables of OUT only")
    sys.exit(asyncio.run(main(parser.parse_args())))
