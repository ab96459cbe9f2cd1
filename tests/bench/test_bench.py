"""`pie-lsp bench` end to end: the real CLI in a subprocess, real g++ and the estimate."""

from __future__ import annotations

import json
from pathlib import Path

from tests.bench.conftest import (
    bench_args,
    make_jsonl_dataset,
    outcome,
    records,
    run_bench,
)


def test_reference_bench_measures_and_skips_bad_problems(
    folder_dataset: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    _, answer, _ = run_bench(
        folder_dataset, "--model", "reference", "--workers", "0", "--out", out,
        *bench_args(tmp_path / "cache"),
    )  # fmt: skip
    assert answer is not None
    by_id = records(out)
    assert list(by_id) == ["broken", "digits", "no-tests", "pairs"]  # dataset order
    pairs = by_id["pairs"]
    # the O(n) reference against the O(n²) original, measured by the estimate on both tests
    assert pairs["status"] == "done" and pairs["correct_k"] and pairs["optimized_k"]
    assert pairs["speedup_k"] > 1.1 and pairs["speedup_1"] == pairs["speedup_k"]
    assert pairs["simulator"] == "estimate"
    (reference,) = pairs["candidates"]
    assert reference["origin"] == "reference" and reference["status"] == "faster"
    assert [t["test"] for t in reference["times"]] == ["0", "1"]
    assert [t["test"] for t in pairs["original_times"]] == ["0", "1"]
    assert by_id["broken"]["status"] == "skipped"
    assert "fails its own test 0" in by_id["broken"]["reason"]
    assert "/pie-bench-" not in by_id["broken"]["reason"]  # no scratch path
    assert by_id["no-tests"]["status"] == "skipped"
    summary = answer["summary"]
    assert (summary["programs"], summary["skipped"], summary["errors"]) == (2, 2, 0)
    assert summary["bestk"]["correct"] == 2
    assert (out / "speedups.svg").read_text().startswith("<svg")
    assert json.loads((out / "summary.json").read_text())["summary"] == summary

    # the same folder again without --resume: refused, naming the flag; nothing changed
    before = (out / "results.jsonl").read_text()
    code, again, _ = run_bench(
        folder_dataset, "--model", "reference", "--workers", "0", "--out", out,
        *bench_args(tmp_path / "cache"), check=False,
    )  # fmt: skip
    assert code == 1 and again is not None and "--resume" in again["hint"]
    assert (out / "results.jsonl").read_text() == before

    # PIE's jsonl layout of the same problems gives the same results, row by row
    split = make_jsonl_dataset(tmp_path / "pie", ["{broken json"])
    _, from_jsonl, _ = run_bench(
        split, "--model", "reference", "--workers", "0", "--out", tmp_path / "out-jsonl",
        *bench_args(tmp_path / "cache"),
    )  # fmt: skip
    assert from_jsonl is not None
    rows = records(tmp_path / "out-jsonl")
    for row_id, folder_id in (("pairs_s0", "pairs"), ("digits_s1", "digits")):
        assert outcome(rows[row_id]) == outcome(by_id[folder_id])
    assert rows["broken_s2"]["status"] == "skipped"
    assert "not JSON" in rows["line-4"]["reason"]
    assert from_jsonl["summary"]["bestk"] == summary["bestk"]


def test_a_worker_that_cannot_measure_records_errors_that_resume_reruns(
    folder_dataset: Path, tmp_path: Path
) -> None:
    # gem5 named but not there: the worker's fault, not the problem's (not "skipped")
    (folder_dataset / "binary").mkdir()
    (folder_dataset / "binary" / "slow.cpp").write_bytes(b"int main() {\0}")
    (folder_dataset / "binary" / "reference_fast.cpp").write_text("int main() {}")
    (folder_dataset / "binary" / "tests").mkdir()
    (folder_dataset / "binary" / "tests" / "input.0.txt").write_text("1\n")
    (folder_dataset / "binary" / "tests" / "output.0.txt").write_text("1\n")
    out = tmp_path / "out"
    args = (folder_dataset, "--model", "reference", "--workers", "0", "--out", out)
    no_gem5 = ("--simulator", "gem5", "--set", f"simulator.gem5.path={tmp_path}/no-gem5")
    _, answer, _ = run_bench(*args, *no_gem5, "--set", f"cache.dir={tmp_path}/cache")
    assert answer is not None
    by_id = records(out)
    errors = {i for i, r in by_id.items() if r["status"] == "error"}
    assert errors == {"binary", "broken", "digits", "pairs"}
    assert "gem5" in by_id["pairs"]["reason"]
    assert answer["summary"]["errors"] == 4 and answer["summary"]["bestk"]["correct"] == 0
    # resumed with a simulator that works: the errors run again
    _, resumed, _ = run_bench(*args, "--resume", *bench_args(tmp_path / "cache"))
    assert resumed is not None and resumed["ran"] == 4
    assert resumed["summary"]["errors"] == 0 and resumed["summary"]["bestk"]["correct"] == 2
    binary = records(out)["binary"]  # a source with a NUL byte: the problem's own fault
    assert binary["status"] == "skipped" and "binary file" in binary["reason"]
