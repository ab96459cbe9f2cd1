"""The `gem5` backend: each test run on PIE's simulated Skylake core, in syscall-emulation mode.

gem5 is found, never fetched: `pie.simulator.gem5.path`, else `$PIE_GEM5`, else `gem5.opt` /
`gem5.fast` on PATH; or a container image (e.g. PIE's `alexshypula/gem5-skylake:api`) run
through the command prefix `pie.simulator.gem5.prefix`. Every test is one gem5 process in its
own scratch directory, holding copies of the static binary, the test input, the configuration
script and the machine file (so with a container prefix every path is inside the one mounted
directory). gem5 runs through the sandbox with a timeout, because the simulated program is
untrusted and SE mode passes its file system calls to the host. The result is read from
gem5's stats.txt (either naming generation) and from the script's JSON result (the program's
exit code); the program must exit 0 and print the expected output.

Results are cached by binary, input and `config_digest()` (the SHA-256 of gem5's binary, its
version, the configuration script, the machine file without its estimate section, the
prefix), so a program version is simulated once, whatever runs later. gem5's identity comes
from a probe script run inside it (version and ISAs: an ARM-only gem5 is refused with the
fix); the hash and the probe are cached on disk by path, size and modification time, so a
repeat starts no gem5 at all.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import tempfile
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from attrs import evolve, field, frozen

from pie_lsp.assets import asset
from pie_lsp.build import Binary
from pie_lsp.cache import Cache, digest
from pie_lsp.errors import PieError, ToolMissing
from pie_lsp.measure import (
    MeasureFailed,
    Measurer,
    TestTiming,
    current_activity,
    load_machine,
)
from pie_lsp.sandbox import Limits, RunResult, Sandbox
from pie_lsp.settings import Gem5Settings
from pie_lsp.verify import TestCase, compare_outputs, run_limits

CONFIG_NAME = "gem5_skylake.py"
MACHINE_NAME = "skylake.json"
RESULT_NAME = "pie_result.json"
# What gem5 says when the simulated program's last thread called exit/exit_group.
EXIT_CAUSE = "exiting with last active thread context"
PLACEHOLDERS = ("{workdir}", "{uid}", "{gid}", "{name}")
# Extra address space for gem5 itself on top of the simulated memory it maps.
# pie.simulator.gem5.timeout is gem5's CPU time (PIE's 120 s of host time, not inflated
# by a busy machine: on a shared 2-CPU machine gem5 got 13% of a CPU); wall-clock time is
# only capped, at this multiple, against a gem5 that waits without computing.
WALL_FACTOR = 10.0
LAUNCHER_NAME = "pie_limits.py"
# Run by gem5 before the configuration script: the per-test limit as gem5's own CPU time
# (SIGXCPU at the limit, SIGKILL 5 s later), set from inside because gem5 is the process.
LAUNCHER = """\
import resource
import runpy
import sys

limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_CPU, (limit, limit + 5))
sys.argv = sys.argv[2:]
runpy.run_path(sys.argv[0], run_name="__m5_main__")
"""
# How a CPU time limit ends a process: SIGXCPU, seen directly or as 128+N through a wrapper.
_CPU_LIMIT_CODES = (-signal.SIGXCPU, 128 + signal.SIGXCPU)
GEM5_OVERHEAD_MB = 4096
_SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"
# Passed through to a local gem5: what a gem5 build may need to start (its libpython).
_PASS_THROUGH = ("LD_LIBRARY_PATH", "PYTHONHOME")


def _located(settings: Gem5Settings) -> tuple[str, str] | None:
    """(gem5 path, where it was configured), or None."""
    for configured, where in (
        (settings.path, "pie.simulator.gem5.path"),
        (os.environ.get("PIE_GEM5"), "$PIE_GEM5"),
    ):
        if configured:
            if settings.prefix:
                return configured, where  # a path inside the container: taken as it is
            local = str(Path(configured).expanduser())
            if "/" not in local:
                local = shutil.which(local) or local
            return _canonical(local), where
    if settings.prefix:
        return None  # inside a container, PATH lookups on this machine mean nothing
    for name in ("gem5.opt", "gem5.fast"):
        found = shutil.which(name)
        if found:
            return _canonical(found), "PATH"
    return None


def _canonical(path: str) -> str:
    """The real path: a relative one is relative to where pie-lsp runs (gem5 runs in a
    scratch directory), and the sandbox shows gem5's real directory, not symlinks or ".."
    through directories it hides (PIE_GEM5=../shared/gem5/gem5.fast)."""
    return str(Path(path).resolve()) if "/" in path else path


def find_gem5(settings: Gem5Settings) -> str | None:
    """The gem5 to run (a path inside the container when a prefix is set), or None."""
    located = _located(settings)
    return located[0] if located else None


def gem5_missing_error(settings: Gem5Settings | None = None) -> ToolMissing:
    if settings is not None and settings.prefix:
        return ToolMissing(
            "pie.simulator.gem5.prefix is set, but not the path of gem5 inside the container",
            hint="set pie.simulator.gem5.path (or $PIE_GEM5) to gem5's path in the image, "
            "e.g. /home/gem5/build/X86/gem5.opt in PIE's image; see simulator/README.md",
        )
    return ToolMissing(
        "gem5 was not found (looked at pie.simulator.gem5.path, $PIE_GEM5, and gem5.opt / "
        "gem5.fast on PATH)",
        hint="build gem5 (scons build/X86/gem5.opt, see simulator/README.md) and set "
        "PIE_GEM5=/path/to/gem5.opt, or run PIE's image through pie.simulator.gem5.prefix; "
        "or use --simulator estimate",
    )


# -- gem5's identity ------------------------------------------------------------------------


@frozen
class Gem5Identity:
    """Which gem5 runs: its path, version, simulated ISAs and the SHA-256 of its binary."""

    path: str
    version: str
    fingerprint: str
    isas: tuple[str, ...] = ()

    def describe(self) -> str:
        isas = ", ".join(isa.upper() for isa in self.isas) or "ISA unknown"
        return f"{self.path} (gem5 {self.version}, {isas})"


def fill_prefix(prefix: Sequence[str], workdir: Path, name: str) -> list[str]:
    """The container prefix with its placeholders filled: {workdir} (the run's scratch
    directory, to mount at the same path), {uid} / {gid} (this user, for --user) and
    {name} (a fresh container name, so a cancelled run can be killed)."""
    values = {
        "{workdir}": str(workdir),
        "{uid}": str(os.getuid()),
        "{gid}": str(os.getgid()),
        "{name}": name,
    }
    filled = []
    for part in prefix:
        text = part
        for key, value in values.items():
            text = text.replace(key, value)
        filled.append(text)
    return filled


def check_prefix(prefix: Sequence[str]) -> None:
    for part in prefix:
        for found in re.findall(r"\{[^{}]*\}", part):
            if found not in PLACEHOLDERS:
                raise PieError(
                    f"pie.simulator.gem5.prefix: unknown placeholder {found} in {part!r}",
                    hint="the placeholders are " + ", ".join(PLACEHOLDERS),
                )


# Run inside gem5 (its own Python): the version and the ISAs this build simulates.
PROBE = """\
import json
import m5.defines
try:
    from _m5.core import gem5Version as version
except ImportError:
    version = None
env = m5.defines.buildEnv
isas = [k[4:-4].lower() for k in env.keys()
        if k.startswith("USE_") and k.endswith("_ISA") and env[k]]
if not isas and env.get("TARGET_ISA"):
    isas = [str(env["TARGET_ISA"]).lower()]
print("PIE_PROBE " + json.dumps({"version": version, "isas": sorted(isas)}))
"""
_ELF_MACHINES = {3: "x86 (32-bit)", 62: "x86-64", 40: "ARM (32-bit)", 183: "AArch64", 243: "RISC-V"}
_HOST_MACHINES = {"x86_64": 62, "amd64": 62, "aarch64": 183, "arm64": 183, "riscv64": 243}
# In-process memo of identities by (path, prefix, size, mtime): the probe and hash run once.
_IDENTITIES: dict[tuple[str, ...], Gem5Identity] = {}


def _file_sha256(path: str) -> str:
    sha = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def check_executable_format(path: str, where: str) -> None:
    """Refuse a gem5 binary built for another host architecture (exec would fail with
    "Exec format error"): name the architecture and the fix."""
    try:
        with Path(path).open("rb") as handle:
            head = handle.read(20)
    except OSError as exc:
        raise ToolMissing(
            f"gem5 at {path} (from {where}) cannot be read: {exc.strerror}",
            hint="point pie.simulator.gem5.path or $PIE_GEM5 at a gem5 binary you can read",
        ) from exc
    if head.startswith(b"#!"):
        return  # a wrapper script: the probe tells what it runs
    if not head.startswith(b"\x7fELF") or len(head) < 20:
        raise ToolMissing(
            f"gem5 at {path} (from {where}) is not a program (no ELF header or #! line)",
            hint="point it at a built gem5 binary, e.g. gem5/build/X86/gem5.opt",
        )
    order: Any = "little" if head[5] == 1 else "big"
    machine = int.from_bytes(head[18:20], order)
    host = _HOST_MACHINES.get(platform.machine().lower())
    if host is not None and machine != host:
        built = _ELF_MACHINES.get(machine, f"ELF machine {machine}")
        raise ToolMissing(
            f"gem5 at {path} (from {where}) is a program for {built}, but this machine is "
            f"{_ELF_MACHINES.get(host, platform.machine())}",
            hint="use a gem5 built on this machine (scons build/X86/gem5.opt), or run PIE's "
            "image through pie.simulator.gem5.prefix; see simulator/README.md",
        )


def probe_gem5(path: str, prefix: Sequence[str] = ()) -> tuple[str, tuple[str, ...]]:
    """(version, ISAs) from a probe script run inside gem5; ToolMissing when gem5 does not
    start or cannot run Python."""
    with tempfile.TemporaryDirectory(prefix="pie-gem5-") as workdir:
        work = Path(workdir)
        work.chmod(0o755)
        (work / "probe.py").write_text(PROBE)
        argv = [
            *fill_prefix(prefix, work, f"pie-gem5-{uuid.uuid4().hex[:12]}"),
            path,
            f"--outdir={work / 'm5out'}",
            str(work / "probe.py"),
        ]
        try:
            done = subprocess.run(
                argv, capture_output=True, text=True, timeout=300, check=False, cwd=work
            )
        except OSError as exc:
            raise ToolMissing(
                f"gem5 at {path} does not start: {exc.strerror or exc}",
                hint="check that it is a gem5 binary for this machine (try running it by "
                "hand); `ldd` lists missing libraries",
            ) from exc
        except subprocess.TimeoutExpired as exc:
            raise ToolMissing(
                f"gem5 at {path} did not answer within 300 s",
                hint="try running it by hand; a container prefix may be pulling its image",
            ) from exc
    text = done.stdout + done.stderr
    match = re.search(r"^PIE_PROBE (\{.*\})$", done.stdout, re.MULTILINE)
    if match is None:
        tail = "\n".join(text.strip().splitlines()[-5:])
        raise ToolMissing(
            f"gem5 at {path} does not run a configuration script (exit code "
            f"{done.returncode}): {_problem(text) or tail or 'no output'}",
            hint="run it by hand to see why (a missing library: `ldd`); pie-lsp needs a gem5 "
            "build with its Python, e.g. build/X86/gem5.opt",
        )
    facts = json.loads(match.group(1))
    version = facts.get("version")
    if not version:
        banner = re.search(r"gem5 version (\S+)", text)
        version = banner.group(1) if banner else "unknown"
    return str(version), tuple(str(isa) for isa in facts.get("isas", ()))


def gem5_identity(
    path: str, prefix: tuple[str, ...] = (), cache: Cache | None = None
) -> Gem5Identity:
    """gem5's version, ISAs and (for a local binary) SHA-256, memoised in this process and
    in `cache` by path, size and modification time: cheap after the first time."""
    stamp: tuple[str, ...] = (path, *prefix)
    if not prefix:
        try:
            stat = Path(path).stat()
        except OSError:
            stat = None
        if stat is not None:
            stamp = (*stamp, str(stat.st_size), str(stat.st_mtime_ns))
    key = "gem5-identity:" + digest(*stamp)
    known = _IDENTITIES.get(stamp)
    if known is not None:
        if cache is not None and not prefix and cache.get(key) is None:
            cache.set(key, known)  # another cache (directory) than the first time
        return known
    stored = cache.get(key) if cache is not None and not prefix else None
    if isinstance(stored, Gem5Identity):
        _IDENTITIES[stamp] = stored
        return stored
    version, isas = probe_gem5(path, prefix)
    fingerprint = _file_sha256(path) if not prefix else ""
    identity = Gem5Identity(path, version, fingerprint, isas)
    _IDENTITIES[stamp] = identity
    if cache is not None and not prefix:
        cache.set(key, identity)
    return identity


def check_isa(identity: Gem5Identity) -> None:
    if identity.isas and "x86" not in identity.isas:
        built = ", ".join(isa.upper() for isa in identity.isas)
        raise ToolMissing(
            f"gem5 at {identity.path} simulates {built} only, but pie-lsp's programs are x86-64",
            hint="build gem5 for X86 (scons build/X86/gem5.opt) and point "
            "pie.simulator.gem5.path or $PIE_GEM5 at it",
        )


# What gem5 prints when it gives up: the line that names the cause.
_PROBLEM = re.compile(
    r"^(?:\S+: )?(?:panic|fatal): .*$|^\w*(?:Error|Exception|SystemExit)\b.*$", re.MULTILINE
)


def _problem(log: str) -> str:
    """The line of gem5's output that says why it stopped, or ""."""
    found = _PROBLEM.findall(log)
    return found[0].strip() if found else ""


# -- stats.txt ------------------------------------------------------------------------------


@frozen
class Gem5Stats:
    """What pie-lsp reads from gem5's stats.txt."""

    sim_seconds: float
    sim_ticks: float | None
    instructions: int
    cycles: float | None
    host_seconds: float | None
    # the stats.txt entries these came from, by their name in the file
    source: dict[str, float] = field(factory=dict)


# (new name since gem5 v21, old name): both generations are read.
_NAMES = {
    "sim_seconds": ("simSeconds", "sim_seconds"),
    "sim_ticks": ("simTicks", "sim_ticks"),
    "sim_insts": ("simInsts", "sim_insts"),
    "sim_freq": ("simFreq", "sim_freq"),
    "host_seconds": ("hostSeconds", "host_seconds"),
}


def stats_sections(text: str) -> list[dict[str, float]]:
    """Every "Begin Simulation Statistics" block of a stats.txt, as name -> value."""
    sections: list[dict[str, float]] = []
    current: dict[str, float] | None = None
    for line in text.splitlines():
        if "Begin Simulation Statistics" in line:
            current = {}
        elif "End Simulation Statistics" in line:
            if current is not None:
                sections.append(current)
            current = None
        elif current is not None:
            parts = line.split()
            if len(parts) >= 2:
                with contextlib.suppress(ValueError):
                    current[parts[0]] = float(parts[1])
    if current:  # a dump cut short (gem5 killed while writing): use what is there
        sections.append(current)
    return sections


def parse_stats(text: str) -> Gem5Stats:
    """Simulated seconds, ticks, instructions and cycles from a stats.txt of either naming
    generation (`simSeconds`/`simInsts` or `sim_seconds`/`sim_insts`). With several dumps,
    the last counts: dumps without a reset are cumulative."""
    sections = stats_sections(text)
    if not sections:
        raise MeasureFailed(
            "gem5's stats.txt holds no statistics", hint="gem5 stopped before dumping them"
        )
    stats = sections[-1]
    source: dict[str, float] = {}

    def get(key: str) -> float | None:
        for name in _NAMES[key]:
            if name in stats:
                source[name] = stats[name]
                return stats[name]
        return None

    ticks, freq = get("sim_ticks"), get("sim_freq")
    seconds = get("sim_seconds")
    if seconds is None and ticks is not None and freq:
        seconds = ticks / freq
    insts = get("sim_insts")
    missing = [
        " or ".join(_NAMES[key])
        for key, value in (("sim_seconds", seconds), ("sim_insts", insts))
        if value is None
    ]
    if seconds is None or insts is None:
        raise MeasureFailed(
            f"gem5's stats.txt lacks {' and '.join(missing)}",
            hint="is this a gem5 statistics file? pie-lsp reads gem5's text stats.txt",
        )
    host = get("host_seconds")
    cycles_key = _cycles_key(stats)
    if cycles_key is not None:
        source[cycles_key] = stats[cycles_key]
    return Gem5Stats(
        sim_seconds=seconds,
        sim_ticks=ticks,
        instructions=int(insts),
        cycles=stats[cycles_key] if cycles_key is not None else None,
        host_seconds=host,
        source=source,
    )


def _cycles_key(stats: Mapping[str, float]) -> str | None:
    if "system.cpu.numCycles" in stats:
        return "system.cpu.numCycles"
    # other configurations name the core differently (system.cpu0, board.processor...)
    found = [k for k in stats if k.endswith(".numCycles")]
    return max(found, key=lambda k: stats[k]) if found else None


# -- the backend ----------------------------------------------------------------------------


class Gem5Measurer(Measurer):
    name = "gem5"
    label = "gem5: simulated Skylake, SE mode"
    short = "Skylake (gem5)"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        g = self.settings.simulator.gem5
        if not self.settings.build.static:
            raise PieError(
                "gem5 runs statically linked programs only, but pie.build.static is false",
                hint="set pie.build.static = true (the default), or use --simulator estimate",
            )
        located = _located(g)
        if located is None:
            raise gem5_missing_error(g)
        self.gem5, where = located
        self.prefix = list(g.prefix)
        check_prefix(self.prefix)
        if not self.prefix:
            if not (Path(self.gem5).is_file() and os.access(self.gem5, os.X_OK)):
                raise ToolMissing(
                    f"gem5 at {self.gem5} (from {where}) is not an executable file",
                    hint="point it at a built gem5 binary, e.g. gem5/build/X86/gem5.opt"
                    + (", or chmod +x it" if Path(self.gem5).is_file() else ""),
                )
            check_executable_format(self.gem5, where)
        self.config_path = Path(g.config) if g.config else asset("simulator", CONFIG_NAME)
        params = self.settings.simulator.estimate.params
        self.machine_path = Path(params) if params else asset("simulator", MACHINE_NAME)
        try:
            self.config_text = self.config_path.read_bytes()
        except OSError as exc:
            raise PieError(
                f"cannot read the gem5 configuration script {self.config_path}: {exc}",
                hint="fix or unset pie.simulator.gem5.config",
            ) from exc
        self.machine = load_machine(self.machine_path)
        self.machine_text = self.machine_path.read_bytes()
        # A container runtime needs this user's environment and privileges (its socket);
        # there the container is the sandbox. A local gem5 runs in the usual sandbox.
        self.run_sandbox = Sandbox(isolate=False) if self.prefix else self.sandbox
        if not self.prefix:  # a container's gem5 is probed when first used (docker is slow)
            self.identity()

    def identity(self) -> Gem5Identity:
        """gem5's identity (probed once, then cached); ToolMissing for a gem5 that does not
        run or simulates no X86."""
        identity = gem5_identity(self.gem5, tuple(self.prefix), self.cache)
        check_isa(identity)
        return identity

    def config_digest(self) -> str:
        ident = self.identity()
        # the estimate section (costs) does not change what gem5 simulates
        machine = {k: v for k, v in self.machine.items() if k != "estimate"}
        return digest(
            # the binary's hash, so a moved gem5 keeps its results and a rebuilt one does
            # not; a container's gem5 is known by its path and the prefix (image)
            ident.fingerprint or ident.path,
            ident.version,
            "\0".join(self.prefix),
            self.config_text,
            json.dumps(machine, sort_keys=True),
        )

    def limits(self) -> Limits:
        g, tests = self.settings.simulator.gem5, self.settings.tests
        memory = int(self.machine.get("memory", {}).get("size_mb", 8192)) + GEM5_OVERHEAD_MB
        base = run_limits(self.settings)
        return evolve(
            base,
            timeout=g.timeout * WALL_FACTOR,
            # gem5 maps the whole simulated memory; a container client needs no limit
            memory_mb=None if self.prefix else memory,
            file_size_mb=max(base.file_size_mb, tests.output_limit_mb),
        )

    def environment(self) -> dict[str, str]:
        if self.prefix:
            return dict(os.environ)
        env = {"PATH": _SYSTEM_PATH, "LANG": "C"}
        env.update({k: os.environ[k] for k in _PASS_THROUGH if k in os.environ})
        return env

    def command(self, workdir: Path, container: str = "pie-gem5") -> list[str]:
        """The gem5 command line for one run in `workdir` (all paths inside it)."""
        out = workdir / "m5out"
        timeout = int(self.settings.simulator.gem5.timeout + 0.999)
        return [
            *fill_prefix(self.prefix, workdir, container),
            self.gem5,
            f"--outdir={out}",
            "--redirect-stdout",
            "--redirect-stderr",
            "--listener-mode=off",
            # the launcher sets the CPU time limit, then runs the configuration script
            str(workdir / LAUNCHER_NAME),
            str(timeout),
            str(workdir / CONFIG_NAME),
            "--machine",
            str(workdir / MACHINE_NAME),
            "--binary",
            str(workdir / "prog"),
            "--stdin",
            str(workdir / "input.txt"),
            "--stdout",
            str(out / "program.out"),
            "--stderr",
            str(out / "program.err"),
            "--result",
            str(out / RESULT_NAME),
            "--cwd",
            str(workdir),
        ]

    def prepare(self, workdir: Path, binary: Binary, case: TestCase) -> None:
        exe = workdir / "prog"
        exe.write_bytes(binary.data)
        exe.chmod(0o755)
        shutil.copyfile(case.input, workdir / "input.txt")
        (workdir / CONFIG_NAME).write_bytes(self.config_text)
        (workdir / MACHINE_NAME).write_bytes(self.machine_text)
        (workdir / LAUNCHER_NAME).write_text(LAUNCHER)
        for name in ("input.txt", CONFIG_NAME, MACHINE_NAME, LAUNCHER_NAME):
            (workdir / name).chmod(0o644)

    async def measure_one(self, binary: Binary, case: TestCase) -> TestTiming:
        with self.run_sandbox.scratch("gem5") as work:
            self.prepare(work, binary, case)
            container = f"pie-gem5-{uuid.uuid4().hex[:12]}"
            limits = self.limits()
            try:
                async with current_activity().track(
                    f"test {case.name}", self.settings.simulator.gem5.timeout
                ):
                    run = await self.run_sandbox.run(
                        self.command(work, container),
                        cwd=work,
                        limits=limits,
                        env=self.environment(),
                    )
            except BaseException:
                self._stop_container(container)
                raise
            if run.timed_out:
                self._stop_container(container)
            return self.interpret(case, work, run)

    def _stop_container(self, name: str) -> None:
        """Killing a container client does not stop its container: ask the runtime."""
        if not self.prefix or not any("{name}" in p for p in self.prefix):
            return
        runtime = self.prefix[0]
        if Path(runtime).name in ("docker", "podman", "nerdctl"):
            with contextlib.suppress(OSError, subprocess.TimeoutExpired):
                subprocess.run(
                    [runtime, "kill", name], capture_output=True, timeout=30, check=False
                )

    def interpret(self, case: TestCase, work: Path, run: RunResult) -> TestTiming:
        """A TestTiming from what gem5 left in `work`, or MeasureFailed saying why not."""
        out = work / "m5out"
        # gem5 v22+ redirects to simerr.txt, older releases to simerr
        full_log = _read_text(out / "simerr.txt") or _read_text(out / "simerr")
        full_log = full_log or run.stderr.decode("utf-8", "replace")
        gem5_log = _tail_text(full_log)
        if run.timed_out or run.returncode in _CPU_LIMIT_CODES:
            limit = self.settings.simulator.gem5.timeout
            after = (
                f"{limit * WALL_FACTOR:g} s of wall-clock time (the cap, {WALL_FACTOR:g}× the "
                "limit: a busy machine or a stalled gem5)"
                if run.timed_out
                else f"{limit:g} s"
            )
            raise Gem5TimedOut(
                f"test {case.name} timed out in gem5 after {after}; raise "
                "pie.simulator.gem5.timeout",
                hint=f"the limit is gem5's CPU time per test (PIE: 120 s), wall-clock time "
                f"at most {WALL_FACTOR:g}× that; gem5's O3 model simulates about 0.3 M "
                "instructions per host second (`pie-lsp doctor` measures it here)",
                details=gem5_log,
            )
        result = _read_json(out / RESULT_NAME)
        if result is None:
            raise self._unfinished(case, run, full_log, gem5_log)
        if not result.get("exited", result.get("cause") == EXIT_CAUSE):
            raise MeasureFailed(
                f"test {case.name}: gem5 stopped before the program exited "
                f"({result.get('cause', 'no cause given')})",
                hint="the program may have hung or hit a simulation limit",
                details=gem5_log,
            )
        code = result.get("code")
        if code != 0:
            raise MeasureFailed(
                f"test {case.name} exits with code {code} under gem5",
                hint="the program must exit 0 (PIE's rule); under gem5 it sees no "
                "environment and another CPU model",
                details=_tail(out / "program.err"),
            )
        if not run.ok:
            raise MeasureFailed(
                f"test {case.name}: gem5 {run.describe()} after the program exited",
                hint="see gem5's messages in the details",
                details=gem5_log,
            )
        stats_file = out / "stats.txt"
        if not stats_file.is_file():
            raise MeasureFailed(
                f"test {case.name}: gem5 wrote no stats.txt",
                hint="a configuration script must let gem5 dump its statistics at exit",
                details=gem5_log,
            )
        stats = parse_stats(stats_file.read_text(errors="replace"))
        output = (out / "program.out").read_text("utf-8", "replace") if out.exists() else ""
        why = compare_outputs(output, case.expected.read_text("utf-8", "replace"))
        if why:
            raise MeasureFailed(
                f"test {case.name} gives another output under gem5 ({why})",
                hint="the program may read uninitialised memory or depend on the machine",
            )
        host = run.wall_seconds
        detail = {
            "host_seconds": host,
            "simulation_speed": stats.instructions / host if host > 0 else 0.0,
        }
        if stats.host_seconds is not None:
            detail["gem5_host_seconds"] = stats.host_seconds
        if stats.sim_ticks is not None:
            detail["sim_ticks"] = stats.sim_ticks
        return TestTiming(
            test=case.name,
            seconds=stats.sim_seconds,
            cycles=stats.cycles,
            instructions=stats.instructions,
            detail=detail,
            stats=stats.source,
        )

    def _unfinished(
        self, case: TestCase, run: RunResult, full_log: str, gem5_log: str
    ) -> MeasureFailed:
        """Why gem5 stopped before the program finished, with the fix."""
        problem = _problem(full_log)
        details = gem5_log if not problem else f"{problem}\n...\n{gem5_log}"
        syscall = re.search(r"syscall (\w+) \(#(\d+)\) unimplemented", full_log)
        if syscall:
            return MeasureFailed(
                f"test {case.name}: gem5 cannot run the program: it makes the system call "
                f"{syscall.group(1)}, which gem5's syscall emulation does not implement",
                hint="avoid that call in the program (threads, timers and files beyond "
                "stdin/stdout are limited in SE mode), or measure with --simulator estimate",
                details=details,
            )
        if "Unrecognized/invalid instruction" in full_log:
            return MeasureFailed(
                f"test {case.name}: gem5 cannot run the program: it executes an instruction "
                "gem5's X86 model does not implement (e.g. FMA or newer AVX forms)",
                hint="build without -march/-m<isa> flags or target(...) attributes that "
                "enable them (pie.build.flags), or measure with --simulator estimate",
                details=details,
            )
        if "Traceback" in full_log or re.search(r"^\w*Error\b", full_log, re.MULTILINE):
            script = self.settings.simulator.gem5.config or str(self.config_path)
            return MeasureFailed(
                f"test {case.name}: gem5's configuration script {script} failed: "
                f"{problem or 'see the details'}",
                hint="fix the script or unset pie.simulator.gem5.config (the bundled "
                "simulator/gem5_skylake.py); check pie.simulator.estimate.params too",
                details=details,
            )
        return MeasureFailed(
            f"test {case.name}: gem5 {run.describe()} before the program finished"
            + (f": {problem}" if problem else ""),
            hint="see gem5's messages in the details; `pie-lsp doctor` runs a tiny program "
            "through gem5",
            details=details,
        )


class Gem5TimedOut(MeasureFailed):
    """A test ran past pie.simulator.gem5.timeout: a limit, not a wrong answer."""


def _read_text(path: Path) -> str:
    try:
        return path.read_text(errors="replace")
    except OSError:
        return ""


def _tail_text(text: str, lines: int = 20) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _tail(path: Path, lines: int = 20) -> str:
    try:
        text = path.read_text(errors="replace").rstrip()
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])
