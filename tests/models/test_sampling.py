"""The completion loop the sampling backends share (`pie_lsp.models.sampling`).

`Scripted` below is a test double of an LLM backend: its completions are given by the
test instead of sampled from a model; everything after the completions is the real code.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

import pytest

from pie_lsp.errors import ModelError
from pie_lsp.models.base import Progress
from pie_lsp.models.prompts import Prompt, build_prompt
from pie_lsp.models.sampling import (
    Completion,
    Sampled,
    SamplingBackend,
    generation_from,
    sample_each,
)
from pie_lsp.program import Program
from pie_lsp.settings import Settings

from ..conftest import DOUBLER

PROGRAM = '#include <cstdio>\nint main() { std::puts("hi"); }\n'


def test_each_completion_becomes_a_numbered_candidate_or_a_rejection_with_its_reason() -> None:
    completions = [
        Completion(f"```cpp\n{PROGRAM}```\n", "stop"),
        Completion("I cannot help with that.", "stop"),
        Completion("#include <cstdio>\nint main() {\n  for (;;) {", "length"),
        Completion(PROGRAM, None),
    ]
    generation = generation_from(
        completions, backend="llm", source="tiny", limit_hint=": raise x.max", notes=["n1"]
    )
    assert [(c.origin, c.source, c.description) for c in generation.candidates] == [
        ("llm:sample-0", PROGRAM, "sample 0 from tiny"),
        ("llm:sample-3", PROGRAM, "sample 3 from tiny"),
    ]
    assert [r.origin for r in generation.rejected] == ["llm:sample-1", "llm:sample-2"]
    assert "no main()" in generation.rejected[0].reason
    # stopped at the token limit: the parser says so and names the setting to raise
    assert generation.rejected[1].reason.startswith("truncated")
    assert generation.rejected[1].reason.endswith(
        "(the model stopped at its token limit: raise x.max)"
    )
    assert generation.notes == ["n1"]


def test_the_same_cut_off_text_not_at_the_limit_gets_no_limit_hint() -> None:
    cut = Completion("#include <cstdio>\nint main() {\n  for (;;) {", "stop")
    generation = generation_from([cut], backend="llm", source="tiny", limit_hint=": raise x")
    assert "raise x" not in generation.rejected[0].reason


async def test_calls_run_one_after_another_by_default_and_keep_their_order() -> None:
    running: list[int] = []
    overlapped = False

    async def one(index: int) -> list[Completion]:
        nonlocal overlapped
        overlapped = overlapped or bool(running)
        running.append(index)
        await asyncio.sleep(0)  # let any other call start
        running.remove(index)
        return [Completion(f"text {index}", "stop")]

    sampled = await sample_each(one, 4)
    assert not overlapped
    assert [c.text for c in sampled.completions] == [f"text {i}" for i in range(4)]
    assert sampled.notes == []


async def test_parallel_calls_are_capped_and_results_come_back_in_call_order() -> None:
    started: list[int] = []
    release = asyncio.Event()
    most = 0
    running = 0

    async def one(index: int) -> list[Completion]:
        nonlocal most, running
        started.append(index)
        running += 1
        most = max(most, running)
        if len(started) == 3:
            release.set()
        await release.wait()
        # finish in reverse order of starting
        for _ in range(10 - index):
            await asyncio.sleep(0)
        running -= 1
        return [Completion(f"text {index}", "stop")]

    sampled = await sample_each(one, 7, parallel=3, got=[Completion("first", "stop")])
    assert most == 3
    assert sorted(started) == list(range(7))
    assert [c.text for c in sampled.completions] == ["first"] + [f"text {i}" for i in range(7)]


async def test_failed_calls_are_noted_when_others_succeed() -> None:
    async def one(index: int) -> list[Completion]:
        if index % 2:
            raise ModelError(f"request {index} failed", hint="retry")
        return [Completion(f"text {index}", "stop")]

    sampled = await sample_each(one, 4, parallel=4, got=[Completion("from n", "stop")])
    assert [c.text for c in sampled.completions] == ["from n", "text 0", "text 2"]
    # 2 of the 5 samples asked for in all; the first failure (in call order) is shown
    assert sampled.notes == [
        f"2 of 5 requests failed: {ModelError('request 1 failed', hint='retry')}"
    ]


async def test_one_earlier_completion_is_enough_not_to_raise() -> None:
    async def one(index: int) -> list[Completion]:
        raise ModelError("down", hint="start it")

    sampled = await sample_each(one, 2, got=[Completion("from n", "stop")])
    assert [c.text for c in sampled.completions] == ["from n"]
    assert sampled.notes == [f"2 of 3 requests failed: {ModelError('down', hint='start it')}"]


async def test_every_call_failing_raises_the_first_error() -> None:
    async def one(index: int) -> list[Completion]:
        raise ModelError(f"failure {index}", hint="fix it")

    with pytest.raises(ModelError, match="failure 0"):
        await sample_each(one, 3, parallel=3)


async def test_a_bug_in_one_call_cancels_the_others_and_is_raised_as_it_is() -> None:
    cancelled: list[int] = []

    async def one(index: int) -> list[Completion]:
        if index == 1:
            raise KeyError("bug")
        try:
            await asyncio.Event().wait()  # never set: only cancellation ends it
        except asyncio.CancelledError:
            cancelled.append(index)
            raise
        return []

    with pytest.raises(KeyError, match="bug"):
        await sample_each(one, 3, parallel=3)
    assert sorted(cancelled) == [0, 2]


async def test_cancelling_the_loop_cancels_its_calls() -> None:
    started = asyncio.Event()
    cancelled: list[int] = []

    async def one(index: int) -> list[Completion]:
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.append(index)
            raise
        return []

    task = asyncio.ensure_future(sample_each(one, 4, parallel=2))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert sorted(cancelled) == [0, 1]  # the two running; the other two never started


class Scripted(SamplingBackend):
    """Test double of an LLM backend: completions are given, not sampled."""

    name = "scripted"
    limit_hint = ": raise scripted.max"

    def __init__(self, texts: Sequence[Completion], notes: Sequence[str] = ()) -> None:
        self.settings = Settings()
        self.texts = list(texts)
        self.notes = list(notes)
        self.asked: list[tuple[str, int]] = []

    def config_digest(self) -> str:
        return "scripted"

    @property
    def source(self) -> str:
        return "a script"

    def prompt_for(self, program: Program) -> Prompt:
        return build_prompt(program.text, self.settings.model.prompt, "completions", "")

    async def sample(self, prompt: Prompt, samples: int, progress: Progress) -> Sampled:
        self.asked.append((prompt.text, samples))
        progress(f"{samples} samples")
        return Sampled(self.texts[:samples], self.notes)


async def test_generate_asks_for_k_samples_of_the_prompt_and_returns_what_they_hold() -> None:
    backend = Scripted(
        [Completion(PROGRAM, "stop"), Completion("", "length"), Completion(PROGRAM, "stop")],
        notes=["one request failed"],
    )
    said: list[str] = []
    program = Program.from_text(Path("doubler.cpp"), DOUBLER)
    generation = await backend.generate(program, 2, said.append)
    [(prompt, samples)] = backend.asked
    assert DOUBLER.strip() in prompt and samples == 2
    assert said == ["2 samples"]
    assert [c.origin for c in generation.candidates] == ["scripted:sample-0"]
    assert generation.candidates[0].description == "sample 0 from a script"
    assert [(r.origin, r.reason) for r in generation.rejected] == [
        ("scripted:sample-1", "empty completion")
    ]
    # the prompt's notes, then the sampling's
    assert generation.notes[-1] == "one request failed"
