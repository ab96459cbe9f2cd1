"""What a result says: the summary and editor label, and the diff of a rewrite."""

from __future__ import annotations

from pie_lsp.pipeline.results import OptimizeResult, unified_diff


def test_diff_counts_lines_as_diff_does_and_keeps_a_stray_carriage_return() -> None:
    diff = unified_diff("p.cpp", "a\rb\nc\n", "a\rb\nd\n")
    assert diff.startswith("--- a/p.cpp\n+++ b/p.cpp\n")
    assert " a\rb\n-c\n+d\n" in diff  # \r does not end a line


def test_summary_names_the_speedup_the_tests_and_what_measured_them() -> None:
    result = OptimizeResult(
        status="optimized",
        path="p.cpp",
        simulator_label="gem5: simulated Skylake, SE mode",
        simulator_short="Skylake (gem5)",
        speedup=2.5,
        tests_passed=3,
        tests_total=3,
        ranked_by="estimate",
        confirmed_by="gem5",
    )
    assert result.summary().startswith("2.50× faster (gem5: simulated Skylake, SE mode; ranked")
    assert result.summary().endswith("— 3/3 tests pass")
    assert result.label().startswith("2.50× faster on Skylake (gem5) — 3/3 tests")
    failed = OptimizeResult(status="error", path="p.cpp", error="no tests found")
    assert failed.summary() == "error: no tests found"
