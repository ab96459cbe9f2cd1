"""A backend that needs nothing of the original's runs (`starts_early`, as the rules
backend) generates while the original is built and tested; others after.

`Recorder` is a TEST DOUBLE for a model backend: it proposes nothing and records when it
was asked. The builds and tests around it are real.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from pie_lsp.build import Binary
from pie_lsp.models.base import Generation, ModelBackend, Progress
from pie_lsp.pipeline import Pipeline
from pie_lsp.program import Program
from pie_lsp.settings import Settings

from ..conftest import DOUBLER, write_program


class Recorder(ModelBackend):
    """Test double for a model backend: records its call among `events`; with `block`,
    waits (for ever) until cancelled."""

    name = "recorder"

    def __init__(self, events: list[str], *, early: bool, block: bool = False) -> None:
        self.events = events
        self.starts_early = early  # type: ignore[misc]
        self.block = block

    def config_digest(self) -> str:
        return "recorder"

    async def generate(self, program: Program, samples: int, progress: Progress) -> Generation:
        self.events.append("generate")
        if self.block:
            try:
                await asyncio.Event().wait()
            except asyncio.CancelledError:
                self.events.append("generation cancelled")
                raise
        return Generation()


async def _run(settings: Settings, path: Path, backend: Recorder, events: list[str]) -> str:
    pipeline = Pipeline(settings, backend=backend)
    real = pipeline.builder.build

    async def build(source: str, **options: str | None) -> Binary:
        binary = await real(source, **options)  # type: ignore[arg-type]
        events.append("original built")
        return binary

    pipeline.builder.build = build  # type: ignore[method-assign]
    result = await pipeline.optimize(pipeline.job_for(path))
    return result.status


async def test_an_early_backend_generates_while_the_original_builds(
    tmp_path: Path, settings: Settings
) -> None:
    path = write_program(tmp_path, DOUBLER, {"1": ("1 2\n", "2\n4\n")})
    events: list[str] = []
    assert await _run(settings, path, Recorder(events, early=True), events) == "not-optimized"
    assert events == ["generate", "original built"]


async def test_other_backends_generate_after_the_original_passes(
    tmp_path: Path, settings: Settings
) -> None:
    path = write_program(tmp_path, DOUBLER, {"1": ("1 2\n", "2\n4\n")})
    events: list[str] = []
    assert await _run(settings, path, Recorder(events, early=False), events) == "not-optimized"
    assert events == ["original built", "generate"]


async def test_early_generation_is_cancelled_when_the_original_fails(
    tmp_path: Path, settings: Settings
) -> None:
    path = write_program(tmp_path, DOUBLER, {"1": ("1\n", "3\n")})  # the original prints 2
    events: list[str] = []
    backend = Recorder(events, early=True, block=True)
    assert await _run(settings, path, backend, events) == "error"
    for _ in range(100):  # the cancellation reaches the task on a later turn of the loop
        if "generation cancelled" in events:
            break
        await asyncio.sleep(0)
    assert events == ["generate", "original built", "generation cancelled"]
