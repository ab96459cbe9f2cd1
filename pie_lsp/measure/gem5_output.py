"""Reading what one gem5 run left behind: its statistics, its result, its messages.

A run's scratch directory holds gem5's `m5out/` (stats.txt, simerr, the program's output)
and the configuration script's JSON result (the program's exit). `interpret` turns them
into a `TestTiming`, or a `MeasureFailed` that says why not in the user's terms (a time
limit, an unimplemented system call or instruction, a broken configuration script, a
wrong output). `parse_stats` reads either naming generation of stats.txt.
"""

from __future__ import annotations

import contextlib
import json
import re
import signal
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from attrs import field, frozen

from pie_lsp.measure import MeasureFailed, TestTiming
from pie_lsp.sandbox import RunResult
from pie_lsp.verify import TestCase, compare_outputs

RESULT_NAME = "pie_result.json"
# What gem5 says when the simulated program's last thread called exit/exit_group.
EXIT_CAUSE = "exiting with last active thread context"
# How a CPU time limit ends a process: SIGXCPU, seen directly or as 128+N through a wrapper.
_CPU_LIMIT_CODES = (-signal.SIGXCPU, 128 + signal.SIGXCPU)


@frozen
class RunLimits:
    """What `interpret` says about a run's limits: gem5's CPU seconds per test, the
    wall-clock cap as a multiple of it, and the configuration script's name."""

    timeout: float
    wall_factor: float
    script: str


# What gem5 prints when it gives up: the line that names the cause.
_PROBLEM = re.compile(
    r"^(?:\S+: )?(?:panic|fatal): .*$|^\w*(?:Error|Exception|SystemExit)\b.*$", re.MULTILINE
)


def stopped_because(log: str) -> str:
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


# -- a run's outcome ----------------------------------------------------------------------


def interpret(case: TestCase, work: Path, run: RunResult, limits: RunLimits) -> TestTiming:
    """A TestTiming from what gem5 left in `work`, or MeasureFailed saying why not."""
    out = work / "m5out"
    # gem5 v22+ redirects to simerr.txt, older releases to simerr
    full_log = _read_text(out / "simerr.txt") or _read_text(out / "simerr")
    full_log = full_log or run.stderr.decode("utf-8", "replace")
    gem5_log = _tail_text(full_log)
    if run.timed_out or run.returncode in _CPU_LIMIT_CODES:
        limit, factor = limits.timeout, limits.wall_factor
        after = (
            f"{limit * factor:g} s of wall-clock time (the cap, {factor:g}× the "
            "limit: a busy machine or a stalled gem5)"
            if run.timed_out
            else f"{limit:g} s"
        )
        raise Gem5TimedOut(
            f"test {case.name} timed out in gem5 after {after}; raise pie.simulator.gem5.timeout",
            hint=f"the limit is gem5's CPU time per test (PIE: 120 s), wall-clock time "
            f"at most {factor:g}× that; gem5's O3 model simulates about 0.3 M "
            "instructions per host second (`pie-lsp doctor` measures it here)",
            details=gem5_log,
        )
    result = _read_json(out / RESULT_NAME)
    if result is None:
        raise _unfinished(case, run, full_log, gem5_log, limits.script)
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
    case: TestCase, run: RunResult, full_log: str, gem5_log: str, script: str
) -> MeasureFailed:
    """Why gem5 stopped before the program finished, with the fix."""
    problem = stopped_because(full_log)
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
