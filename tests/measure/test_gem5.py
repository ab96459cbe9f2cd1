"""The gem5 backend with the real gem5: measurement, verification, limits, cancel, cache, errors.

gem5 is found as the test suite's users have it: `$PIE_GEM5`, else `<repo>/../shared/gem5/
gem5.fast` (a build shared beside the clone, as in CI); the real-gem5 tests are skipped, with
that reason, only when neither exists. Each simulation is small (a few hundred thousand
instructions, a few seconds of host time). Command lines are tested without gem5; reading
stats.txt and a run's outcome in test_gem5_output.py, finding gem5 in test_gem5_locate.py. The
only test doubles left are an ARM-only gem5 (a shell script answering the identity probe as
such a build does) and a crafted AArch64 executable: neither can be built here.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pie_lsp.build import Binary, Builder
from pie_lsp.cache import Cache
from pie_lsp.errors import PieError, ToolMissing
from pie_lsp.measure import (
    MeasureFailed,
    Measurement,
    gem5_locate,
    load_machine,
    make_measurer,
    measuring_activity,
)
from pie_lsp.measure.gem5 import (
    CONFIG_NAME,
    Gem5Measurer,
)
from pie_lsp.measure.gem5_locate import fill_prefix, gem5_identity
from pie_lsp.measure.gem5_output import Gem5TimedOut
from pie_lsp.pipeline import OptimizeResult, Pipeline, Step
from pie_lsp.sandbox import Sandbox
from pie_lsp.settings import Settings
from pie_lsp.verify import TestCase as Case

from ..conftest import GEM5_FROM_ENV, REPO, wait_until, write_program

MACHINE = REPO / "simulator" / "skylake.json"
CONFIG = REPO / "simulator" / CONFIG_NAME
REAL_STATS = REPO / "tests" / "data" / "gem5" / "stats-v24-c01.txt"


def real_gem5_path() -> Path | None:
    """$PIE_GEM5, else the shared build beside the repository (<repo>/../shared/gem5)."""
    configured = GEM5_FROM_ENV
    if configured and Path(configured).is_file():
        return Path(configured)
    shared = REPO.parent / "shared" / "gem5" / "gem5.fast"
    return shared if shared.is_file() else None


SKIP_REASON = (
    "real gem5 not found ($PIE_GEM5 unset or missing, and no <repo>/../shared/gem5/gem5.fast): "
    "real-gem5 tests skipped; see simulator/README.md"
)


@pytest.fixture(scope="session")
def gem5_path() -> Path:
    found = real_gem5_path()
    if found is None:
        print(SKIP_REASON)
        pytest.skip(SKIP_REASON)
    # the measurer runs gem5 by its real path (symlinks resolved), so process checks that
    # look for gem5's path on a command line must look for that one
    return found.resolve()


# -- programs (static builds, each a few hundred thousand simulated instructions) -------------

SUM = """#include <cstdio>
int main() {
    long long x, s = 0;
    while (std::scanf("%lld", &x) == 1) s += x;
    std::printf("%lld\\n", s);
    return 0;
}
"""
EXIT3 = "int main() { return 3; }\n"
SPIN = "int main() { volatile unsigned long x = 0; for (;;) x = x + 1; }\n"
# gem5 v24's X86 model returns 0 for SSE4.2's crc32: right natively, wrong under gem5.
CRC = """#include <cstdio>
#include <immintrin.h>
__attribute__((target("sse4.2"))) unsigned crc(unsigned x) { return _mm_crc32_u32(0u, x); }
int main() {
    unsigned x;
    if (std::scanf("%u", &x) != 1) return 1;
    std::printf("%u\\n", crc(x));
}
"""
# FMA: an instruction gem5's X86 model does not decode (gem5 panics).
FMA = """#include <cstdio>
#include <immintrin.h>
__attribute__((target("fma"))) float f(float x) {
    __m128 a = _mm_set1_ps(x);
    return _mm_cvtss_f32(_mm_fmadd_ps(a, a, a));
}
int main() {
    float x;
    if (std::scanf("%f", &x) != 1) return 1;
    std::printf("%g\\n", f(x));
}
"""
# memfd_create: a Linux system call gem5's syscall emulation does not implement (fatal).
MEMFD = """#include <cstdio>
#include <sys/syscall.h>
#include <unistd.h>
int main() {
    long fd = syscall(SYS_memfd_create, "pie", 0);
    std::printf("%d\\n", fd >= 0);
}
"""
# Twins with the same output: a flush and a write() per line, or one buffered write.
SLOW = """#include <iostream>
int main() {
    int n;
    std::cin >> n;
    for (int i = 0; i < n; i++) std::cout << i * 3 << std::endl;
}
"""
FAST = SLOW.replace("std::endl", "'\\n'")


@pytest.fixture(scope="module")
def binaries() -> dict[str, Binary]:
    """Static builds shared by this module's tests."""
    settings = Settings()
    settings.cache.enabled = False
    sources = {"sum": SUM, "exit3": EXIT3, "spin": SPIN, "crc": CRC, "fma": FMA, "memfd": MEMFD}

    async def build() -> dict[str, Binary]:
        builder = Builder(settings.build, Sandbox(), Cache(settings.cache))
        return {name: await builder.build(text) for name, text in sources.items()}

    return asyncio.run(build())


def _case(folder: Path, name: str, given: str, expected: str) -> Case:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"input.{name}.txt").write_text(given)
    (folder / f"output.{name}.txt").write_text(expected)
    return Case(name, folder / f"input.{name}.txt", folder / f"output.{name}.txt")


def _measurer(settings: Settings, gem5: Path | str, **gem5_settings: Any) -> Gem5Measurer:
    settings.simulator.backend = "gem5"
    settings.simulator.gem5.path = str(gem5)
    for key, value in gem5_settings.items():
        setattr(settings.simulator.gem5, key, value)
    return Gem5Measurer.from_settings(
        settings, Sandbox(), Cache(settings.cache), asyncio.Semaphore(2)
    )


def gem5_descendants(marker: str) -> list[int]:
    """This process's descendants whose command line names `marker` (gem5's path)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    mine: set[int] = set()
    frontier = {os.getpid()}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - mine
        mine |= frontier
    found = []
    for pid in mine:
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if marker.encode() in cmdline:
            found.append(pid)
    return found


# -- building its command line (no simulation) -------------------------------------------------


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
    measurer = Gem5Measurer.from_settings(
        settings, Sandbox(), Cache(settings.cache), asyncio.Semaphore(1)
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
    paths = [a for a in argv[14:] if "/" in a]
    assert all(str(work) in p for p in paths)  # everything inside the one mounted dir
    assert measurer.run_sandbox is not measurer.sandbox  # the container is the sandbox
    assert measurer.limits().memory_mb is None
    assert fill_prefix(["{workdir}/x"], Path("/w"), "n") == ["/w/x"]


def test_container_prefix_errors_are_clear(settings: Settings) -> None:
    settings.simulator.gem5.prefix = ["docker", "run", "-v", "{home}:{home}", "img"]
    settings.simulator.gem5.path = "/gem5/gem5.opt"
    with pytest.raises(PieError, match=r"unknown placeholder \{home\}") as info:
        Gem5Measurer.from_settings(settings, Sandbox(), Cache(settings.cache), asyncio.Semaphore(1))
    assert "{workdir}" in info.value.hint


# -- bad gem5 installations: each a clear message naming the cause and the fix ----------------


def test_missing_gem5(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PIE_GEM5", raising=False)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    settings.simulator.backend = "gem5"
    with pytest.raises(ToolMissing, match="gem5 was not found") as info:
        make_measurer(settings, Sandbox(), Cache(settings.cache), asyncio.Semaphore(1))
    assert "PIE_GEM5" in info.value.hint and "--simulator estimate" in info.value.hint
    settings.simulator.backend = "auto"  # auto falls back to the estimate
    fallback = make_measurer(settings, Sandbox(), Cache(settings.cache), asyncio.Semaphore(1))
    assert fallback.name == "estimate"


def test_gem5_that_is_not_executable(settings: Settings, tmp_path: Path, gem5_path: Path) -> None:
    copy = tmp_path / "gem5.opt"
    copy.write_bytes(gem5_path.read_bytes()[:4096])
    copy.chmod(0o644)
    with pytest.raises(ToolMissing, match="is not an executable file") as info:
        _measurer(settings, copy)
    assert "chmod +x" in info.value.hint
    with pytest.raises(ToolMissing, match="not an executable file"):
        _measurer(settings, tmp_path / "no-such-gem5.opt")


def test_gem5_built_for_another_host(settings: Settings, tmp_path: Path) -> None:
    """A gem5 binary for AArch64 hosts (a crafted ELF header: no such build exists here),
    which exec would refuse with "Exec format error"."""
    if os.uname().machine != "x86_64":
        pytest.skip("the crafted binary is foreign to x86-64 hosts")
    header = bytearray(64)
    header[:4] = b"\x7fELF"
    header[4], header[5], header[6] = 2, 1, 1  # 64-bit, little-endian, version 1
    header[16:18] = (2).to_bytes(2, "little")  # an executable
    header[18:20] = (183).to_bytes(2, "little")  # EM_AARCH64
    arm = tmp_path / "gem5.opt"
    arm.write_bytes(bytes(header))
    arm.chmod(0o755)
    with pytest.raises(OSError, match="Exec format error"):
        subprocess.run([str(arm)], check=False)  # what running it would do
    with pytest.raises(ToolMissing, match="is a program for AArch64, but this machine is x86-64"):
        _measurer(settings, arm)


# TEST DOUBLE of a gem5 built for the ARM ISA only (build/ARM/gem5.opt; no such build here):
# the banner gem5 prints, and what pie-lsp's identity probe prints inside such a build.
ARM_ONLY_GEM5 = """#!/bin/sh
echo "gem5 Simulator System.  https://www.gem5.org"
echo "gem5 version 24.0.0.1"
echo "gem5 compiled Dec  5 2026 11:09:53 (build/ARM/gem5.opt)"
echo 'PIE_PROBE {"version": "24.0.0.1", "isas": ["arm"]}'
"""


def test_gem5_for_the_wrong_isa_and_not_gem5_at_all(settings: Settings, tmp_path: Path) -> None:
    arm = tmp_path / "gem5.opt"
    arm.write_text(ARM_ONLY_GEM5)
    arm.chmod(0o755)
    with pytest.raises(ToolMissing, match="simulates ARM only") as info:
        _measurer(settings, arm)
    assert "build/X86/gem5.opt" in info.value.hint
    settings.simulator.backend = "auto"  # auto: such a gem5 means the estimate
    fallback = make_measurer(settings, Sandbox(), Cache(settings.cache), asyncio.Semaphore(1))
    assert fallback.name == "estimate"
    # another program where gem5 was expected
    with pytest.raises(ToolMissing, match="does not run a configuration script") as info:
        _measurer(settings, shutil.which("true") or "/bin/true")
    assert "gem5" in info.value.hint


def test_bad_configuration_script_path(settings: Settings, gem5_path: Path) -> None:
    settings.simulator.gem5.config = "/no/such/gem5_config.py"
    with pytest.raises(PieError, match="cannot read the gem5 configuration script") as info:
        _measurer(settings, gem5_path)
    assert "pie.simulator.gem5.config" in info.value.hint


# -- gem5's identity and the cache -----------------------------------------------------------


def test_identity_is_the_binarys_hash_cached_by_path_size_and_time(
    settings: Settings, tmp_path: Path, gem5_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = Cache(settings.cache)
    ident = gem5_identity(str(gem5_path), (), cache)
    assert ident.fingerprint == hashlib.sha256(gem5_path.read_bytes()).hexdigest()
    assert "x86" in ident.isas and ident.version[0].isdigit()
    # a new process (nothing in memory) reads it from the disk cache: gem5 is not started

    def no_gem5(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("gem5 was started")

    monkeypatch.setattr(gem5_locate, "_IDENTITIES", {})
    monkeypatch.setattr(gem5_locate, "probe_gem5", no_gem5)
    assert gem5_identity(str(gem5_path), (), cache) == ident


@pytest.mark.gem5
def test_the_probe_writes_nothing_where_it_is_started(
    tmp_path: Path, gem5_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """gem5 without --outdir leaves m5out/ in the caller's working directory (it once left
    one at the repository's root)."""
    monkeypatch.chdir(tmp_path)
    version, isas = gem5_locate.probe_gem5(str(gem5_path))
    assert "x86" in isas and version[0].isdigit()
    assert list(tmp_path.iterdir()) == []


def test_results_are_keyed_by_gem5s_hash_script_and_machine(
    settings: Settings, tmp_path: Path, gem5_path: Path
) -> None:
    base = _measurer(settings, gem5_path).config_digest()
    moved = tmp_path / "moved" / "gem5.fast"
    moved.parent.mkdir()
    shutil.copy2(gem5_path, moved)
    assert _measurer(settings, moved).config_digest() == base  # same binary elsewhere
    with moved.open("ab") as handle:
        handle.write(b"\0")  # another build: its results are not reused
    assert _measurer(settings, moved).config_digest() != base
    machine = load_machine(MACHINE)
    machine["estimate"]["costs"]["instructions"] = 99.0  # a refit: gem5 results still hold
    (tmp_path / "m.json").write_text(json.dumps(machine))
    settings.simulator.estimate.params = str(tmp_path / "m.json")
    assert _measurer(settings, gem5_path).config_digest() == base
    machine["core"]["rob_entries"] = 100
    (tmp_path / "m.json").write_text(json.dumps(machine))
    assert _measurer(settings, gem5_path).config_digest() != base
    settings.simulator.estimate.params = None
    (tmp_path / "cfg.py").write_text(CONFIG.read_text() + "\n# edited\n")
    settings.simulator.gem5.config = str(tmp_path / "cfg.py")
    assert _measurer(settings, gem5_path).config_digest() != base


@pytest.mark.gem5
async def test_a_repeat_is_free(
    settings: Settings,
    tmp_path: Path,
    gem5_path: Path,
    binaries: dict[str, Binary],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    case = _case(tmp_path, "1", "1 2 3 4\n", "10\n")
    first = await _measurer(settings, gem5_path).measure(binaries["sum"], [case])
    # a new process: nothing in memory, the disk cache only; count what gets started
    started: list[str] = []
    real_exec, real_run = asyncio.create_subprocess_exec, subprocess.run

    async def spy_exec(*argv: Any, **kwargs: Any) -> Any:
        started.append(" ".join(map(str, argv)))
        return await real_exec(*argv, **kwargs)

    def spy_run(argv: Any, *args: Any, **kwargs: Any) -> Any:
        started.append(" ".join(map(str, argv)))
        return real_run(argv, *args, **kwargs)

    monkeypatch.setattr(gem5_locate, "_IDENTITIES", {})
    monkeypatch.setattr(asyncio, "create_subprocess_exec", spy_exec)
    monkeypatch.setattr(subprocess, "run", spy_run)
    again = await _measurer(settings, gem5_path).measure(binaries["sum"], [case])
    assert again.tests == first.tests
    assert not [argv for argv in started if str(gem5_path) in argv]


# -- real simulations ------------------------------------------------------------------------


@pytest.mark.gem5
async def test_a_tiny_program_measured_end_to_end(
    settings: Settings, tmp_path: Path, gem5_path: Path, binaries: dict[str, Binary]
) -> None:
    """Calibration-style: a small program on two inputs, every number from gem5's stats."""
    settings.cache.enabled = False
    measurer = _measurer(settings, gem5_path)
    small = _case(tmp_path, "1", "1 2 3\n", "6\n")
    large = _case(tmp_path, "2", " ".join(map(str, range(400))) + "\n", f"{sum(range(400))}\n")
    messages: list[str] = []
    with measuring_activity(messages.append):
        measured = await measurer.measure(binaries["sum"], [small, large])
    one, two = measured.tests
    machine = load_machine(MACHINE)
    hz = float(machine["core"]["frequency_ghz"]) * 1e9
    for timing in (one, two):
        assert timing.instructions and timing.cycles
        # seconds are the core's cycles at the machine file's clock (a tick is 1 ps)
        assert timing.seconds == pytest.approx(timing.cycles / hz, rel=0.01)
        assert timing.stats["simInsts"] == timing.instructions
        assert timing.stats["system.cpu.numCycles"] == timing.cycles
        assert timing.detail["simulation_speed"] > 0
    assert (two.instructions or 0) > (one.instructions or 0) + 400 * 20  # scanf per number
    # progress named the test in gem5 and for how long
    assert any(m.startswith("In gem5: test ") and " s of 120 s" in m for m in messages)
    # deterministic: the same run again gives the same numbers
    again = await measurer.measure_one(binaries["sum"], small)
    assert (again.cycles, again.instructions, again.seconds) == (
        one.cycles,
        one.instructions,
        one.seconds,
    )


@pytest.mark.gem5
def test_the_machine_file_is_what_gem5_simulates(
    settings: Settings, tmp_path: Path, gem5_path: Path, binaries: dict[str, Binary]
) -> None:
    """gem5's own config.json: the core and caches of skylake.json, and an edit followed."""
    machine = load_machine(MACHINE)
    machine["core"]["rob_entries"] = 128
    machine["caches"]["l2"]["size_kib"] = 512
    (tmp_path / "m.json").write_text(json.dumps(machine))
    settings.simulator.estimate.params = str(tmp_path / "m.json")
    measurer = _measurer(settings, gem5_path)
    work = tmp_path / "run"
    work.mkdir()
    measurer.prepare(work, binaries["sum"], _case(tmp_path, "1", "5\n", "5\n"))
    argv = measurer.command(work)
    paths = [a.split("=", 1)[-1] for a in argv[1:] if "/" in a]
    assert paths and all(p.startswith(str(work)) for p in paths)
    done = subprocess.run(argv, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    config = json.loads((work / "m5out" / "config.json").read_text())
    cpu = config["system"]["cpu"][0] if isinstance(config["system"]["cpu"], list) else None
    cpu = cpu or config["system"]["cpu"]
    assert cpu["numROBEntries"] == 128
    assert cpu["fetchWidth"] == machine["core"]["fetch_width"]
    assert cpu["numIQEntries"] == machine["core"]["iq_entries"]
    l2 = config["system"].get("l2cache")
    if l2 is not None:
        assert l2["size"] == 512 * 1024
    assert (work / "m5out" / "program.out").read_text() == "5\n"


@pytest.mark.gem5
async def test_real_gem5_measures_a_faster_twin_faster(
    settings: Settings, tmp_path: Path, gem5_path: Path
) -> None:
    settings.cache.enabled = False
    measurer = _measurer(settings, gem5_path)
    builder = Builder(settings.build, Sandbox(), Cache(settings.cache))
    slow, fast = await builder.build(SLOW), await builder.build(FAST)
    case = _case(tmp_path, "1", "200\n", "".join(f"{i * 3}\n" for i in range(200)))
    slow_t, fast_t = await asyncio.gather(
        measurer.measure_one(slow, case), measurer.measure_one(fast, case)
    )
    assert fast_t.seconds < slow_t.seconds
    assert (fast_t.instructions or 0) < (slow_t.instructions or 0)


@pytest.mark.gem5
async def test_outputs_are_verified_under_gem5(
    settings: Settings, tmp_path: Path, gem5_path: Path, binaries: dict[str, Binary]
) -> None:
    """A program right natively but wrong under gem5 (its crc32) is caught, and so is an
    exit code other than 0."""
    settings.cache.enabled = False
    measurer = _measurer(settings, gem5_path)
    expected = _native_output(binaries["crc"], tmp_path / "crc", "12345\n")
    assert expected.strip() != "0"
    with pytest.raises(MeasureFailed, match="gives another output under gem5") as info:
        await measurer.measure_one(binaries["crc"], _case(tmp_path, "1", "12345\n", expected))
    assert "got '0'" in info.value.message
    with pytest.raises(MeasureFailed, match="exits with code 3 under gem5"):
        await measurer.measure_one(binaries["exit3"], _case(tmp_path, "2", "", ""))


def _native_output(binary: Binary, exe: Path, given: str) -> str:
    exe.write_bytes(binary.data)
    exe.chmod(0o755)
    return subprocess.run(
        [str(exe)], input=given, capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.gem5
async def test_a_test_past_the_limit_is_reported_as_a_timeout(
    settings: Settings, tmp_path: Path, gem5_path: Path, binaries: dict[str, Binary]
) -> None:
    settings.cache.enabled = False
    measurer = _measurer(settings, gem5_path, timeout=3.0)
    with pytest.raises(Gem5TimedOut) as info:
        await measurer.measure_one(binaries["spin"], _case(tmp_path, "1", "", ""))
    assert info.value.message == (
        "test 1 timed out in gem5 after 3 s; raise pie.simulator.gem5.timeout"
    )
    assert "120 s" in info.value.hint
    await wait_until(lambda: not gem5_descendants(str(gem5_path)), 10, "gem5 to end")


async def _wait_for(condition: Callable[[], bool], seconds: float = 120.0) -> None:
    """Poll `condition` (an event in another process) until it holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():
        assert loop.time() < deadline, "the condition never held"
        await asyncio.sleep(0.05)


@pytest.mark.gem5
async def test_cancelling_kills_gem5_at_once(
    settings: Settings, tmp_path: Path, gem5_path: Path, binaries: dict[str, Binary]
) -> None:
    settings.cache.enabled = False
    measurer = _measurer(settings, gem5_path, timeout=600.0)
    cases = [_case(tmp_path, "1", "", ""), _case(tmp_path, "2", "", "")]
    task: asyncio.Future[Measurement] = asyncio.ensure_future(
        measurer.measure(binaries["spin"], cases)
    )
    marker = str(gem5_path)
    await _wait_for(lambda: len(gem5_descendants(marker)) >= 2)  # both tests at once (jobs)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    # the deadline only absorbs the kernel's reaping: gem5 would spin for 600 s
    await wait_until(lambda: not gem5_descendants(marker), 10, "every gem5 to end")


# -- programs gem5 cannot run, and script errors inside gem5 ----------------------------------


@pytest.mark.gem5
async def test_programs_gem5_cannot_run(
    settings: Settings, tmp_path: Path, gem5_path: Path, binaries: dict[str, Binary]
) -> None:
    settings.cache.enabled = False
    measurer = _measurer(settings, gem5_path)
    with pytest.raises(MeasureFailed, match="instruction gem5's X86 model does not") as info:
        await measurer.measure_one(binaries["fma"], _case(tmp_path, "1", "2\n", "6\n"))
    assert "pie.build.flags" in info.value.hint and "--simulator estimate" in info.value.hint
    assert "Unrecognized/invalid instruction" in info.value.details
    with pytest.raises(MeasureFailed, match="system call memfd_create, which gem5") as info:
        await measurer.measure_one(binaries["memfd"], _case(tmp_path, "2", "", "1\n"))
    assert "--simulator estimate" in info.value.hint


BROKEN_CONFIG = "import m5\nfrom m5.objects import NoSuchCPU\n"


@pytest.mark.gem5
async def test_a_script_error_inside_gem5(
    settings: Settings, tmp_path: Path, gem5_path: Path, binaries: dict[str, Binary]
) -> None:
    (tmp_path / "broken.py").write_text(BROKEN_CONFIG)
    settings.cache.enabled = False
    measurer = _measurer(settings, gem5_path, config=str(tmp_path / "broken.py"))
    with pytest.raises(MeasureFailed, match=r"configuration script .*broken\.py failed") as info:
        await measurer.measure_one(binaries["sum"], _case(tmp_path, "1", "1\n", "1\n"))
    assert "NoSuchCPU" in info.value.message
    assert "pie.simulator.gem5.config" in info.value.hint


def _two_candidates(tmp_path: Path) -> tuple[Path, Any]:
    from ..test_pipeline import ScriptedModel

    path = write_program(
        tmp_path / "twins", SLOW, {"1": ("150\n", "".join(f"{i * 3}\n" for i in range(150)))}
    )
    # the buffered twin, and unsynchronised iostreams (faster than SLOW, slower than it)
    model = ScriptedModel(("buffered", FAST), ("sync-off", _sync_off(SLOW)))
    return path, model


def _sync_off(source: str) -> str:
    return source.replace("int n;", "std::ios::sync_with_stdio(false);\n    int n;")


async def _optimize(
    settings: Settings, path: Path, model: Any, events: list[Step]
) -> OptimizeResult:
    pipeline = Pipeline(settings, backend=model)
    try:
        return await pipeline.optimize(pipeline.job_for(path), events.append)
    finally:
        await pipeline.aclose()


@pytest.mark.gem5
async def test_a_program_gem5_cannot_run_is_an_error_result_not_a_crash(
    settings: Settings, tmp_path: Path, gem5_path: Path
) -> None:
    """Through the pipeline (what the server calls): the error comes back as a result, and
    the same pipeline keeps working."""
    (tmp_path / "broken.py").write_text(BROKEN_CONFIG)
    path, model = _two_candidates(tmp_path)
    settings.simulator.backend = "gem5"
    settings.simulator.gem5.path = str(gem5_path)
    settings.simulator.gem5.config = str(tmp_path / "broken.py")
    first = await _optimize(settings, path, model, [])
    assert first.status == "error"
    assert first.error and "configuration script" in first.error and "NoSuchCPU" in first.error
    assert "pie.simulator.gem5.config" in first.hint
    second = await _optimize(settings, path, model, [])
    assert second.status == "error" and second.error == first.error


# -- estimate ranks, gem5 confirms -----------------------------------------------------------


@pytest.mark.gem5
async def test_estimate_ranks_and_gem5_confirms_the_best(
    settings: Settings, tmp_path: Path, gem5_path: Path
) -> None:
    path, model = _two_candidates(tmp_path)
    settings.simulator.backend = "gem5"
    settings.simulator.gem5.path = str(gem5_path)
    events: list[Step] = []
    result = await _optimize(settings, path, model, events)
    assert result.status == "optimized", result.error
    assert (result.ranked_by, result.confirmed_by) == ("estimate", "gem5")
    assert result.simulator == "gem5"
    best = next(c for c in result.candidates if c.origin == result.best_origin)
    other = next(c for c in result.candidates if c.origin != result.best_origin)
    assert best.measured_by == "gem5" and best.estimated_speedup is not None
    assert other.measured_by == "estimate" and "not among the 1 confirmed" in other.reason
    # the shown speedup is gem5's: the ratio of gem5's totals
    original = sum(t.seconds for t in result.original_timings)
    optimized = sum(t.seconds for t in result.optimized_timings)
    assert result.speedup == pytest.approx(original / optimized)
    assert all("simInsts" in t.stats for t in result.original_timings)
    assert "ranked by the estimate, confirmed in gem5" in result.summary()
    assert any(e.message.startswith("In gem5: test 1 for ") for e in events)
    # a full gem5 ranking stays available: every correct candidate is measured in gem5
    settings.simulator.gem5.ranking = "gem5"
    full = await _optimize(settings, path, model, [])
    assert full.status == "optimized" and full.confirmed_by == ""
    assert {c.measured_by for c in full.candidates} == {"gem5"}
    assert full.original_timings == result.original_timings  # gem5's, from the cache
