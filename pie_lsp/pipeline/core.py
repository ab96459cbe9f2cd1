"""`Pipeline`: the components for one settings tree and the order of the steps.

`Pipeline.optimize(job)` is the one implementation of "make this program faster, with
proof"; the CLI, the language server and the benchmarks all call it:

1. the original is built and must pass its tests (`_build_and_verify_original`); a
   backend that needs nothing of the original's runs (`starts_early`: rules) generates
   meanwhile;
2. its answers on derived inputs are computed (oracle.derive); then its measurement
   starts, in parallel with generation;
3. the backend's candidates are screened (search.screen: too large, the original itself, a
   text already seen) and each is evaluated (`_evaluate`: hard-coded answers, build,
   tests, derived inputs, measurement with a bound); a backend whose rewrites compose
   proposes combinations (`refine`), and with `model.rounds` > 1 pie_lsp.rounds asks again
   with feedback;
4. with "estimate ranks, gem5 confirms", gem5 measures the original and the best
   (ranking.confirm);
5. the candidates are ranked (ranking.rank) and the result is made once, from what the
   steps returned (`_result`).

Every step is async so that an editor stays responsive and so that cancelling the task
kills every compiler, test and simulator process it started (see sandbox.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from attrs import evolve

from pie_lsp import __version__
from pie_lsp.build import Binary, Builder
from pie_lsp.cache import Cache, digest
from pie_lsp.errors import BuildFailed, OriginalFailsTests, PieError
from pie_lsp.job import Job, make_job
from pie_lsp.measure import (
    MeasureFailed,
    Measurement,
    Measurer,
    make_measurer,
    measuring_activity,
)
from pie_lsp.measure.bound import MEASURE_WALL, MeasureBound, measurement_bound
from pie_lsp.models import Candidate, Generation, ModelBackend, Outcome, make_backend
from pie_lsp.models.budget import Budget, budget_scope
from pie_lsp.pipeline import oracle, ranking
from pie_lsp.pipeline.results import (
    CandidateResult,
    OptimizeResult,
    Reporter,
    SpeedupResult,
    Step,
    quiet,
    unified_diff,
)
from pie_lsp.pipeline.search import Search
from pie_lsp.pipeline.speedup import check_speedup
from pie_lsp.program import Program
from pie_lsp.rounds import Stream, more_rounds, rounds_digest
from pie_lsp.sandbox import Limits, Sandbox
from pie_lsp.settings import Settings
from pie_lsp.tasks import task_group
from pie_lsp.verify import TestOutcome, TestSuite, Verifier, run_limits


@contextlib.contextmanager
def _cancelled_on_error(task: asyncio.Task[Generation] | None) -> Iterator[None]:
    """Cancel `task` (a generation started early) if the block fails."""
    try:
        yield
    except BaseException:
        if task is not None:
            task.cancel()
        raise


def outcomes(candidates: Sequence[CandidateResult]) -> list[Outcome]:
    """The candidates as a backend sees them (refine, explain)."""
    return [Outcome(c.origin, c.status, c.speedup, c.reason) for c in candidates]


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
        self.ranker, self.ranking_note = ranking.make_ranker(
            settings, self.measurer, self.sandbox, self.cache, self.slots
        )
        self.backend = backend if backend is not None else make_backend(settings)

    # -- limits -------------------------------------------------------------------------
    def test_limits(self, timeout: float | None = None) -> Limits:
        base = run_limits(self.settings)
        return evolve(base, timeout=timeout or base.timeout)

    def candidate_limits(self, original: Sequence[TestOutcome]) -> Limits:
        # A candidate far slower than the original is useless: fail it early.
        slowest = max((o.seconds for o in original), default=0.0)
        return self.test_limits(min(self.settings.tests.timeout, max(2.0, 5 * slowest + 1)))

    # -- jobs and their results -----------------------------------------------------------
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
            self.builder.config_digest(),
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
        self, program: Program, suite: TestSuite, report: Reporter
    ) -> tuple[Binary, list[TestOutcome]]:
        report(Step("build", "Compiling the original program…"))
        binary = await self.builder.build(
            program.text, label=program.path.name, filename=program.path.name
        )
        report(Step("verify", f"Running the original on {len(suite)} tests…", 0, len(suite)))
        outcomes = await self.verifier.run_suite(binary, suite.cases, self.test_limits())
        failed = oracle.first_failure(outcomes)
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

    async def _evaluate(
        self,
        candidate: Candidate,
        suite: TestSuite,
        original_binary: Binary,
        original_outcomes: Sequence[TestOutcome],
        original: asyncio.Future[Measurement],
        report: Callable[[str], None],
    ) -> CandidateResult:
        """One candidate through every check: hard-coded answers, build, tests, derived
        inputs, then measured against the original (bounded by its time)."""
        total = len(suite)
        result = CandidateResult(
            candidate.origin, candidate.description, candidate.source, "rejected", tests_total=total
        )
        hardcoded = oracle.hardcoded(candidate, suite)
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
        failed = oracle.first_failure(outcomes)
        if failed is not None:
            result.reason = f"test {failed.test}: {failed.reason}"
            report(f"{candidate.origin}: fails test {failed.test}")
            return result
        report(f"{candidate.origin}: passes {total}/{total} tests")
        differs = await oracle.check_derived(self.verifier, binary, result)
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
        ranking.judge(result, measured, base, self.settings.min_speedup)
        return result

    # -- the whole job --------------------------------------------------------------------
    async def optimize(self, job: Job, report: Reporter = quiet) -> OptimizeResult:
        """Find the fastest correct rewrite of the job's program. Never raises PieError:
        failures come back as a result with status "error" (cancellation still propagates)."""
        started = time.perf_counter()
        budget = Budget.from_settings(self.settings.model)
        try:
            key = self.result_key(job)
            cached = self.cache.get(key)
            if isinstance(cached, OptimizeResult):
                report(Step("done", "Reused the cached result"))
                return evolve(cached, cached=True, seconds=time.perf_counter() - started)
            with (
                measuring_activity(lambda message: report(Step("measure", message))),
                oracle.oracle_scope(job.program),
                budget_scope(budget),
            ):
                result = await self._run(job, budget, report)
            self.cache.set(key, result)
        except PieError as exc:
            result = self._failed(job, exc, budget)
        return evolve(result, seconds=time.perf_counter() - started)

    def _generate(self, program: Program, report: Reporter) -> asyncio.Task[Generation]:
        task = asyncio.ensure_future(
            self.backend.generate(
                program,
                self.settings.model.samples,
                lambda message: report(Step("generate", message)),
            )
        )
        # a run that fails before awaiting it must not leave an unretrieved error behind
        task.add_done_callback(lambda done: done.cancelled() or done.exception())
        return task

    async def _run(self, job: Job, budget: Budget, report: Reporter) -> OptimizeResult:
        program, suite = job.program, job.suite
        # a backend that needs nothing of the original's runs (rules: libclang) starts
        # now, beside the original's build and tests, which leave a core idle
        early = self._generate(program, report) if self.backend.starts_early else None
        with _cancelled_on_error(early):
            original_binary, original_outcomes = await self._build_and_verify_original(
                program, suite, report
            )
            search = Search(job, notes=list(suite.warnings))
            # before the original's measurement: its valgrind runs would hold the slots
            # that these short native runs need (and their time is budgeted)
            derived = await oracle.derive(
                self.verifier,
                self.settings.tests,
                suite,
                original_binary,
                original_outcomes,
                self.candidate_limits,
                report,
            )
        search.derived_total = derived.total
        search.notes.extend(filter(None, [derived.note]))
        async with task_group() as group:
            original_task = group.create_task(self.ranker.measure(original_binary, suite.cases))
            count = finished = 0

            def progress(message: str) -> None:
                report(Step("verify", message, finished, count))

            def evaluate(candidate: Candidate) -> asyncio.Task[CandidateResult]:
                return group.create_task(
                    self._evaluate(
                        candidate,
                        suite,
                        original_binary,
                        original_outcomes,
                        original_task,
                        progress,
                    )
                )

            # a prompt that shows where the time goes gets the original's profile (cached)
            from pie_lsp.profile.aimed import aim

            search.notes.extend(
                await aim(self, job, lambda message: report(Step("generate", message)))
            )
            report(Step("generate", f"Generating candidates ({self.backend.name})…"))
            generation = await (early or self._generate(program, report))
            search.notes.extend(generation.notes)
            search.rejected.extend(
                CandidateResult(r.origin, "", "", "rejected", r.reason, tests_total=len(suite))
                for r in generation.rejected
            )
            fresh = search.add(generation.candidates)
            count = len(fresh)
            report(Step("verify", f"Verifying {count} candidates…", 0, count))
            # a better result so far reaches the editor at once (rounds.py)
            stream = Stream(self, search, report, original_task)
            while True:
                for future in asyncio.as_completed([evaluate(c) for c in fresh]):
                    search.evaluated.append(await future)
                    await stream.offer(search.evaluated[-1])
                    finished += 1
                    message = f"Verified and measured {finished}/{count}"
                    report(Step("measure", message, finished, count))
                # a backend whose rewrites compose (rules) proposes combinations of the fastest
                refined = await self.backend.refine(program, outcomes(search.evaluated))
                search.notes.extend(refined.notes)
                fresh = [
                    c
                    for c in refined.candidates
                    if c.source not in search.unique and c.source.strip() != program.text.strip()
                ]
                if not fresh:
                    break
                search.unique.update((c.source, c) for c in fresh)
                count += len(fresh)
                report(Step("verify", f"Verifying {len(fresh)} combinations…", finished, count))
            # rounds with execution feedback (model.rounds > 1): pie_lsp/rounds.py
            await more_rounds(
                self,
                search,
                lambda c: self._evaluate(
                    c, suite, original_binary, original_outcomes, original_task, progress
                ),
                stream,
            )
            original = await original_task
        if self.ranking_note:
            search.notes.append(self.ranking_note)
        candidates = search.candidates()
        confirmation = None
        if self.ranker is not self.measurer:
            confirmation = await ranking.confirm(
                self.builder,
                self.measurer,
                self.ranker,
                self.settings.simulator.gem5.confirm,
                self.settings.min_speedup,
                original_binary,
                suite.cases,
                candidates,
                report,
            )
        result = self._result(
            search,
            self.measurer,
            confirmation.original if confirmation else original,
            confirmation,
            budget,
        )
        report(Step("done", result.summary()))
        return result

    def _result(
        self,
        search: Search,
        measurer: Measurer,
        original: Measurement,
        confirmation: ranking.Confirmation | None = None,
        budget: Budget | None = None,
        partial: bool = False,
    ) -> OptimizeResult:
        """The result, made once from what the steps returned (or, `partial`, a snapshot
        while rounds still run, measured by `measurer` so far)."""
        program, suite = search.program, search.job.suite
        candidates = search.candidates()
        if partial:  # the snapshot goes to the editor while the search goes on
            candidates = [evolve(c) for c in candidates]
        ranked = ranking.rank(candidates, confirmation.confirmed_by if confirmation else "")
        best = ranked.best
        why_not: list[str] = []
        if not ranked.optimized and not partial:
            why_not = self.backend.explain(program, outcomes(ranked.candidates))
        notes = list(search.notes)
        if budget is not None and budget.calls:
            notes.append(f"model: {budget.describe()}")
        return OptimizeResult(
            status="optimized" if ranked.optimized else "not-optimized",
            path=str(program.path),
            simulator=measurer.name,
            simulator_label=measurer.label,
            simulator_short=measurer.short,
            speedup=best.speedup if best else None,
            tests_passed=len(suite),
            tests_total=len(suite),
            original_source=program.text,
            optimized_source=best.source if best and ranked.optimized else None,
            diff=(
                unified_diff(program.path.name, program.text, best.source)
                if best and ranked.optimized
                else ""
            ),
            best_origin=best.origin if best else None,
            original_timings=original.tests,
            optimized_timings=best.timings if best and ranked.optimized else (),
            candidates=ranked.candidates,
            model=self.backend.name,
            tests_dir=str(suite.directory),
            notes=notes,
            ranked_by=confirmation.ranked_by if confirmation else "",
            confirmed_by=confirmation.confirmed_by if confirmation else "",
            why_not=why_not,
            derived_total=search.derived_total,
            rounds=search.rounds,
            model_calls=budget.calls if budget else 0,
            tokens=budget.tokens if budget else 0,
            partial=partial,
        )

    def snapshot(self, search: Search, original: Measurement) -> OptimizeResult:
        """The result so far while rounds still run (measured by the ranker only)."""
        return self._result(search, self.ranker, original, partial=True)

    def _failed(self, job: Job, exc: PieError, budget: Budget) -> OptimizeResult:
        """The result of a run that failed: the error, its hint and details."""
        return OptimizeResult(
            status="error",
            path=str(job.program.path),
            simulator=self.measurer.name,
            simulator_label=self.measurer.label,
            simulator_short=self.measurer.short,
            original_source=job.program.text,
            tests_total=len(job.suite),
            model=self.backend.name,
            tests_dir=str(job.suite.directory),
            error=exc.message,
            hint=exc.hint,
            error_details=exc.details,
            notes=[f"model: {budget.describe()}"] if budget.calls else [],
            model_calls=budget.calls,
            tokens=budget.tokens,
        )

    async def measure_program(self, job: Job, report: Reporter = quiet) -> Measurement:
        """Build the job's program, check it passes its tests (as `optimize` does), and
        measure it on every test with the configured backend (`pie-lsp measure`). Raises
        PieError."""
        program, suite = job.program, job.suite
        with measuring_activity(lambda message: report(Step("measure", message))):
            binary, _ = await self._build_and_verify_original(program, suite, report)
            report(Step("measure", f"Measuring {len(suite)} tests on {self.measurer.short}…"))
            measured = await self.measurer.measure(binary, suite.cases)
        report(Step("done", f"Measured {len(suite)} tests"))
        return measured

    async def check_speedup(
        self, job: Job, baseline: Program, baseline_name: str, report: Reporter = quiet
    ) -> SpeedupResult:
        """Measure the job's program against `baseline` (another version of it) on the
        job's tests (pipeline.speedup). Raises PieError."""
        return await check_speedup(
            self.builder,
            self.verifier,
            self.measurer,
            self.test_limits(),
            job,
            baseline,
            baseline_name,
            report,
        )

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
