"""gem5 tables and calibration plans: what `pie-lsp calibrate` reads.

A table holds real gem5 runs (`program,source,input,sim_seconds,num_cycles,sim_insts,
host_seconds,exit_ok,output_ok`; `program` is a folder holding `source` and
`tests/input.N.txt` / `output.N.txt`); a plan (JSON) names several fit and held-out
tables, some split by program (`program_part`), as benchmarks/data/calibration.json does.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Sequence
from pathlib import Path

from attrs import evolve, frozen

from pie_lsp.errors import PieError

TABLE_COLUMNS = (
    "program",
    "source",
    "input",
    "sim_seconds",
    "num_cycles",
    "sim_insts",
    "host_seconds",
    "exit_ok",
    "output_ok",
)


class CalibrationError(PieError):
    """A calibration table or its programs cannot be used."""


@frozen
class Gem5Run:
    """One row of a gem5 table."""

    program: str
    source: str
    input: str
    cycles: float | None
    sim_seconds: float | None
    instructions: float | None
    host_seconds: float | None
    ok: bool
    line: int

    @property
    def test(self) -> str:
        match = re.fullmatch(r"input\.(.+)\.txt", self.input)
        return match.group(1) if match else Path(self.input).stem

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.program, self.source, self.test)

    def describe(self) -> str:
        return f"{self.program}/{self.source} test {self.test}"


@frozen
class Gem5Table:
    """A gem5 table and where its programs are."""

    path: Path
    programs: Path
    runs: tuple[Gem5Run, ...]
    # "fit" or "held out" for the halves of a table split by program (`split_table`)
    part: str = ""

    @property
    def name(self) -> str:
        folder = self.path.parent.name
        base = f"{folder}/{self.path.name}" if folder else self.path.name
        return f"{base} [{self.part}]" if self.part else base

    @property
    def usable(self) -> list[Gem5Run]:
        return [r for r in self.runs if r.ok and r.cycles]

    @property
    def skipped(self) -> list[Gem5Run]:
        return [r for r in self.runs if not (r.ok and r.cycles)]


def _number(text: str, where: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise CalibrationError(
            f"{where}: {text!r} is not a number", hint="fix that cell (numbers, or empty)"
        ) from None


def read_table(path: Path, programs: Path | None = None) -> Gem5Table:
    """Read and check a gem5 table: columns, numbers, and that every program, source, input
    and expected output exists under `programs` (default: the table's folder)."""
    if not path.is_file():
        raise CalibrationError(f"no table at {path}", hint="give the path of a gem5 CSV table")
    folder = programs if programs is not None else path.parent
    with path.open(newline="") as handle:
        reader = csv.DictReader(handle)
        header = [name.strip() for name in reader.fieldnames or []]
        missing = [c for c in TABLE_COLUMNS if c not in header]
        if missing:
            raise CalibrationError(
                f"{path} lacks the columns {', '.join(missing)}",
                hint="the header must be " + ",".join(TABLE_COLUMNS),
            )
        runs: list[Gem5Run] = []
        for line, raw in enumerate(reader, start=2):
            row = {k.strip(): (v or "") for k, v in raw.items() if k is not None}
            where = f"{path.name} line {line}"
            exit_ok = _number(row["exit_ok"], f"{where}, exit_ok")
            output_ok = _number(row["output_ok"], f"{where}, output_ok")
            runs.append(
                Gem5Run(
                    program=row["program"].strip(),
                    source=row["source"].strip(),
                    input=row["input"].strip(),
                    cycles=_number(row["num_cycles"], f"{where}, num_cycles"),
                    sim_seconds=_number(row["sim_seconds"], f"{where}, sim_seconds"),
                    instructions=_number(row["sim_insts"], f"{where}, sim_insts"),
                    host_seconds=_number(row["host_seconds"], f"{where}, host_seconds"),
                    ok=bool(exit_ok) and bool(output_ok),
                    line=line,
                )
            )
    if not runs:
        raise CalibrationError(f"{path} has no rows", hint="add gem5 measurements to the table")
    _check_files(path, folder, runs)
    return Gem5Table(path, folder, tuple(runs))


def _check_files(path: Path, folder: Path, runs: Sequence[Gem5Run]) -> None:
    for run in runs:
        where = f"{path.name} line {run.line}"
        program = folder / run.program
        if not run.program or not program.is_dir():
            raise CalibrationError(
                f"{where}: unknown program folder {run.program!r} (no directory {program})",
                hint="give --programs DIR, the folder that holds the programs of the table",
            )
        if not (program / run.source).is_file():
            raise CalibrationError(
                f"{where}: {run.program} has no source file {run.source!r}",
                hint=f"put {run.source} in {program}",
            )
        tests = program / "tests"
        for name in (run.input, f"output.{run.test}.txt"):
            if not (tests / name).is_file():
                raise CalibrationError(
                    f"{where}: missing test file {tests / name}",
                    hint="each program needs tests/input.N.txt and tests/output.N.txt",
                )


def program_part(program: str, held_out_share: float = 0.5) -> str:
    """Which half of a split table a program belongs to: a stable hash of its name alone,
    so adding programs never moves others between fit and held-out data."""
    value = int(hashlib.sha256(program.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "held out" if value < held_out_share else "fit"


def split_table(table: Gem5Table, part: str, held_out_share: float = 0.5) -> Gem5Table:
    """The runs of `table` whose program falls in `part` ("fit" or "held out")."""
    runs = tuple(r for r in table.runs if program_part(r.program, held_out_share) == part)
    return evolve(table, runs=runs, part=part)


@frozen
class Plan:
    """What to fit on and what to hold out: several tables, some split by program."""

    fit: tuple[Gem5Table, ...]
    held_out: tuple[Gem5Table, ...]


def read_plan(path: Path) -> Plan:
    """A calibration plan (JSON): {"fit": [ENTRY...], "held_out": [ENTRY...]}, where an
    ENTRY is {"table": CSV, "programs": DIR (optional), "split": true (optional)} with paths
    relative to the plan. A split table gives its "fit" half to the fit and its "held out"
    half to the held-out data (`program_part`); `held_out_share` sets the share."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise CalibrationError(f"cannot read the plan {path}: {exc}", hint="fix the JSON") from None
    share = float(data.get("held_out_share", 0.5))
    parts: dict[str, list[Gem5Table]] = {"fit": [], "held_out": []}
    for role, found in parts.items():
        for entry in data.get(role, []):
            if not isinstance(entry, dict) or "table" not in entry:
                raise CalibrationError(
                    f'{path}: every {role} entry needs a "table"',
                    hint='write entries like {"table": "gem5.csv", "split": true}',
                )
            programs = entry.get("programs")
            table = read_table(
                (path.parent / entry["table"]).resolve(),
                (path.parent / programs).resolve() if programs else None,
            )
            if entry.get("split"):
                part = "fit" if role == "fit" else "held out"
                table = split_table(table, part, share)
            found.append(table)
    if not parts["fit"]:
        raise CalibrationError(f"{path} lists no fit table", hint='add "fit": [{"table": ...}]')
    return Plan(tuple(parts["fit"]), tuple(parts["held_out"]))


def gem5_version_of(table: Path) -> str:
    """The gem5 version a table's README (or SOURCE.md) names, e.g. "24.0.0.1"."""
    for name in ("README.md", "SOURCE.md"):
        doc = table.parent / name
        if doc.is_file():
            match = re.search(r"gem5 v?(\d+(?:\.\d+)+)", doc.read_text(errors="replace"))
            if match:
                return match.group(1)
    return "unknown"
