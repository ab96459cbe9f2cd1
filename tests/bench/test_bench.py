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
