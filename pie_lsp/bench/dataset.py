"""The datasets `pie-lsp bench` reads, in two layouts (docs/BENCH.md):

- a folder of problems: `NAME/slow.cpp`, `NAME/tests/input.K.txt` + `output.K.txt`, and
  optionally a reference fast version `NAME/reference_fast.cpp` or `NAME/fast.cpp` (the layout
  of ../shared/pie-sample and benchmarks/devset);
- PIE's jsonl split: one JSON object a line with `problem_id`, `input` (the slow source) and
  optionally `target` (the human's fast version), and a test-case directory holding one
  folder of `input.K.txt`/`output.K.txt` per problem id (PIE's `merged_test_cases/`).

A problem that cannot be evaluated (a malformed row, no tests) becomes a `Skipped` with the
reason, never an exception: one bad row must not stop a four-day run. A `Task` carries the
problem's files as bytes, so a worker on another machine needs no shared filesystem.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Literal

from attrs import frozen

from pie_lsp.errors import PieError
from pie_lsp.verify import load_suite

Layout = Literal["folder", "jsonl"]

SLOW_NAMES = ("slow.cpp", "input.cpp", "src.cpp")
REFERENCE_NAMES = ("reference_fast.cpp", "fast.cpp", "target.cpp")
# where PIE's repository and its users put the test cases beside a split file
TEST_ROOTS = (
    "merged_test_cases",
    "public_test_cases",
    "test_cases",
    "tests",
    "codenet/merged_test_cases",
    "codenet/public_test_cases",
)
# a problem id names a folder: nothing that could climb out of the tests root
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")


class DatasetError(PieError):
    """The dataset as a whole cannot be read (not a single problem could be)."""


@frozen
class Problem:
    """One slow program to optimize, found in the dataset (its tests not read yet)."""

    id: str  # unique in the dataset: the results are keyed by it
    problem_id: str  # PIE's problem (several slow programs may share one)
    origin: str  # where it came from: a folder, or FILE:LINE
    source: str
    reference: str | None
    tests_dir: Path


@frozen
class Skipped:
    """A dataset entry that is not evaluated, and why."""

    id: str
    problem_id: str
    origin: str
    reason: str


@frozen
class CaseFile:
    name: str
    input: bytes
    output: bytes


@frozen
class Task:
    """Everything a worker needs to evaluate one problem, as data (pickled to the worker)."""

    id: str
    problem_id: str
    origin: str
    source: str
    reference: str | None
    tests: tuple[CaseFile, ...]

    def digest(self) -> str:
        """Identifies the inputs, so a resumed run can tell a changed problem from the same."""
        h = hashlib.sha256()
        for part in (self.source, self.reference or "", *(t.name for t in self.tests)):
            h.update(part.encode() + b"\0")
        for test in self.tests:
            h.update(hashlib.sha256(test.input).digest() + hashlib.sha256(test.output).digest())
        return h.hexdigest()[:16]


@frozen
class Dataset:
    path: Path
    layout: Layout
    entries: tuple[Problem | Skipped, ...]

    @property
    def problems(self) -> list[Problem]:
        return [e for e in self.entries if isinstance(e, Problem)]

    @property
    def skipped(self) -> list[Skipped]:
        return [e for e in self.entries if isinstance(e, Skipped)]


def _natural(name: str) -> list[int | str]:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def _tests_problem(tests_dir: Path) -> str | None:
    """Why `tests_dir` cannot test a program, or None."""
    if not tests_dir.is_dir():
        return f"missing test directory {tests_dir}"
    if not load_suite(tests_dir).cases:
        return f"no input.K.txt/output.K.txt pairs in {tests_dir}"
    return None


def _read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def _folder_entry(folder: Path) -> Problem | Skipped | None:
    """The problem in one folder, None when the folder is not a problem at all."""
    slow = next((folder / n for n in SLOW_NAMES if (folder / n).is_file()), None)
    if slow is None:
        return None
    reference = next((folder / n for n in REFERENCE_NAMES if (folder / n).is_file()), None)
    tests_dir = folder / "tests"
    why = _tests_problem(tests_dir)
    if why is not None:
        return Skipped(folder.name, folder.name, str(folder), why)
    return Problem(
        folder.name,
        folder.name,
        str(folder),
        _read_text(slow),
        _read_text(reference) if reference is not None else None,
        tests_dir,
    )


def load_folder(path: Path) -> Dataset:
    entries: list[Problem | Skipped] = []
    for folder in sorted((p for p in path.iterdir() if p.is_dir()), key=lambda p: _natural(p.name)):
        entry = _folder_entry(folder)
        if entry is not None:
            entries.append(entry)
    if not entries:
        raise DatasetError(
            f"{path}: no problems (folders with slow.cpp and tests/)",
            hint="give a folder of NAME/slow.cpp + NAME/tests/, or PIE's .jsonl split "
            "(docs/BENCH.md)",
        )
    return Dataset(path, "folder", tuple(entries))


def find_tests_root(split: Path) -> Path | None:
    return next((split.parent / n for n in TEST_ROOTS if (split.parent / n).is_dir()), None)


def _row_entry(row_text: str, where: str, line: int, tests_root: Path) -> Problem | Skipped:
    fallback = f"line-{line}"
    try:
        row = json.loads(row_text)
    except json.JSONDecodeError as exc:
        return Skipped(fallback, "", where, f"not JSON: {exc.msg} at column {exc.colno}")
    if not isinstance(row, dict):
        return Skipped(fallback, "", where, f"not a JSON object but {type(row).__name__}")
    problem_id = row.get("problem_id")
    if not isinstance(problem_id, str) or not _SAFE_ID.fullmatch(problem_id):
        return Skipped(
            fallback, "", where, f"problem_id missing or not a plain name: {problem_id!r:.60}"
        )
    submission = row.get("submission_id_v0")
    suffix = str(submission) if isinstance(submission, (str, int)) else f"L{line}"
    entry_id = f"{problem_id}_{suffix}" if _SAFE_ID.fullmatch(suffix) else f"{problem_id}_L{line}"
    source = row.get("input")
    if not isinstance(source, str) or not source.strip():
        return Skipped(entry_id, problem_id, where, "`input` (the slow program) missing or empty")
    target = row.get("target")
    if target is not None and not isinstance(target, str):
        return Skipped(entry_id, problem_id, where, "`target` is not a string")
    tests_dir = tests_root / problem_id
    why = _tests_problem(tests_dir)
    if why is not None:
        return Skipped(entry_id, problem_id, where, why)
    return Problem(entry_id, problem_id, where, source, target or None, tests_dir)


def load_jsonl(path: Path, tests_root: Path | None = None) -> Dataset:
    root = tests_root or find_tests_root(path)
    if root is None or not root.is_dir():
        looked = ", ".join(TEST_ROOTS)
        raise DatasetError(
            f"{path}: no test-case directory"
            + (f" ({root} does not exist)" if root else f" beside it (looked for {looked})"),
            hint="give the folder of per-problem test cases with --tests-root DIR "
            "(PIE's merged_test_cases/)",
        )
    entries: list[Problem | Skipped] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8", errors="replace") as rows:
        for line, text in enumerate(rows, start=1):
            if not text.strip():
                continue
            entry = _row_entry(text, f"{path.name}:{line}", line, root)
            if entry.id in seen:
                entry = Skipped(
                    f"{entry.id}-L{line}",
                    entry.problem_id,
                    entry.origin,
                    f"duplicate id {entry.id}",
                )
            seen.add(entry.id)
            entries.append(entry)
    if not entries:
        raise DatasetError(f"{path}: no rows", hint="one JSON object per line (docs/BENCH.md)")
    return Dataset(path, "jsonl", tuple(entries))


def load_dataset(path: Path, tests_root: Path | None = None) -> Dataset:
    """The dataset at `path`: a folder of problems, or a .jsonl split (PIE's format)."""
    if path.is_dir():
        return load_folder(path)
    if path.is_file():
        return load_jsonl(path, tests_root)
    raise DatasetError(
        f"{path}: no such file or folder",
        hint="give a folder of problems or a .jsonl split (docs/BENCH.md)",
    )


def make_task(problem: Problem) -> Task | Skipped:
    """Read a problem's tests into a `Task` (a test directory gone since listing: Skipped)."""
    try:
        suite = load_suite(problem.tests_dir)
        tests = tuple(
            CaseFile(c.name, c.input.read_bytes(), c.expected.read_bytes()) for c in suite.cases
        )
    except OSError as exc:
        return Skipped(problem.id, problem.problem_id, problem.origin, f"tests unreadable: {exc}")
    if not tests:
        return Skipped(
            problem.id, problem.problem_id, problem.origin, f"no tests in {problem.tests_dir}"
        )
    return Task(
        problem.id, problem.problem_id, problem.origin, problem.source, problem.reference, tests
    )
