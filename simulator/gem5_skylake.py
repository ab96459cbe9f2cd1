# pie-lsp's gem5 configuration: PIE's Skylake ("Verbatim") core in syscall-emulation mode.
#
# This script runs inside gem5's own Python interpreter, not in pie-lsp: it imports only
# gem5's modules (m5, m5.objects) and the standard library. It builds the machine described
# by skylake.json (the file pie-lsp's estimate reads too, so both describe one machine):
# an out-of-order X86 core with the file's widths, queues, registers and LTAGE predictor;
# private L1I/L1D, an L2 and a mostly-exclusive L3, each with its latencies and a prefetcher;
# one DDR4-2400 channel. It runs one static binary with stdin from a file to its exit and
# writes a small JSON result (why gem5 stopped and the program's exit code) next to gem5's
# stats.txt, so the caller can tell "the program exited 3" from "gem5 failed".
#
# Usage (see simulator/README.md):
#   gem5.opt --outdir=OUT gem5_skylake.py --binary PROG --stdin INPUT \
#       [--stdout FILE] [--stderr FILE] [--result FILE] [--machine skylake.json] [--cwd DIR]
#
# Written for gem5 v23/v24 (X86O3CPU, SEWorkload, MemCtrl, cpu_side_ports, BTB and RAS
# objects) and, as far as the differences are known, older releases such as PIE's image
# (DerivO3CPU, DRAM controllers without MemCtrl, slave/master ports, BTBEntries/RASSize).

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


def upstream_ports(bus):
    """The ports a bus offers to the side nearer the CPU (named slave before gem5 21)."""
    return bus.cpu_side_ports if hasattr(bus, "cpu_side_ports") else bus.slave


def downstream_ports(bus):
    return bus.mem_side_ports if hasattr(bus, "mem_side_ports") else bus.master


def size(kib):
    return "%dKiB" % kib


def make_prefetcher(kind):
    if not kind or kind == "none":
        return None
    classes = {
        "stride": ("StridePrefetcher",),
        "tagged": ("TaggedPrefetcher",),
        "bop": ("BOPPrefetcher",),
    }
    if kind not in classes:
        raise SystemExit("unknown prefetcher %r in the machine file" % kind)
    return gem5_class(*classes[kind])()


def make_cache(spec, **extra):
    cache = gem5_class("Cache")(
        size=size(spec["size_kib"]),
        assoc=spec["assoc"],
        tag_latency=spec["tag_latency"],
        data_latency=spec["data_latency"],
        response_latency=spec["response_latency"],
        mshrs=spec["mshrs"],
        tgts_per_mshr=spec.get("targets_per_mshr", 20),
        **extra
    )
    if "write_buffers" in spec:
        cache.write_buffers = spec["write_buffers"]
    prefetcher = make_prefetcher(spec.get("prefetcher"))
    if prefetcher is not None:
        cache.prefetcher = prefetcher
    return cache


def configure_branch_predictor(cpu, core):
    predictors = {"LTAGE": ("LTAGE",), "TAGE_SC_L": ("TAGE_SC_L_64KB",), "Tournament": ("TournamentBP",)}
    name = core.get("branch_predictor", "LTAGE")
    if name not in predictors:
        raise SystemExit("unknown branch predictor %r in the machine file" % name)
    bp = gem5_class(*predictors[name])()
    if has_param(bp, "BTBEntries"):  # before the BTB became its own SimObject
        bp.BTBEntries = core["btb_entries"]
        bp.RASSize = core["ras_entries"]
    else:
        bp.btb.numEntries = core["btb_entries"]
        bp.ras.numEntries = core["ras_entries"]
    cpu.branchPred = bp


def configure_core(cpu, core):
    cpu.fetchWidth = core["fetch_width"]
    cpu.decodeWidth = core["decode_width"]
    cpu.renameWidth = core["rename_width"]
    cpu.dispatchWidth = core["dispatch_width"]
    cpu.issueWidth = core["issue_width"]
    cpu.wbWidth = core["wb_width"]
    cpu.commitWidth = core["commit_width"]
    cpu.numROBEntries = core["rob_entries"]
    cpu.numIQEntries = core["iq_entries"]
    cpu.LQEntries = core["lq_entries"]
    cpu.SQEntries = core["sq_entries"]
    cpu.numPhysIntRegs = core["int_phys_regs"]
    cpu.numPhysFloatRegs = core["fp_phys_regs"]
    configure_branch_predictor(cpu, core)


def make_memory(system, memory):
    dram_class = gem5_class(memory["type"])
    mem_range = system.mem_ranges[0]
    controllers = []
    for _ in range(memory.get("channels", 1)):
        if hasattr(m5.objects, "MemCtrl"):
            controllers.append(m5.objects.MemCtrl(dram=dram_class(range=mem_range)))
        else:  # gem5 20.0 and older: the DRAM model is the controller
            controllers.append(dram_class(range=mem_range))
    if len(controllers) > 1:
        raise SystemExit("only one memory channel is supported by this script")
    return controllers


def build_system(machine, args):
    """The Skylake system of `machine` (skylake.json) running args.binary."""
    core, caches, memory = machine["core"], machine["caches"], machine["memory"]
    line = caches["line_bytes"]

    system = m5.objects.System()
    system.clk_domain = m5.objects.SrcClockDomain(
        clock="%gGHz" % core["frequency_ghz"], voltage_domain=m5.objects.VoltageDomain()
    )
    system.mem_mode = "timing"
    system.mem_ranges = [m5.objects.AddrRange("%dMiB" % memory["size_mb"])]
    system.cache_line_size = line

    cpu = gem5_class("X86O3CPU", "DerivO3CPU", "O3CPU")()
    configure_core(cpu, core)
    system.cpu = cpu

    icache = make_cache(caches["l1i"], is_read_only=True, writeback_clean=True)
    dcache = make_cache(caches["l1d"])
    cpu.addPrivateSplitL1Caches(icache, dcache)

    l3_spec = caches["l3"]
    exclusive = bool(l3_spec.get("exclusive"))
    # A mostly-exclusive L3 is filled by L2 evictions, so the L2 must write back clean lines.
    system.l2cache = make_cache(caches["l2"], writeback_clean=exclusive)
    system.l3cache = make_cache(
        l3_spec, clusivity="mostly_excl" if exclusive else "mostly_incl"
    )

    system.l2bus = gem5_class("L2XBar")()
    system.l3bus = gem5_class("L2XBar")()
    system.membus = gem5_class("SystemXBar")()

    cpu.createInterruptController()
    try:
        cpu.connectAllPorts(
            upstream_ports(system.l2bus),
            upstream_ports(system.membus),
            downstream_ports(system.membus),
        )
    except TypeError:  # before gem5 21: connectAllPorts(cached_bus, uncached_bus)
        cpu.connectAllPorts(system.l2bus, system.membus)

    system.l2cache.cpu_side = downstream_ports(system.l2bus)
    system.l2cache.mem_side = upstream_ports(system.l3bus)
    system.l3cache.cpu_side = downstream_ports(system.l3bus)
    system.l3cache.mem_side = upstream_ports(system.membus)

    system.mem_cntrls = make_memory(system, memory)
    for controller in system.mem_cntrls:
        controller.port = downstream_ports(system.membus)
    system.system_port = upstream_ports(system.membus)

    process = m5.objects.Process()
    process.executable = args.binary
    process.cmd = [args.binary]
    process.input = args.stdin
    process.output = args.stdout
    process.errout = args.stderr
    process.cwd = args.cwd or os.path.dirname(os.path.abspath(args.binary))
    process.env = []  # the same environment every run: counts must not depend on the caller
    if hasattr(m5.objects, "SEWorkload"):
        system.workload = m5.objects.SEWorkload.init_compatible(args.binary)
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
