"""Reading what a gem5 run left behind, without gem5: stats.txt of both naming generations
(a real gem5 v24 file checked in under tests/data/gem5/), and a run's outcome turned into a
timing or a failure naming the cause."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pie_lsp.measure import MeasureFailed
from pie_lsp.measure.gem5_output import (
    EXIT_CAUSE,
    RESULT_NAME,
    Gem5TimedOut,
    RunLimits,
    interpret,
    parse_stats,
)
from pie_lsp.sandbox import RunResult
from pie_lsp.verify import TestCase as Case

from ..conftest import REPO

REAL_STATS = REPO / "tests" / "data" / "gem5" / "stats-v24-c01.txt"
LIMITS = RunLimits(timeout=120.0, wall_factor=10.0, script="gem5_skylake.py")


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


def test_parse_real_gem5_v24_stats() -> None:
    stats = parse_stats(REAL_STATS.read_text())
    assert stats.sim_seconds == pytest.approx(0.000350)
    assert stats.sim_ticks == 349974768
    assert stats.instructions == 913881
    assert stats.cycles == 1223689
    assert stats.host_seconds == pytest.approx(1.28)
    # the entries each number came from, by their stats.txt names
    assert stats.source["simInsts"] == 913881
    assert stats.source["system.cpu.numCycles"] == 1223689
    assert "simSeconds" in stats.source


def test_parse_old_generation_stats() -> None:
    stats = parse_stats(OLD_STATS)
    assert stats.sim_seconds == pytest.approx(0.000421)
    assert stats.instructions == 995123
    assert stats.cycles == 1473500
    assert stats.host_seconds == pytest.approx(3.96)
    assert set(stats.source) >= {"sim_seconds", "sim_insts", "system.cpu.numCycles"}


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


def _run_dir(tmp_path: Path, output: str, result: dict[str, object] | None) -> tuple[Case, Path]:
    """A test case and a run directory as gem5 leaves it (stats from a real gem5 run)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "input.txt").write_text("1 2\n")
    (tmp_path / "expected.txt").write_text("3\n")
    out = tmp_path / "work" / "m5out"
    out.mkdir(parents=True)
    (out / "stats.txt").write_text(REAL_STATS.read_text())
    (out / "program.out").write_text(output)
    if result is not None:
        (out / RESULT_NAME).write_text(json.dumps(result))
    return Case("1", tmp_path / "input.txt", tmp_path / "expected.txt"), tmp_path / "work"


def test_a_finished_run_is_its_stats_and_a_wrong_output_is_refused(tmp_path: Path) -> None:
    exited = {"exited": True, "cause": EXIT_CAUSE, "code": 0}
    case, work = _run_dir(tmp_path, "3\n", exited)
    timing = interpret(case, work, RunResult(0, b"", b"", 2.0), LIMITS)
    assert timing.seconds == pytest.approx(0.000350) and timing.instructions == 913881
    assert timing.detail["host_seconds"] == 2.0
    wrong, work = _run_dir(tmp_path / "wrong", "4\n", exited)
    with pytest.raises(MeasureFailed, match="another output under gem5"):
        interpret(wrong, work, RunResult(0, b"", b"", 2.0), LIMITS)


def test_why_a_run_did_not_finish_names_the_cause(tmp_path: Path) -> None:
    case, work = _run_dir(tmp_path, "", None)
    (work / "m5out" / "simerr.txt").write_text(
        "warn: something\nfatal: syscall memfd_create (#319) unimplemented.\n"
    )
    with pytest.raises(MeasureFailed, match="system call memfd_create") as info:
        interpret(case, work, RunResult(1, b"", b"", 1.0), LIMITS)
    assert "fatal: syscall memfd_create" in info.value.details
    with pytest.raises(Gem5TimedOut, match="after 120 s"):  # gem5's CPU time limit
        interpret(case, work, RunResult(-24, b"", b"", 130.0), LIMITS)
    with pytest.raises(Gem5TimedOut, match="1200 s of wall-clock time"):
        interpret(case, work, RunResult(None, b"", b"", 1200.0, timed_out=True), LIMITS)
