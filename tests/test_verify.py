"""Tests: discovery, PIE's output comparison, and running binaries on suites."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pie_lsp.build import Builder
from pie_lsp.cache import Cache
from pie_lsp.derive import derive_inputs
from pie_lsp.errors import NoTests
from pie_lsp.sandbox import Limits, Sandbox
from pie_lsp.settings import Settings
from pie_lsp.verify import (
    TestSuite as Suite,
)
from pie_lsp.verify import (
    Verifier,
    compare_outputs,
    find_tests,
    hardcoded_answer,
    literal_tokens,
    load_suite,
)

from .conftest import DOUBLER, EXAMPLES


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


# -- hard-coded answers --------------------------------------------------------------------


def suite_with(tmp_path: Path, *outputs: str) -> Suite:
    for n, output in enumerate(outputs, start=1):
        (tmp_path / f"input.{n}.txt").write_text(str(n))
        (tmp_path / f"output.{n}.txt").write_text(output)
    return load_suite(tmp_path)


def test_literal_tokens_of_strings_and_numbers() -> None:
    source = (
        "// 111111 in a comment\nint a = 0x10, b = 1'000'000; long long c = 45ULL;\n"
        'puts("192 4523533492849796673\\n"); char d = \'7\'; auto e = R"(x  y)"; f(-3, 2.50);'
    )
    assert literal_tokens(source) == [
        "16", "1000000", "45", "192", "4523533492849796673", "x", "y", "-3", "2.5"
    ]  # fmt: skip


def test_hardcoded_answers_are_found_in_strings_and_number_runs(tmp_path: Path) -> None:
    suite = suite_with(tmp_path, "192 4523533492849796673\n", "20939\n 2176629\n")
    original = "int main() { int n; std::cin >> n; }"
    printed = 'int main() { if (n == 100) puts("192 4523533492849796673"); }'
    assert hardcoded_answer(printed, original, suite.cases) == (
        "prints test 1's expected output as a literal: hard-coded answer"
    )
    streamed = "int main() { cout << 20939 << '\\n' << 2176629LL << endl; }"
    assert "test 2's" in (hardcoded_answer(streamed, original, suite.cases) or "")
    table = "long long answers[] = {1, 20939, 2176629, 5};"
    assert "test 2's" in (hardcoded_answer(table, original, suite.cases) or "")
    # in the original too: a constant of the problem, not a hard-coded answer
    assert hardcoded_answer(table, original + " // " + table, suite.cases) is not None
    assert hardcoded_answer(table, original + "\n" + table, suite.cases) is None


def test_short_and_round_answers_are_not_hardcoding(tmp_path: Path) -> None:
    suite = suite_with(tmp_path, "Yes\n", "0\n", "100 8\n", "1000000\n", "1048576\n", "12345\n")
    candidate = 'puts("Yes"); int z = 0; x = {100, 8}; int big = 1000000, buf = 1 << 20, '
    candidate += "size = 1048576, m = 12345;"
    assert hardcoded_answer(candidate, "", suite.cases) is None
    assert hardcoded_answer("int m = 123457;", "", suite_with(tmp_path, "123457\n").cases)


def test_a_missing_expected_output_is_a_warning(tmp_path: Path) -> None:
    suite = suite_with(tmp_path, "1\n", "2\n")
    (tmp_path / "input.3.txt").write_text("3")
    (tmp_path / "c.in").write_text("3")
    suite = load_suite(tmp_path)
    assert [c.name for c in suite.cases] == ["1", "2"]
    assert [w.split(" is missing")[0] for w in suite.warnings] == [
        str(tmp_path / "c.out"),
        str(tmp_path / "output.3.txt"),
    ]


# -- derived inputs ------------------------------------------------------------------------


def example_inputs(name: str) -> list[tuple[str, bytes]]:
    folder = EXAMPLES / name / "slow.tests"
    return [(str(n), (folder / f"input.{n}.txt").read_bytes()) for n in (1, 2, 3)]


@pytest.mark.parametrize("name", ["prefix_sums", "pass_by_value", "word_count", "string_build"])
def test_derived_inputs_keep_the_shape_and_are_reproducible(name: str) -> None:
    tests = example_inputs(name)
    made = derive_inputs(tests, 24)
    assert made == derive_inputs(tests, 24)  # seeded from the inputs
    assert len(made) == 24 and len({d.data for d in made}) == 24
    assert not {d.data for d in made} & {data for _, data in tests}
    largest = max(max(len(line.split()) for line in data.splitlines()) for _, data in tests)
    for item in made:
        lines = [line.split() for line in item.data.decode().splitlines()]
        source_lines = dict(tests)[item.source].decode().splitlines()
        assert len(lines) == len(source_lines), item.how
        header = [int(t) for t in lines[0]]
        if len(lines) > 1:  # counts in the header govern the lines after it
            assert header == [len(line) for line in lines[1:]], item.how
            assert max(header) <= largest  # grown only up to the largest test
        else:
            assert 50 <= header[0] <= 6000  # within the range of the tests (100..6000)
    assert {d.how for d in made} >= (
        {"numbers perturbed"}
        if name == "string_build"
        else {"numbers perturbed", "sizes shrunk", "sizes grown", "elements reordered"}
    )


def test_values_stay_in_range_sorted_and_permutations() -> None:
    permutation = b"5\n3 1 5 2 4\n"
    ranged = b"6\n10 -20 30 15 0 25\n"
    ordered = b"4\n1 5 9 20\n"
    for item in derive_inputs([("p", permutation), ("r", ranged), ("s", ordered)], 24):
        values = [int(t) for t in item.data.split()[1:]]
        assert int(item.data.split()[0]) == len(values)
        if item.source == "p":
            assert sorted(values) == list(range(1, len(values) + 1))
        elif item.source == "r":
            assert all(-20 <= v <= 30 for v in values)
        else:
            assert values == sorted(values) and all(1 <= v <= 20 for v in values)


def test_indices_into_a_size_are_never_changed() -> None:
    # a graph: n vertices, m edges "u v" with 1 <= u, v <= n; rows may move, not change
    graph = b"5 4\n2 1\n4 3\n5 2\n1 4\n"
    made = derive_inputs([("g", graph)], 8)
    assert made, "rows can be reordered"
    for item in made:
        assert item.how == "rows reordered"
        lines = item.data.decode().splitlines()
        assert lines[0] == "5 4"
        assert sorted(lines[1:]) == sorted(graph.decode().splitlines()[1:])


def test_ordered_columns_stay_ordered() -> None:
    queries = b"3\n10 900\n5 5\n100 400\n"
    for item in derive_inputs([("q", queries)], 12):
        rows = [[int(t) for t in line.split()] for line in item.data.decode().splitlines()[1:]]
        assert all(left <= right for left, right in rows), item


async def test_the_original_answers_derived_inputs_it_can(
    tmp_path: Path, settings: Settings
) -> None:
    # the original crashes on an odd first number: those derived inputs are discarded
    source = DOUBLER.replace("long long x;", "long long x;\n    if (cin.peek() % 2) abort();")
    source = "#include <cstdlib>\n" + source
    sandbox, cache = Sandbox(), Cache(settings.cache)
    binary = await Builder(settings.build, sandbox, cache).build(source)
    verifier = Verifier(sandbox, cache, asyncio.Semaphore(2))
    made = derive_inputs([("1", b"4\n12 40 18 6\n"), ("2", b"6\n20 30 2 8 16 4\n")], 16)
    limits = Limits(timeout=10)
    derived = await verifier.derived_cases(binary, made, limits, tmp_path, 100.0)
    assert derived.discarded + len(derived.cases) == len(made)
    for case in derived.cases:
        given = case.input.read_bytes()
        assert given[:1] in b"02468"
        doubled = "\n".join(str(2 * int(t)) for t in given.split()) + "\n"
        assert case.expected.read_text() == doubled
    odd = [d for d in made if d.data[:1] in b"13579"]
    assert derived.discarded == len(odd)
    # no time at all: the first few (run together) only
    assert len(made) > 8
    (tmp_path / "b").mkdir()
    first = await verifier.derived_cases(binary, made, limits, tmp_path / "b", 0.0)
    assert first.over_budget == len(made) - 8
    assert [c.name for c in first.cases] == [c.name for c in derived.cases][: len(first.cases)]


def test_outputs_made_of_the_originals_literals_are_not_hardcoding(tmp_path: Path) -> None:
    suite = suite_with(tmp_path, "Yes\nNo\nNo\nYes\n")
    original = 'int main() { for (...) puts(ok ? "Yes" : "No"); }'
    candidate = 'int main() { if (a) puts("Yes"); if (b) puts("No"); puts("No"); puts("Yes"); }'
    assert hardcoded_answer(candidate, original, suite.cases) is None
    assert hardcoded_answer(candidate, "int main() {}", suite.cases) is not None


def test_data_words_change_their_letters_commands_do_not() -> None:
    made = derive_inputs([("s", b"15\nnikoandsolstice\n")], 6)
    assert made and all(d.how == "letters changed" for d in made)
    for item in made:
        count, word = item.data.decode().split()
        assert count == "15" and len(word) == 15 and set(word) <= set("nikoandsolstice")
    assert derive_inputs([("c", b"insert 5\ninsert 7\nprint\n")], 6) == []
    # a two-tree input (n, then the edges of two trees): nothing is safe to change
    assert derive_inputs([("t", b"3\n1 3\n1 2\n1 3\n1 2\n")], 6) == []


def test_sizes_never_shrink_below_a_number_they_may_bound_and_matrices_stay() -> None:
    for item in derive_inputs([("k", b"6 4\n9 1 8 2 7 3\n")], 12):
        n, k = (int(t) for t in item.data.split()[:2])
        assert k == 4 and n >= k  # "n k" with k <= n
    assert derive_inputs([("m", b"3\nNYN\nYNY\nNYN\n"), ("b", b"2\n01\n10\n")], 6) == []
