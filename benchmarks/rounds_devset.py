"""Benchmark: what rounds with execution feedback change, with a scripted model.

No real LLM runs here, so the model is a TEST DOUBLE (tests/models/fake_openai_server.py,
real HTTP on loopback): a "noisy oracle" that knows each development-set program's
hand-written fast.cpp but, in round 1, answers with a broken copy of it for two programs in
three (chosen by a hash of the program's name, not by looking at the program): a compile
error (its last `;` dropped) or a wrong answer (a stray line printed before main). Shown
feedback (a later round), it answers fast.cpp itself. Its answers do not depend on how
pie-lsp builds the feedback beyond "was there feedback", so nothing can be tuned to it;
what the figures show is that the mechanism works end to end (feedback reaches the model,
fixed answers are verified and measured, the search stops as soon as a round brings
nothing better) and what it costs (model calls, tokens, wall time).

For each `model.rounds` in --rounds (default 1 2 3), every program of the chosen subset of
benchmarks/devset is optimized cold (its own fresh cache per configuration) with the
`openai` backend, 2 samples a round, the Skylake estimate, derived inputs off. Reported:
% optimized (≥ 1.10×), PIE's floored mean speedup, model calls and tokens per program,
rounds run per program, median wall time per program.

Usage: python benchmarks/rounds_devset.py [--every 4] [--rounds 1 2 3] [--markdown FILE]
Nothing is asserted; the table is for docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))  # the test double lives in tests/

from pie_lsp.pipeline import OptimizeResult, Pipeline  # noqa: E402
from pie_lsp.settings import Settings  # noqa: E402
from tests.models.fake_openai_server import (  # noqa: E402
    Reply,
    asked,
    completion,
    conversation,
    serving,
    tokens,
)

DEVSET = ROOT / "devset"
STRAY = 'static struct StrayLine { StrayLine() { __builtin_printf("0\\n"); } } stray_line;\n'


def broken(name: str, fast: str) -> str:
    """Round 1's answer for program `name`: fast.cpp, broken for two programs in three."""
    kind = int(hashlib.sha256(name.encode()).hexdigest(), 16) % 3
    if kind == 0:  # a compile error: the last `;` dropped
        at = fast.rfind(";")
        return fast[:at] + fast[at + 1 :]
    if kind == 1:  # a wrong answer: a line printed before main's output
        at = fast.find("int main")
        return fast[:at] + STRAY + fast[at:]
    return fast


class NoisyOracle:
    """The scripted model (a TEST DOUBLE): see the module docstring."""

    def __init__(self, programs: dict[str, tuple[str, str]]) -> None:
        self.programs = programs  # name -> (slow, fast)

    def __call__(self, seen: int, body: dict[str, Any]) -> Reply:
        question = asked(body)
        text = conversation(body)
        name = next(n for n, (slow, _) in self.programs.items() if slow.rstrip() in text)
        fast = self.programs[name][1]
        answer = fast if "What happened" in question or "I compiled it" in question else None
        if answer is None:
            answer = broken(name, fast)
        n = int(body.get("n", 1))
        data = completion([answer] * n)
        used = tokens(text) + n * tokens(answer)
        data["usage"] = {"total_tokens": used}
        return Reply(body=data)


async def run_config(url: str, folders: list[Path], rounds: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as cache_dir:
        settings = Settings()
        settings.cache.dir = cache_dir
        settings.simulator.backend = "estimate"
        settings.tests.derived = 0
        settings.model.backend = "openai"
        settings.model.samples = 2
        settings.model.rounds = rounds
        settings.model.openai.url = url
        settings.model.openai.model = "noisy-oracle"
        async with Pipeline(settings) as pipeline:
            for folder in folders:
                started = time.perf_counter()
                job = pipeline.job_for(folder / "slow.cpp", tests=folder / "tests")
                result: OptimizeResult = await pipeline.optimize(job)
                rows.append(
                    {
                        "program": folder.name,
                        "rounds": rounds,
                        "status": result.status,
                        "speedup": result.speedup,
                        "best": result.best_origin,
                        "rounds_run": result.rounds,
                        "model_calls": result.model_calls,
                        "tokens": result.tokens,
                        "seconds": time.perf_counter() - started,
                        "error": result.error,
                    }
                )
                print(
                    f"rounds={rounds} {folder.name}: {result.status} "
                    f"{result.speedup or 0:.2f}× rounds_run={result.rounds} "
                    f"calls={result.model_calls} ({rows[-1]['seconds']:.1f} s)",
                    flush=True,
                )
    return rows


def table(rows: list[dict[str, Any]], configs: list[int], count: int) -> str:
    lines = [
        "| `model.rounds` | % optimized | floored mean speedup | model calls / program "
        "| tokens / program | rounds run / program | median s / program |",
        "|---|---|---|---|---|---|---|",
    ]
    for rounds in configs:
        mine = [r for r in rows if r["rounds"] == rounds]
        optimized = [r for r in mine if r["status"] == "optimized"]
        floored = statistics.mean(
            (r["speedup"] or 1.0) if r["status"] == "optimized" else 1.0 for r in mine
        )
        lines.append(
            f"| {rounds} | {100 * len(optimized) / count:.0f}% ({len(optimized)}/{count}) "
            f"| {floored:.2f}× | {statistics.mean(r['model_calls'] for r in mine):.2f} "
            f"| {statistics.mean(r['tokens'] for r in mine):,.0f} "
            f"| {statistics.mean(r['rounds_run'] for r in mine):.2f} "
            f"| {statistics.median(r['seconds'] for r in mine):.1f} |"
        )
    return "\n".join(lines)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--every", type=int, default=4, help="every Nth program of the set")
    parser.add_argument("--rounds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--markdown", type=Path)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    folders = sorted(p for p in DEVSET.iterdir() if (p / "slow.cpp").is_file())[:: args.every]
    programs = {
        f.name: ((f / "slow.cpp").read_text(), (f / "fast.cpp").read_text()) for f in folders
    }
    rows: list[dict[str, Any]] = []
    with serving({"noisy-oracle": NoisyOracle(programs)}) as server:
        for rounds in args.rounds:
            rows += await run_config(server.url, folders, rounds)
    kinds = {0: "compile error", 1: "wrong answer", 2: "correct"}
    first = {
        f.name: kinds[int(hashlib.sha256(f.name.encode()).hexdigest(), 16) % 3] for f in folders
    }
    text = table(rows, args.rounds, len(folders))
    text += "\n\nRound 1's answer per program: " + ", ".join(
        f"{name} {kind}" for name, kind in first.items()
    )
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
