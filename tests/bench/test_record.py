"""The per-program record made from an optimize result: best@1 is the first candidate the
backend proposed, best@k the best correct one, whatever order the result ranks them in."""

from __future__ import annotations

from pie_lsp.bench.dataset import CaseFile, Task
from pie_lsp.bench.work import BenchConfig, result_record
from pie_lsp.pipeline import CandidateResult, OptimizeResult
from pie_lsp.settings import Settings

TASK = Task("p1", "p1", "here", "int main(){}", None, (CaseFile("0", b"1\n", b"1\n"),))
CONFIG = BenchConfig(Settings(), "openai", "key")


def candidate(origin: str, status: str, speedup: float | None) -> CandidateResult:
    return CandidateResult(origin, "", "src", status, speedup=speedup)  # type: ignore[arg-type]


def result(*candidates: CandidateResult, speedup: float | None) -> OptimizeResult:
    return OptimizeResult(
        status="optimized",
        path="p1.cpp",
        speedup=speedup,
        tests_passed=1,
        tests_total=1,
        candidates=list(candidates),
    )


def test_best_at_1_is_the_first_proposed_not_the_best() -> None:
    # ranked by the pipeline: sample-2 first; proposed: sample-0, sample-1, sample-2
    ranked = result(
        candidate("openai:sample-2", "faster", 3.0),
        candidate("openai:sample-0", "not-faster", 1.02),
        candidate("openai:sample-1", "rejected", None),
        speedup=3.0,
    )
    order = ["openai:sample-0", "openai:sample-1", "openai:sample-2"]
    record = result_record(TASK, CONFIG, ranked, order)
    assert (record["speedup_k"], record["correct_k"], record["optimized_k"]) == (3.0, True, True)
    assert (record["speedup_1"], record["correct_1"], record["optimized_1"]) == (1.02, True, False)
    # a cached result (generation did not run): the sample number gives the order
    record = result_record(TASK, CONFIG, ranked, [])
    assert record["speedup_1"] == 1.02
    # the first proposal failed its tests: best@1 is not correct, best@k still is
    record = result_record(TASK, CONFIG, ranked, ["openai:sample-1", "openai:sample-0"])
    assert (record["correct_1"], record["speedup_1"], record["correct_k"]) == (False, None, True)


def test_an_original_that_fails_is_skipped_and_a_later_failure_is_an_error() -> None:
    failed = OptimizeResult(status="error", path="p1.cpp", error="p1.cpp fails its own test 0")
    record = result_record(TASK, CONFIG, failed, [])
    assert record["status"] == "skipped" and "fails its own test 0" in record["reason"]
    # the original passed (tests_passed set), then the model failed: an error (rerun)
    model_down = OptimizeResult(
        status="error", path="p1.cpp", error="model server down", tests_passed=1, tests_total=1
    )
    record = result_record(TASK, CONFIG, model_down, [])
    assert record["status"] == "error" and record["reason"] == "model server down"
