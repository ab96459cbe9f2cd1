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

Results are cached by binary, input and `config_digest()` (gem5's identity and version, the
configuration script, the machine file without its estimate section, the prefix), so a
program version is simulated once, whatever runs later.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from attrs import frozen

from pie_lsp.assets import asset
from pie_lsp.build import Binary
from pie_lsp.cache import digest
from pie_lsp.errors import PieError, ToolMissing
from pie_lsp.measure import MeasureFailed, Measurer, TestTiming, load_machine
from pie_lsp.sandbox import Limits, RunResult, Sandbox
from pie_lsp.settings import Gem5Settings
from pie_lsp.verify import TestCase, compare_outputs

CONFIG_NAME = "gem5_skylake.py"
MACHINE_NAME = "skylake.json"
RESULT_NAME = "pie_result.json"
# What gem5 says when the simulated program's last thread called exit/exit_group.
EXIT_CAUSE = "exiting with last active thread context"
PLACEHOLDERS = ("{workdir}", "{uid}", "{gid}", "{name}")
# Extra address space for gem5 itself on top of the simulated memory it maps.
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
            return local, where
    if settings.prefix:
        return None  # inside a container, PATH lookups on this machine mean nothing
    for name in ("gem5.opt", "gem5.fast"):
        found = shutil.which(name)
        if found:
            return found, "PATH"
    return None


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
    """Which gem5 runs: its path, version and a fingerprint of the binary."""

    path: str
    version: str
    fingerprint: str

    def describe(self) -> str:
        return f"{self.path} (gem5 {self.version})"


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


@functools.cache
def gem5_identity(path: str, prefix: tuple[str, ...] = ()) -> Gem5Identity:
    """gem5's version (from `gem5 -B`, which prints the build information and exits) and,
    for a local binary, its size and modification time; cached per process."""
    fingerprint = ""
    if not prefix:
        with contextlib.suppress(OSError):
            stat = Path(path).stat()
            fingerprint = f"{stat.st_size}:{stat.st_mtime_ns}"
    version = "unknown"
    with tempfile.TemporaryDirectory(prefix="pie-gem5-") as workdir:
        argv = [*fill_prefix(prefix, Path(workdir), f"pie-gem5-{uuid.uuid4().hex[:12]}")]
        try:
            done = subprocess.run(
                [*argv, path, "-B"], capture_output=True, text=True, timeout=300, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            done = None
    if done is not None:
        match = re.search(r"gem5 version (\S+)", done.stdout + done.stderr)
        if match:
            version = match.group(1)
    return Gem5Identity(path, version, fingerprint)


# -- stats.txt ------------------------------------------------------------------------------


@frozen
class Gem5Stats:
    """What pie-lsp reads from gem5's stats.txt."""

    sim_seconds: float
    sim_ticks: float | None
    instructions: int
    cycles: float | None
    host_seconds: float | None


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

    def get(key: str) -> float | None:
        for name in _NAMES[key]:
            if name in stats:
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
    return Gem5Stats(
        sim_seconds=seconds,
        sim_ticks=ticks,
        instructions=int(insts),
        cycles=_cycles(stats),
        host_seconds=get("host_seconds"),
    )


def _cycles(stats: Mapping[str, float]) -> float | None:
    if "system.cpu.numCycles" in stats:
        return stats["system.cpu.numCycles"]
    # other configurations name the core differently (system.cpu0, board.processor...)
    found = [v for k, v in stats.items() if k.endswith(".numCycles")]
    return max(found) if found else None


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
        if not self.prefix and not (Path(self.gem5).is_file() and os.access(self.gem5, os.X_OK)):
            raise ToolMissing(
                f"gem5 at {self.gem5} (from {where}) is not an executable file",
                hint="point it at a built gem5 binary, e.g. gem5/build/X86/gem5.opt",
            )
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

    def identity(self) -> Gem5Identity:
        return gem5_identity(self.gem5, tuple(self.prefix))

    def config_digest(self) -> str:
        ident = self.identity()
        # the estimate section (costs) does not change what gem5 simulates
        machine = {k: v for k, v in self.machine.items() if k != "estimate"}
        return digest(
            ident.path,
            ident.version,
            ident.fingerprint,
            "\0".join(self.prefix),
            self.config_text,
            json.dumps(machine, sort_keys=True),
        )

    def limits(self) -> Limits:
        g, tests = self.settings.simulator.gem5, self.settings.tests
        memory = int(self.machine.get("memory", {}).get("size_mb", 8192)) + GEM5_OVERHEAD_MB
        return Limits(
            timeout=g.timeout,
            # gem5 maps the whole simulated memory; a container client needs no limit
            memory_mb=None if self.prefix else memory,
            output_bytes=tests.output_limit_mb * 1024 * 1024,
            file_size_mb=max(self.settings.sandbox.file_size_mb, tests.output_limit_mb),
            processes=self.settings.sandbox.processes,
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
        return [
            *fill_prefix(self.prefix, workdir, container),
            self.gem5,
            f"--outdir={out}",
            "--redirect-stdout",
            "--redirect-stderr",
            "--listener-mode=off",
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
        for name in ("input.txt", CONFIG_NAME, MACHINE_NAME):
            (workdir / name).chmod(0o644)

    async def measure_one(self, binary: Binary, case: TestCase) -> TestTiming:
        with self.run_sandbox.scratch("gem5") as work:
            self.prepare(work, binary, case)
            container = f"pie-gem5-{uuid.uuid4().hex[:12]}"
            try:
                run = await self.run_sandbox.run(
                    self.command(work, container),
                    cwd=work,
                    limits=self.limits(),
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
        gem5_log = _tail(out / "simerr") or run.stderr_tail(20)
        if run.timed_out:
            raise MeasureFailed(
                f"test {case.name}: gem5 {run.describe()}",
                hint="raise pie.simulator.gem5.timeout (PIE: 120 s); gem5's O3 model "
                "simulates about 0.05-0.7 M instructions per host second",
                details=gem5_log,
            )
        result = _read_json(out / RESULT_NAME)
        if result is None:
            raise MeasureFailed(
                f"test {case.name}: gem5 {run.describe()} before the program finished",
                hint="see gem5's messages in the details (an unimplemented system call, "
                "a gem5 without X86 support...); `pie-lsp doctor` runs a tiny program "
                "through gem5",
                details=gem5_log,
            )
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
        )


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
