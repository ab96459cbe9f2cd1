"""One version measured against another on the same tests: real g++, tests and the
estimate. A current version failing a test is compared on the tests it passes; a baseline
failing one is an error naming the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from pie_lsp.errors import OriginalFailsTests
from pie_lsp.pipeline import Pipeline
from pie_lsp.program import Program
from pie_lsp.settings import Settings

from ..conftest import DOUBLER, write_program

SLOWER = DOUBLER.replace(
    "int main() {\n", "int main() {\n    for (volatile int i = 0; i < 3000000; i++) {}\n"
)


async def test_check_speedup_compares_on_the_tests_the_current_version_passes(
    tmp_path: Path, settings: Settings
) -> None:
    numbers = " ".join(str(i) for i in range(50))
    path = write_program(
        tmp_path,
        DOUBLER,
        {
            "1": ("100 2\n", "200\n4\n"),
            "2": (numbers, "\n".join(str(2 * i) for i in range(50)) + "\n"),
        },
    )
    async with Pipeline(settings) as pipeline:
        job = pipeline.job_for(path)
        result = await pipeline.check_speedup(job, Program(path, SLOWER), "slower")
        assert result.speedup > 1.5 and result.tests_passed == result.tests_total == 2
        assert result.label().startswith(f"{result.speedup:.2f}× faster than slower")
        wrong = pipeline.job_for(path, DOUBLER.replace("2 * x", "2 * x + (x == 100)"))
        partial = await pipeline.check_speedup(wrong, Program(path, DOUBLER), "HEAD")
        assert partial.tests_passed == 1 and partial.failures[0].startswith("test 1:")
        with pytest.raises(OriginalFailsTests, match="the HEAD version fails test 1"):
            await pipeline.check_speedup(job, Program(path, wrong.program.text), "HEAD")
