"""The pipeline: program -> candidates -> build -> verify -> measure -> rank.

`Pipeline.optimize` is the one implementation of "make this program faster, with proof";
the CLI, the language server and the benchmarks all call it. `Pipeline.check_speedup`
measures one version of a program against another on the same tests.

Every step is async so that an editor stays responsive and so that cancelling the task
kills every compiler, test and simulator process it started (see sandbox.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import difflib
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Literal

from attrs import define, evolve, field, frozen

from pie_lsp import __version__
from pie_lsp.build import Binary, Builder, build_flags
from pie_lsp.cache import Cache, digest
from pie_lsp.derive import derive_inputs
from pie_lsp.errors import BuildFailed, OriginalFailsTests, PieError
from pie_lsp.job import Job, make_job
from pie_lsp.measure import (
    MeasureFailed,
    Measurement,
    Measurer,
    TestTiming,
    make_measurer,
    measuring_activity,
)
from pie_lsp.measure.bound import MEASURE_WALL, MeasureBound, measurement_bound
from pie_lsp.models import Candidate, ModelBackend, Outcome, make_backend
from pie_lsp.models.budget import Budget, budget_scope
from pie_lsp.program import MAX_SOURCE_BYTES, Program
from pie_lsp.rounds import more_rounds, rounds_digest
from pie_lsp.sandbox import Limits, Sandbox
from pie_lsp.settings import Settings
from pie_lsp.tasks import task_group
from pie_lsp.text import speed, times
from pie_lsp.verify import (
    DerivedSuite,
    TestOutcome,
    TestSuite,
    Verifier,
    hardcoded_answer,
    run_limits,
)

CandidateStatus = Literal["faster", "not-faster", "rejected"]
ResultStatus = Literal["optimized", "not-optimized", "error"]


@frozen
class Step:
    """A progress event: what the pipeline is doing now."""

    stage: str  # build | verify | generate | measure | rank | partial | done
    message: str
    done: int = 0
    total: int = 0
    # stage "partial": the result so far (a better candidate was found; more rounds run)
    result: OptimizeResult | None = None


Reporter = Callable[[Step], None]


def _quiet(_: Step) -> None:
    return None


@define
class CandidateResult:
    """What became of one candidate."""

    origin: str
    description: str
    source: str
    status: CandidateStatus
    reason: str = ""
    tests_passed: int = 0
    tests_total: int = 0
    speedup: float | None = None
    total_seconds: float | None = None
    timings: tuple[TestTiming, ...] = ()
    # which backend measured `speedup` (with "estimate ranks, gem5 confirms": estimate or
    # gem5), and the estimate's speedup of a candidate gem5 then confirmed
    measured_by: str = ""
    estimated_speedup: float | None = None
    # derived inputs (the original is the oracle) on which it printed what the original does
    derived_passed: int = 0
    derived_total: int = 0
    # the derived input it got wrong (first 4 kB), to reproduce the failure
    counterexample: str = ""


@define
class OptimizeResult:
    """The answer to "make this program faster", with its evidence."""

    status: ResultStatus
    path: str
    simulator: str = ""
    simulator_label: str = ""
    simulator_short: str = ""
    speedup: float | None = None
    tests_passed: int = 0
    tests_total: int = 0
    original_source: str = ""
    optimized_source: str | None = None
    diff: str = ""
    best_origin: str | None = None
    original_timings: tuple[TestTiming, ...] = ()
    optimized_timings: tuple[TestTiming, ...] = ()
    candidates: list[CandidateResult] = field(factory=list)
    model: str = ""
    tests_dir: str = ""
    error: str | None = None
    hint: str = ""
    error_details: str = ""
    notes: list[str] = field(factory=list)
    seconds: float = 0.0
    cached: bool = False
    # "estimate ranks, gem5 confirms": the backend that ranked every correct candidate and
    # the one that measured the original and the best (the shown speedup); "" otherwise
    ranked_by: str = ""
    confirmed_by: str = ""
    # when not optimized: what was tried and what else could find more (backend.explain)
    why_not: list[str] = field(factory=list)
    # derived inputs every correct candidate had to agree with the original on
    derived_total: int = 0
    # rounds with execution feedback done (pie_lsp.rounds); what the model cost
    rounds: int = 0
    model_calls: int = 0
    tokens: int = 0
    # a snapshot while rounds still run (streamed to the editor), not the final answer
    partial: bool = False

    def tests_phrase(self, editor: bool = False) -> str:
        """ "3/3 tests pass", or "3/3 tests + 24 derived inputs agree with the original"
        (editor form: "3/3 tests" and "3/3 tests + 24 derived inputs")."""
        tests = f"{self.tests_passed}/{self.tests_total} tests"
        if self.derived_total:
            tests += f" + {self.derived_total} derived inputs"
            return tests if editor else f"{tests} agree with the original"
        return tests if editor else f"{tests} pass"

    def measured_with(self) -> str:
        """The simulator label, with how the ranking was done when two backends shared it."""
        if self.confirmed_by:
            return (
                f"{self.simulator_label}; ranked by the {self.ranked_by}, "
                f"confirmed in {self.confirmed_by}"
            )
        return self.simulator_label

    def summary(self) -> str:
        """One line: "3.42× faster (gem5: simulated Skylake, SE mode) — 3/3 tests pass"."""
        if self.status == "error":
            return f"error: {self.error}"
        if self.status == "optimized" and self.speedup:
            return f"{speed(self.speedup)} ({self.measured_with()}) — {self.tests_phrase()}"
        best = f"best candidate {times(self.speedup)}" if self.speedup else "no correct candidate"
        return f"not optimized: {best} ({self.measured_with()})"

    def label(self) -> str:
        """Editor form: "3.42× faster on Skylake (gem5) — 12/12 tests"."""
        if self.status == "optimized" and self.speedup and self.partial:
            return f"{times(self.speedup)} so far on {self.simulator_short}, still searching…"
        if self.status == "optimized" and self.speedup:
            return (
                f"{speed(self.speedup)} on {self.simulator_short} — "
                f"{self.tests_phrase(editor=True)}"
            )
        return self.summary()


@define
class SpeedupResult:
    """One version of a program measured against another on the same tests."""

    baseline_name: str
    speedup: float
    simulator: str
    simulator_label: str
    simulator_short: str
    tests_passed: int
    tests_total: int
    baseline_timings: tuple[TestTiming, ...]
    current_timings: tuple[TestTiming, ...]
    failures: list[str] = field(factory=list)
    cached: bool = False

    def label(self) -> str:
        """ "1.80× faster than HEAD — 3/3 tests" (or slower, or same speed as HEAD)."""
        tests = f"{self.tests_passed}/{self.tests_total} tests"
        return f"{speed(self.speedup, self.baseline_name)} on {self.simulator_short} — {tests}"


def _source_lines(text: str) -> list[str]:
    # lines as `diff` and editors count them: only \n ends one (str.splitlines also breaks
    # at \r, \f, \x1c...); a stray \r stays in its line, where `visible` shows it
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


def unified_diff(path: str, before: str, after: str) -> str:
    return "".join(
        difflib.unified_diff(
            _source_lines(before),
            _source_lines(after),
            fromfile=f"a/{path}",
            tofile=f"b/{path}",
        )
    )


def _outcomes(candidates: Sequence[CandidateResult]) -> list[Outcome]:
    return [Outcome(c.origin, c.status, c.speedup, c.reason) for c in candidates]


def _first_failure(outcomes: Sequence[TestOutcome]) -> TestOutcome | None:
    return next((o for o in outcomes if not o.passed), None)


@define
class _Oracle:
    """One optimize run's verification beyond the tests: the original's text (hard-coded
    answers are literals it lacks) and its answers on derived inputs."""

    original: str
    folder: str
    derived: DerivedSuite = field(factory=lambda: DerivedSuite(()))
    limits: Limits | None = None


# Set per optimize run; tasks started inside it (the candidates) see their run's oracle
# without it being threaded through every call.
_ORACLE: contextvars.ContextVar[_Oracle | None] = contextvars.ContextVar("oracle", default=None)


@contextlib.contextmanager
def _oracle_scope(program: Program) -> Iterator[_Oracle]:
    # private to this process (0700), outside the sandbox's scratch base: candidates run
    # on these inputs but must not read the original's answers
    folder = tempfile.mkdtemp(prefix="pie-derived-")
    oracle = _Oracle(program.text, folder)
    token = _ORACLE.set(oracle)
    try:
        yield oracle
    finally:
        _ORACLE.reset(token)
        shutil.rmtree(folder, ignore_errors=True)


class Pipeline:
    """The pipeline for one settings tree; reusable across programs (the server keeps one)."""

    def __init__(
        self,
        settings: Settings,
        *,
        cache: Cache | None = None,
        slots: asyncio.Semaphore | None = None,
        backend: ModelBackend | None = None,
    ) -> None:
        self.settings = settings
        self._owns_cache = cache is None  # a cache the caller passed is the caller's to close
        self.cache = cache if cache is not None else Cache(settings.cache)
        self.slots = slots if slots is not None else asyncio.Semaphore(settings.effective_jobs())
        self.sandbox = Sandbox(settings.sandbox.isolate)
        self.builder = Builder(settings.build, self.sandbox, self.cache)
        self.verifier = Verifier(self.sandbox, self.cache, self.slots)
        self.measurer: Measurer = make_measurer(settings, self.sandbox, self.cache, self.slots)
        self.ranker, self.ranking_note = self._make_ranker()
        self.backend = backend if backend is not None else make_backend(settings)

    # -- limits -------------------------------------------------------------------------
    def test_limits(self, timeout: float | None = None) -> Limits:
        base = run_limits(self.settings)
        return evolve(base, timeout=timeout or base.timeout)

    def candidate_limits(self, original: Sequence[TestOutcome]) -> Limits:
        # A candidate far slower than the original is useless: fail it early.
        slowest = max((o.seconds for o in original), default=0.0)
        return self.test_limits(min(self.settings.tests.timeout, max(2.0, 5 * slowest + 1)))

    def job_for(self, path: Path, text: str | None = None, tests: Path | None = None) -> Job:
        """The job for the program at `path` (its `text` if given, else the file's), with
        the tests in `tests` (the caller's folder, as given), else `tests.dir` (relative to
        the program's folder), else next to the program. Reads files; raises PieError."""
        return make_job(path, text, self.settings.tests, tests)

    def result_key(self, job: Job) -> str:
        s, program, suite = self.settings, job.program, job.suite
        return "result:" + digest(
            __version__,
            program.text,
            suite.digest(),
            self.builder.identity.describe(),
            *build_flags(s.build),
            self.measurer.name,
            self.measurer.config_digest(),  # the estimate's includes its costs
            self.ranker.name,
            self.ranker.config_digest(),
            str(s.simulator.gem5.confirm),
            self.backend.config_digest_for(program),
            str(s.model.samples),
            str(s.min_speedup),
            repr(self.test_limits()),
            f"derived:{s.tests.derived}:{s.tests.derived_seconds}",
            rounds_digest(s.model),
        )

    def cached(self, job: Job) -> OptimizeResult | None:
        """The stored result of an earlier `optimize` of exactly this job, if any (a disk
        read, no work): how the server shows a result as soon as a file opens."""
        cached = self.cache.get(self.result_key(job))
        return cached if isinstance(cached, OptimizeResult) else None

    # -- steps --------------------------------------------------------------------------
    async def _build_and_verify_original(
        self,
        program: Program,
        suite: TestSuite,
        report: Reporter,
    ) -> tuple[Binary, list[TestOutcome]]:
        report(Step("build", "Compiling the original program…"))
        binary = await self.builder.build(
            program.text, label=program.path.name, filename=program.path.name
        )
        report(Step("verify", f"Running the original on {len(suite)} tests…", 0, len(suite)))
        outcomes = await self.verifier.run_suite(binary, suite.cases, self.test_limits())
        failed = _first_failure(outcomes)
        if failed is not None:
            hint = (
                "pie-lsp only optimizes programs that pass their tests: fix the "
                "program or the expected output first"
            )
            if failed.reason.startswith("timed out"):
                hint = (
                    f"a test may take at most tests.timeout = {self.settings.tests.timeout:g} s: "
                    "raise the setting pie.tests.timeout (CLI: --set tests.timeout=60) or "
                    "use a smaller test"
                )
            raise OriginalFailsTests(
                f"{program.path.name} fails its own test {failed.test} "
                f"({suite.directory}): {failed.reason}",
                hint=hint,
            )
        return binary, outcomes

    async def _derive(
        self,
        suite: TestSuite,
        binary: Binary,
        original_outcomes: Sequence[TestOutcome],
        result: OptimizeResult,
        report: Reporter,
    ) -> None:
        """Derived inputs and the original's answers on them, for this run's candidates."""
        oracle = _ORACLE.get()
        count = self.settings.tests.derived
        if oracle is None or count <= 0:
            return
        made = derive_inputs([(c.name, c.input_bytes) for c in suite.cases], count)
        if not made:
            return
        report(Step("verify", f"Running the original on {len(made)} derived inputs…"))
        limits = self.candidate_limits(original_outcomes)
        derived = await self.verifier.derived_cases(
            binary, made, limits, Path(oracle.folder), self.settings.tests.derived_seconds
        )
        oracle.derived = derived
        # candidates get the same allowance on a derived input as on a test
        slowest = max((o.seconds for o in original_outcomes), default=0.0)
        oracle.limits = self.candidate_limits(
            [TestOutcome("derived", True, seconds=max(slowest, derived.seconds))]
        )
        result.derived_total = len(derived.cases)
        left_out = []
        if derived.discarded:
            left_out.append(
                f"{derived.discarded} where the original fails, crashes, times out or "
                "prints different outputs on two runs"
            )
        if derived.over_budget:
            left_out.append(
                f"{derived.over_budget} not run within tests.derived_seconds = "
                f"{self.settings.tests.derived_seconds:g} s"
            )
        if left_out:
            result.notes.append(
                f"derived inputs: {len(derived.cases)} of {len(made)} used; left out "
                + " and ".join(left_out)
            )

    @staticmethod
    def _hardcoded(candidate: Candidate, suite: TestSuite) -> str | None:
        """Why the candidate looks like it prints a test's answer from a literal, or None."""
        oracle = _ORACLE.get()
        if oracle is None:
            return None
        return hardcoded_answer(candidate.source, oracle.original, suite.cases)

    async def _check_derived(self, binary: Binary, result: CandidateResult) -> str | None:
        """Why the candidate's output differs from the original's on a derived input, or
        None when it agrees on all of them."""
        oracle = _ORACLE.get()
        cases = oracle.derived.cases if oracle is not None else ()
        if not cases or oracle is None or oracle.limits is None:
            return None
        outcomes = await self.verifier.run_suite(binary, cases, oracle.limits, stop_on_failure=True)
        result.derived_total = len(cases)
        result.derived_passed = sum(o.passed for o in outcomes)
        failed = _first_failure(outcomes)
        if failed is None:
            return None
        case = next(c for c in cases if c.name == failed.test)
        result.counterexample = case.input.read_bytes()[:4096].decode("utf-8", "replace")
        why = (
            failed.reason.replace("wrong output, ", "output differs from the original's: ", 1)
            .replace(": expected ", ": the original printed ", 1)
            .replace(", got ", ", the candidate ", 1)
        )
        return f"derived input {failed.test}: {why}"

    async def _evaluate(
        self,
        candidate: Candidate,
        suite: TestSuite,
        original_binary: Binary,
        original_outcomes: Sequence[TestOutcome],
        original: asyncio.Future[Measurement],
        report: Callable[[str], None],
    ) -> CandidateResult:
        total = len(suite)
        result = CandidateResult(
            candidate.origin, candidate.description, candidate.source, "rejected", tests_total=total
        )
        hardcoded = self._hardcoded(candidate, suite)
        if hardcoded is not None:
            result.reason = hardcoded
            report(f"{candidate.origin}: hard-codes an expected output")
            return result
        try:
            binary = await self.builder.build(candidate.source, label=candidate.origin)
        except BuildFailed as exc:
            result.reason = exc.message.replace(candidate.origin + " ", "", 1)
            report(f"{candidate.origin}: does not compile")
            return result
        outcomes = await self.verifier.run_suite(
            binary, suite.cases, self.candidate_limits(original_outcomes), stop_on_failure=True
        )
        result.tests_passed = sum(o.passed for o in outcomes)
        failed = _first_failure(outcomes)
        if failed is not None:
            result.reason = f"test {failed.test}: {failed.reason}"
            report(f"{candidate.origin}: fails test {failed.test}")
            return result
        report(f"{candidate.origin}: passes {total}/{total} tests")
        differs = await self._check_derived(binary, result)
        if differs is not None:
            result.reason = differs
            report(f"{candidate.origin}: differs from the original on a derived input")
            return result
        if binary.sha256 == original_binary.sha256:
            # the compiler already made both the same: nothing to measure
            result.status, result.speedup = "not-faster", 1.0
            result.reason = "compiles to the same machine code as the original"
            return result
        base = await original
        # a candidate may take only so long to measure: a multiple of the original's time
        sandbox = self.settings.sandbox
        bound = MeasureBound(
            sandbox.measure_factor,
            sandbox.measure_floor,
            {t.test: t.detail[MEASURE_WALL] for t in base.tests if MEASURE_WALL in t.detail},
        )
        try:
            with measurement_bound(bound):
                measured = await self.ranker.measure(binary, suite.cases)
        except MeasureFailed as exc:
            result.reason = f"could not be measured: {exc.message}"
            return result
        result.measured_by = self.ranker.name
        result.timings = measured.tests
        result.total_seconds = measured.total_seconds
        result.speedup = (
            base.total_seconds / measured.total_seconds if measured.total_seconds > 0 else None
        )
        faster = result.speedup is not None and result.speedup >= self.settings.min_speedup
        result.status = "faster" if faster else "not-faster"
        if not faster:
            result.reason = (
                f"{times(result.speedup or 0)} is below the "
                f"{times(self.settings.min_speedup)} threshold"
            )
        return result

    # -- the whole job --------------------------------------------------------------------
    async def optimize(self, job: Job, report: Reporter = _quiet) -> OptimizeResult:
        """Find the fastest correct rewrite of the job's program. Never raises PieError:
        failures come back as a result with status "error" (cancellation still propagates)."""
        started = time.perf_counter()
        program, suite = job.program, job.suite
        result = OptimizeResult(
            status="error",
            path=str(program.path),
            simulator=self.measurer.name,
            simulator_label=self.measurer.label,
            simulator_short=self.measurer.short,
            original_source=program.text,
            tests_total=len(suite),
            model=self.backend.name,
            tests_dir=str(suite.directory),
        )
        try:
            key = self.result_key(job)
            cached = self.cache.get(key)
            if isinstance(cached, OptimizeResult):
                report(Step("done", "Reused the cached result"))
                return evolve(cached, cached=True, seconds=time.perf_counter() - started)
            with (
                measuring_activity(lambda message: report(Step("measure", message))),
                _oracle_scope(program),
                budget_scope(Budget.from_settings(self.settings.model)) as budget,
            ):
                try:
                    await self._run(program, suite, result, report)
                finally:  # what the model cost, whatever the outcome
                    result.model_calls, result.tokens = budget.calls, budget.tokens
                    if budget.calls:
                        result.notes.append(f"model: {budget.describe()}")
            self.cache.set(key, result)
        except PieError as exc:
            result.status, result.error, result.hint = "error", exc.message, exc.hint
            result.error_details = exc.details
        result.seconds = time.perf_counter() - started
        return result

    async def _run(
        self, program: Program, suite: TestSuite, result: OptimizeResult, report: Reporter
    ) -> None:
        original_binary, original_outcomes = await self._build_and_verify_original(
            program, suite, report
        )
        result.tests_passed = len(suite)
        result.notes.extend(suite.warnings)
        await self._derive(suite, original_binary, original_outcomes, result, report)
        async with task_group() as group:
            original_task = group.create_task(self.ranker.measure(original_binary, suite.cases))
            report(Step("generate", f"Generating candidates ({self.backend.name})…"))
            generation = await self.backend.generate(
                program,
                self.settings.model.samples,
                lambda message: report(Step("generate", message)),
            )
            result.notes.extend(generation.notes)
            result.candidates.extend(
                CandidateResult(r.origin, "", "", "rejected", r.reason, tests_total=len(suite))
                for r in generation.rejected
            )
            unique: dict[str, Candidate] = {}
            for candidate in generation.candidates:
                size = len(candidate.source.encode())
                if size > MAX_SOURCE_BYTES:  # the original's limit holds for candidates
                    result.candidates.append(
                        CandidateResult(
                            candidate.origin,
                            candidate.description,
                            "",  # not kept: it is never shown or written
                            "rejected",
                            f"too large: {size} bytes, more than the "
                            f"{MAX_SOURCE_BYTES // 1000} kB a program may have",
                            tests_total=len(suite),
                        )
                    )
                elif candidate.source.strip() == program.text.strip():
                    result.candidates.append(
                        CandidateResult(
                            candidate.origin,
                            candidate.description,
                            candidate.source,
                            "rejected",
                            "identical to the original",
                            tests_total=len(suite),
                        )
                    )
                elif candidate.source in unique:
                    result.candidates.append(
                        CandidateResult(
                            candidate.origin,
                            candidate.description,
                            candidate.source,
                            "rejected",
                            f"same text as {unique[candidate.source].origin}",
                            tests_total=len(suite),
                        )
                    )
                else:
                    unique[candidate.source] = candidate
            count = len(unique)
            finished = 0

            def progress(message: str) -> None:
                report(Step("verify", message, finished, count))

            report(Step("verify", f"Verifying {count} candidates…", 0, count))
            tasks = [
                group.create_task(
                    self._evaluate(
                        c, suite, original_binary, original_outcomes, original_task, progress
                    )
                )
                for c in unique.values()
            ]
            evaluated: list[CandidateResult] = []
            for future in asyncio.as_completed(tasks):
                evaluated.append(await future)
                finished += 1
                report(
                    Step("measure", f"Verified and measured {finished}/{count}", finished, count)
                )
            # a backend whose rewrites compose (rules) proposes combinations of the fastest
            while more := [
                c
                for c in await self.backend.refine(program, _outcomes(evaluated))
                if c.source not in unique and c.source.strip() != program.text.strip()
            ]:
                unique.update((c.source, c) for c in more)
                count += len(more)
                report(Step("verify", f"Verifying {len(more)} combinations…", finished, count))
                tasks = [
                    group.create_task(
                        self._evaluate(
                            c, suite, original_binary, original_outcomes, original_task, progress
                        )
                    )
                    for c in more
                ]
                for future in asyncio.as_completed(tasks):
                    evaluated.append(await future)
                    finished += 1
                    message = f"Verified and measured {finished}/{count}"
                    report(Step("measure", message, finished, count))
            # rounds with execution feedback (model.rounds > 1): pie_lsp/rounds.py
            await more_rounds(
                self,
                program,
                result,
                evaluated,
                unique,
                lambda c: self._evaluate(
                    c, suite, original_binary, original_outcomes, original_task, progress
                ),
                original_task,
                report,
            )
            original = await original_task
        order = {c.origin: i for i, c in enumerate(unique.values())}
        evaluated.sort(key=lambda c: order[c.origin])
        result.candidates[:0] = evaluated
        result.original_timings = original.tests
        if self.ranking_note:
            result.notes.append(self.ranking_note)
        if self.ranker is not self.measurer:
            await self._confirm(suite, original_binary, result, report)
        self._rank(program, result)
        if result.status != "optimized":
            result.why_not = self.backend.explain(program, _outcomes(result.candidates))
        report(Step("done", result.summary()))

    def _rank(self, program: Program, result: OptimizeResult) -> None:
        correct = [c for c in result.candidates if c.status != "rejected" and c.speedup is not None]
        if result.confirmed_by:  # only what gem5 confirmed can win
            correct = [c for c in correct if c.measured_by == result.confirmed_by]
        # rank by speedup; ties go to the candidate listed first (single rules first)
        correct.sort(key=lambda c: -(c.speedup or 0.0))
        result.candidates.sort(key=lambda c: (c.status == "rejected", -(c.speedup or 0.0)))
        if not correct:
            result.status = "not-optimized"
            return
        best = correct[0]
        result.speedup = best.speedup
        result.best_origin = best.origin
        if best.status == "faster":
            result.status = "optimized"
            result.optimized_source = best.source
            result.optimized_timings = best.timings
            result.diff = unified_diff(program.path.name, program.text, best.source)
        else:
            result.status = "not-optimized"

    # -- estimate ranks, gem5 confirms -----------------------------------------------------
    def _make_ranker(self) -> tuple[Measurer, str]:
        """The backend that ranks candidates, and a note when it cannot be the estimate.
        With gem5 and pie.simulator.gem5.ranking = "estimate", the estimate ranks and gem5
        measures only the original and the best (gem5 is ~1000× slower than the estimate)."""
        if self.measurer.name != "gem5" or self.settings.simulator.gem5.ranking != "estimate":
            return self.measurer, ""
        from pie_lsp.measure.estimate import EstimateMeasurer

        try:
            ranker = EstimateMeasurer(self.settings, self.sandbox, self.cache, self.slots)
        except PieError as exc:
            return self.measurer, (
                f"every candidate is measured in gem5: the estimate cannot rank them "
                f"({exc.message})"
            )
        return ranker, ""

    async def _confirm(
        self,
        suite: TestSuite,
        original_binary: Binary,
        result: OptimizeResult,
        report: Reporter,
    ) -> None:
        """Measure the original and the estimate's best `confirm` candidates in gem5; their
        gem5 speedups replace the estimate's. A candidate gem5 cannot measure (a timeout,
        an instruction gem5 lacks) makes room for the next one."""
        ranked = [c for c in result.candidates if c.status != "rejected" and c.speedup]
        ranked.sort(key=lambda c: -(c.speedup or 0.0))
        if not ranked:
            return  # nothing to confirm: the estimate's answer stands
        result.ranked_by, result.confirmed_by = self.ranker.name, self.measurer.name
        want = self.settings.simulator.gem5.confirm
        report(Step("measure", f"Measuring the original in {self.measurer.short}…"))
        async with task_group() as group:
            original_task = group.create_task(self.measurer.measure(original_binary, suite.cases))
            confirmed, queue = 0, list(ranked)
            while queue and confirmed < want:
                batch, queue = queue[: want - confirmed], queue[want - confirmed :]
                names = ", ".join(c.origin for c in batch)
                report(Step("measure", f"Confirming {names} in {self.measurer.short}…"))
                round_tasks = [group.create_task(self._measure_in(c, suite)) for c in batch]
                measured = [await task for task in round_tasks]
                base = await original_task
                for candidate, outcome in zip(batch, measured, strict=True):
                    candidate.estimated_speedup = candidate.speedup
                    if isinstance(outcome, MeasureFailed):
                        candidate.status, candidate.speedup = "rejected", None
                        candidate.reason = (
                            f"could not be measured in {self.measurer.name}: {outcome.message}"
                        )
                        continue
                    confirmed += 1
                    self._apply_measurement(candidate, outcome, base)
            result.original_timings = (await original_task).tests
        for candidate in ranked:
            if candidate.measured_by == self.ranker.name:
                unconfirmed = (
                    f"{self.ranker.name} only (not among the {want} confirmed in "
                    f"{self.measurer.name})"
                )
                candidate.reason = "; ".join(filter(None, (candidate.reason, unconfirmed)))

    async def _measure_in(
        self, candidate: CandidateResult, suite: TestSuite
    ) -> Measurement | MeasureFailed:
        binary = await self.builder.build(candidate.source, label=candidate.origin)
        try:
            return await self.measurer.measure(binary, suite.cases)
        except MeasureFailed as exc:
            return exc

    def _apply_measurement(
        self, candidate: CandidateResult, measured: Measurement, base: Measurement
    ) -> None:
        candidate.measured_by = measured.backend
        candidate.timings = measured.tests
        candidate.total_seconds = measured.total_seconds
        candidate.speedup = (
            base.total_seconds / measured.total_seconds if measured.total_seconds > 0 else None
        )
        faster = candidate.speedup is not None and candidate.speedup >= self.settings.min_speedup
        candidate.status = "faster" if faster else "not-faster"
        candidate.reason = (
            ""
            if faster
            else f"{times(candidate.speedup or 0)} is below the "
            f"{times(self.settings.min_speedup)} threshold"
        )

    async def measure_program(self, job: Job, report: Reporter = _quiet) -> Measurement:
        """Build the job's program, check it passes its tests (as `optimize` does), and measure it
        on every test with the configured backend (`pie-lsp measure`). Raises PieError."""
        program, suite = job.program, job.suite
        with measuring_activity(lambda message: report(Step("measure", message))):
            binary, _ = await self._build_and_verify_original(program, suite, report)
            report(Step("measure", f"Measuring {len(suite)} tests on {self.measurer.short}…"))
            measured = await self.measurer.measure(binary, suite.cases)
        report(Step("done", f"Measured {len(suite)} tests"))
        return measured

    async def check_speedup(
        self, job: Job, baseline: Program, baseline_name: str, report: Reporter = _quiet
    ) -> SpeedupResult:
        """Measure the job's program against `baseline` (another version of it) on the
        job's tests. Raises PieError."""
        current, suite = job.program, job.suite
        limits = self.test_limits()
        report(Step("build", f"Compiling {baseline_name} and the current version…"))
        async with task_group() as group:
            base_build = group.create_task(
                self.builder.build(baseline.text, label=f"{baseline_name} version")
            )
            cur_build = group.create_task(
                self.builder.build(
                    current.text, label="current version", filename=current.path.name
                )
            )
        base_bin, cur_bin = base_build.result(), cur_build.result()
        report(Step("verify", f"Running both on {len(suite)} tests…", 0, len(suite)))
        async with task_group() as group:
            base_run = group.create_task(self.verifier.run_suite(base_bin, suite.cases, limits))
            cur_run = group.create_task(self.verifier.run_suite(cur_bin, suite.cases, limits))
        base_out, cur_out = base_run.result(), cur_run.result()
        failures = [f"test {o.test}: {o.reason}" for o in cur_out if not o.passed]
        base_failed = _first_failure(base_out)
        if base_failed is not None:
            raise OriginalFailsTests(
                f"the {baseline_name} version fails test {base_failed.test}: {base_failed.reason}",
                hint="save a baseline that passes the tests (Save speedup baseline)",
            )
        report(Step("measure", f"Measuring on {self.measurer.short}…"))
        passing = [case for case, o in zip(suite.cases, cur_out, strict=True) if o.passed]
        if not passing:
            raise OriginalFailsTests(
                f"the current version fails every test ({failures[0]})",
                hint="fix the program; speed is only compared on passing tests",
            )
        with measuring_activity(lambda message: report(Step("measure", message))):
            async with task_group() as group:
                base_measure = group.create_task(self.measurer.measure(base_bin, passing))
                cur_measure = group.create_task(self.measurer.measure(cur_bin, passing))
            base_m, cur_m = base_measure.result(), cur_measure.result()
        speedup = base_m.total_seconds / cur_m.total_seconds if cur_m.total_seconds else 1.0
        result = SpeedupResult(
            baseline_name=baseline_name,
            speedup=speedup,
            simulator=self.measurer.name,
            simulator_label=self.measurer.label,
            simulator_short=self.measurer.short,
            tests_passed=len(passing),
            tests_total=len(suite),
            baseline_timings=base_m.tests,
            current_timings=cur_m.tests,
            failures=failures,
        )
        report(Step("done", result.label()))
        return result

    async def aclose(self) -> None:
        """Close what the pipeline owns: its model backend (HTTP clients, a local model)
        and its cache. Call it on the event loop the pipeline ran on."""
        try:
            await self.backend.aclose()
        finally:
            if self._owns_cache:
                self.cache.close()

    # `async with Pipeline(settings) as pipeline:` closes what the pipeline owns
    async def __aenter__(self) -> Pipeline:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
