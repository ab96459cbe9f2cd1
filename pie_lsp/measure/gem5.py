"""The `gem5` backend: each test run on PIE's simulated Skylake core, in syscall-emulation mode.

Three modules, in the order a run needs them:
- `gem5_locate.py`: which gem5 (path, `$PIE_GEM5`, PATH, or a container prefix) and its
  identity (version, ISAs, binary hash), probed once;
- this module: the run itself. Every test is one gem5 process in its own scratch
  directory, holding copies of the static binary, the test input, the configuration script
  and the machine file (so with a container prefix every path is inside the one mounted
  directory); the command line; the limits. gem5 runs through the sandbox with a timeout,
  because the simulated program is untrusted and SE mode passes its file system calls to
  the host;
- `gem5_output.py`: what the run left (stats.txt of either naming generation, the
  script's JSON result with the program's exit code, gem5's messages) read into a
  `TestTiming` or a failure naming the fix; the program must exit 0 and print the
  expected output.

Results are cached by binary, input and `config_digest()` (the SHA-256 of gem5's binary, its
version, the configuration script, the machine file without its estimate section, the
prefix), so a program version is simulated once, whatever runs later.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

from attrs import evolve

from pie_lsp.assets import asset
from pie_lsp.build import Binary
from pie_lsp.cache import digest
from pie_lsp.errors import PieError, ToolMissing
from pie_lsp.measure import Measurer, TestTiming, current_activity, load_machine
from pie_lsp.measure.gem5_locate import (
    Gem5Identity,
    check_executable_format,
    check_isa,
    check_prefix,
    fill_prefix,
    find_gem5,
    gem5_identity,
    gem5_missing_error,
    locate_gem5,
)
from pie_lsp.measure.gem5_output import RESULT_NAME, RunLimits, interpret
from pie_lsp.sandbox import Limits, RunResult, Sandbox
from pie_lsp.verify import TestCase

# find_gem5 and gem5_missing_error are exported: "is there a gem5, and if not, what to do"
# is asked of the backend (make_measurer, doctor, the benchmarks), not of how it is found.
__all__ = ["CONFIG_NAME", "Gem5Measurer", "find_gem5", "gem5_missing_error"]

CONFIG_NAME = "gem5_skylake.py"
MACHINE_NAME = "skylake.json"
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
# Extra address space for gem5 itself on top of the simulated memory it maps.
GEM5_OVERHEAD_MB = 4096
_SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"
# Passed through to a local gem5: what a gem5 build may need to start (its libpython).
_PASS_THROUGH = ("LD_LIBRARY_PATH", "PYTHONHOME")


class Gem5Measurer(Measurer):
    name = "gem5"
    label = "gem5: simulated Skylake, SE mode"
    short = "Skylake (gem5)"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        g = self.simulator.gem5
        if not self.build.static:
            raise PieError(
                "gem5 runs statically linked programs only, but pie.build.static is false",
                hint="set pie.build.static = true (the default), or use --simulator estimate",
            )
        located = locate_gem5(g)
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
        params = self.simulator.estimate.params
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
        g, base = self.simulator.gem5, self.base_limits
        memory = int(self.machine.get("memory", {}).get("size_mb", 8192)) + GEM5_OVERHEAD_MB
        return evolve(
            base,
            timeout=g.timeout * WALL_FACTOR,
            # gem5 maps the whole simulated memory; a container client needs no limit
            memory_mb=None if self.prefix else memory,
            file_size_mb=max(base.file_size_mb, base.output_bytes // (1024 * 1024)),
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
        timeout = int(self.simulator.gem5.timeout + 0.999)
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
                    f"test {case.name}", self.simulator.gem5.timeout
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
        g = self.simulator.gem5
        script = g.config or str(self.config_path)
        return interpret(case, work, run, RunLimits(g.timeout, WALL_FACTOR, script))
