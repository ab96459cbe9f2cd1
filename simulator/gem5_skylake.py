# pie-lsp's gem5 configuration: PIE's Skylake ("Verbatim") machine in syscall-emulation mode.
#
# This script runs inside gem5's own Python interpreter, not in pie-lsp: it imports only
# gem5's modules (m5, m5.objects) and the standard library. It rebuilds the VerbatimCPU
# system of darchr/gem5-skylake-config (commit d92b219: gem5-configs/run-se.py,
# system/core.py, system/caches.py, system/se.py), the configuration PIE's image runs, on
# gem5 v24 with only the API changes v24 forces (listed in simulator/README.md).
#
# The headline figures (widths, queues, registers, stage delays, predictor sizes, cache
# geometry and latencies, MSHRs, memory) come from skylake.json, the file pie-lsp's estimate
# reads too, so both describe one machine. The per-port functional-unit table and the TAGE
# table shapes are detailed enough to live here, each with the line of darchr's file it
# reproduces. "core.py" / "caches.py" / "se.py" below mean darchr's gem5-configs/system/ files.
#
# The script runs one static binary with stdin from a file to its exit and writes a small JSON
# result (why gem5 stopped and the program's exit code) next to gem5's stats.txt, so the
# caller can tell "the program exited 3" from "gem5 failed".
#
# Usage (see simulator/README.md):
#   gem5.opt --outdir=OUT gem5_skylake.py --binary PROG --stdin INPUT \
#       [--stdout FILE] [--stderr FILE] [--result FILE] [--machine skylake.json] [--cwd DIR]
#
# Written for gem5 v24 (X86O3CPU, SEWorkload, MemCtrl, SimpleBTB / ReturnAddrStack objects,
# prefetch_on_access on the prefetcher, TLBs under cpu.mmu); it falls back to the older names
# where that costs one line (DerivO3CPU, BTBEntries/RASSize, prefetch_on_access on the cache).

import argparse
import json
import os
import sys

import m5
import m5.objects

EXIT_CAUSE = "exiting with last active thread context"


def gem5_class(*names):
    """The first of `names` this gem5 has (classes were renamed between releases)."""
    for name in names:
        cls = getattr(m5.objects, name, None)
        if cls is not None:
            return cls
    raise SystemExit("this gem5 has none of the SimObjects %s" % ", ".join(names))


def has_param(obj, name):
    params = getattr(type(obj), "_params", None)
    if params is not None:
        try:
            return name in params
        except TypeError:
            pass
    return hasattr(obj, name)


# -- the core: core.py's VerbatimCPU --------------------------------------------------------

# core.py's ExecUnits: Skylake's eight issue ports, one unit each. Each entry is
# (op class, latency, pipelined); latency None means gem5's default (1 cycle). Note that
# VerbatimCPU's integer divide takes 1 cycle, pipelined (only TunedCPU raises it): PIE's
# machine divides fast, and reproducing PIE means keeping that.
_SIMD_INT = [(op, 1, False) for op in ("SimdAdd", "SimdAddAcc", "SimdAlu", "SimdCmp", "SimdShift",
                                       "SimdShiftAcc", "SimdReduceAdd", "SimdReduceAlu",
                                       "SimdReduceCmp")]
_FP_ARITH = [(op, 4, True) for op in ("FloatAdd", "FloatCmp", "FloatCvt", "FloatMult")] + [
    ("FloatMultAcc", 5, True)
]
_SIMD_FP = [(op, 4, True) for op in ("SimdFloatAdd", "SimdFloatAlu", "SimdFloatCmp",
                                     "SimdFloatReduceAdd", "SimdFloatReduceCmp", "SimdFloatCvt",
                                     "SimdFloatMult", "SimdFloatMultAcc")]
_SIMD_MISC = [("SimdCvt", 3, True), ("SimdMisc", None, False), ("SimdMult", 4, True),
              ("SimdMultAcc", 4, True)]
_LOAD = [("MemRead", 1, True), ("FloatMemRead", 1, True)]
_STORE = [("MemWrite", 1, True), ("FloatMemWrite", 1, True)]
EXEC_PORTS = [
    # port 0: ALU, divider, FP divide/sqrt, FP and SIMD arithmetic
    [("IntAlu", 1, False), ("IntDiv", 1, True), ("FloatDiv", 12, True),
     ("FloatSqrt", 24, True)] + _FP_ARITH + _SIMD_INT + _SIMD_MISC + _SIMD_FP
    + [("SimdFloatDiv", 12, True), ("SimdFloatSqrt", 20, True)],
    # port 1: ALU, multiplier, FP and SIMD arithmetic
    [("IntAlu", 1, False), ("IntMult", 3, True)] + _FP_ARITH + _SIMD_INT + _SIMD_MISC + _SIMD_FP,
    _LOAD,  # port 2: load
    _LOAD,  # port 3: load
    _STORE,  # port 4: store
    # port 5: ALU, SIMD integer, SIMD FP add/compare
    [("IntAlu", 1, False)] + [(op, 1, False) for op in ("SimdAdd", "SimdAddAcc", "SimdAlu",
                                                         "SimdCmp", "SimdShift")]
    + [("SimdMisc", None, False)]
    + [(op, 1, False) for op in ("SimdShiftAcc", "SimdReduceAdd", "SimdReduceAlu",
                                 "SimdReduceCmp")]
    + [(op, 4, True) for op in ("SimdFloatAdd", "SimdFloatAlu", "SimdFloatCmp",
                                "SimdFloatReduceAdd", "SimdFloatReduceCmp")],
    # port 6: ALU, SIMD integer
    [("IntAlu", 1, False)] + [(op, 1, False) for op in ("SimdAdd", "SimdAddAcc", "SimdAlu",
                                                         "SimdCmp", "SimdShift", "SimdShiftAcc")],
    _STORE,  # port 7: store (address)
]

# core.py's LTAGE_BP: the tuned TAGE tables of VerbatimCPU's LTAGE (12 tagged tables,
# histories 4..34). Everything else of the TAGE stays at gem5's default, as in core.py.
TAGE_TABLES = {
    "nHistoryTables": 12,
    "minHist": 4,
    "maxHist": 34,
    "tagTableTagWidths": [0, 7, 7, 8, 8, 9, 10, 11, 12, 12, 13, 14, 15],
    "logTagTableSizes": [14, 10, 10, 11, 11, 11, 11, 10, 10, 10, 10, 9, 9],
    "logUResetPeriod": 19,
}


def make_fu_pool():
    objects = m5.objects
    units = []
    for ops in EXEC_PORTS:
        descs = []
        for op_class, latency, pipelined in ops:
            kwargs = {"opClass": op_class}
            if latency is not None:
                kwargs["opLat"] = latency
            if pipelined:
                kwargs["pipelined"] = True
            descs.append(objects.OpDesc(**kwargs))
        units.append(objects.FUDesc(opList=descs, count=1))
    return objects.FUPool(FUList=units)


def make_branch_predictor(core):
    name = core.get("branch_predictor", "LTAGE")
    if name != "LTAGE":
        raise SystemExit("branch predictor %r: this script builds PIE's LTAGE only" % name)
    objects = m5.objects
    bp = objects.LTAGE()
    bp.tage = objects.LTAGE_TAGE(**TAGE_TABLES)
    if has_param(bp, "BTBEntries"):  # before gem5 v24 the BTB and RAS were plain parameters
        bp.BTBEntries = core["btb_entries"]
        bp.BTBTagSize = core["btb_tag_bits"]
        bp.RASSize = core["ras_entries"]
    else:
        bp.btb = objects.SimpleBTB(numEntries=core["btb_entries"], tagBits=core["btb_tag_bits"])
        bp.ras = objects.ReturnAddrStack(numEntries=core["ras_entries"])
    # core.py's IndirectPred; v24's newer speculativePathLength stays at its default (256)
    ind = core["indirect_predictor"]
    bp.indirectBranchPred = objects.SimpleIndirectPredictor(
        indirectSets=ind["sets"],
        indirectWays=ind["ways"],
        indirectTagSize=ind["tag_bits"],
        indirectPathLength=ind["path_length"],
        indirectGHRBits=ind["ghr_bits"],
    )
    return bp


def make_cpu(core):
    cpu = gem5_class("X86O3CPU", "DerivO3CPU")()
    cpu.branchPred = make_branch_predictor(core)
    # Stage delays (core.py: "depth = 3" models a ~15-stage pipeline); the other delays and
    # issueToExecuteDelay stay at gem5's default of 1, as in core.py.
    delays = core["stage_delays"]
    cpu.fetchToDecodeDelay = delays["fetch_to_decode"]
    cpu.decodeToRenameDelay = delays["decode_to_rename"]
    cpu.renameToIEWDelay = delays["rename_to_iew"]
    cpu.iewToCommitDelay = delays["iew_to_commit"]
    # core.py: time buffers deep enough for those delays
    cpu.forwardComSize = 19
    cpu.backComSize = 19
    cpu.fuPool = make_fu_pool()
    cpu.fetchWidth = core["fetch_width"]
    cpu.decodeWidth = core["decode_width"]
    cpu.renameWidth = core["rename_width"]
    cpu.dispatchWidth = core["dispatch_width"]
    cpu.issueWidth = core["issue_width"]
    cpu.wbWidth = core["wb_width"]
    cpu.commitWidth = core["commit_width"]
    cpu.squashWidth = core["squash_width"]
    cpu.fetchBufferSize = core["fetch_buffer_bytes"]
    cpu.fetchQueueSize = core["fetch_queue_entries"]
    cpu.numROBEntries = core["rob_entries"]
    cpu.numIQEntries = core["iq_entries"]
    cpu.LQEntries = core["lq_entries"]
    cpu.SQEntries = core["sq_entries"]
    cpu.numPhysIntRegs = core["int_phys_regs"]
    cpu.numPhysFloatRegs = core["fp_phys_regs"]
    return cpu


# -- caches: caches.py ----------------------------------------------------------------------

PREFETCHERS = {
    "pif": "PIFPrefetcher",
    "stride": "StridePrefetcher",
    "tagged": "TaggedPrefetcher",
    "bop": "BOPPrefetcher",
}
REPLACEMENT = {"tree_plru": "TreePLRURP", "lru": "LRURP", "random": "RandomRP"}


def make_prefetcher(kind):
    """caches.py's PrefetchCache gives every cache a PIF prefetcher that prefetches on every
    access. Nothing connects PIF's retired-instruction probe (in PIE's setup as here), so it
    records no history and issues no prefetches; it is built anyway so that the machine is
    PIE's, object for object."""
    if not kind or kind == "none":
        return None
    if kind not in PREFETCHERS:
        raise SystemExit("unknown prefetcher %r in the machine file" % kind)
    return gem5_class(PREFETCHERS[kind])()


def make_cache(spec, **extra):
    cache = m5.objects.Cache(
        size="%dKiB" % spec["size_kib"],
        assoc=spec["assoc"],
        tag_latency=spec["tag_latency"],
        data_latency=spec["data_latency"],
        response_latency=spec["response_latency"],
        mshrs=spec["mshrs"],
        tgts_per_mshr=spec["targets_per_mshr"],
        **extra
    )
    # gem5's defaults (8 write buffers, 1 reserved MSHR) where the machine file says nothing
    for key, param in (("write_buffers", "write_buffers"),
                       ("demand_mshr_reserve", "demand_mshr_reserve")):
        if key in spec:
            setattr(cache, param, spec[key])
    replacement = spec.get("replacement")
    if replacement:
        if replacement not in REPLACEMENT:
            raise SystemExit("unknown replacement policy %r in the machine file" % replacement)
        cache.replacement_policy = gem5_class(REPLACEMENT[replacement])()
    prefetcher = make_prefetcher(spec.get("prefetcher"))
    if prefetcher is not None:
        cache.prefetcher = prefetcher
        if spec.get("prefetch_on_access"):
            if has_param(prefetcher, "prefetch_on_access"):  # gem5 v24: on the prefetcher
                prefetcher.prefetch_on_access = True
            else:
                cache.prefetch_on_access = True
    allocator = spec.get("write_allocator")
    if allocator:
        # caches.py's L1DCache: stream stores coalesce, and stop allocating after 8 lines
        cache.write_allocator = m5.objects.WriteAllocator(
            coalesce_limit=allocator["coalesce_limit"],
            no_allocate_limit=allocator["no_allocate_limit"],
            delay_threshold=allocator["delay_threshold"],
        )
    return cache


# -- the system: se.py's MySystem -----------------------------------------------------------


def build_system(machine, args):
    """PIE's VerbatimCPU system of `machine` (skylake.json) running args.binary."""
    objects = m5.objects
    core, caches, memory = machine["core"], machine["caches"], machine["memory"]

    system = objects.System()
    system.clk_domain = objects.SrcClockDomain(
        clock="%gGHz" % core["frequency_ghz"], voltage_domain=objects.VoltageDomain()
    )
    system.mem_mode = "timing"
    # se.py maps a kernel range, an I/O hole and 32 GB at 4 GB over two controllers (an FS
    # layout); SE mode needs one flat range, as in the reference port.
    system.mem_ranges = [objects.AddrRange("%dMiB" % memory["size_mb"])]
    system.cache_line_size = caches["line_bytes"]

    system.cpu = cpu = make_cpu(core)

    # se.py: the memory bus, 192 bytes wide, with a bad-address responder as its default
    system.membus = objects.SystemXBar(width=192)
    system.membus.badaddr_responder = objects.BadAddr()
    system.membus.default = system.membus.badaddr_responder.pio
    system.system_port = system.membus.cpu_side_ports

    # se.py: private L1I, L1D and a page-walk cache (the MMU cache) under the CPU. caches.py
    # builds the L1I as an ordinary (not read-only) cache, and so does this script.
    cpu.icache = make_cache(caches["l1i"])
    cpu.dcache = make_cache(caches["l1d"])
    cpu.mmucache = make_cache(caches["page_walk"])
    cpu.icache.cpu_side = cpu.icache_port
    cpu.dcache.cpu_side = cpu.dcache_port
    # caches.py's MMUCache.connectCPU: both page-table walkers share a crossbar in front of it
    cpu.mmucache.mmubus = objects.L2XBar()
    cpu.mmucache.cpu_side = cpu.mmucache.mmubus.mem_side_ports
    mmu = cpu.mmu if has_param(cpu, "mmu") else cpu  # v24: the TLBs live under cpu.mmu
    for tlb in (mmu.itb, mmu.dtb):
        cpu.mmucache.mmubus.cpu_side_ports = tlb.walker.port

    system.l2bus = objects.L2XBar(width=192)
    for cache in (cpu.icache, cpu.dcache, cpu.mmucache):
        cache.mem_side = system.l2bus.cpu_side_ports

    # caches.py: a mostly-exclusive L3 behind the L2. The L2 keeps gem5's default
    # writeback_clean=False, as in PIE's configuration, so only dirty L2 victims fill the L3.
    l3 = caches["l3"]
    system.l2cache = make_cache(caches["l2"])
    system.l2cache.cpu_side = system.l2bus.mem_side_ports
    system.l3bus = objects.L2XBar(width=192, snoop_filter=objects.SnoopFilter(max_capacity="32MiB"))
    system.l2cache.mem_side = system.l3bus.cpu_side_ports
    system.l3cache = make_cache(
        l3, clusivity="mostly_excl" if l3.get("exclusive") else "mostly_incl"
    )
    system.l3cache.cpu_side = system.l3bus.mem_side_ports
    system.l3cache.mem_side = system.membus.cpu_side_ports

    cpu.createInterruptController()
    cpu.interrupts[0].pio = system.membus.mem_side_ports
    cpu.interrupts[0].int_requestor = system.membus.cpu_side_ports
    cpu.interrupts[0].int_responder = system.membus.mem_side_ports

    # se.py's createMemoryControllersDDR4: one DDR4_2400_16x4 controller (here for the one range)
    if memory.get("channels", 1) != 1:
        raise SystemExit("only one memory channel is supported by this script")
    dram = gem5_class(memory["type"])
    system.mem_cntrls = [
        objects.MemCtrl(dram=dram(range=system.mem_ranges[0]), port=system.membus.mem_side_ports)
    ]

    process = objects.Process()
    process.executable = args.binary
    process.cmd = [args.binary]
    process.input = args.stdin
    process.output = args.stdout
    process.errout = args.stderr
    process.cwd = args.cwd or os.path.dirname(os.path.abspath(args.binary))
    process.env = []  # as in PIE's run-se.py: the program sees no environment
    if hasattr(objects, "SEWorkload"):  # gem5 v21 and later; v24 requires it
        system.workload = objects.SEWorkload.init_compatible(args.binary)
    cpu.workload = process
    cpu.createThreads()
    return system


def parse_args(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(
        description="Run a static x86-64 binary on PIE's Skylake core (gem5 SE mode)."
    )
    parser.add_argument("--binary", required=True, help="static x86-64 program to run")
    parser.add_argument("--stdin", required=True, help="file fed to the program's stdin")
    parser.add_argument("--stdout", default="program.out", help="program's stdout file")
    parser.add_argument("--stderr", default="program.err", help="program's stderr file")
    parser.add_argument(
        "--result", default=None, help="JSON result file (default: OUTDIR/pie_result.json)"
    )
    parser.add_argument(
        "--machine", default=os.path.join(here, "skylake.json"), help="machine parameter file"
    )
    parser.add_argument("--cwd", default=None, help="program's working directory")
    return parser.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    with open(args.machine) as handle:
        machine = json.load(handle)
    for name in ("binary", "stdin"):
        path = getattr(args, name)
        if not os.path.isfile(path):
            raise SystemExit("--%s %s: no such file" % (name, path))
    outdir = m5.options.outdir
    # gem5 resolves relative stdout/stderr names in its output directory; make it explicit.
    args.stdout = os.path.join(outdir, args.stdout)
    args.stderr = os.path.join(outdir, args.stderr)
    result_path = args.result or os.path.join(outdir, "pie_result.json")

    system = build_system(machine, args)
    root = m5.objects.Root(full_system=False, system=system)
    m5.instantiate()
    event = m5.simulate()
    cause = event.getCause()
    result = {
        "cause": cause,
        "code": event.getCode(),
        "exited": cause == EXIT_CAUSE,
        "tick": m5.curTick(),
        "machine": machine.get("name", ""),
    }
    with open(result_path, "w") as handle:
        json.dump(result, handle)
    # No explicit stats dump: gem5 writes stats.txt once, at exit, like its own se.py.
    return root


if __name__ == "__m5_main__" or __name__ == "__main__":
    main(sys.argv[1:])
