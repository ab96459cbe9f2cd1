"""Running a profile: build plain and `-g`, check they are the same code, estimate, run
callgrind and addr2line per test (raw counts cached), attribute and price."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from attrs import evolve

from pie_lsp.build import Binary, Builder, build_flags
from pie_lsp.cache import digest
from pie_lsp.errors import OriginalFailsTests, PieError, ToolMissing
from pie_lsp.measure import MeasureFailed, Measurement, blocks, divisions
from pie_lsp.measure.estimate import EstimateMeasurer
from pie_lsp.profile.attribution import attribute
from pie_lsp.profile.counts import _IR, Vector, parse_addr2line, parse_callgrind, same_code
from pie_lsp.profile.pricing import Profile, definition_line, price
from pie_lsp.program import Program
from pie_lsp.sandbox import Limits
from pie_lsp.tasks import task_group
from pie_lsp.verify import TestCase, TestSuite, Verifier

# Part of every profile cache key: bump when the attribution changes.
PROFILE_VERSION = 5


# -- running it -------------------------------------------------------------------------------


def debug_flags(flags: Sequence[str]) -> list[str]:
    """The build's flags with debug line info (same optimisation: the same code). DWARF 4:
    binutils 2.40's addr2line reads some DWARF 5 line tables with the wrong file (a cloned
    std::_Rb_tree function from stl_tree.h:1929 came out as prog.cpp:1929)."""
    return [*(f for f in flags if not f.startswith("-g")), "-g", "-gdwarf-4"]


class Profiler:
    """Profiles programs with a pipeline's builder, sandbox, cache and slots."""

    def __init__(
        self,
        builder: Builder,
        measurer: EstimateMeasurer,
        verifier: Verifier | None = None,
        limits: Limits | None = None,
    ) -> None:
        self.builder = builder
        self.verifier, self.limits = verifier, limits
        self.debug_builder = Builder(
            evolve(builder.settings, flags=debug_flags(builder.settings.flags)),
            builder.sandbox,
            builder.cache,
        )
        self.measurer = measurer

    @classmethod
    def for_pipeline(cls, pipeline: Any) -> Profiler:
        """The pipeline's own estimate when it measures with it, else a new one beside it."""
        measurer = pipeline.measurer
        if not isinstance(measurer, EstimateMeasurer):
            measurer = EstimateMeasurer.from_settings(
                pipeline.settings, pipeline.sandbox, pipeline.cache, pipeline.slots
            )
        return cls(pipeline.builder, measurer, pipeline.verifier, pipeline.test_limits())

    def key(self, program: Program, plain: Binary, case: TestCase) -> str:
        return f"profile{PROFILE_VERSION}:" + digest(
            self.measurer.counts_digest(),
            plain.sha256,
            program.text,  # line numbers: a comment changes them, not the code
            json.dumps(build_flags(self.debug_builder.settings)),
            case.input_bytes,
        )

    async def profile(self, program: Program, suite: TestSuite) -> Profile:
        """Build the program twice (plain and -g), estimate it, map the counts to lines."""
        started = time.perf_counter()
        plain = await self.builder.build(program.text, label=program.path.name)
        debug = await self.debug_builder.build(program.text, label=f"{program.path.name} (-g)")
        if self.verifier is not None and self.limits is not None:
            # as `measure` does: a program that fails its tests has no profile worth showing
            outcomes = await self.verifier.run_suite(plain, suite.cases, self.limits)
            failed = next((o for o in outcomes if not o.passed), None)
            if failed is not None:
                raise OriginalFailsTests(
                    f"{program.path.name} fails its own test {failed.test} "
                    f"({suite.directory}): {failed.reason}",
                    hint="fix the program or the expected output first",
                )
        why = same_code(plain.data, debug.data)
        if why is not None:
            raise PieError(
                f"the -g build of {program.path.name} is not the same code as the plain build "
                f"({why} differs), so its lines would not describe what the estimate measured",
                hint="remove flags that change code with debug info from pie.build.flags",
            )
        # the estimate first: whether it profiled a test's divisions says whether its lines
        # need the division profile too
        estimate: Measurement = await self.measurer.measure(plain, suite.cases)
        async with task_group() as group:
            raws = [
                group.create_task(self.raw(program, plain, debug, case, timing.detail))
                for case, timing in zip(suite.cases, estimate.tests, strict=True)
            ]
        profile = price(
            [task.result()[0] for task in raws],
            self.measurer.costs,
            self.measurer.startup,
            path=str(program.path),
            label=self.measurer.label,
            estimate_cycles=sum(t.cycles or 0.0 for t in estimate.tests),
        )
        functions = tuple(
            evolve(fn, line=definition_line(program.text, fn)) for fn in profile.functions
        )
        return evolve(
            profile,
            functions=functions,
            seconds=time.perf_counter() - started,
            cached=all(task.result()[1] for task in raws),
        )

    async def raw(
        self,
        program: Program,
        plain: Binary,
        debug: Binary,
        case: TestCase,
        estimated: Mapping[str, float],
    ) -> tuple[dict[str, dict[str, Vector]], bool]:
        """Raw counts per line of one test, and whether they came from the cache.
        `estimated`: the estimate's counts of the test (with a division profile or not)."""
        profiled = any(name.startswith("div_") and name.endswith("_loops") for name in estimated)
        key = self.key(program, plain, case) + f":{profiled}"
        cached = self.builder.cache.get(key)
        if isinstance(cached, dict):
            return cached, True
        async with self.measurer.slots:
            text = await self.measurer.callgrind_output(debug, case)
            run = parse_callgrind(text)
            where = await self.lines_of(debug, run.self_cost, len(program.text.splitlines()))
            log = await self.measurer.division_log(debug, case) if profiled else None
        uops = None if log is None else divisions.micro_ops_by_address(log)
        intdiv = None if log is None else divisions.intdiv_micro_ops_by_address(log)
        extra = None if log is None else divisions.extra_loop_micro_ops_by_address(log)
        executed = {a: int(v[_IR]) for a, v in run.self_cost.items()}
        decoded = self.measurer.decoded(debug, executed)
        classes = self.measurer.classes(debug, executed)
        fetched = blocks.by_address(executed, decoded)
        lines = {a: v[0] for a, v in fetched.items()}
        micro_ops = {a: v[2] for a, v in fetched.items()}
        raw = attribute(
            run,
            where,
            classes,
            uops,
            lines,
            micro_ops=micro_ops,
            intdiv_uops=intdiv,
            extra_loop_uops=extra,
            chained=self.measurer.chained(debug, executed, decoded, classes),
        )
        self.builder.cache.set(key, raw)
        return raw, False

    async def lines_of(
        self, debug: Binary, addresses: Iterable[int], source_lines: int
    ) -> dict[int, tuple[int, str]]:
        """The user's (line, function) of each address, from the binary's debug info."""
        tool = _addr2line()
        wanted = "".join(f"{a:#x}\n" for a in sorted(addresses)).encode()
        with self.builder.sandbox.scratch("profile") as work:
            (work / "prog").write_bytes(debug.data)
            run = await self.builder.sandbox.run(
                [tool, "-a", "-i", "-f", "-C", "-e", "prog"],
                cwd=work,
                limits=Limits(timeout=120, memory_mb=4096, output_bytes=512 * 1024 * 1024),
                stdin=wanted,
                env={"LANG": "C"},
            )
        if not run.ok:
            raise MeasureFailed(
                f"addr2line {run.describe()}",
                hint="check binutils (addr2line) works",
                details=run.stderr_tail(),
            )
        return parse_addr2line(run.stdout.decode("utf-8", "replace"), source_lines)


def _addr2line() -> str:
    import shutil

    path = shutil.which("addr2line")
    if path is None:
        raise ToolMissing(
            "addr2line is not installed, so the profile cannot map code to lines",
            hint="install binutils (Debian: apt-get install binutils), which g++ needs too",
        )
    return path
