"""A tiny dataset for the bench tests, in both layouts, and the way to run the real CLI.

Problems (each a real C++ program with real tests):
- pairs: an O(n²) pair count (slow) and its O(n) reference: the reference is faster;
- digits: a per-digit `pow` loop and its integer reference;
- broken: its expected outputs are wrong, so the original fails its own tests (skipped);
- no-tests: a slow.cpp without a tests folder (skipped).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

PAIRS_SLOW = """#include <cstdio>
int a[4000];
int main() {
    int n;
    if (scanf("%d", &n) != 1) return 1;
    for (int i = 0; i < n; i++) a[i] = (i * 37 + 11) % 1000;
    long long count = 0;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if ((a[i] + a[j]) % 7 == 0) count++;
    printf("%lld\\n", count);
    return 0;
}
"""

PAIRS_FAST = """#include <cstdio>
int main() {
    int n;
    if (scanf("%d", &n) != 1) return 1;
    long long seen[7] = {0}, count = 0;
    for (int i = 0; i < n; i++) {
        int r = ((i * 37 + 11) % 1000) % 7;
        count += seen[(7 - r) % 7];
        seen[r]++;
    }
    printf("%lld\\n", count);
    return 0;
}
"""

DIGITS_SLOW = """#include <cmath>
#include <cstdio>
int main() {
    long long n;
    if (scanf("%lld", &n) != 1) return 1;
    long long total = 0;
    for (long long x = 1; x <= n; x++) {
        int len = 0;
        while (x / (long long)pow(10, len) > 0) len++;
        total += len;
    }
    printf("%lld\\n", total);
    return 0;
}
"""

DIGITS_FAST = """#include <cstdio>
int main() {
    long long n;
    if (scanf("%lld", &n) != 1) return 1;
    long long total = 0;
    for (long long x = 1; x <= n; x++) {
        int len = 0;
        for (long long y = x; y > 0; y /= 10) len++;
        total += len;
    }
    printf("%lld\\n", total);
    return 0;
}
"""


def pairs_answer(n: int) -> int:
    residues = [((i * 37 + 11) % 1000) % 7 for i in range(n)]
    return sum(1 for i in range(n) for j in range(i + 1, n) if (residues[i] + residues[j]) % 7 == 0)


def digits_answer(n: int) -> int:
    return sum(len(str(x)) for x in range(1, n + 1))


PAIRS_TESTS = {str(k): (f"{n}\n", f"{pairs_answer(n)}\n") for k, n in enumerate((50, 700))}
DIGITS_TESTS = {str(k): (f"{n}\n", f"{digits_answer(n)}\n") for k, n in enumerate((30, 3000))}
BROKEN_TESTS = {"0": ("5\n", "999\n")}


def _tests(folder: Path, tests: dict[str, tuple[str, str]]) -> None:
    folder.mkdir(parents=True)
    for key, (given, expected) in tests.items():
        (folder / f"input.{key}.txt").write_text(given)
        (folder / f"output.{key}.txt").write_text(expected)


PROBLEMS: dict[str, tuple[str, str, dict[str, tuple[str, str]]]] = {
    "pairs": (PAIRS_SLOW, PAIRS_FAST, PAIRS_TESTS),
    "digits": (DIGITS_SLOW, DIGITS_FAST, DIGITS_TESTS),
    "broken": (PAIRS_SLOW, PAIRS_FAST, BROKEN_TESTS),
}


def make_folder_dataset(root: Path, names: tuple[str, ...] = ("pairs", "digits", "broken")) -> Path:
    """NAME/slow.cpp, NAME/reference_fast.cpp, NAME/tests/ (+ no-tests/slow.cpp)."""
    for name in names:
        slow, fast, tests = PROBLEMS[name]
        (root / name).mkdir(parents=True)
        (root / name / "slow.cpp").write_text(slow)
        (root / name / "reference_fast.cpp").write_text(fast)
        _tests(root / name / "tests", tests)
    (root / "no-tests").mkdir()
    (root / "no-tests" / "slow.cpp").write_text(PAIRS_SLOW)
    return root


def make_jsonl_dataset(root: Path, extra_rows: Sequence[str] = ()) -> Path:
    """PIE's split format: split.jsonl + merged_test_cases/<problem_id>/."""
    rows = []
    for i, (name, (slow, fast, tests)) in enumerate(PROBLEMS.items()):
        _tests(root / "merged_test_cases" / name, tests)
        rows.append(
            json.dumps(
                {"problem_id": name, "submission_id_v0": f"s{i}", "input": slow, "target": fast}
            )
        )
    split = root / "split.jsonl"
    split.write_text("\n".join([*rows, *extra_rows]) + "\n")
    return split


# every run: the estimate (deterministic), no derived inputs (fewer runs), a private cache
def bench_args(cache: Path) -> list[str]:
    return [
        "--simulator",
        "estimate",
        "--set",
        "tests.derived=0",
        "--set",
        f"cache.dir={cache}",
    ]


def run_bench(*args: str | Path, check: bool = True) -> tuple[int, dict[str, Any] | None, str]:
    """`pie-lsp bench ARGS --json` in a subprocess: (exit code, JSON answer, stderr)."""
    done = subprocess.run(
        [sys.executable, "-m", "pie_lsp", "bench", *map(str, args), "--json"],
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
        env=os.environ.copy(),
    )
    answer = json.loads(done.stdout) if done.stdout.strip() else None
    if check:
        assert done.returncode == 0, done.stderr + done.stdout
    return done.returncode, answer, done.stderr


def records(out: Path) -> dict[str, dict[str, Any]]:
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    by_id = {r["id"]: r for r in rows}
    assert len(by_id) == len(rows), "a program's result appears twice"
    return by_id


# What must agree between two runs of the same configuration (not times of day, workers,
# cache hits): every verdict and instruction count exactly; cycles and speedups to 0.1%,
# because the estimate's simulated cache and branch predictor moved a cycle count by up to
# 0.02% between two runs of the same binary on this busy machine (instructions never moved).
def outcome(record: dict[str, Any]) -> tuple[Any, ...]:
    candidates = tuple(
        (
            c["origin"],
            c["status"],
            approx(c["speedup"]),
            tuple((t["instructions"], approx(t["cycles"])) for t in c["times"]),
        )
        for c in record.get("candidates", [])
    )
    return (
        record["status"],
        record.get("correct_k"),
        record.get("optimized_k"),
        approx(record.get("speedup_k")),
        approx(record.get("speedup_1")),
        tuple((t["instructions"], approx(t["cycles"])) for t in record.get("original_times", [])),
        candidates,
    )


def approx(value: float | None) -> Any:
    return None if value is None else pytest.approx(value, rel=1e-3)


@pytest.fixture
def folder_dataset(tmp_path: Path) -> Path:
    return make_folder_dataset(tmp_path / "dataset")
