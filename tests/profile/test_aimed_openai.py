"""Prompts aimed at the hot code, end to end: the pipeline (real g++, sandbox, tests,
estimate, callgrind, addr2line) profiles the original and asks the `openai` backend over
real HTTP; the model is `FakeOpenAIServer`, a TEST DOUBLE (no LLM can run here). What is
checked is what the server received (the original's hottest function and lines; for a long
program, that function alone) and, for a long program, that the function it answers with is
put back in place and the whole program verified and measured."""

from __future__ import annotations

import random
from pathlib import Path

from pie_lsp.models.focus import focus_on
from pie_lsp.pipeline import Pipeline, Step
from pie_lsp.profile import Profiler, hotspots_text
from pie_lsp.settings import Settings

from ..conftest import write_program
from ..models.fake_openai_server import answers, asked, serving
from ..models.test_openai import FAST, SLOW, range_sum_tests


def settings_for(url: str, tmp: Path, **prompt: object) -> Settings:
    settings = Settings()
    settings.cache.dir = str(tmp / "cache")
    settings.simulator.backend = "estimate"
    settings.tests.derived = 0  # keeps verification short
    settings.model.backend = "openai"
    settings.model.samples = 1
    settings.model.openai.url = url
    settings.model.openai.model = "aimer"
    settings.model.openai.api = "chat"
    for key, value in prompt.items():
        setattr(settings.model.prompt, key, value)
    return settings


async def optimize(settings: Settings, path: Path, profile: bool) -> tuple[str, list[str]]:
    """Optimize; the hotspots text of the original's profile when `profile` (computed again
    after the run, from the counts the run cached), and the progress messages."""
    steps: list[Step] = []
    async with Pipeline(settings) as pipeline:
        job = pipeline.job_for(path)
        result = await pipeline.optimize(job, steps.append)
        assert not [n for n in result.notes if "hot lines" in n], result.notes
        if not profile:
            return "", [s.message for s in steps]
        again = await Profiler.for_pipeline(pipeline).profile(job.program, job.suite)
    assert again.cached  # the run profiled the original; this only read its counts
    return hotspots_text(again, SLOW), [s.message for s in steps]


async def test_a_hotspots_template_sends_the_hot_function_and_lines(tmp_path: Path) -> None:
    template = tmp_path / "aimed.txt"
    template.write_text("Make this faster.\n{hotspots}```cpp\n{program}\n```\n")
    path = range_sum_tests(tmp_path / "ranges")
    with serving({"aimer": answers(f"```cpp\n{FAST}```")}) as server:
        settings = settings_for(server.url, tmp_path, template=str(template))
        hotspots, said = await optimize(settings, path, profile=True)
        (request,) = server.posts("aimer")
    sent = asked(request.body)
    assert any(m.startswith("Profiling the original for the prompt") for m in said), said
    assert hotspots.startswith("Most of its run time (")
    assert "is in main; the hottest lines:\n- line " in hotspots
    # byte for byte what the template makes of them, profile and all
    assert sent == "Make this faster.\n" + hotspots + "```cpp\n" + SLOW.rstrip() + "\n```\n"


async def test_the_setting_puts_them_before_a_template_without_the_placeholder(
    tmp_path: Path,
) -> None:
    path = range_sum_tests(tmp_path / "ranges")
    with serving({"aimer": answers(f"```cpp\n{FAST}```")}) as server:
        settings = settings_for(server.url, tmp_path, hotspots=True, few_shot=0)
        hotspots, _ = await optimize(settings, path, profile=True)
        (request,) = server.posts("aimer")
    sent = asked(request.body)
    assert sent.startswith(f"About the program below. {hotspots}\nOptimize the following C++")
    # every line it names is the original's, with its code
    for row in hotspots.splitlines()[1:]:
        number, code = row.removeprefix("- line ").split(" ", 1)
        assert SLOW.splitlines()[int(number) - 1].strip() == code.split(": ", 1)[1]


async def test_without_either_no_profile_is_taken_and_the_prompt_is_unchanged(
    tmp_path: Path,
) -> None:
    path = range_sum_tests(tmp_path / "ranges")
    with serving({"aimer": answers(f"```cpp\n{FAST}```")}) as server:
        settings = settings_for(server.url, tmp_path, few_shot=0)
        _, said = await optimize(settings, path, profile=False)
        (request,) = server.posts("aimer")
    assert asked(request.body).startswith("Optimize the following C++ program")
    assert not any("Profiling" in m for m in said), said
    assert "hottest lines" not in asked(request.body)


# A long program whose time goes into one function (counting pairs in O(n²)): with
# focus_lines below its length, only that function is sent, and the model's function is
# put back in its place.
SLOW_PAIRS = """long long count_pairs(const std::vector<int>& a, int k) {
    long long pairs = 0;
    for (size_t i = 0; i < a.size(); i++)
        for (size_t j = i + 1; j < a.size(); j++)
            if (a[i] + a[j] == k) pairs++;
    return pairs;
}"""
FAST_PAIRS = """long long count_pairs(const std::vector<int>& a, int k) {
    std::vector<long long> seen(2001, 0);
    long long pairs = 0;
    for (int x : a) {
        int want = k - x;
        if (want >= 0 && want <= 2000) pairs += seen[want];
        seen[x]++;
    }
    return pairs;
}"""
LONG = f"""#include <cstdio>
#include <vector>

// Reads n values (0..1000) and a target k, prints how many pairs i < j sum to k.
static std::vector<int> read_values(int n) {{
    std::vector<int> a(n);
    for (int i = 0; i < n; i++) {{
        if (scanf("%d", &a[i]) != 1) a[i] = 0;
    }}
    return a;
}}

{SLOW_PAIRS}

int main() {{
    int n, k;
    if (scanf("%d %d", &n, &k) != 2) return 1;
    std::vector<int> a = read_values(n);
    printf("%lld\\n", count_pairs(a, k));
    return 0;
}}
"""


def pairs_tests(folder: Path) -> Path:
    rng = random.Random(17)
    cases = {}
    for key, n in {"1": 6, "2": 2500}.items():
        values = [rng.randint(0, 1000) for _ in range(n)]
        k = rng.randint(0, 2000)
        expected = sum(1 for i in range(n) for j in range(i + 1, n) if values[i] + values[j] == k)
        cases[key] = (f"{n} {k}\n{' '.join(map(str, values))}\n", f"{expected}\n")
    return write_program(folder, LONG, cases)


async def test_a_long_program_sends_only_its_hot_function_and_merges_the_answer(
    tmp_path: Path,
) -> None:
    path = pairs_tests(tmp_path / "pairs")
    answer = f"Count with a table of values seen so far:\n```cpp\n{FAST_PAIRS}\n```\n"
    with serving({"aimer": answers(answer)}) as server:
        settings = settings_for(server.url, tmp_path, focus_lines=10, few_shot=0)
        async with Pipeline(settings) as pipeline:
            result = await pipeline.optimize(pipeline.job_for(path), lambda _: None)
        (request,) = server.posts("aimer")
    sent = asked(request.body)
    assert sent.startswith("Below is only the function count_pairs of a longer program")
    assert f"```cpp\n{SLOW_PAIRS}\n```" in sent
    assert "int main" not in sent and "read_values" not in sent
    assert any("shown only count_pairs" in note for note in result.notes), result.notes
    # the function back in place, the whole program verified and measured
    assert result.status == "optimized", result
    assert result.best_origin == "openai:sample-0"
    assert result.optimized_source == LONG.replace(SLOW_PAIRS, FAST_PAIRS)
    assert result.speedup is not None and result.speedup > 1.5


def test_focus_takes_a_whole_program_as_it_is_and_never_main() -> None:
    focus = focus_on(LONG, "count_pairs", LONG.splitlines().index(SLOW_PAIRS.splitlines()[0]) + 1)
    assert focus is not None and focus.function == SLOW_PAIRS
    assert focus.merge(f"```cpp\n{FAST_PAIRS}\n```") == LONG.replace(SLOW_PAIRS, FAST_PAIRS)
    whole = f"```cpp\n{LONG}```"
    assert focus.merge(whole) == whole  # a main: the model rewrote the whole program
    assert focus_on(LONG, "main", 16) is None
    assert focus_on(LONG, "count_pairs", 3) is None  # no such definition on that line
