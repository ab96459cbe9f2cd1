"""Tests: finding them, running a binary on them, and judging its output (PIE's rules).

A test is an input fed to stdin and the expected stdout. Two layouts are recognised in a
test directory: PIE/CodeNet's `input.N.txt` / `output.N.txt`, and `NAME.in` / `NAME.out`
(or `NAME.ans`). Outputs are compared as PIE does: strip the whole output, compare line by
line; a line matches if equal (ignoring surrounding white space) or if both parse as
numbers within 1e-3 of each other.
"""

from __future__ import annotations

import asyncio
import math
import re
import time
from collections.abc import Sequence
from pathlib import Path

from attrs import frozen

from pie_lsp.build import Binary
from pie_lsp.cache import Cache, digest
from pie_lsp.derive import DerivedInput
from pie_lsp.errors import NoTests
from pie_lsp.sandbox import Limits, RunResult, Sandbox
from pie_lsp.settings import Settings
from pie_lsp.tasks import task_group

NUMERIC_TOLERANCE = 1e-3


def run_limits(settings: Settings) -> Limits:
    """The limits of one run of a program on a test (pie.tests, pie.sandbox): the base
    from which every step derives its own with attrs.evolve (a shorter timeout for a
    candidate, more memory under valgrind or gem5)."""
    tests = settings.tests
    return Limits(
        timeout=tests.timeout,
        memory_mb=tests.memory_mb,
        output_bytes=tests.output_limit_mb * 1024 * 1024,
        file_size_mb=settings.sandbox.file_size_mb,
        processes=settings.sandbox.processes,
    )


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
    # inputs without an expected output (not run): said, not silently dropped
    warnings: tuple[str, ...] = ()

    def digest(self) -> str:
        return digest(*(case.digest() for case in self.cases))

    def __len__(self) -> int:
        return len(self.cases)


def _natural(name: str) -> list[object]:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def load_suite(directory: Path) -> TestSuite:
    """The test cases in one directory (may be empty)."""
    cases: list[TestCase] = []
    missing: list[str] = []
    for path in sorted(directory.iterdir(), key=lambda p: _natural(p.name)):
        if not path.is_file():
            continue
        match = re.fullmatch(r"input\.(.+)\.txt", path.name)
        if match:
            expected = directory / f"output.{match.group(1)}.txt"
            if expected.is_file():
                cases.append(TestCase(match.group(1), path, expected))
            else:
                missing.append(expected.name)
            continue
        if path.suffix == ".in":
            for suffix in (".out", ".ans"):
                expected = path.with_suffix(suffix)
                if expected.is_file():
                    cases.append(TestCase(path.stem, path, expected))
                    break
            else:
                missing.append(f"{path.stem}.out")
    warnings = tuple(
        f"{directory / name} is missing: its input is not run as a test" for name in missing
    )
    return TestSuite(directory, tuple(cases), warnings)


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


@frozen
class DerivedSuite:
    """Derived inputs with the original's answers, and what became of the others."""

    cases: tuple[TestCase, ...]
    discarded: int = 0  # the original failed, crashed, timed out or was not repeatable
    over_budget: int = 0  # left out to keep within the time budget
    seconds: float = 0.0  # the original's longest run on them


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
            with self.sandbox.program_scratch("test", binary.data) as work:
                run = await self.sandbox.run(["./prog"], cwd=work, limits=limits, stdin=case.input)
        outcome = judge(case, run)
        # a timeout may be the machine's load, not the program: don't remember it
        if not run.timed_out:
            self.cache.set(key, outcome)
        return outcome

    async def _oracle_run(self, binary: Binary, given: Path, limits: Limits) -> RunResult:
        async with self.slots:
            with self.sandbox.program_scratch("oracle", binary.data) as work:
                return await self.sandbox.run(["./prog"], cwd=work, limits=limits, stdin=given)

    async def oracle_answer(
        self, binary: Binary, given: Path, limits: Limits
    ) -> tuple[bytes, float] | None:
        """The original's output on a derived input and its time, or None when the input is
        no use as a test: the original fails, crashes, times out, or prints something else
        on a second run (then it is not an oracle there). Cached but for timeouts."""
        key = "oracle:" + digest(binary.sha256, given.read_bytes(), repr(limits))
        cached = self.cache.get(key)
        if isinstance(cached, tuple):
            return cached if cached[0] is not None else None
        async with task_group() as group:
            runs = [group.create_task(self._oracle_run(binary, given, limits)) for _ in range(2)]
        first, second = (run.result() for run in runs)
        answer: tuple[bytes, float] | None = None
        if first.ok and second.ok:
            out = first.stdout.decode("utf-8", "replace")
            if compare_outputs(second.stdout.decode("utf-8", "replace"), out) is None:
                answer = (first.stdout, max(first.wall_seconds, second.wall_seconds))
        if not (first.timed_out or second.timed_out):
            self.cache.set(key, answer if answer is not None else (None, 0.0))
        return answer

    async def derived_cases(
        self,
        binary: Binary,
        derived: Sequence[DerivedInput],
        limits: Limits,
        folder: Path,
        budget_seconds: float,
    ) -> DerivedSuite:
        """The derived inputs the original answers, as test cases (their expected output is
        the original's, written to `folder`), in order. They are run a few at a time until
        `budget_seconds` of wall-clock time have passed; the rest are left out."""
        kept: list[TestCase] = []
        discarded = dropped = 0
        started = time.perf_counter()
        seconds = 0.0
        batch = 8  # a few at a time, so a slow original stops at the budget
        for start in range(0, len(derived), batch):
            if start and time.perf_counter() - started > budget_seconds:
                dropped = len(derived) - start
                break
            chunk = derived[start : start + batch]
            paths = []
            for item in chunk:
                given = folder / f"input.{item.name}.txt"
                given.write_bytes(item.data)
                paths.append(given)
            async with task_group() as group:
                asked = [group.create_task(self.oracle_answer(binary, g, limits)) for g in paths]
            for item, given, answer in zip(chunk, paths, (a.result() for a in asked), strict=True):
                if answer is None:
                    discarded += 1
                    continue
                seconds = max(seconds, answer[1])
                expected = folder / f"output.{item.name}.txt"
                expected.write_bytes(answer[0])
                name = f"{item.name} (from test {item.source}, {item.how})"
                kept.append(TestCase(name, given, expected))
        return DerivedSuite(tuple(kept), discarded, dropped, seconds)

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
        async with task_group() as group:
            tasks = [group.create_task(self.run_one(binary, case, limits)) for case in cases]
            if stop_on_failure:
                position = {task: index for index, task in enumerate(tasks)}
                pending: set[asyncio.Task[TestOutcome]] = set(tasks)
                first_failure = len(tasks)
                while pending:
                    done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                    for task in done:
                        if not task.result().passed:
                            first_failure = min(first_failure, position[task])
                    for task in [t for t in pending if position[t] > first_failure]:
                        task.cancel()  # a cancelled task is no error to the group
                        pending.discard(task)
        return [t.result() for t in tasks if not t.cancelled()]


# -- hard-coded answers ------------------------------------------------------------------
# An expected output is worth looking for when it carries enough to be no coincidence: at
# least 6 characters besides white space ("0", "Yes", "100 8" and a short number are left
# alone), and, for a lone number, at least 6 digits once trailing zeros are dropped and not
# a power of two (buffer sizes like 1 << 20 and round constants are common in fast code).
HARDCODED_MIN_CHARS = 6

_STRING = re.compile(
    r'(?:u8|[uUL])?R"([^(\s]{0,16})\((.*?)\)\1"|(?:u8|[uUL])?"((?:\\.|[^"\\\n])*)"', re.S
)
_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
_CHAR = re.compile(r"'(?:\\.|[^'\\\n])+'")
_NUMBER = re.compile(r"\b(0[xX][0-9a-fA-F]+|0[bB][01]+|\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)[uUlLfF]*\b")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", '"': '"', "'": "'"}


def _canonical(token: str) -> str:
    """A token as a number where it is one ("007" = "7", "1.50" = "1.5"), else as is."""
    if re.fullmatch(r"[-+]?\d+", token):
        return str(int(token))
    try:
        value = float(token)
    except ValueError:
        return token
    return repr(round(value, 9)) if math.isfinite(value) else token


def literal_tokens(source: str) -> list[str]:
    """The tokens a program could print verbatim: the white-space separated words of its
    string literals and its number literals, in source order (comments ignored)."""
    source = _COMMENT.sub(" ", source)
    tokens: list[str] = []
    position = 0
    for match in _STRING.finditer(source):
        tokens += _numbers(source[position : match.start()])
        raw = match.group(2) if match.group(2) is not None else match.group(3) or ""
        if match.group(2) is None:
            raw = re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), raw)
        tokens += [_canonical(t) for t in raw.split()]
        position = match.end()
    tokens += _numbers(source[position:])
    return tokens


def _numbers(code: str) -> list[str]:
    code = _CHAR.sub(" ", re.sub(r"(?<=\d)'(?=\d)", "", code))  # 1'000'000
    out: list[str] = []
    for match in _NUMBER.finditer(code):
        text = match.group(1)
        negative = code[: match.start()].rstrip().endswith("-")
        try:
            if text[:2] in ("0x", "0X"):
                value: str = str(int(text, 16))
            elif text[:2] in ("0b", "0B"):
                value = str(int(text, 2))
            else:
                value = _canonical(text)
        except ValueError:
            continue
        out.append(f"-{value}" if negative and value != "0" else value)
    return out


def _informative(tokens: list[str]) -> bool:
    if sum(len(t) for t in tokens) < HARDCODED_MIN_CHARS:
        return False
    if len(tokens) == 1 and re.fullmatch(r"-?\d+", tokens[0]):
        value = abs(int(tokens[0]))
        digits = str(value).rstrip("0")
        return len(digits) >= HARDCODED_MIN_CHARS and value & (value - 1) != 0
    return True


def _contains(haystack: list[str], needle: list[str]) -> bool:
    # joined with a separator no token contains: a substring match is a token-run match
    return "\0" + "\0".join(needle) + "\0" in "\0" + "\0".join(haystack) + "\0"


def hardcoded_answer(candidate: str, original: str, cases: Sequence[TestCase]) -> str | None:
    """Why `candidate` looks like it prints a test's expected output from a literal (one
    that the original does not contain), or None."""
    mine = literal_tokens(candidate)
    own = set(literal_tokens(original))
    for case in cases:
        want = [_canonical(t) for t in case.expected.read_text("utf-8", "replace").split()]
        # an output made only of the original's own literals ("Yes", "No", "-1") is one
        # it could print itself, in whatever order the candidate happens to list them
        if own.issuperset(want) or not _informative(want):
            continue
        if _contains(mine, want):
            return f"prints test {case.name}'s expected output as a literal: hard-coded answer"
    return None
