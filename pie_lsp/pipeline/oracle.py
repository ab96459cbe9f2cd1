"""The original as the oracle: checks of a candidate beyond the user's tests.

Passing the tests is not enough for a candidate that saw them: one that prints a test's
expected output from a literal the original lacks is rejected before it is built
(`hardcoded`), and every candidate must print what the original prints on derived inputs
(made from the tests' inputs by pie_lsp.derive; the original's answers are computed once
per run, `derive`, and an input on which the original fails or is not deterministic is
dropped). The original's answers live in a folder private to this process (0700, outside
the sandbox's scratch base): candidates run on these inputs but cannot read the answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from attrs import define, field, frozen

from pie_lsp.build import Binary
from pie_lsp.derive import derive_inputs
from pie_lsp.models import Candidate
from pie_lsp.pipeline.results import CandidateResult, Reporter, Step
from pie_lsp.program import Program
from pie_lsp.sandbox import Limits
from pie_lsp.settings import TestSettings
from pie_lsp.verify import DerivedSuite, TestOutcome, TestSuite, Verifier, hardcoded_answer


def first_failure(outcomes: Sequence[TestOutcome]) -> TestOutcome | None:
    return next((o for o in outcomes if not o.passed), None)


@define
class Oracle:
    """One optimize run's verification beyond the tests: the original's text (hard-coded
    answers are literals it lacks) and its answers on derived inputs."""

    original: str
    folder: str
    derived: DerivedSuite = field(factory=lambda: DerivedSuite(()))
    limits: Limits | None = None


@frozen
class DerivedInputs:
    """What `derive` gave the run: how many derived inputs every candidate must agree on,
    and a note when some were left out ("" otherwise)."""

    total: int = 0
    note: str = ""


# Set per optimize run; tasks started inside it (the candidates) see their run's oracle
# without it being threaded through every call.
_ORACLE: contextvars.ContextVar[Oracle | None] = contextvars.ContextVar("oracle", default=None)


@contextlib.contextmanager
def oracle_scope(program: Program) -> Iterator[Oracle]:
    """The oracle of one optimize run, for this task and the tasks it starts."""
    # private to this process (0700), outside the sandbox's scratch base: candidates run
    # on these inputs but must not read the original's answers
    folder = tempfile.mkdtemp(prefix="pie-derived-")
    oracle = Oracle(program.text, folder)
    token = _ORACLE.set(oracle)
    try:
        yield oracle
    finally:
        _ORACLE.reset(token)
        shutil.rmtree(folder, ignore_errors=True)


async def derive(
    verifier: Verifier,
    tests: TestSettings,
    suite: TestSuite,
    binary: Binary,
    original_outcomes: Sequence[TestOutcome],
    candidate_limits: Callable[[Sequence[TestOutcome]], Limits],
    report: Reporter,
) -> DerivedInputs:
    """Derived inputs and the original's answers on them, for this run's candidates."""
    oracle = _ORACLE.get()
    count = tests.derived
    if oracle is None or count <= 0:
        return DerivedInputs()
    # pure Python on the tests' inputs (up to a second for large ones): off the event loop
    made = await asyncio.to_thread(
        derive_inputs, [(c.name, c.input_bytes) for c in suite.cases], count
    )
    if not made:
        return DerivedInputs()
    report(Step("verify", f"Running the original on {len(made)} derived inputs…"))
    limits = candidate_limits(original_outcomes)
    derived = await verifier.derived_cases(
        binary, made, limits, Path(oracle.folder), tests.derived_seconds
    )
    oracle.derived = derived
    # candidates get the same allowance on a derived input as on a test
    slowest = max((o.seconds for o in original_outcomes), default=0.0)
    oracle.limits = candidate_limits(
        [TestOutcome("derived", True, seconds=max(slowest, derived.seconds))]
    )
    left_out = []
    if derived.discarded:
        left_out.append(
            f"{derived.discarded} where the original fails, crashes, times out or "
            "prints different outputs on two runs"
        )
    if derived.over_budget:
        left_out.append(
            f"{derived.over_budget} not run within tests.derived_seconds = "
            f"{tests.derived_seconds:g} s"
        )
    note = (
        f"derived inputs: {len(derived.cases)} of {len(made)} used; left out "
        + " and ".join(left_out)
        if left_out
        else ""
    )
    return DerivedInputs(len(derived.cases), note)


def hardcoded(candidate: Candidate, suite: TestSuite) -> str | None:
    """Why the candidate looks like it prints a test's answer from a literal, or None."""
    oracle = _ORACLE.get()
    if oracle is None:
        return None
    return hardcoded_answer(candidate.source, oracle.original, suite.cases)


async def check_derived(verifier: Verifier, binary: Binary, result: CandidateResult) -> str | None:
    """Why the candidate's output differs from the original's on a derived input, or
    None when it agrees on all of them (counts and the counterexample go on `result`)."""
    oracle = _ORACLE.get()
    cases = oracle.derived.cases if oracle is not None else ()
    if not cases or oracle is None or oracle.limits is None:
        return None
    outcomes = await verifier.run_suite(binary, cases, oracle.limits, stop_on_failure=True)
    result.derived_total = len(cases)
    result.derived_passed = sum(o.passed for o in outcomes)
    failed = first_failure(outcomes)
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
