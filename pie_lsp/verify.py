"""Tests: finding them, running a binary on them, and judging its output (PIE's rules).

A test is an input fed to stdin and the expected stdout. Two layouts are recognised in a
test directory: PIE/CodeNet's `input.N.txt` / `output.N.txt`, and `NAME.in` / `NAME.out`
(or `NAME.ans`). Outputs are compared as PIE does: strip the whole output, compare line by
line; a line matches if equal (ignoring surrounding white space) or if both parse as
numbers within 1e-3 of each other.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from pathlib import Path

from attrs import frozen

from pie_lsp.build import Binary
from pie_lsp.cache import Cache, digest
from pie_lsp.errors import NoTests
from pie_lsp.sandbox import Limits, RunResult, Sandbox

NUMERIC_TOLERANCE = 1e-3


@frozen
class TestCase:
    """One input/expected-output pair."""

    name: str
    input: Path
    expected: Path

    @property
    def input_bytes(self) -> bytes:
        return self.input.read_bytes()

    def digest(self) -> str:
        return digest(self.input.read_bytes(), self.expected.read_bytes())


@frozen
class TestSuite:
    """The tests of a program and where they were found."""

    directory: Path
    cases: tuple[TestCase, ...]

    def digest(self) -> str:
        return digest(*(case.digest() for case in self.cases))

    def __len__(self) -> int:
        return len(self.cases)


def _natural(name: str) -> list[object]:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def load_suite(directory: Path) -> TestSuite:
    """The test cases in one directory (may be empty)."""
    cases: list[TestCase] = []
    for path in sorted(directory.iterdir(), key=lambda p: _natural(p.name)):
        if not path.is_file():
            continue
        match = re.fullmatch(r"input\.(.+)\.txt", path.name)
        if match:
            expected = directory / f"output.{match.group(1)}.txt"
            if expected.is_file():
                cases.append(TestCase(match.group(1), path, expected))
            continue
        if path.suffix == ".in":
            for suffix in (".out", ".ans"):
                expected = path.with_suffix(suffix)
                if expected.is_file():
                    cases.append(TestCase(path.stem, path, expected))
                    break
    return TestSuite(directory, tuple(cases))


def candidate_dirs(program_path: Path) -> list[Path]:
    """Where tests are looked for when none are given: next to the program."""
    folder = program_path.parent
    return [folder / f"{program_path.stem}.tests", folder / "tests"]


def find_tests(program_path: Path, tests_dir: Path | None = None) -> TestSuite:
    """The test suite for a program; NoTests names every place that was searched."""
    places = [tests_dir] if tests_dir is not None else candidate_dirs(program_path)
    looked: list[str] = []
    for place in places:
        if not place.is_dir():
            looked.append(f"{place} (no such directory)")
            continue
        suite = load_suite(place)
        if suite.cases:
            return suite
        looked.append(f"{place} (no input.N.txt/output.N.txt or NAME.in/NAME.out pairs)")
    raise NoTests(
        "no tests found; looked in: " + "; ".join(looked),
        hint=f"put input.1.txt/output.1.txt pairs in {places[0]}, or give --tests DIR "
        "(setting pie.tests.dir)",
    )


def _as_number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def compare_outputs(actual: str, expected: str) -> str | None:
    """None when `actual` matches `expected` under PIE's rules, else why not."""
    got = actual.strip().splitlines()
    want = expected.strip().splitlines()
    for number, (line_got, line_want) in enumerate(zip(got, want, strict=False), start=1):
        a, b = line_got.strip(), line_want.strip()
        if a == b:
            continue
        x, y = _as_number(a), _as_number(b)
        if x is not None and y is not None and abs(x - y) <= NUMERIC_TOLERANCE:
            continue
        return f"line {number}: expected {_clip(b)!r}, got {_clip(a)!r}"
    if len(got) != len(want):
        return f"expected {len(want)} lines of output, got {len(got)}"
    return None


def _clip(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@frozen
class TestOutcome:
    """The verdict of one test."""

    test: str
    passed: bool
    reason: str = ""
    seconds: float = 0.0


def judge(case: TestCase, run: RunResult) -> TestOutcome:
    if not run.ok:
        tail = run.stderr_tail(3)
        reason = run.describe() + (f": {tail}" if tail else "")
        return TestOutcome(case.name, False, reason, run.wall_seconds)
    why = compare_outputs(
        run.stdout.decode("utf-8", "replace"), case.expected.read_text("utf-8", "replace")
    )
    if why:
        return TestOutcome(case.name, False, f"wrong output, {why}", run.wall_seconds)
    return TestOutcome(case.name, True, "", run.wall_seconds)


class Verifier:
    """Runs binaries natively on test suites in the sandbox, caching verdicts."""

    def __init__(self, sandbox: Sandbox, cache: Cache, slots: asyncio.Semaphore) -> None:
        self.sandbox = sandbox
        self.cache = cache
        self.slots = slots

    async def run_one(self, binary: Binary, case: TestCase, limits: Limits) -> TestOutcome:
        key = "verify:" + digest(binary.sha256, case.digest(), repr(limits))
        cached = self.cache.get(key)
        if isinstance(cached, TestOutcome):
            return cached
        async with self.slots:
            with self.sandbox.scratch("test") as work:
                exe = work / "prog"
                exe.write_bytes(binary.data)
                exe.chmod(0o755)
                run = await self.sandbox.run(["./prog"], cwd=work, limits=limits, stdin=case.input)
        outcome = judge(case, run)
        # a timeout may be the machine's load, not the program: don't remember it
        if not run.timed_out:
            self.cache.set(key, outcome)
        return outcome

    async def run_suite(
        self,
        binary: Binary,
        cases: Sequence[TestCase],
        limits: Limits,
        *,
        stop_on_failure: bool = False,
    ) -> list[TestOutcome]:
        """Every test's outcome, in order. With stop_on_failure, a failure cancels the
        runs of the tests after it (their outcomes are omitted) but not those before it, so
        the first failing test reported is always the same one, whatever finished first."""
        tasks = [asyncio.ensure_future(self.run_one(binary, case, limits)) for case in cases]
        try:
            if stop_on_failure:
                position: dict[asyncio.Future[TestOutcome], int] = {
                    task: index for index, task in enumerate(tasks)
                }
                pending: set[asyncio.Future[TestOutcome]] = set(tasks)
                first_failure = len(tasks)
                while pending:
                    done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                    for task in done:
                        if not task.result().passed:
                            first_failure = min(first_failure, position[task])
                    for task in [t for t in pending if position[t] > first_failure]:
                        task.cancel()
                        pending.discard(task)
                await asyncio.gather(*tasks, return_exceptions=True)
                return [t.result() for t in tasks if t.done() and not t.cancelled()]
            return list(await asyncio.gather(*tasks))
        except BaseException:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
