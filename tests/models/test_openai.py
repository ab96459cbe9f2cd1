"""The `openai` backend over real HTTP against a scripted server on loopback.

`FakeOpenAIServer` (tests/models/fake_openai_server.py) is a TEST DOUBLE for an LLM server:
no model can run here, so it answers with scripted completions, over real sockets. The
backend, httpx, the completion parser and (end to end) the pipeline, g++, the sandbox and
valgrind are all real.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from pie_lsp.doctor import check_model
from pie_lsp.errors import ModelError
from pie_lsp.models import make_backend
from pie_lsp.models.openai import OpenAIBackend
from pie_lsp.models.prompts import build_prompt
from pie_lsp.program import Program
from pie_lsp.settings import Settings

from ..conftest import write_program
from .fake_openai_server import FakeOpenAIServer, Reply, answers, completion, cycle, serving

# Range-sum queries by summing each range: O(n·q). The model's good answer uses prefix
# sums, an algorithmic change the rules backend does not know.
SLOW = """#include <cstdio>
#include <vector>

int main() {
    int n, q;
    if (scanf("%d %d", &n, &q) != 2) return 1;
    std::vector<long long> a(n + 1);
    for (int i = 1; i <= n; i++) scanf("%lld", &a[i]);
    while (q--) {
        int l, r;
        scanf("%d %d", &l, &r);
        long long s = 0;
        for (int i = l; i <= r; i++) s += a[i];
        printf("%lld\\n", s);
    }
    return 0;
}
"""

FAST = """#include <cstdio>
#include <vector>

int main() {
    int n, q;
    if (scanf("%d %d", &n, &q) != 2) return 1;
    std::vector<long long> prefix(n + 1, 0);
    for (int i = 1; i <= n; i++) {
        long long x;
        scanf("%lld", &x);
        prefix[i] = prefix[i - 1] + x;
    }
    while (q--) {
        int l, r;
        scanf("%d %d", &l, &r);
        printf("%lld\\n", prefix[r] - prefix[l - 1]);
    }
    return 0;
}
"""

BROKEN = FAST.replace("prefix[r] - prefix[l - 1]", "prefix[r] - prefx[l - 1]")
WRONG = FAST.replace("prefix[r] - prefix[l - 1]", "prefix[r] - prefix[l]")
CHATTER = (
    "Sure! The inner loop makes every query O(n). Precompute prefix sums instead:\n\n"
    f"```cpp\n{FAST}```\n\nNow each query is O(1), so it's much faster overall."
)
PYTHON = "```python\nimport sys\nprint(sum(map(int, sys.stdin.read().split())))\n```\n"
TRUNCATED = FAST[: len(FAST) // 2]

# What the "mixed" model answers, in choice order, and what must become of each.
MIXED = (
    FAST + "\n\n### Program:\n#include <cstdio>\n",  # a PIE model running on past the answer
    BROKEN,
    WRONG,
    CHATTER,
    PYTHON,
    TRUNCATED,
    "",
)
MIXED_FINISH = ("stop", "stop", "stop", "stop", "stop", "length", "stop")


def range_sum_tests(folder: Path) -> Path:
    rng = random.Random(4)
    cases: dict[str, tuple[str, str]] = {}
    for key, (n, q) in {"1": (5, 3), "2": (1500, 1500)}.items():
        values = [rng.randint(-(10**6), 10**6) for _ in range(n)]
        queries = []
        for _ in range(q):
            left = rng.randint(1, n)
            queries.append((left, rng.randint(left, n)))
        expected = "".join(f"{sum(values[lo - 1 : hi])}\n" for lo, hi in queries)
        given = f"{n} {q}\n{' '.join(map(str, values))}\n" + "".join(
            f"{lo} {hi}\n" for lo, hi in queries
        )
        cases[key] = (given, expected)
    return write_program(folder, SLOW, cases)


def backend_for(server: FakeOpenAIServer, model: str, **openai: Any) -> OpenAIBackend:
    settings = Settings()
    settings.model.backend = "openai"
    settings.model.openai.url = server.url
    settings.model.openai.model = model
    for key, value in openai.items():
        setattr(settings.model.openai, key, value)
    backend = make_backend(settings)
    assert isinstance(backend, OpenAIBackend)
    return backend


def program() -> Program:
    return Program(Path("prog.cpp"), SLOW)


async def generate(backend: OpenAIBackend, samples: int = 1) -> Any:
    messages: list[str] = []
    result = await backend.generate(program(), samples, messages.append)
    return result, messages


# -- requests and parsing ------------------------------------------------------------------


async def test_completion_request_carries_pie_prompt_sampling_and_auth(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PIE_TEST_KEY", "sk-test-123")
    with serving({"pie": answers(FAST, FAST, FAST)}, api_key="sk-test-123") as server:
        backend = backend_for(
            server,
            "pie",
            api_key_env="PIE_TEST_KEY",
            headers={"X-Team": "perf"},
            temperature=0.7,
            max_tokens=512,
        )
        generation, messages = await generate(backend, samples=3)
    (request,) = server.posts()
    assert request.path == "/v1/completions"
    expected_prompt = build_prompt(SLOW, Settings().model.prompt, "completions").text
    assert request.body["prompt"] == expected_prompt
    assert request.body["prompt"].startswith(
        "This is a slow program we want to optimize 10/10. ### Program:\n#include <cstdio>"
    )
    assert request.body["prompt"].endswith("}\n\n### Optimized Version with score 10/10:\n")
    assert request.body["n"] == 3 and request.body["temperature"] == 0.7
    assert request.body["max_tokens"] == 512 and request.body["stop"][0] == "\n###"
    assert request.headers["authorization"] == "Bearer sk-test-123"
    assert request.headers["x-team"] == "perf"
    assert [c.origin for c in generation.candidates] == [f"openai:sample-{i}" for i in range(3)]
    assert all(c.source == FAST for c in generation.candidates)
    assert generation.rejected == [] and generation.notes == []
    assert any("3/3 samples" in m for m in messages)


async def test_chat_api_sends_messages_and_parses_code_out_of_chatter() -> None:
    with serving({"instruct": answers(CHATTER)}) as server:
        backend = backend_for(server, "instruct", api="chat")
        generation, _ = await generate(backend)
    (request,) = server.posts()
    assert request.path == "/v1/chat/completions" and "prompt" not in request.body
    system, user = request.body["messages"]
    assert system["role"] == "system" and "C++" in system["content"]
    assert user["role"] == "user" and f"```cpp\n{SLOW.rstrip()}\n```" in user["content"]
    # two retrieved few-shot examples precede the program
    assert user["content"].count("A slower version:") == 2
    assert "n" not in request.body and "stop" not in request.body
    (candidate,) = generation.candidates
    assert candidate.source == FAST


async def test_each_bad_completion_is_rejected_with_its_reason() -> None:
    with serving({"mixed": answers(*MIXED, finish=MIXED_FINISH)}) as server:
        generation, _ = await generate(backend_for(server, "mixed"), samples=len(MIXED))
    sources = {c.origin: c.source for c in generation.candidates}
    assert sources == {
        "openai:sample-0": FAST,  # cut before the prompt section the model invented
        "openai:sample-1": BROKEN,  # compiles or not: the pipeline's call, not the parser's
        "openai:sample-2": WRONG,
        "openai:sample-3": FAST,
    }
    reasons = {r.origin: r.reason for r in generation.rejected}
    assert reasons["openai:sample-4"] == "the code block is Python, not C++"
    assert reasons["openai:sample-5"].startswith("truncated: cut off inside a block")
    assert "raise pie.model.openai.max_tokens" in reasons["openai:sample-5"]
    assert reasons["openai:sample-6"] == "empty completion"


async def test_server_ignoring_n_is_topped_up_with_parallel_requests() -> None:
    with serving({"one-at-a-time": answers(FAST)}) as server:
        generation, _ = await generate(backend_for(server, "one-at-a-time"), samples=4)
    assert len(generation.candidates) == 4
    requests = server.posts()
    assert [r.body.get("n") for r in requests] == [4, None, None, None]
    assert any("returned 1 of 4 samples" in note for note in generation.notes)


async def test_use_n_off_sends_parallel_single_requests() -> None:
    with serving({"cycler": cycle(FAST, WRONG)}) as server:
        generation, _ = await generate(backend_for(server, "cycler", use_n=False), samples=4)
    assert [r.body.get("n") for r in server.posts()] == [None] * 4
    assert sorted(c.source for c in generation.candidates) == sorted([FAST, FAST, WRONG, WRONG])
    assert generation.notes == []


async def test_long_program_gets_a_note_not_truncation() -> None:
    long_program = SLOW.replace("int main() {", "// " + "x" * 1600 + "\nint main() {")
    with serving({"pie": answers(FAST)}) as server:
        backend = backend_for(server, "pie")
        generation = await backend.generate(Program(Path("p.cpp"), long_program), 1, lambda _: None)
    assert long_program.rstrip() in server.posts()[0].body["prompt"]
    (note,) = generation.notes
    assert note.startswith(f"program is {len(long_program):,} characters")
    assert "trained on programs up to 1,500" in note


# -- retries -------------------------------------------------------------------------------


async def test_429_is_retried_after_the_time_retry_after_asks_for() -> None:
    def flaky(seen: int, body: dict[str, Any]) -> Reply:
        if seen == 0:
            return Reply(429, {"error": {"message": "rate limited"}}, headers={"Retry-After": "1"})
        return Reply(body=completion([FAST]))

    with serving({"flaky": flaky}) as server:
        started = time.monotonic()
        generation, _ = await generate(backend_for(server, "flaky"))
        waited = time.monotonic() - started
    assert len(server.posts()) == 2
    assert waited >= 1.0  # Retry-After honoured, not the 0.5 s default backoff
    assert [c.source for c in generation.candidates] == [FAST]


async def test_5xx_is_retried_then_reported() -> None:
    def failing(seen: int, body: dict[str, Any]) -> Reply:
        return Reply(
            500, {"error": {"message": "CUDA out of memory"}}, headers={"Retry-After": "0"}
        )

    with serving({"down": failing}) as server, pytest.raises(ModelError) as caught:
        await generate(backend_for(server, "down", retries=2))
    assert len(server.posts()) == 3
    assert "HTTP 500: CUDA out of memory" in caught.value.message
    assert "after 2 retries" in caught.value.message
    assert "pie.model.openai.retries" in caught.value.hint


async def test_503_then_success_uses_exponential_backoff() -> None:
    def warming(seen: int, body: dict[str, Any]) -> Reply:
        return Reply(503, {"error": "loading"}) if seen < 2 else Reply(body=completion([FAST]))

    with serving({"warming": warming}) as server:
        started = time.monotonic()
        generation, _ = await generate(backend_for(server, "warming"))
        waited = time.monotonic() - started
    assert len(server.posts()) == 3 and len(generation.candidates) == 1
    assert waited >= 0.5 + 1.0  # 0.5 s, then 1 s


async def test_rate_limit_asking_for_too_long_a_wait_is_reported_at_once() -> None:
    def limited(seen: int, body: dict[str, Any]) -> Reply:
        return Reply(429, {"error": "quota"}, headers={"Retry-After": "3600"})

    with serving({"limited": limited}) as server, pytest.raises(ModelError) as caught:
        await generate(backend_for(server, "limited"))
    assert len(server.posts()) == 1
    assert "asks to wait 3600 s" in caught.value.message


# -- failures that stop the backend --------------------------------------------------------


async def test_connection_refused() -> None:
    server = FakeOpenAIServer({})
    url = server.url  # a port nothing listens on once closed
    server.stop()
    settings = Settings()
    settings.model.openai.url = url
    settings.model.openai.model = "any"
    with pytest.raises(ModelError) as caught:
        await OpenAIBackend.from_settings(settings).generate(program(), 1, lambda _: None)
    assert f"cannot connect to the model server at {url}" in caught.value.message
    assert "start the server" in caught.value.hint and "--model-url" in caught.value.hint


async def test_slow_reply_times_out_and_the_connection_is_dropped() -> None:
    def slow(seen: int, body: dict[str, Any]) -> Reply:
        return Reply(body=completion([FAST]), delay=10)

    with serving({"slow": slow}) as server:
        started = time.monotonic()
        with pytest.raises(ModelError) as caught:
            await generate(backend_for(server, "slow", timeout=0.5))
        assert time.monotonic() - started < 5
        assert await asyncio.to_thread(server.disconnected.wait, 5)
    assert "did not answer within 0.5 s" in caught.value.message
    assert "pie.model.openai.timeout" in caught.value.hint


async def test_cancelling_mid_request_closes_the_connection() -> None:
    def slow(seen: int, body: dict[str, Any]) -> Reply:
        return Reply(body=completion([FAST]), delay=30)

    with serving({"slow": slow}) as server:
        task = asyncio.ensure_future(generate(backend_for(server, "slow")))
        assert await asyncio.to_thread(server.delaying.wait, 10), "the request never arrived"
        assert not server.disconnected.is_set()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # the server, still holding the request, sees the client hang up
        assert await asyncio.to_thread(server.disconnected.wait, 5)


async def test_malformed_json_answer() -> None:
    def garbled(seen: int, body: dict[str, Any]) -> Reply:
        return Reply(raw=b'{"choices": [{"text": "int main() {}"')

    with serving({"garbled": garbled}) as server, pytest.raises(ModelError) as caught:
        await generate(backend_for(server, "garbled"))
    assert "malformed JSON" in caught.value.message and "choices" in caught.value.message


async def test_answer_without_choices() -> None:
    def odd(seen: int, body: dict[str, Any]) -> Reply:
        return Reply(body={"error": {"message": "context length exceeded"}})

    with (
        serving({"odd": odd}) as server,
        pytest.raises(ModelError, match="no choices: context length exceeded"),
    ):
        await generate(backend_for(server, "odd"))


async def test_401_without_a_key_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PIE_TEST_KEY", raising=False)
    with (
        serving({"pie": answers(FAST)}, api_key="secret") as server,
        pytest.raises(ModelError) as caught,
    ):
        await generate(backend_for(server, "pie", api_key_env="PIE_TEST_KEY"))
    assert "HTTP 401: Incorrect API key provided" in caught.value.message
    assert caught.value.hint == "set the environment variable PIE_TEST_KEY to your API key"


async def test_401_with_a_wrong_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIE_TEST_KEY", "wrong")
    with (
        serving({"pie": answers(FAST)}, api_key="secret") as server,
        pytest.raises(ModelError) as caught,
    ):
        await generate(backend_for(server, "pie", api_key_env="PIE_TEST_KEY"))
    assert "$PIE_TEST_KEY was not accepted" in caught.value.hint
    assert "wrong" not in str(caught.value)  # the key itself is never shown


async def test_404_unknown_model_lists_the_served_ones() -> None:
    with (
        serving({"pie-7b": answers(FAST), "codellama": answers(FAST)}) as server,
        pytest.raises(ModelError) as caught,
    ):
        await generate(backend_for(server, "pie-13b"))
    assert "does not serve model 'pie-13b' (it serves: pie-7b, codellama)" in caught.value.message
    assert "--model-name" in caught.value.hint


async def test_404_completions_on_a_chat_only_server_suggests_chat() -> None:
    with (
        serving({"instruct": answers(CHATTER)}, chat_only=["instruct"]) as server,
        pytest.raises(ModelError) as caught,
    ):
        await generate(backend_for(server, "instruct"))
    assert "serves 'instruct' but not /completions" in caught.value.message
    assert caught.value.hint == "set pie.model.openai.api = 'chat'"


async def test_url_without_v1_is_explained() -> None:
    with serving({"pie": answers(FAST)}) as server:
        backend = backend_for(server, "pie")
        backend.config.url = server.url.removesuffix("/v1")
        with pytest.raises(ModelError) as caught:
            await generate(backend)
    assert "/completions does not exist (HTTP 404" in caught.value.message
    assert "ending in /v1" in caught.value.hint


async def test_missing_model_name() -> None:
    with pytest.raises(ModelError) as caught:
        await generate(OpenAIBackend.from_settings(Settings()))
    assert "--model-name" in caught.value.hint


def test_config_digest_follows_what_changes_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    def digest(**changes: Any) -> str:
        settings = Settings()
        for dotted, value in changes.items():
            section, key = dotted.split("__")
            target = settings.model.prompt if section == "prompt" else settings.model.openai
            setattr(target, key, value)
        return OpenAIBackend.from_settings(settings).config_digest()

    base = digest()
    assert base == digest()
    for change in (
        {"openai__model": "other"},
        {"openai__url": "http://10.0.0.1:8000/v1"},
        {"openai__temperature": 0.2},
        {"prompt__template": "fewshot"},
        {"prompt__score": 9},
    ):
        assert digest(**change) != base, change
    monkeypatch.setenv("OPENAI_API_KEY", "sk-changed")
    assert digest(openai__headers={"X-Trace": "1"}) == base == digest()


# -- doctor --------------------------------------------------------------------------------


def doctor_settings(url: str, model: str) -> Settings:
    settings = Settings()
    settings.model.backend = "openai"
    settings.model.openai.url = url
    settings.model.openai.model = model
    return settings


def test_doctor_reports_a_served_model() -> None:
    with serving({"pie-7b": answers(FAST)}) as server:
        check = check_model(doctor_settings(server.url, "pie-7b"))
    assert check.ok and check.detail == f"{server.url} serves pie-7b (completions API)"
    assert [r.path for r in server.requests] == ["/v1/models"]


def test_doctor_reports_a_missing_model_and_a_dead_server() -> None:
    with serving({"pie-7b": answers(FAST)}) as server:
        check = check_model(doctor_settings(server.url, "pie-13b"))
    assert not check.ok and check.required
    assert "(it serves: pie-7b)" in check.detail and "pie.model.openai.model" in check.fix
    down = check_model(doctor_settings(server.url, "pie-7b"))  # stopped now
    assert not down.ok and "cannot connect" in down.detail and "start the server" in down.fix


def test_doctor_command_checks_the_model_the_flags_name(tmp_path: Path) -> None:
    with serving({"pie-7b": answers(FAST)}) as server:
        done = subprocess.run(
            [sys.executable, "-m", "pie_lsp", "doctor", "--model", "openai",
             "--model-url", server.url, "--model-name", "pie-7b",
             "--set", f"cache.dir={tmp_path / 'cache'}"],
            capture_output=True, text=True, timeout=300, check=False, cwd=tmp_path,
            env={**os.environ, "COLUMNS": "400"},
        )  # fmt: skip
    row = next(line for line in done.stdout.splitlines() if "model backend" in line)
    assert "model backend (openai)" in row and "ok" in row, done.stdout
    assert f"{server.url} serves pie-7b" in row
    assert str(tmp_path / "cache") in done.stdout  # --set reached the settings


# -- end to end ----------------------------------------------------------------------------


@pytest.mark.slow
def test_cli_optimize_with_openai_model_verifies_and_measures(tmp_path: Path) -> None:
    path = range_sum_tests(tmp_path / "ranges")
    with serving({"pie-hq-selfplay-7b": answers(*MIXED, finish=MIXED_FINISH)}) as server:
        done = subprocess.run(
            [sys.executable, "-m", "pie_lsp", "optimize", str(path), "--model", "openai",
             "--model-url", server.url, "--model-name", "pie-hq-selfplay-7b",
             "--samples", str(len(MIXED)), "--simulator", "estimate", "--json"],
            capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["status"] == "optimized", result
    assert result["model"] == "openai" and result["simulator"] == "estimate"
    assert result["best_origin"] == "openai:sample-0"
    assert result["speedup"] >= 1.1
    assert result["tests_passed"] == result["tests_total"] == 2
    assert result["optimized_source"] == FAST
    by_origin = {c["origin"]: c for c in result["candidates"]}
    assert by_origin["openai:sample-0"]["status"] == "faster"
    assert "does not compile" in by_origin["openai:sample-1"]["reason"]
    assert "prefx" in by_origin["openai:sample-1"]["reason"]
    assert by_origin["openai:sample-2"]["reason"].startswith("test 1: wrong output")
    assert by_origin["openai:sample-3"]["reason"] == "same text as openai:sample-0"
    assert by_origin["openai:sample-4"]["reason"] == "the code block is Python, not C++"
    assert "truncated" in by_origin["openai:sample-5"]["reason"]
    assert by_origin["openai:sample-6"]["reason"] == "empty completion"
    assert all(by_origin[f"openai:sample-{i}"]["status"] == "rejected" for i in range(1, 7))
    (request,) = server.posts()
    assert request.body["n"] == len(MIXED)
    assert path.read_text() == SLOW  # no --write: the file is untouched


def test_cli_reports_a_dead_server_as_an_error_result(tmp_path: Path) -> None:
    path = range_sum_tests(tmp_path / "ranges")
    server = FakeOpenAIServer({})
    url = server.url
    server.stop()
    done = subprocess.run(
        [sys.executable, "-m", "pie_lsp", "optimize", str(path), "--model", "openai",
         "--model-url", url, "--model-name", "x", "--json", "--no-cache"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    result = json.loads(done.stdout)
    assert result["status"] == "error"
    assert "cannot connect to the model server" in result["error"]
    assert "start the server" in result["hint"]
