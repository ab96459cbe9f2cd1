"""Tests: discovery, PIE's output comparison, and running binaries on suites."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pie_lsp.build import Builder
from pie_lsp.cache import Cache
from pie_lsp.errors import NoTests
from pie_lsp.sandbox import Limits, Sandbox
from pie_lsp.settings import Settings
from pie_lsp.verify import Verifier, compare_outputs, find_tests, load_suite

from .conftest import DOUBLER


def test_pie_layout_in_natural_order(tmp_path: Path) -> None:
    for n in (10, 2, 1):
        (tmp_path / f"input.{n}.txt").write_text(str(n))
        (tmp_path / f"output.{n}.txt").write_text(str(n))
    (tmp_path / "input.3.txt").write_text("orphan input without output")
    suite = load_suite(tmp_path)
    assert [c.name for c in suite.cases] == ["1", "2", "10"]


def test_in_out_and_ans_layouts(tmp_path: Path) -> None:
    (tmp_path / "a.in").write_text("1")
    (tmp_path / "a.out").write_text("1")
    (tmp_path / "b.in").write_text("2")
    (tmp_path / "b.ans").write_text("2")
    assert [c.name for c in load_suite(tmp_path).cases] == ["a", "b"]


def test_tests_next_to_the_program(tmp_path: Path) -> None:
    prog = tmp_path / "sol.cpp"
    prog.write_text("int main(){}")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "x.in").write_text("")
    (tmp_path / "tests" / "x.out").write_text("")
    assert find_tests(prog).directory == tmp_path / "tests"
    (tmp_path / "sol.tests").mkdir()
    (tmp_path / "sol.tests" / "input.1.txt").write_text("")
    (tmp_path / "sol.tests" / "output.1.txt").write_text("")
    assert find_tests(prog).directory == tmp_path / "sol.tests"  # <stem>.tests first


def test_no_tests_says_where_it_looked(tmp_path: Path) -> None:
    prog = tmp_path / "sol.cpp"
    prog.write_text("int main(){}")
    (tmp_path / "tests").mkdir()
    with pytest.raises(NoTests) as info:
        find_tests(prog)
    message = info.value.message
    assert str(tmp_path / "sol.tests") in message and "no such directory" in message
    assert str(tmp_path / "tests") in message and "no input.N.txt" in message
    assert "--tests" in info.value.hint


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        ("1\n2\n", "1\n2"),  # whole output stripped
        ("  1  \r\n2\n\n\n", "1\n2\n"),  # line white space and CRLF
        ("0.3333333\n", "0.333\n"),  # numbers within 1e-3
        ("1e3\n", "1000\n"),
    ],
)
def test_matching_outputs(actual: str, expected: str) -> None:
    assert compare_outputs(actual, expected) is None


@pytest.mark.parametrize(
    ("actual", "expected", "why"),
    [
        ("1\n3\n", "1\n2\n", "line 2: expected '2', got '3'"),
        ("0.335\n", "0.333\n", "line 1"),
        ("1\n", "1\n2\n", "expected 2 lines of output, got 1"),
        ("yes\n", "YES\n", "line 1"),
        ("1 2\n", "1  2\n", "line 1"),  # PIE compares lines, not tokens
    ],
)
def test_mismatching_outputs(actual: str, expected: str, why: str) -> None:
    reason = compare_outputs(actual, expected)
    assert reason is not None and why in reason


@given(st.text())
def test_any_output_matches_itself(text: str) -> None:
    assert compare_outputs(text, text) is None


@given(st.lists(st.integers(-(10**12), 10**12), min_size=1))
def test_numbers_match_their_float_rendering(values: list[int]) -> None:
    as_int = "\n".join(map(str, values))
    as_float = "\n".join(f"{v:.4f}" for v in values)
    assert compare_outputs(as_int, as_float) is None


async def test_run_suite_reports_each_test(doubler: Path, settings: Settings) -> None:
    sandbox, cache = Sandbox(), Cache(settings.cache)
    binary = await Builder(settings.build, sandbox, cache).build(DOUBLER)
    suite = find_tests(doubler)
    bad = suite.directory / "output.2.txt"
    bad.write_text("20\n-11\n")
    verifier = Verifier(sandbox, cache, asyncio.Semaphore(2))
    outcomes = await verifier.run_suite(binary, suite.cases, Limits(timeout=5))
    assert [o.passed for o in outcomes] == [True, False]
    assert outcomes[1].reason == "wrong output, line 2: expected '-11', got '-10'"


# Test 1 fails slowly, test 2 fails at once, test 3 passes slowly.
SLOW_AND_FAST_FAILURES = """#include <cstdio>
#include <unistd.h>
int main() {
    int n;
    if (scanf("%d", &n) != 1) return 1;
    if (n != 2) usleep(400000);
    printf("%d\\n", n == 3 ? 3 : -1);
    return 0;
}
"""


async def test_stop_on_failure_reports_the_first_failing_test_in_order(
    tmp_path: Path, settings: Settings
) -> None:
    for n in (1, 2, 3):
        (tmp_path / f"input.{n}.txt").write_text(f"{n}\n")
        (tmp_path / f"output.{n}.txt").write_text(f"{n}\n")
    sandbox, cache = Sandbox(), Cache(settings.cache)
    binary = await Builder(settings.build, sandbox, cache).build(SLOW_AND_FAST_FAILURES)
    verifier = Verifier(sandbox, cache, asyncio.Semaphore(3))
    outcomes = await verifier.run_suite(
        binary, load_suite(tmp_path).cases, Limits(timeout=5), stop_on_failure=True
    )
    # test 2 failed first, yet test 1 (before it) was awaited and test 3 (after it) stopped
    assert [(o.test, o.passed) for o in outcomes] == [("1", False), ("2", False)]
