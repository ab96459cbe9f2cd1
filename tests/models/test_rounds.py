"""Rounds with execution feedback, end to end: the pipeline (real g++, sandbox, tests,
estimate) asks the `openai` backend over real HTTP; the model is `FakeOpenAIServer`, a
TEST DOUBLE (no LLM can run here) whose answers depend on what it is shown: a wrong
first answer, a fixed one when shown the failing test, a faster one when shown the
speedups per test."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from pie_lsp.pipeline import OptimizeResult, Pipeline, Step
from pie_lsp.settings import Settings

from .fake_openai_server import (
    FakeOpenAIServer,
    Reply,
    asked,
    by_content,
    completion,
    conversation,
    serving,
    tokens,
)
from .test_openai import FAST, WRONG, range_sum_tests

# Correct, and between SLOW and FAST: sums of blocks of 64 (O(n/64 + 64) a query).
MEDIUM = """#include <cstdio>
#include <vector>

int main() {
    int n, q;
    if (scanf("%d %d", &n, &q) != 2) return 1;
    const int B = 64;
    std::vector<long long> a(n + 1), block(n / B + 2, 0);
    for (int i = 1; i <= n; i++) {
        scanf("%lld", &a[i]);
        block[i / B] += a[i];
    }
    while (q--) {
        int l, r;
        scanf("%d %d", &l, &r);
        long long s = 0;
        int i = l;
        while (i <= r && i % B != 0) s += a[i++];
        while (i + B - 1 <= r) {
            s += block[i / B];
            i += B;
        }
        while (i <= r) s += a[i++];
        printf("%lld\\n", s);
    }
    return 0;
}
"""

SHOWN_WRONG = "prints a wrong answer on test"
SHOWN_SPEEDUPS = ("It is correct and", "Per test (original → this version)")

# wrong at first; fixed when shown the failing test; fastest when shown the speedups
LEARNER = [(SHOWN_SPEEDUPS, FAST), ((SHOWN_WRONG,), MEDIUM)]


def settings_for(server: FakeOpenAIServer, tmp: Path, **model: Any) -> Settings:
    settings = Settings()
    settings.cache.dir = str(tmp / "cache")
    settings.simulator.backend = "estimate"
    settings.tests.derived = 0  # keeps each candidate's verification short
    settings.model.backend = "openai"
    settings.model.samples = 2
    settings.model.openai.url = server.url
    settings.model.openai.model = "learner"
    for key, value in model.items():
        setattr(settings.model, key, value)
    return settings


async def optimize(
    settings: Settings, path: Path, steps: list[Step] | None = None
) -> OptimizeResult:
    async with Pipeline(settings) as pipeline:
        job = pipeline.job_for(path)
        return await pipeline.optimize(job, (steps if steps is not None else []).append)


@pytest.mark.parametrize("api", ["completions", "chat"])
async def test_rounds_fix_then_speed_up_then_stop_early(tmp_path: Path, api: str) -> None:
    path = range_sum_tests(tmp_path / "ranges")
    with serving({"learner": by_content(LEARNER, WRONG)}) as server:
        settings = settings_for(server, tmp_path, rounds=6)
        settings.model.openai.api = api  # type: ignore[assignment]
        steps: list[Step] = []
        result = await optimize(settings, path, steps)
    assert result.status == "optimized", result.summary()
    assert result.optimized_source == FAST
    assert result.best_origin == "openai:r3-sample-0"
    # round 4 repeats round 3's answer: nothing better, so rounds 5 and 6 never run
    assert result.rounds == 4
    posts = server.posts()
    assert len(posts) == result.model_calls == 4
    assert any("round 4 brought no better correct candidate" in n for n in result.notes)
    by_origin = {c.origin: c for c in result.candidates}
    assert by_origin["openai:sample-0"].reason.startswith("test 1: wrong output")
    assert by_origin["openai:r2-sample-0"].status == "faster"
    assert by_origin["openai:r4-sample-0"].reason == "same text as openai:r3-sample-0"
    medium = by_origin["openai:r2-sample-0"].speedup or 0.0
    assert 1.1 <= medium < (result.speedup or 0.0)
    # the streamed snapshots: the medium one, then the fast one, each "so far"
    partial = [s.result for s in steps if s.stage == "partial" and s.result is not None]
    assert [p.best_origin for p in partial] == ["openai:r2-sample-0", "openai:r3-sample-0"]
    assert all(p.partial and "so far" in p.label() for p in partial)
    assert not result.partial and "so far" not in result.label()
    # the tokens the server reported, every one of them
    reported = sum(tokens_reported(p.body) for p in posts)
    assert result.tokens == reported


def tokens_reported(body: dict[str, Any]) -> int:
    # what by_content reported for this request (its usage is a function of the request)
    n = int(body.get("n", 1))
    question = body["prompt"] if "prompt" in body else body["messages"][-1]["content"]
    answer = next((t for needles, t in LEARNER if all(s in question for s in needles)), WRONG)
    return tokens(conversation(body)) + n * tokens(answer)


async def test_feedback_carries_the_facts_of_each_round(tmp_path: Path) -> None:
    path = range_sum_tests(tmp_path / "ranges")
    with serving({"learner": by_content(LEARNER, WRONG)}) as server:
        result = await optimize(settings_for(server, tmp_path, rounds=3), path)
    assert result.rounds == 3
    first, second, third = (p.body["prompt"] for p in server.posts())
    assert "Attempt" not in first  # round 1 is PIE's own prompt
    assert first.startswith("This is a slow program we want to optimize 10/10.")
    # round 2: the failing test and its first differing line, with the code that failed
    wrong = next(c for c in result.candidates if c.origin == "openai:sample-0")
    line = wrong.reason.removeprefix("test 1: wrong output, ")
    assert f"It compiles but prints a wrong answer on test 1: {line}." in second
    assert WRONG.rstrip() in second
    assert second.startswith("Below is a program and earlier attempts")
    assert second.endswith("### Optimized Version:\n")
    # round 3: MEDIUM's measured speedup and its per-test times; test 2 dominates
    medium = next(c for c in result.candidates if c.origin == "openai:r2-sample-0")
    assert f"It is correct and {medium.speedup:.2f}× faster than the original." in third
    assert "Per test (original → this version): test 1: " in third
    assert "Test 2 takes" in third
    assert third.index(MEDIUM.rstrip()) < third.index(WRONG.rstrip())  # best first


async def test_one_round_is_todays_behaviour(tmp_path: Path) -> None:
    path = range_sum_tests(tmp_path / "ranges")
    with serving({"learner": by_content(LEARNER, WRONG)}) as server:
        result = await optimize(settings_for(server, tmp_path), path)
    assert result.status == "not-optimized" and result.rounds == 1
    assert len(server.posts()) == result.model_calls == 1


async def test_the_call_budget_stops_the_rounds(tmp_path: Path) -> None:
    path = range_sum_tests(tmp_path / "ranges")
    with serving({"learner": by_content(LEARNER, WRONG)}) as server:
        result = await optimize(settings_for(server, tmp_path, rounds=6, max_calls=2), path)
    assert len(server.posts()) == result.model_calls == 2
    assert result.rounds == 2 and result.optimized_source == MEDIUM
    assert any("stopped before round 3: the model budget is spent" in n for n in result.notes)
    assert "model: 2 model calls" in " ".join(result.notes)


async def test_the_token_budget_holds_and_caps_each_request(tmp_path: Path) -> None:
    path = range_sum_tests(tmp_path / "ranges")
    limit = 1500
    with serving({"learner": by_content(LEARNER, WRONG)}) as server:
        settings = settings_for(server, tmp_path, rounds=6, max_tokens=limit)
        settings.model.samples = 1
        result = await optimize(settings, path)
    posts = server.posts()
    assert result.tokens <= limit
    assert result.model_calls == len(posts) >= 1
    # each request asked for no more completion tokens than the budget had left
    assert all(p.body["max_tokens"] < settings.model.openai.max_tokens for p in posts)
    assert any("model budget" in n for n in result.notes)


async def test_a_backend_that_learns_nothing_ends_after_one_round(tmp_path: Path) -> None:
    path = range_sum_tests(tmp_path / "ranges")
    settings = Settings()
    settings.cache.dir = str(tmp_path / "cache")
    settings.simulator.backend = "estimate"
    settings.tests.derived = 0
    settings.model.rounds = 3
    result = await optimize(settings, path)  # rules
    assert result.rounds == 1 and result.model_calls == 0


async def test_the_rounds_are_part_of_the_cached_results_key(tmp_path: Path) -> None:
    path = range_sum_tests(tmp_path / "ranges")
    with serving({"learner": by_content(LEARNER, WRONG)}) as server:
        once = await optimize(settings_for(server, tmp_path, rounds=2), path)
        again = await optimize(settings_for(server, tmp_path, rounds=2), path)
        more = await optimize(settings_for(server, tmp_path, rounds=3), path)
    assert not once.cached and again.cached and not more.cached
    assert once.optimized_source == again.optimized_source == MEDIUM
    assert more.optimized_source == FAST


async def test_crossover_shows_the_two_best_and_its_answer_is_verified(tmp_path: Path) -> None:
    path = range_sum_tests(tmp_path / "ranges")
    combined = FAST.replace("int main() {", "// both ideas combined\nint main() {", 1)

    def script(seen: int, body: dict[str, Any]) -> Reply:
        question = asked(body)
        n = int(body.get("n", 1))
        if "combines the improvements of both" in question:
            texts = [combined] * n
        elif "Attempt" in question:
            texts = [MEDIUM] * n
        else:
            texts = [MEDIUM, FAST][:n]
        return Reply(body=completion(texts))

    with serving({"learner": script}) as server:
        settings = settings_for(server, tmp_path, rounds=2, crossover=True)
        result = await optimize(settings, path)
    first, *others = (p.body for p in server.posts())
    assert first["n"] == 2 and len(others) == 2  # round 2: one feedback, one crossover
    crossover = next(b["prompt"] for b in others if "combines the improvements" in b["prompt"])
    assert FAST.rstrip() in crossover and MEDIUM.rstrip() in crossover
    assert crossover.index(FAST.rstrip()) < crossover.index(MEDIUM.rstrip())  # best first
    by_origin = {c.origin: c for c in result.candidates}
    made = by_origin["openai:r2-x-sample-0"]
    assert made.status in ("faster", "not-faster") and made.tests_passed == 2
    assert made.description.endswith("round 2 (combining the two best)")
    assert by_origin["openai:r2-sample-0"].reason == "same text as openai:sample-0"


def test_cli_rounds_flag_and_the_cost_in_the_json(tmp_path: Path) -> None:
    path = range_sum_tests(tmp_path / "ranges")
    with serving({"learner": by_content(LEARNER, WRONG)}) as server:
        done = subprocess.run(
            [sys.executable, "-m", "pie_lsp", "optimize", str(path), "--model", "openai",
             "--model-url", server.url, "--model-name", "learner", "--samples", "1",
             "--rounds", "3", "--simulator", "estimate", "--set", "tests.derived=0",
             "--set", f"cache.dir={tmp_path / 'cache'}", "--json"],
            capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["status"] == "optimized" and result["optimized_source"] == FAST
    assert result["rounds"] == 3 and result["model_calls"] == len(server.posts()) == 3
    assert result["tokens"] > 0 and result["partial"] is False
    assert "model: 3 model calls" in " ".join(result["notes"])


def test_cli_ctrl_c_keeps_the_best_found_so_far(tmp_path: Path) -> None:
    """`pie-lsp optimize --rounds 3` interrupted while round 2 waits for the model: the
    round-1 result it announced is the answer (JSON on stdout, exit 130), saying so."""
    path = range_sum_tests(tmp_path / "ranges")
    release = threading.Event()

    def hold_round_two(seen: int, body: dict[str, Any]) -> None:
        if seen >= 1:  # the second request (round 2) waits until the test is done
            release.wait(timeout=600)

    with serving({"learner": by_content([], MEDIUM, gate=hold_round_two)}) as server:
        cli = subprocess.Popen(
            [sys.executable, "-m", "pie_lsp", "optimize", str(path), "--model", "openai",
             "--model-url", server.url, "--model-name", "learner", "--samples", "1",
             "--rounds", "3", "--simulator", "estimate", "--set", "tests.derived=0",
             "--set", f"cache.dir={tmp_path / 'cache'}", "--json"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            assert cli.stderr is not None
            announced = ""
            for line in iter(cli.stderr.readline, ""):  # until the first result so far
                if "Ctrl-C keeps" in line:
                    announced = line
                    break
            cli.send_signal(signal.SIGINT)
            out, err = cli.communicate(timeout=300)
        finally:
            release.set()
            if cli.poll() is None:
                cli.kill()
                cli.wait()
    assert "so far" in announced, err
    assert cli.returncode == 130, err
    result = json.loads(out)
    assert result["status"] == "optimized" and result["optimized_source"] == MEDIUM
    assert result["partial"] is False
    assert "the search was cancelled: this is the best found so far" in result["notes"]


async def test_round_ones_better_candidate_streams_before_round_two_is_asked(
    tmp_path: Path,
) -> None:
    path = range_sum_tests(tmp_path / "ranges")
    with serving({"learner": by_content([(SHOWN_SPEEDUPS, FAST)], MEDIUM)}) as server:
        steps: list[Step] = []
        result = await optimize(settings_for(server, tmp_path, rounds=3), path, steps)
    assert result.optimized_source == FAST and result.rounds == 3
    partial = [i for i, s in enumerate(steps) if s.stage == "partial"]
    origins = [r.best_origin for i in partial if (r := steps[i].result) is not None]
    assert origins == ["openai:sample-0", "openai:r2-sample-0"]
    asked_round_2 = next(i for i, s in enumerate(steps) if s.message.startswith("Round 2/3"))
    assert partial[0] < asked_round_2  # streamed during round 1, not after it
