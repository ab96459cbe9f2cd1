"""Prompts aimed at the hot code, end to end: the pipeline (real g++, sandbox, tests,
estimate, callgrind, addr2line) profiles the original and asks the `openai` backend over
real HTTP; the model is `FakeOpenAIServer`, a TEST DOUBLE (no LLM can run here). What is
checked is what the server received: the original's hottest function and lines."""

from __future__ import annotations

from pathlib import Path

from pie_lsp.pipeline import Pipeline, Step
from pie_lsp.profile import Profiler, hotspots_text
from pie_lsp.settings import Settings

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
