"""The gem5 backend: configuration script, command lines, stats parsing, failures, real gem5.

gem5 is absent where these tests usually run, so two TEST DOUBLES stand in for it, named as
such: `gem5_double/m5` (gem5's Python API, recording SimObject parameters and running the
program natively) and a fake gem5 executable (`FAKE_GEM5`: parses gem5's command line, runs
the real configuration script against that double, writes a stats.txt or misbehaves on
purpose). The tests marked `gem5` run the real thing and are skipped, with the reason, when
gem5 is not found.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pie_lsp.build import Binary, Builder
from pie_lsp.cache import Cache
from pie_lsp.errors import PieError, ToolMissing
from pie_lsp.measure import MeasureFailed, load_machine, make_measurer
from pie_lsp.measure.gem5 import (
    CONFIG_NAME,
    Gem5Measurer,
    fill_prefix,
    find_gem5,
    gem5_identity,
    gem5_missing_error,
    parse_stats,
)
from pie_lsp.sandbox import Sandbox
from pie_lsp.settings import Gem5Settings, Settings
from pie_lsp.verify import TestCase as Case

from ..conftest import REPO, processes_matching

DOUBLE = Path(__file__).resolve().parent / "gem5_double"
CONFIG = REPO / "simulator" / CONFIG_NAME
MACHINE = REPO / "simulator" / "skylake.json"
REAL_STATS = REPO / "tests" / "data" / "gem5" / "stats-v24-c01.txt"

SUM = """#include <cstdio>
int main() {
    long long x, s = 0;
    while (std::scanf("%lld", &x) == 1) s += x;
    std::printf("%lld\\n", s);
    return 0;
}
"""
EXIT3 = "int main() { return 3; }\n"

OLD_STATS = """
---------- Begin Simulation Statistics ----------
sim_seconds                                  0.000421                       # Number of seconds simulated
sim_ticks                                   421000000                       # Number of ticks simulated
final_tick                                  421000000                       # Number of ticks from beginning of simulation
sim_freq                                 1000000000000                       # Frequency of simulated ticks
host_inst_rate                                 251234                       # Simulator instruction rate (inst/s)
host_seconds                                     3.96                       # Real time elapsed on the host
sim_insts                                      995123                       # Number of instructions simulated
sim_ops                                       1801234                       # Number of ops (including micro ops) simulated
system.cpu.numCycles                          1473500                       # number of cpu cycles simulated
system.cpu.committedInsts                      995123                       # Number of Instructions Simulated
---------- End Simulation Statistics   ----------
"""

# TEST DOUBLE of a gem5 binary. {python}, {double}, {log} and {mode} are filled in.
FAKE_GEM5 = '''#!{python}
"""TEST DOUBLE of a gem5 binary (gem5 is absent here): gem5's command line, the real
configuration script run against the m5 test double, and a stats.txt like gem5's; or, by
MODE, a crash, a fatal error, a hang, an old-style or a missing stats.txt."""
import json, os, runpy, sys, time
MODE, DOUBLE, LOG = {mode!r}, {double!r}, {log!r}
args = sys.argv[1:]
try:  # outside its run directory: refused where the sandbox makes the file system read-only
    with open(LOG, "a") as log:
        log.write(" ".join(args) + "\\n")
except OSError:
    pass
if "-B" in args:
    print("Build information:\\n\\ngem5 version 99.0.0.0\\ncompiled (test double)")
    sys.exit(0)
outdir, i = "m5out", 0
while args[i].startswith("-"):
    if args[i].startswith("--outdir="):
        outdir = args[i].split("=", 1)[1]
    i += 1
script, script_args = args[i], args[i + 1:]
os.makedirs(outdir, exist_ok=True)
if "--redirect-stderr" in args:
    err = os.open(os.path.join(outdir, "simerr"), os.O_WRONLY | os.O_CREAT, 0o644)
    os.dup2(err, 2)
print("gem5 version 99.0.0.0 (test double)", file=sys.stderr)
if MODE == "hang":
    time.sleep(3600)
if MODE == "crash":
    print("panic: the test double crashes on purpose", file=sys.stderr, flush=True)
    os.abort()
if MODE == "fatal":
    print("fatal: syscall rseq (#334) unimplemented.", file=sys.stderr)
    sys.exit(1)
os.environ["M5_DOUBLE_OUTDIR"] = outdir
sys.path.insert(0, DOUBLE)
sys.argv = [script, *script_args]
runpy.run_path(script, run_name="__m5_main__")
if MODE != "no-stats":
    stdin = script_args[script_args.index("--stdin") + 1]
    insts = 50000 + 7 * os.path.getsize(stdin)
    cycles, ticks = 3 * insts, 3 * insts * 286
    names = ("simSeconds", "simTicks", "simInsts", "hostSeconds")
    if MODE == "old-stats":
        names = ("sim_seconds", "sim_ticks", "sim_insts", "host_seconds")
    rows = [(names[0], ticks / 1e12), (names[1], ticks), (names[2], insts), (names[3], 0.5),
            ("system.cpu.numCycles", cycles)]
    with open(os.path.join(outdir, "stats.txt"), "w") as stats:
        stats.write("\\n---------- Begin Simulation Statistics ----------\\n")
        for name, value in rows:
            stats.write(f"{{name:<40}} {{value:>20}}   # (test double)\\n")
        stats.write("---------- End Simulation Statistics   ----------\\n")
'''
MODES = ("ok", "old-stats", "no-stats", "crash", "fatal", "hang")


def fake_insts(input_bytes: int) -> int:
    """The instructions FAKE_GEM5 reports for an input of that size."""
    return 50000 + 7 * input_bytes


# -- fixtures --------------------------------------------------------------------------------


def _sandbox_python() -> str:
    """An interpreter the sandbox's unprivileged user can run (a root-owned venv under
    /root is out of its reach)."""
    if not Sandbox().drops_privileges:
        return sys.executable
    system = shutil.which("python3", path="/usr/bin:/bin")
    if system is None:
        pytest.skip("no /usr/bin/python3 for the fake gem5 to run as the sandbox's user")
    return system


@pytest.fixture(scope="module")
def fake_gem5() -> Iterator[dict[str, Path]]:
    """One fake gem5 executable per MODE, in a directory the sandbox's user can read."""
    folder = Path(tempfile.mkdtemp(prefix="pie-fake-gem5-"))
    folder.chmod(0o755)
    python = _sandbox_python()
    fakes: dict[str, Path] = {}
    for mode in MODES:
        log = folder / f"{mode}.log"
        log.touch()
        log.chmod(0o666)
        exe = folder / f"gem5-{mode}.opt"
        exe.write_text(FAKE_GEM5.format(python=python, double=str(DOUBLE), log=str(log), mode=mode))
        exe.chmod(0o755)
        fakes[mode] = exe
    yield fakes
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def binaries(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Binary]:
    """Static builds shared by this module's tests."""
    settings = Settings()
    settings.cache.enabled = False

    async def build() -> dict[str, Binary]:
        builder = Builder(settings.build, Sandbox(), Cache(settings.cache))
        return {"sum": await builder.build(SUM), "exit3": await builder.build(EXIT3)}

    return asyncio.run(build())


def _case(folder: Path, name: str, given: str, expected: str) -> Case:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"input.{name}.txt").write_text(given)
    (folder / f"output.{name}.txt").write_text(expected)
    return Case(name, folder / f"input.{name}.txt", folder / f"output.{name}.txt")


def _measurer(settings: Settings, gem5: Path, **gem5_settings: Any) -> Gem5Measurer:
    settings.simulator.backend = "gem5"
    settings.simulator.gem5.path = str(gem5)
    for key, value in gem5_settings.items():
        setattr(settings.simulator.gem5, key, value)
    return Gem5Measurer(settings, logging_sandbox(), Cache(settings.cache), asyncio.Semaphore(2))


def logging_sandbox() -> Sandbox:
    """A sandbox in which the test double can keep its log of calls: namespaces without
    bubblewrap's read-only file system (which test_sandbox.py checks)."""
    return Sandbox(method="unshare")


def _log_lines(fake: Path) -> list[str]:
    return (fake.parent / f"{fake.stem.removeprefix('gem5-')}.log").read_text().splitlines()


# -- the configuration script, run against the m5 test double ---------------------------------


def run_config(
    tmp_path: Path, binary: Binary, machine: dict[str, Any] | None = None, old_api: bool = False
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any], Path]:
    """Run simulator/gem5_skylake.py as gem5 would, with the m5 TEST DOUBLE on its path."""
    exe = tmp_path / "prog"
    exe.write_bytes(binary.data)
    exe.chmod(0o755)
    (tmp_path / "input.txt").write_text("4 5 6\n")
    machine_file = MACHINE
    if machine is not None:
        machine_file = tmp_path / "machine.json"
        machine_file.write_text(json.dumps(machine))
    out = tmp_path / "m5out"
    out.mkdir()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(DOUBLE),
        "M5_DOUBLE_OUTDIR": str(out),
        "M5_DOUBLE_RECORD": str(tmp_path / "record.json"),
    }
    if old_api:
        env["M5_DOUBLE_API"] = "old"
    done = subprocess.run(
        [
            sys.executable,
            str(CONFIG),
            "--binary",
            str(exe),
            "--stdin",
            str(tmp_path / "input.txt"),
            "--machine",
            str(machine_file),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    record = json.loads((tmp_path / "record.json").read_text()) if done.returncode == 0 else {}
    return done, record, out


def test_config_builds_the_skylake_of_the_machine_file(
    tmp_path: Path, binaries: dict[str, Binary]
) -> None:
    done, record, out = run_config(tmp_path, binaries["sum"])
    assert done.returncode == 0, done.stderr
    machine = load_machine(MACHINE)
    objs = record["objects"]
    cpu = objs["system.cpu"]
    assert cpu["type"] == "X86O3CPU"
    core = machine["core"]
    gem5_names = {
        "fetchWidth": "fetch_width",
        "decodeWidth": "decode_width",
        "renameWidth": "rename_width",
        "dispatchWidth": "dispatch_width",
        "issueWidth": "issue_width",
        "wbWidth": "wb_width",
        "commitWidth": "commit_width",
        "numROBEntries": "rob_entries",
        "numIQEntries": "iq_entries",
        "LQEntries": "lq_entries",
        "SQEntries": "sq_entries",
        "numPhysIntRegs": "int_phys_regs",
        "numPhysFloatRegs": "fp_phys_regs",
    }
    for gem5_name, key in gem5_names.items():
        assert cpu["params"][gem5_name] == core[key], gem5_name
    assert objs["system.cpu.branchPred"]["type"] == core["branch_predictor"] == "LTAGE"
    assert objs["system.cpu.branchPred.btb"]["params"]["numEntries"] == core["btb_entries"]
    assert objs["system.cpu.branchPred.ras"]["params"]["numEntries"] == core["ras_entries"]
    assert objs["system.clk_domain"]["params"]["clock"] == "3.5GHz"
    caches = machine["caches"]
    for path, level in (
        ("system.cpu.icache", "l1i"),
        ("system.cpu.dcache", "l1d"),
        ("system.l2cache", "l2"),
        ("system.l3cache", "l3"),
    ):
        params, spec = objs[path]["params"], caches[level]
        assert params["size"] == f"{spec['size_kib']}KiB"
        for key in ("assoc", "tag_latency", "data_latency", "response_latency", "mshrs"):
            assert params[key] == spec[key], (path, key)
        assert objs[f"{path}.prefetcher"]["type"] == "StridePrefetcher"
    assert objs["system.l3cache"]["params"]["clusivity"] == "mostly_excl"
    assert objs["system.l2cache"]["params"]["writeback_clean"] is True
    assert objs["system.cpu.icache"]["params"]["is_read_only"] is True
    assert objs["system.mem_cntrls"]["type"] == "MemCtrl"
    assert objs["system.mem_cntrls.dram"]["type"] == "DDR4_2400_8x8"
    assert objs["system.mem_cntrls.dram"]["params"]["range"] == "8192MiB"
    assert objs["system.workload"]["type"] == "X86EmuLinux"  # SEWorkload.init_compatible
    process = objs["system.cpu.workload"]["params"]
    assert process["cmd"] == [process["executable"]] and process["env"] == []
    connections = {tuple(c) for c in record["connections"]}
    hierarchy = {
        ("system.cpu.icache.mem_side", "system.l2bus.cpu_side_ports"),
        ("system.cpu.dcache.mem_side", "system.l2bus.cpu_side_ports"),
        ("system.cpu.mmu.dtb.walker.port", "system.l2bus.cpu_side_ports"),
        ("system.l2cache.cpu_side", "system.l2bus.mem_side_ports"),
        ("system.l2cache.mem_side", "system.l3bus.cpu_side_ports"),
        ("system.l3cache.cpu_side", "system.l3bus.mem_side_ports"),
        ("system.l3cache.mem_side", "system.membus.cpu_side_ports"),
        ("system.mem_cntrls.port", "system.membus.mem_side_ports"),
        ("system.system_port", "system.membus.cpu_side_ports"),
        ("system.cpu.interrupts.pio", "system.membus.mem_side_ports"),
    }
    assert hierarchy <= connections
    result = json.loads((out / "pie_result.json").read_text())
    assert result["exited"] and result["code"] == 0
    assert (out / "program.out").read_text() == "15\n"


def test_config_follows_the_machine_file(tmp_path: Path, binaries: dict[str, Binary]) -> None:
    machine = load_machine(MACHINE)
    machine["core"]["rob_entries"] = 128
    machine["core"]["frequency_ghz"] = 2.0
    machine["caches"]["l2"]["size_kib"] = 512
    machine["caches"]["l1i"]["prefetcher"] = "none"
    machine["caches"]["l3"]["exclusive"] = False
    machine["memory"]["size_mb"] = 2048
    done, record, _ = run_config(tmp_path, binaries["sum"], machine)
    assert done.returncode == 0, done.stderr
    objs = record["objects"]
    assert objs["system.cpu"]["params"]["numROBEntries"] == 128
    assert objs["system.clk_domain"]["params"]["clock"] == "2GHz"
    assert objs["system.l2cache"]["params"]["size"] == "512KiB"
    assert "system.cpu.icache.prefetcher" not in objs
    assert objs["system.l3cache"]["params"]["clusivity"] == "mostly_incl"
    assert objs["system.l2cache"]["params"]["writeback_clean"] is False
    assert objs["system.mem_cntrls.dram"]["params"]["range"] == "2048MiB"


def test_config_makes_the_exit_code_observable(tmp_path: Path, binaries: dict[str, Binary]) -> None:
    done, _, out = run_config(tmp_path, binaries["exit3"])
    assert done.returncode == 0, done.stderr
    result = json.loads((out / "pie_result.json").read_text())
    assert result["exited"] is True and result["code"] == 3


def test_config_adapts_to_older_gem5_names(tmp_path: Path, binaries: dict[str, Binary]) -> None:
    done, record, _ = run_config(tmp_path, binaries["sum"], old_api=True)
    assert done.returncode == 0, done.stderr
    objs = record["objects"]
    assert objs["system.cpu"]["type"] == "DerivO3CPU"
    assert objs["system.cpu.branchPred"]["params"] == {"BTBEntries": 512, "RASSize": 32}
    assert objs["system.mem_cntrls"]["type"] == "DDR4_2400_8x8"
    assert "workload" not in objs["system"]["params"]
    connections = {tuple(c) for c in record["connections"]}
    assert ("system.l3cache.mem_side", "system.membus.slave") in connections
    assert ("system.cpu.interrupts.int_master", "system.membus.slave") in connections


def test_config_rejects_a_bad_machine_file(tmp_path: Path, binaries: dict[str, Binary]) -> None:
    machine = load_machine(MACHINE)
    machine["caches"]["l2"]["prefetcher"] = "psychic"
    done, _, _ = run_config(tmp_path, binaries["sum"], machine)
    assert done.returncode != 0
    assert "unknown prefetcher 'psychic'" in done.stderr


# -- stats.txt --------------------------------------------------------------------------------


def test_parse_real_gem5_v24_stats() -> None:
    stats = parse_stats(REAL_STATS.read_text())
    assert stats.sim_seconds == pytest.approx(0.000350)
    assert stats.sim_ticks == 349974768
    assert stats.instructions == 913881
    assert stats.cycles == 1223689
    assert stats.host_seconds == pytest.approx(1.28)


def test_parse_old_generation_stats() -> None:
    stats = parse_stats(OLD_STATS)
    assert stats.sim_seconds == pytest.approx(0.000421)
    assert stats.instructions == 995123
    assert stats.cycles == 1473500
    assert stats.host_seconds == pytest.approx(3.96)


def test_parse_takes_the_last_dump_and_derives_seconds_from_ticks() -> None:
    first = OLD_STATS.replace("995123", "1000")
    last = (
        OLD_STATS.replace("0.000421", "nan")
        .replace("sim_seconds", "unrelated")
        .replace("995123", "2000")
    )
    stats = parse_stats(first + last)
    assert stats.instructions == 2000
    assert stats.sim_seconds == pytest.approx(421000000 / 1e12)


def test_parse_names_what_is_missing() -> None:
    with pytest.raises(MeasureFailed, match="holds no statistics"):
        parse_stats("")
    no_insts = "\n".join(line for line in OLD_STATS.splitlines() if "sim_insts" not in line)
    with pytest.raises(MeasureFailed, match="lacks simInsts or sim_insts"):
        parse_stats(no_insts)


# -- finding gem5 and building its command line ------------------------------------------------


def test_find_gem5_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    on_path = tmp_path / "bin"
    on_path.mkdir()
    (on_path / "gem5.fast").write_text("#!/bin/sh\n")
    (on_path / "gem5.fast").chmod(0o755)
    monkeypatch.setenv("PATH", str(on_path))
    monkeypatch.delenv("PIE_GEM5", raising=False)
    assert find_gem5(Gem5Settings()) == str(on_path / "gem5.fast")
    monkeypatch.setenv("PIE_GEM5", "/opt/gem5/build/X86/gem5.opt")
    assert find_gem5(Gem5Settings()) == "/opt/gem5/build/X86/gem5.opt"
    assert find_gem5(Gem5Settings(path="/elsewhere/gem5.opt")) == "/elsewhere/gem5.opt"
    monkeypatch.delenv("PIE_GEM5")
    # with a container prefix, what is on this machine's PATH means nothing
    assert find_gem5(Gem5Settings(prefix=["docker", "run", "img"])) is None
    assert "pie.simulator.gem5.path" in gem5_missing_error(Gem5Settings(prefix=["x"])).hint
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    assert find_gem5(Gem5Settings()) is None
    assert "PIE_GEM5" in gem5_missing_error().hint


def test_local_command_keeps_every_path_in_the_run_directory(
    settings: Settings, fake_gem5: dict[str, Path]
) -> None:
    measurer = _measurer(settings, fake_gem5["ok"])
    work = Path("/tmp/pie-lsp-0/gem5____-abcdefgh")
    argv = measurer.command(work)
    assert argv[0] == str(fake_gem5["ok"])
    assert f"--outdir={work}/m5out" in argv
    assert argv[argv.index("--binary") + 1] == f"{work}/prog"
    paths = [a for a in argv[1:] if a.startswith("/")]
    assert paths and all(p.startswith(str(work)) for p in paths)
    assert str(work / CONFIG_NAME) in argv


def test_container_command_fills_the_placeholders(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PIE_GEM5", raising=False)
    prefix = [
        "docker",
        "run",
        "--rm",
        "--name",
        "{name}",
        "--network=none",
        "--user",
        "{uid}:{gid}",
        "-v",
        "{workdir}:{workdir}",
        "-w",
        "{workdir}",
        "alexshypula/gem5-skylake:api",
    ]
    settings.simulator.gem5.prefix = prefix
    settings.simulator.gem5.path = "/gem5/build/X86/gem5.opt"
    measurer = Gem5Measurer(
        settings, logging_sandbox(), Cache(settings.cache), asyncio.Semaphore(1)
    )
    work = Path("/tmp/pie-lsp-0/gem5____-abcdefgh")
    argv = measurer.command(work, "pie-gem5-123")
    uid, gid = os.getuid(), os.getgid()
    assert argv[:13] == [
        "docker",
        "run",
        "--rm",
        "--name",
        "pie-gem5-123",
        "--network=none",
        "--user",
        f"{uid}:{gid}",
        "-v",
        f"{work}:{work}",
        "-w",
        str(work),
        "alexshypula/gem5-skylake:api",
    ]
    assert argv[13] == "/gem5/build/X86/gem5.opt"  # gem5's path inside the image
    assert argv[14] == f"--outdir={work}/m5out"
    assert measurer.run_sandbox is not measurer.sandbox  # the container is the sandbox
    assert measurer.limits().memory_mb is None
    assert fill_prefix(["{workdir}/x"], Path("/w"), "n") == ["/w/x"]


def test_container_prefix_errors_are_clear(settings: Settings) -> None:
    settings.simulator.gem5.prefix = ["docker", "run", "-v", "{home}:{home}", "img"]
    settings.simulator.gem5.path = "/gem5/gem5.opt"
    with pytest.raises(PieError, match=r"unknown placeholder \{home\}") as info:
        Gem5Measurer(settings, logging_sandbox(), Cache(settings.cache), asyncio.Semaphore(1))
    assert "{workdir}" in info.value.hint


def test_measurer_refuses_dynamic_builds_and_missing_gem5(
    settings: Settings, tmp_path: Path, fake_gem5: dict[str, Path]
) -> None:
    settings.build.static = False
    with pytest.raises(PieError, match="statically linked") as info:
        _measurer(settings, fake_gem5["ok"])
    assert "pie.build.static" in info.value.hint
    settings.build.static = True
    with pytest.raises(ToolMissing, match="not an executable file"):
        _measurer(settings, tmp_path / "no-such-gem5.opt")


def test_config_digest_follows_what_gem5_simulates(
    settings: Settings, tmp_path: Path, fake_gem5: dict[str, Path]
) -> None:
    base = _measurer(settings, fake_gem5["ok"]).config_digest()
    assert gem5_identity(str(fake_gem5["ok"])).version == "99.0.0.0"
    machine = load_machine(MACHINE)
    machine["estimate"]["costs"]["instructions"] = 99.0  # a refit: gem5 results still hold
    (tmp_path / "m.json").write_text(json.dumps(machine))
    settings.simulator.estimate.params = str(tmp_path / "m.json")
    assert _measurer(settings, fake_gem5["ok"]).config_digest() == base
    machine["core"]["rob_entries"] = 100
    (tmp_path / "m.json").write_text(json.dumps(machine))
    assert _measurer(settings, fake_gem5["ok"]).config_digest() != base
    settings.simulator.estimate.params = None
    (tmp_path / "cfg.py").write_text(CONFIG.read_text() + "\n# edited\n")
    settings.simulator.gem5.config = str(tmp_path / "cfg.py")
    assert _measurer(settings, fake_gem5["ok"]).config_digest() != base


# -- runs through the fake gem5 executable -----------------------------------------------------


async def test_measures_from_stats_and_caches_the_result(
    settings: Settings, tmp_path: Path, fake_gem5: dict[str, Path], binaries: dict[str, Binary]
) -> None:
    measurer = _measurer(settings, fake_gem5["ok"])
    cases = [_case(tmp_path, "1", "1 2 3\n", "6\n"), _case(tmp_path, "2", "10 20\n", "30\n")]
    before = len(_log_lines(fake_gem5["ok"]))
    measured = await measurer.measure(binaries["sum"], cases)
    assert measured.backend == "gem5"
    first = measured.tests[0]
    insts = fake_insts(len("1 2 3\n"))
    assert first.instructions == insts
    assert first.cycles == 3 * insts
    assert first.seconds == pytest.approx(3 * insts * 286 / 1e12)
    assert first.detail["simulation_speed"] == pytest.approx(insts / first.detail["host_seconds"])
    assert first.detail["gem5_host_seconds"] == 0.5
    runs = len(_log_lines(fake_gem5["ok"])) - before
    assert runs == 2  # one gem5 process per test
    again = await measurer.measure(binaries["sum"], cases)
    assert again.tests == measured.tests
    assert len(_log_lines(fake_gem5["ok"])) - before == runs  # cached: no new gem5 run


async def test_reads_old_generation_stats(
    settings: Settings, tmp_path: Path, fake_gem5: dict[str, Path], binaries: dict[str, Binary]
) -> None:
    measurer = _measurer(settings, fake_gem5["old-stats"])
    timing = await measurer.measure_one(binaries["sum"], _case(tmp_path, "1", "7\n", "7\n"))
    assert timing.instructions == fake_insts(2)


@pytest.mark.parametrize(
    ("mode", "message", "details"),
    [
        ("no-stats", "gem5 wrote no stats.txt", ""),
        # the signal may come back as SIGSEGV through unshare: either is a crash
        ("crash", r"gem5 (aborted|crashed).* before the program finished", "panic: the test"),
        ("fatal", "exited with code 1 before the program finished", "syscall rseq"),
    ],
)
async def test_gem5_failures_are_explained(
    settings: Settings,
    tmp_path: Path,
    fake_gem5: dict[str, Path],
    binaries: dict[str, Binary],
    mode: str,
    message: str,
    details: str,
) -> None:
    measurer = _measurer(settings, fake_gem5[mode])
    with pytest.raises(MeasureFailed, match=message) as info:
        await measurer.measure_one(binaries["sum"], _case(tmp_path, "1", "1\n", "1\n"))
    assert details in info.value.details


async def test_program_failures_under_gem5(
    settings: Settings, tmp_path: Path, fake_gem5: dict[str, Path], binaries: dict[str, Binary]
) -> None:
    measurer = _measurer(settings, fake_gem5["ok"])
    with pytest.raises(MeasureFailed, match="exits with code 3 under gem5"):
        await measurer.measure_one(binaries["exit3"], _case(tmp_path, "1", "", ""))
    with pytest.raises(MeasureFailed, match="gives another output under gem5") as info:
        await measurer.measure_one(binaries["sum"], _case(tmp_path, "2", "1 1\n", "3\n"))
    assert "expected '3', got '2'" in info.value.message


async def test_timeout_kills_gem5(
    settings: Settings, tmp_path: Path, fake_gem5: dict[str, Path], binaries: dict[str, Binary]
) -> None:
    measurer = _measurer(settings, fake_gem5["hang"], timeout=1.5)
    with pytest.raises(MeasureFailed, match=r"timed out after 1\.5 s") as info:
        await measurer.measure_one(binaries["sum"], _case(tmp_path, "1", "1\n", "1\n"))
    assert "pie.simulator.gem5.timeout" in info.value.hint
    assert not processes_matching(str(fake_gem5["hang"]))


async def test_cancelling_kills_gem5(
    settings: Settings, tmp_path: Path, fake_gem5: dict[str, Path], binaries: dict[str, Binary]
) -> None:
    measurer = _measurer(settings, fake_gem5["hang"], timeout=60.0)
    cases = [_case(tmp_path, "1", "1\n", "1\n"), _case(tmp_path, "2", "2\n", "2\n")]
    task = asyncio.ensure_future(measurer.measure(binaries["sum"], cases))
    marker = str(fake_gem5["hang"])
    for _ in range(100):
        if len(processes_matching(marker)) >= 2:  # both tests' gem5 run at once
            break
        await asyncio.sleep(0.05)
    assert processes_matching(marker)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not processes_matching(marker)


def test_auto_picks_gem5_when_found(
    settings: Settings, fake_gem5: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIE_GEM5", str(fake_gem5["ok"]))
    settings.simulator.backend = "auto"
    measurer = make_measurer(settings, Sandbox(), Cache(settings.cache), asyncio.Semaphore(1))
    assert isinstance(measurer, Gem5Measurer)
    assert measurer.gem5 == str(fake_gem5["ok"])


def test_doctor_reports_gem5_and_runs_the_config(
    settings: Settings, fake_gem5: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from pie_lsp.doctor import check_gem5

    settings.simulator.gem5.path = str(fake_gem5["ok"])
    check = check_gem5(settings)
    assert check.ok, check.detail
    assert "gem5 99.0.0.0" in check.detail and "ran a test program" in check.detail
    settings.simulator.gem5.path = str(fake_gem5["fatal"])
    broken = check_gem5(settings)
    assert not broken.ok and "syscall rseq" in broken.detail
    settings.simulator.gem5.path = None
    monkeypatch.delenv("PIE_GEM5", raising=False)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    missing = check_gem5(settings)
    assert not missing.ok and not missing.required and "simulator/README.md" in missing.fix


# -- real gem5 ----------------------------------------------------------------------------------

# Twins with the same output: a flush and a write() per line, or one buffered write.
SLOW = """#include <iostream>
int main() {
    int n;
    std::cin >> n;
    for (int i = 0; i < n; i++) std::cout << i * 3 << std::endl;
}
"""
FAST = SLOW.replace("std::endl", "'\\n'")


@pytest.fixture
def real_gem5(settings: Settings) -> Gem5Measurer:
    found = find_gem5(settings.simulator.gem5)
    if found is None:
        pytest.skip(
            "gem5 not found (pie.simulator.gem5.path, $PIE_GEM5, gem5.opt/gem5.fast on "
            "PATH): real-gem5 tests skipped; see simulator/README.md"
        )
    settings.simulator.gem5.timeout = 600.0
    return Gem5Measurer(settings, Sandbox(), Cache(settings.cache), asyncio.Semaphore(2))


@pytest.mark.gem5
async def test_real_gem5_measures_a_faster_twin_faster(
    real_gem5: Gem5Measurer, settings: Settings, tmp_path: Path
) -> None:
    builder = Builder(settings.build, Sandbox(), Cache(settings.cache))
    slow, fast = await builder.build(SLOW), await builder.build(FAST)
    case = _case(tmp_path, "1", "400\n", "".join(f"{i * 3}\n" for i in range(400)))
    slow_t, fast_t = await asyncio.gather(
        real_gem5.measure_one(slow, case), real_gem5.measure_one(fast, case)
    )
    assert fast_t.seconds < slow_t.seconds
    assert (fast_t.instructions or 0) < (slow_t.instructions or 0)
    assert slow_t.detail["simulation_speed"] > 0


@pytest.mark.gem5
async def test_real_gem5_is_deterministic(
    real_gem5: Gem5Measurer, settings: Settings, tmp_path: Path
) -> None:
    binary = await Builder(settings.build, Sandbox(), Cache(settings.cache)).build(SUM)
    case = _case(tmp_path, "1", "1 2 3 4\n", "10\n")
    first, second = await asyncio.gather(
        real_gem5.measure_one(binary, case), real_gem5.measure_one(binary, case)
    )
    assert first.seconds == second.seconds
    assert first.cycles == second.cycles and first.instructions == second.instructions
