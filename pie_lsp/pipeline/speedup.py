"""One version of a program measured against another on the same tests (`pie-lsp check`,
the editor's Check speedup): both built and run on the tests in parallel, the baseline
must pass them, and both are measured on the tests the current version passes."""

from __future__ import annotations

from pie_lsp.build import Builder
from pie_lsp.errors import OriginalFailsTests
from pie_lsp.job import Job
from pie_lsp.measure import Measurer, measuring_activity
from pie_lsp.pipeline.oracle import first_failure
from pie_lsp.pipeline.results import Reporter, SpeedupResult, Step
from pie_lsp.program import Program
from pie_lsp.sandbox import Limits
from pie_lsp.tasks import task_group
from pie_lsp.verify import Verifier


async def check_speedup(
    builder: Builder,
    verifier: Verifier,
    measurer: Measurer,
    limits: Limits,
    job: Job,
    baseline: Program,
    baseline_name: str,
    report: Reporter,
) -> SpeedupResult:
    """Measure the job's program against `baseline` on the job's tests. Raises PieError."""
    current, suite = job.program, job.suite
    report(Step("build", f"Compiling {baseline_name} and the current version…"))
    async with task_group() as group:
        base_build = group.create_task(
            builder.build(baseline.text, label=f"{baseline_name} version")
        )
        cur_build = group.create_task(
            builder.build(current.text, label="current version", filename=current.path.name)
        )
    base_bin, cur_bin = base_build.result(), cur_build.result()
    report(Step("verify", f"Running both on {len(suite)} tests…", 0, len(suite)))
    async with task_group() as group:
        base_run = group.create_task(verifier.run_suite(base_bin, suite.cases, limits))
        cur_run = group.create_task(verifier.run_suite(cur_bin, suite.cases, limits))
    base_out, cur_out = base_run.result(), cur_run.result()
    failures = [f"test {o.test}: {o.reason}" for o in cur_out if not o.passed]
    base_failed = first_failure(base_out)
    if base_failed is not None:
        raise OriginalFailsTests(
            f"the {baseline_name} version fails test {base_failed.test}: {base_failed.reason}",
            hint="save a baseline that passes the tests (Save speedup baseline)",
        )
    report(Step("measure", f"Measuring on {measurer.short}…"))
    passing = [case for case, o in zip(suite.cases, cur_out, strict=True) if o.passed]
    if not passing:
        raise OriginalFailsTests(
            f"the current version fails every test ({failures[0]})",
            hint="fix the program; speed is only compared on passing tests",
        )
    with measuring_activity(lambda message: report(Step("measure", message))):
        async with task_group() as group:
            base_measure = group.create_task(measurer.measure(base_bin, passing))
            cur_measure = group.create_task(measurer.measure(cur_bin, passing))
        base_m, cur_m = base_measure.result(), cur_measure.result()
    speedup = base_m.total_seconds / cur_m.total_seconds if cur_m.total_seconds else 1.0
    result = SpeedupResult(
        baseline_name=baseline_name,
        speedup=speedup,
        simulator=measurer.name,
        simulator_label=measurer.label,
        simulator_short=measurer.short,
        tests_passed=len(passing),
        tests_total=len(suite),
        baseline_timings=base_m.tests,
        current_timings=cur_m.tests,
        failures=failures,
    )
    report(Step("done", result.label()))
    return result
