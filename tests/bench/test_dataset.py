"""Both dataset layouts, and bad input recorded with its reason (never an exception)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pie_lsp.bench.dataset import (
    DatasetError,
    Problem,
    Skipped,
    Task,
    load_dataset,
    make_task,
)
from tests.bench.conftest import PAIRS_FAST, PAIRS_SLOW, make_folder_dataset, make_jsonl_dataset


def test_folder_layout_finds_problems_and_skips_one_without_tests(tmp_path: Path) -> None:
    dataset = load_dataset(make_folder_dataset(tmp_path / "d"))
    assert dataset.layout == "folder"
    by_id = {e.id: e for e in dataset.entries}
    assert set(by_id) == {"pairs", "digits", "broken", "no-tests"}
    pairs = by_id["pairs"]
    assert isinstance(pairs, Problem)
    assert pairs.source == PAIRS_SLOW and pairs.reference == PAIRS_FAST
    skipped = by_id["no-tests"]
    assert isinstance(skipped, Skipped) and "missing test directory" in skipped.reason


def test_devset_layout_fast_cpp_is_the_reference(tmp_path: Path) -> None:
    folder = make_folder_dataset(tmp_path / "d", names=("pairs",))
    (folder / "pairs" / "reference_fast.cpp").rename(folder / "pairs" / "fast.cpp")
    (entry,) = [e for e in load_dataset(folder).entries if e.id == "pairs"]
    assert isinstance(entry, Problem) and entry.reference == PAIRS_FAST


def test_jsonl_rows_with_their_tests_by_problem_id(tmp_path: Path) -> None:
    dataset = load_dataset(make_jsonl_dataset(tmp_path))
    assert dataset.layout == "jsonl"
    problems = {p.id: p for p in dataset.problems}
    assert set(problems) == {"pairs_s0", "digits_s1", "broken_s2"}
    pairs = problems["pairs_s0"]
    assert pairs.problem_id == "pairs" and pairs.reference == PAIRS_FAST
    assert pairs.tests_dir == tmp_path / "merged_test_cases" / "pairs"
    task = make_task(pairs)
    assert isinstance(task, Task)
    assert [t.name for t in task.tests] == ["0", "1"]
    assert task.tests[1].input == b"700\n"


def test_bad_jsonl_rows_are_skipped_with_the_reason(tmp_path: Path) -> None:
    bad = [
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"input": "int main(){}"}),  # no problem_id
        json.dumps({"problem_id": "../../etc", "input": "int main(){}"}),  # climbs out
        json.dumps({"problem_id": "pairs", "submission_id_v0": "s9"}),  # no input
        json.dumps({"problem_id": "pairs", "submission_id_v0": "s8", "input": "x", "target": 3}),
        json.dumps({"problem_id": "p404", "input": "int main(){}"}),  # no test folder
        json.dumps({"problem_id": "pairs", "submission_id_v0": "s0", "input": "int main(){}"}),
    ]
    dataset = load_dataset(make_jsonl_dataset(tmp_path, bad))
    assert len(dataset.problems) == 3  # the three good rows still load
    reasons = [s.reason for s in dataset.skipped]
    assert len(reasons) == len(bad)
    expected = [
        "not JSON",
        "not a JSON object",
        "problem_id missing",
        "problem_id missing or not a plain name",
        "`input`",
        "`target` is not a string",
        "missing test directory",
        "duplicate id pairs_s0",
    ]
    for reason, fragment in zip(reasons, expected, strict=True):
        assert fragment in reason


def test_a_split_without_test_cases_names_the_flag(tmp_path: Path) -> None:
    split = tmp_path / "split.jsonl"
    split.write_text(json.dumps({"problem_id": "p1", "input": "int main(){}"}) + "\n")
    with pytest.raises(DatasetError) as caught:
        load_dataset(split)
    assert "--tests-root" in caught.value.hint
    explicit = tmp_path / "cases"
    (explicit / "p1").mkdir(parents=True)
    (explicit / "p1" / "input.0.txt").write_text("1\n")
    (explicit / "p1" / "output.0.txt").write_text("1\n")
    assert [p.id for p in load_dataset(split, explicit).problems] == ["p1_L1"]


def test_a_folder_without_problems_is_an_error_naming_the_layout(tmp_path: Path) -> None:
    (tmp_path / "empty" / "sub").mkdir(parents=True)
    with pytest.raises(DatasetError) as caught:
        load_dataset(tmp_path / "empty")
    assert "slow.cpp" in caught.value.message
