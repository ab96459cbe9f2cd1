"""The pipeline on real programs, with every way a candidate or the original goes wrong.

`ScriptedModel` is a TEST DOUBLE for a model backend: it returns fixed candidate programs
(the kind of broken, hostile or faster code a model might write). Everything after it -
g++, the sandbox, the tests, valgrind - is real.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path

import pytest
from attrs import evolve

from pie_lsp.cache import Cache
from pie_lsp.models.base import Candidate, Generation, ModelBackend, Progress
from pie_lsp.pipeline import OptimizeResult, Pipeline, Step
from pie_lsp.program import Program
from pie_lsp.sandbox import Sandbox
from pie_lsp.settings import Settings

from .conftest import DOUBLER, processes_in, wait_until, wait_until_gone, write_program

FAST_DOUBLER = DOUBLER.replace(
    "int main() {\n", "int main() {\n    ios::sync_with_stdio(false); cin.tie(nullptr);\n"
).replace("endl", "'\\n'")


class ScriptedModel(ModelBackend):
    """Test double for a model backend: proposes the programs it was given."""

    name = "scripted"

    def __init__(self, *sources: tuple[str, str]) -> None:
        self.sources = sources
        self.calls = 0

    def config_digest(self) -> str:
        return repr(self.sources)

    async def generate(self, program: Program, samples: int, progress: Progress) -> Generation:
        self.calls += 1
        return Generation([Candidate(origin, text, origin) for origin, text in self.sources])


def bigger_doubler_tests(folder: Path) -> Path:
    numbers = " ".join(str(i) for i in range(3000))
    doubled = "\n".join(str(2 * i) for i in range(3000)) + "\n"
    return write_program(folder, DOUBLER, {"1": ("1 2 3\n", "2\n4\n6\n"), "2": (numbers, doubled)})


async def optimize(
    settings: Settings, path: Path, model: ModelBackend, events: list[Step] | None = None
) -> OptimizeResult:
    pipeline = Pipeline(settings, backend=model)
    return await pipeline.optimize(
        pipeline.job_for(path), events.append if events is not None else lambda s: None
    )


async def test_faster_candidate_wins_and_bad_ones_are_rejected_with_reasons(
    tmp_path: Path, settings: Settings, private_scratch: Path
) -> None:
    path = bigger_doubler_tests(tmp_path)
    hostile = {
        "loops": DOUBLER.replace("return 0;", "for (;;) {}"),
        "crashes": DOUBLER.replace("return 0;", "volatile int* p = nullptr; return *p;"),
        "floods": DOUBLER.replace("return 0;", 'for (;;) cout << "spam spam spam";'),
        "forks": "#include <unistd.h>\n"
        + DOUBLER.replace("return 0;", "for (int i = 0; i < 100000; i++) fork(); return 0;"),
        "wrong": DOUBLER.replace("2 * x", "2 * x + (x == 3)"),
        # correct output, and an attempt to overwrite the user's file and drop one beside it
        "writes": "#include <fstream>\n"
        + DOUBLER.replace(
            "int main() {\n",
            "int main() {\n"
            f'    {{ std::ofstream f("{path}"); f << "pwned"; }}\n'
            f'    {{ std::ofstream g("{path.parent / "dropped.txt"}"); g << "x"; }}\n',
        ),
        "broken": DOUBLER.replace("return 0;", "return undefined_name;"),
    }
    model = ScriptedModel(("fast", FAST_DOUBLER), *hostile.items())
    settings.tests.output_limit_mb = 1
    events: list[Step] = []
    result = await optimize(settings, path, model, events)
    assert result.status == "optimized", result.error
    assert result.best_origin == "fast"
    assert result.speedup is not None and result.speedup > 1.5
    assert result.tests_passed == result.tests_total == 2
    assert result.optimized_source == FAST_DOUBLER
    assert "+    ios::sync_with_stdio(false); cin.tie(nullptr);" in result.diff
    reasons = {c.origin: (c.status, c.reason) for c in result.candidates}
    assert reasons["loops"][0] == "rejected" and "timed out" in reasons["loops"][1]
    assert "crashed" in reasons["crashes"][1]
    assert "printed more than 1 MiB" in reasons["floods"][1]
    assert reasons["forks"][0] == "rejected"
    assert "wrong output, line 3: expected '6', got '7'" in reasons["wrong"][1]
    assert "does not compile" in reasons["broken"][1]
    assert {e.stage for e in events} >= {"build", "verify", "generate", "measure", "done"}
    await wait_until_gone(str(private_scratch))  # no looping or forked candidate left
    assert path.read_text() == DOUBLER  # the user's file is never touched
    assert not (path.parent / "dropped.txt").exists()  # nor its folder, by a candidate


async def test_repeat_run_is_served_from_cache(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = bigger_doubler_tests(tmp_path)
    first = await optimize(settings, path, ScriptedModel(("fast", FAST_DOUBLER)))
    assert first.status == "optimized" and not first.cached
    runs: list[object] = []
    original_run = Sandbox.run

    async def counting_run(self: Sandbox, *args: object, **kwargs: object) -> object:
        runs.append(args)
        return await original_run(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Sandbox, "run", counting_run)
    model = ScriptedModel(("fast", FAST_DOUBLER))
    second = await optimize(settings, path, model)
    assert second.cached and second.speedup == first.speedup
    assert runs == [] and model.calls == 0  # no compile, test, simulation or model call


async def test_same_machine_code_is_not_measured(tmp_path: Path, settings: Settings) -> None:
    path = bigger_doubler_tests(tmp_path)
    same = DOUBLER.replace("long long x;", "long long x;  // a comment changes nothing")
    result = await optimize(settings, path, ScriptedModel(("comment", same)))
    assert result.status == "not-optimized"
    (only,) = result.candidates
    assert only.speedup == 1.0 and "same machine code" in only.reason


async def test_original_that_does_not_compile(tmp_path: Path, settings: Settings) -> None:
    path = write_program(tmp_path, "int main() { return y; }\n", {"1": ("", "")})
    result = await optimize(settings, path, ScriptedModel())
    assert result.status == "error"
    assert result.error is not None and "prog.cpp does not compile" in result.error
    assert "'y' was not declared" in result.error


async def test_original_that_fails_its_tests(tmp_path: Path, settings: Settings) -> None:
    path = write_program(tmp_path, DOUBLER, {"1": ("1\n", "2\n"), "2": ("2\n", "5\n")})
    result = await optimize(settings, path, ScriptedModel(("fast", FAST_DOUBLER)))
    assert result.status == "error"
    assert result.error is not None
    assert "fails its own test 2" in result.error and "expected '5', got '4'" in result.error
    assert "fix the program or the expected output" in result.hint


async def test_original_that_times_out(tmp_path: Path, settings: Settings) -> None:
    path = write_program(tmp_path, "int main() { for (;;) {} }\n", {"1": ("", "")})
    settings.tests.timeout = 1.0
    result = await optimize(settings, path, ScriptedModel())
    assert result.error is not None and "timed out after 1 s" in result.error


async def test_cancelling_kills_every_child(
    tmp_path: Path, settings: Settings, private_scratch: Path
) -> None:
    marker = "pie_cancel_marker_program"
    path = bigger_doubler_tests(tmp_path)
    slow = DOUBLER.replace("return 0;", "for (;;) {}")
    settings.tests.timeout = 60
    settings.cache.enabled = False
    events: list[Step] = []
    task = asyncio.ensure_future(
        optimize(settings, path, ScriptedModel((marker, slow), (marker + "2", slow)), events)
    )

    def candidates_run() -> bool:  # a candidate's own test run, in this test's scratch
        verifying = any(e.stage == "verify" and "Verifying" in e.message for e in events)
        running = [c for _, c in processes_in(private_scratch) if c.startswith("./prog")]
        return verifying and bool(running)

    await wait_until(candidates_run, 60, "the candidates' test runs to start")
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await wait_until_gone(str(private_scratch))  # they loop forever unless killed


def test_result_key_follows_the_measurers_config_digest(tmp_path: Path, settings: Settings) -> None:
    """The key is built from the components' config_digest()s: refitted estimate costs
    make a new key (the old result priced with the old costs is not reused), the same
    costs the same key."""
    path = bigger_doubler_tests(tmp_path)
    first = Pipeline(settings, backend=ScriptedModel())
    job = first.job_for(path)
    assert Pipeline(settings, backend=ScriptedModel()).result_key(job) == first.result_key(job)
    machine = json.loads(json.dumps(first.measurer.machine))  # type: ignore[attr-defined]
    machine["estimate"]["costs"]["micro_ops"] *= 2  # a refit that changed one price
    params = tmp_path / "machine.json"
    params.write_text(json.dumps(machine))
    settings.simulator.estimate.params = str(params)
    refit = Pipeline(settings, backend=ScriptedModel())
    assert refit.measurer.config_digest() != first.measurer.config_digest()
    assert refit.result_key(job) != first.result_key(job)
    # the builder's digest: other flags build other binaries, so another result
    other = evolve(settings, build=evolve(settings.build, flags=["-O2", "-std=c++17"]))
    rebuilt = Pipeline(other, backend=ScriptedModel())
    assert rebuilt.builder.config_digest() != refit.builder.config_digest()
    assert rebuilt.result_key(job) != refit.result_key(job)


class ClosingModel(ScriptedModel):
    """Test double for a model backend that records being closed."""

    closed = 0

    async def aclose(self) -> None:
        self.closed += 1


async def test_async_with_closes_backend_and_cache_also_on_error(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed: list[Cache] = []
    real_close = Cache.close

    def recording_close(self: Cache) -> None:
        closed.append(self)
        real_close(self)

    monkeypatch.setattr(Cache, "close", recording_close)
    for fails in (False, True):
        model = ClosingModel()
        with pytest.raises(ValueError) if fails else contextlib.nullcontext():
            async with Pipeline(settings, backend=model) as pipeline:
                if fails:
                    raise ValueError("the job failed")
        assert model.closed == 1
        assert closed[-1] is pipeline.cache
    assert len(closed) == 2
