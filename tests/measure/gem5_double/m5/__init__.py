"""TEST DOUBLE of gem5's `m5` package (gem5 is absent on the machines the tests run on).

Enough of gem5's Python API to run simulator/gem5_skylake.py outside gem5: `instantiate()`
writes the configured object tree and port connections as JSON to $M5_DOUBLE_RECORD, and
`simulate()` runs the binary natively with the Process's stdin/stdout/stderr files (as gem5's
SE mode would), so the exit code and output are real. It simulates nothing: no timing.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from . import objects

EXIT_CAUSE = "exiting with last active thread context"
options = SimpleNamespace(outdir=os.environ.get("M5_DOUBLE_OUTDIR", "m5out"))
_tick = 0


class ExitEvent:
    def __init__(self, cause: str, code: int) -> None:
        self.cause = cause
        self.code = code

    def getCause(self) -> str:
        return self.cause

    def getCode(self) -> int:
        return self.code


def _root() -> objects.Root:
    if objects.Root.instance is None:
        raise RuntimeError("no Root object was created")
    return objects.Root.instance


def instantiate() -> None:
    root = _root()
    tree: dict[str, Any] = {}
    for obj in root.descendants():
        tree[obj.path()] = obj.record()
    record = {
        "objects": tree,
        "connections": [[a.path(), b.path()] for a, b in objects.CONNECTIONS],
    }
    target = os.environ.get("M5_DOUBLE_RECORD")
    if target:
        with Path(target).open("w") as handle:
            json.dump(record, handle, indent=1)


def simulate(max_ticks: int | None = None) -> ExitEvent:
    global _tick
    process = _root().system.cpu.workload
    with (
        Path(process.input).open("rb") as stdin,
        Path(process.output).open("wb") as stdout,
        Path(process.errout).open("wb") as stderr,
    ):
        done = subprocess.run(
            [process.executable],
            stdin=stdin,
            stdout=stdout,
            stderr=stderr,
            cwd=process.cwd,
            env={},
            check=False,
        )
    _tick += 1_000_000
    if done.returncode < 0:
        return ExitEvent(f"simulated program killed by signal {-done.returncode}", 0)
    return ExitEvent(EXIT_CAUSE, done.returncode)


def curTick() -> int:
    return _tick
