"""The `estimate` backend: deterministic Skylake cycles from valgrind counts, priced after the run.

`pie-count`, a valgrind tool of our own (pie_count.c, tools.py), runs the program and
counts what callgrind's cache and branch simulators and per-instruction counts would
(`--cache-sim=yes --branch-sim=yes --dump-instr=yes`; the same numbers, tested against
callgrind, at less of its cost), with the Skylake cache geometry of the machine file (L1I,
L1D, and the L3 as its last level), in a fixed environment (`env -i`, fixed-length scratch
path, PID namespace), so the same binary and input give the same counts on every run.
Several things make those counts describe what gem5 runs, not what this host runs:

- **The same code as gem5.** A static glibc picks its string and memory routines (strlen,
  memcpy, memchr, ...) and libm's variants at start-up from CPUID. gem5's simulated X86 CPU
  reports SSE2/SSE3/SSSE3 and nothing newer (no SSE4, AVX, AVX2, FMA, ERMS); valgrind shows
  this host's AVX2 CPU. Every run therefore sets glibc's `glibc.cpu.hwcaps` tunable from the
  machine file's `estimate.glibc_tunables`, masking what gem5 lacks, so glibc takes gem5's
  paths (docs/ESTIMATE.md shows the instruction counts against gem5's).
- **Latency the counts cannot see.** Per-instruction execution counts are mapped to
  instruction classes (integer division by operand size, multiplication, FP add/multiply,
  FP divide and square root) by disassembling the executed addresses of the binary with
  capstone (`classes.py`), so that an FP divide or a bit scan is priced like what it costs
  in gem5.
- **Division as gem5 runs it.** gem5's x86 `div`/`idiv` are microcode loops whose length
  depends on the quotient; a second, light valgrind run under a tool of our own
  (`divisions.py`, `pie_div.c`) counts gem5's micro-ops of every division, and those are
  priced, not the divisions.
- **gem5's fetch.** gem5's O3 fetch reads one 16-byte line at a time and waits the L1I's
  latency for each new one, so a loop inside one line runs several times faster per
  instruction than one spread over many; the same per-instruction counts and the binary's
  bytes give the lines fetch reads (`blocks.py`), and those are priced, with gem5's
  micro-ops of the executed instructions in place of instructions (estimate v5); the
  division micro-ops that take gem5's one divide unit are priced apart.
- **Divisions that wait.** A division whose inputs come from its own previous result waits
  for its whole microcode chain; an independent one overlaps it with other work
  (`chains.py`, estimate v6), except for the further loop iterations of a long quotient.

Estimated cycles = sum of cost x feature over the run's features (`pricing.py`), with the
costs of the machine file (fitted against gem5 by `pie-lsp calibrate`; see
docs/ESTIMATE.md). Raw counts are what the cache keeps (keyed by valgrind, geometry, CPU
mask and classifier, binary and input); they are priced when read, and everything priced
carries the costs' digest, so a refit never reuses old cycles.
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
import shutil
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

from attrs import evolve

from pie_lsp.build import Binary
from pie_lsp.cache import digest
from pie_lsp.errors import ToolMissing
from pie_lsp.measure import (
    MeasureFailed,
    Measurer,
    TestTiming,
    blocks,
    chains,
    divisions,
    load_machine,
    tools,
)
from pie_lsp.measure.bound import MEASURE_WALL, bounded, timed_out_reason
from pie_lsp.measure.classes import (
    CLASSIFIER_VERSION,
    class_counts,
    classify,
    instruction_counts,
)
from pie_lsp.measure.pricing import costs_digest, estimated_cycles
from pie_lsp.sandbox import Limits
from pie_lsp.verify import TestCase, compare_outputs

T = TypeVar("T")

# The model's version: part of every label and cache key. 1 was cachegrind totals only,
# 2 added instruction classes and gem5's CPU for glibc, 3 prices gem5's division micro-ops,
# 4 prices the 16-byte lines gem5's fetch reads, 5 gem5's micro-ops in place of
# instructions (the divisions' IntDiv micro-ops apart), from the same raw counts; 6 prices
# IntDiv micro-ops by where they sit: further loop iterations and chained divisions apart.
ESTIMATE_VERSION = 6
# The format of the cached valgrind counts (3: with blocks.py's fetch counts; 4: glibc's
# tunables parsing not collected, so the per-instruction counts leave it out too; chains.py's
# `div_chained` is in them since, versioned by chains.VERSION in counts_digest; 5: counted by
# pie-count, not callgrind, with VALGRIND_LIB in the program's environment).
COUNTS_VERSION = 5

CACHEGRIND_EVENTS = (
    "Ir",
    "I1mr",
    "ILmr",
    "Dr",
    "D1mr",
    "DLmr",
    "Dw",
    "D1mw",
    "DLmw",
    "Bc",
    "Bcm",
    "Bi",
    "Bim",
)


def cachegrind_geometry(machine: Mapping[str, Any]) -> list[str]:
    caches = machine["caches"]
    line = caches["line_bytes"]

    def spec(level: str) -> str:
        c = caches[level]
        return f"{c['size_kib'] * 1024},{c['assoc']},{line}"

    # valgrind simulates two levels; the last one is the machine's last-level cache (L3)
    return [f"--I1={spec('l1i')}", f"--D1={spec('l1d')}", f"--LL={spec('l3')}"]


def startup_instructions(machine: Mapping[str, Any]) -> float:
    """Instructions glibc's start-up runs under valgrind but not in gem5 (machine file,
    estimate section): the tunables parsing and the Intel cache-information path that
    valgrind's CPUID leads to. Measured on an empty program; docs/ESTIMATE.md."""
    return float(machine.get("estimate", {}).get("startup_instructions", 0.0))


def glibc_tunables(machine: Mapping[str, Any]) -> str:
    """The GLIBC_TUNABLES value that shows glibc gem5's CPU (machine file, estimate section)."""
    value = machine.get("estimate", {}).get("glibc_tunables", "")
    if not isinstance(value, str) or any(c.isspace() for c in value):
        raise MeasureFailed(
            f"the machine file's estimate.glibc_tunables is not a tunables string: {value!r}",
            hint="write it like glibc.cpu.hwcaps=-AVX2,-AVX (see simulator/skylake.json)",
        )
    return value


# -- counts -----------------------------------------------------------------------------------


def parse_cachegrind(text: str) -> dict[str, float]:
    """The totals of a cachegrind or callgrind output file (`events:` and `summary:`)."""
    names: list[str] = []
    values: list[str] = []
    for line in text.splitlines():
        if line.startswith("events:"):
            names = line.split()[1:]
        elif line.startswith(("summary:", "totals:")):
            values = line.split()[1:]
            break
    if not names or len(names) != len(values):
        raise MeasureFailed(
            "valgrind wrote no usable summary", hint="check that valgrind works: pie-lsp doctor"
        )
    counts = {name: float(value) for name, value in zip(names, values, strict=True)}
    missing = [e for e in CACHEGRIND_EVENTS if e not in counts]
    if missing:
        raise MeasureFailed(
            f"valgrind's output lacks events {missing}",
            hint="valgrind must run with --cache-sim=yes --branch-sim=yes",
        )
    return counts


# glibc's tunables parsing: under valgrind it runs the CPU mask through memcmp on a copy
# whose address varies from run to run, and the SSE2 memcmp takes its page-crossing path
# now and then (10-80 instructions). gem5 does not run the mask at all, so its whole cost,
# calls included, is left out of every count.
EXCLUDED_FUNCTIONS = frozenset(
    {"__tunables_init", "_dl_tunable_set_hwcaps", "parse_tunables", "tunables_strdup"}
)
# Since counts v4 they are not collected in the first place (`--toggle-collect` on the
# outermost two: __tunables_init calls the parsing, cpu_features' TUNABLE_GET the hwcaps
# callback, and pie-count, like callgrind, counts nothing until they return), so the
# per-instruction counts blocks.py reads leave them out too; the per-line profile, which
# reads callgrind's files, leaves out all of EXCLUDED_FUNCTIONS by name.
TOGGLED_FUNCTIONS = ("__tunables_init", "_dl_tunable_set_hwcaps")


@functools.cache
def valgrind_path() -> str:
    path = shutil.which("valgrind")
    if path is None:
        raise ToolMissing(
            "valgrind is not installed, so the Skylake estimate cannot run",
            hint="install valgrind (Debian: apt-get install valgrind), or use --simulator native",
        )
    return path


INPUT_NAME = "input.txt"
# The counting run's output, one file per process (`%p`: the pid): valgrind follows fork,
# and a child writing the same file as its parent would leave whichever wrote last, or a
# mix. The division profile's likewise.
OUT_FILES = "cg.out.%p"
DIVISION_FILES = "div.out.%p"


def main_process_output(work: Path, stderr: bytes, files: str = OUT_FILES) -> str:
    """The counts file (pie-count's or callgrind's) of the process valgrind started. Its
    pid is the one on valgrind's first message on stderr, printed before the program runs
    (so a program cannot forge it, nor make its children's files count instead)."""
    started = re.search(rb"^==(\d+)==", stderr, re.M)
    path = work / files.replace("%p", started.group(1).decode()) if started else None
    if path is None or not path.is_file():
        raise MeasureFailed(
            "valgrind wrote no counts file for the program's process",
            hint="check that valgrind works: pie-lsp doctor",
        )
    return path.read_text(errors="replace")


class EstimateMeasurer(Measurer):
    name = "estimate"
    label = f"estimate v{ESTIMATE_VERSION}: valgrind counts, gem5's fetch lines and micro-ops"
    short = "Skylake (estimate)"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.machine = load_machine(self.simulator.estimate.params)
        self.costs: dict[str, float] = dict(self.machine["estimate"]["costs"])
        self.tunables = glibc_tunables(self.machine)
        self.startup = startup_instructions(self.machine)
        self.frequency_hz = float(self.machine["core"]["frequency_ghz"]) * 1e9
        self.valgrind = valgrind_path()
        # Which estimate, machine file and costs made a number: shown with every result.
        # (an instance label on purpose: it names this machine file's costs)
        self.label = (  # type: ignore[misc]
            f"estimate v{ESTIMATE_VERSION}, {self.machine.get('name', 'machine file')} costs "
            f"{costs_digest(self.costs)}"
        )

    def counts_digest(self) -> str:
        """Everything besides binary and input that changes the raw counts."""
        return digest(
            self.valgrind,
            json.dumps(cachegrind_geometry(self.machine)),
            self.tunables,
            json.dumps(self.command(OUT_FILES)),
            tools.SOURCES[tools.COUNT_TOOL].read_bytes(),
            str(CLASSIFIER_VERSION),
            str(blocks.BLOCKS_VERSION),
            blocks.table_digest(),
            str(chains.VERSION),
        )

    def divisions_digest(self) -> str:
        """Everything besides binary and input that changes the division profile."""
        return digest(
            self.valgrind,
            self.tunables,
            json.dumps(self.division_command()),
            tools.SOURCES[tools.DIVISION_TOOL].read_bytes(),
            str(divisions.PROFILE_MIN_DIVISIONS),
            str(divisions.PROFILE_INSTRUCTIONS_PER_DIVISION),
        )

    def config_digest(self) -> str:
        # what anything priced (a timing, a pipeline result) depends on: counts and costs
        return digest(
            self.counts_digest(),
            self.divisions_digest(),
            costs_digest(self.costs),
            str(self.startup),
            str(ESTIMATE_VERSION),
        )

    def _valgrind(self, tool: str, *options: str) -> list[str]:
        # stdin is the input file itself, as in gem5, not a pipe: a pipe's reads return what
        # has arrived so far, and a few more read calls would change the counts run to run
        return [
            "/bin/sh",
            "-c",
            f'exec "$0" "$@" < {INPUT_NAME}',
            self.valgrind,
            f"--tool={tool}",
            # no gdb server: its files in /tmp are named by pid (1 in our PID namespace)
            # and would clash between runs of different uids
            "--vgdb=no",
            *options,
            "./prog",
        ]

    def command(self, out_file: str, like_callgrind: bool = False) -> list[str]:
        """The counting run (pie-count), writing `out_file` (`%p`: per process).
        `like_callgrind`: callgrind's numbers exactly (to check the tool against it)."""
        return self._valgrind(
            tools.COUNT_TOOL,
            # glibc's tunables parsing is not counted at all (the outermost functions): its
            # memcmp calls took a varying path, and per-instruction counts cannot say who
            # called. gem5 never runs it, so the caches and predictors do not see it
            # either (callgrind's do): its varying path cannot move a later count.
            *(f"--toggle-collect={name}" for name in TOGGLED_FUNCTIONS),
            f"--simulate-uncounted={'yes' if like_callgrind else 'no'}",
            *cachegrind_geometry(self.machine),
            f"--pie-count-out={out_file}",
        )

    def callgrind_command(self, out_file: str) -> list[str]:
        """callgrind with the options whose counts pie-count gives, plus the calls'
        inclusive costs the per-line profile attributes to its callers."""
        return self._valgrind(
            "callgrind",
            *(f"--toggle-collect={name}" for name in TOGGLED_FUNCTIONS),
            "--collect-atstart=yes",  # --toggle-collect alone would start with it off
            "--cache-sim=yes",
            "--branch-sim=yes",
            "--dump-instr=yes",
            "--compress-pos=no",
            "--compress-strings=no",  # function names on every fn= line (the profile's)
            *cachegrind_geometry(self.machine),
            f"--callgrind-out-file={out_file}",
        )

    def environment(self, work: Path, *our_tools: str) -> dict[str, str]:
        """The valgrind runs' environment (the same for all: it moves the program's
        stack): a VALGRIND_LIB made in `work` with `our_tools` (pie-count, pie-div) in it,
        and gem5's CPU for glibc."""
        built = [
            tools.built_tool(str(self.cache.directory), self.build.compiler, self.valgrind, name)
            for name in our_tools
        ]
        env = {
            "TMPDIR": str(work),  # valgrind's own temporary files stay in the run
            "VALGRIND_LIB": str(tools.library(work, *built)),
        }
        if self.tunables:
            env["GLIBC_TUNABLES"] = self.tunables
        return env

    async def counts(self, binary: Binary, case: TestCase) -> dict[str, float]:
        """Raw counts of one run (uncached): valgrind's events, instruction classes and
        gem5's division micro-ops."""
        counts = await self.valgrind_counts(binary, case)
        counts.update(await self.division_counts(binary, case, counts))
        return counts

    async def valgrind_counts(self, binary: Binary, case: TestCase) -> dict[str, float]:
        """The counting run's events and the instruction classes of one run (uncached)."""
        text = await self.count_output(binary, case)
        try:
            counts = parse_cachegrind(text)
            executed = instruction_counts(text)
        except (ValueError, IndexError, KeyError) as exc:  # the program can write that file
            raise MeasureFailed(
                f"test {case.name}: valgrind's output file is unreadable ({exc})",
                hint="the program may have written to it (it runs in the same directory)",
            ) from exc
        classes = self.classes(binary, executed)
        decoded = self.decoded(binary, executed)
        counts.update(class_counts(executed, classes))
        counts.update(blocks.features(executed, decoded))
        counts.update(
            chains.chained_divisions(executed, self.chained(binary, executed, decoded, classes))
        )
        return counts

    async def division_counts(
        self, binary: Binary, case: TestCase, counts: Mapping[str, float]
    ) -> dict[str, float]:
        """gem5's micro-ops of the run's divisions: profiled when they can matter
        (divisions.needs_profile), else the short form each (uncached)."""
        executed = counts["div64"] + counts["div32"]
        if divisions.needs_profile(executed, counts["Ir"]):
            return await self.division_profile(binary, case)
        return divisions.counts_without_profile(executed)

    def valgrind_limits(self) -> Limits:
        base = self.base_limits
        return evolve(
            base,
            timeout=self.simulator.estimate.timeout,
            # valgrind's own share
            memory_mb=None if base.memory_mb is None else base.memory_mb * 2 + 1024,
        )

    def division_command(self) -> list[str]:
        return self._valgrind(tools.DIVISION_TOOL, f"--pie-div-out={DIVISION_FILES}")

    @contextlib.contextmanager
    def run_directory(self, binary: Binary, case: TestCase) -> Iterator[Path]:
        """A scratch directory holding the program as ./prog and the test's input as
        INPUT_NAME, the file the valgrind commands read as stdin."""
        with self.sandbox.program_scratch("estimate", binary.data) as work:
            (work / INPUT_NAME).write_bytes(case.input_bytes)
            yield work

    async def division_profile(self, binary: Binary, case: TestCase) -> dict[str, float]:
        """gem5's micro-ops of the run's divisions (divisions.py): a second run of the
        program under the pie-div valgrind tool (only divisions instrumented)."""
        return divisions.counts_from_log(await self.division_log(binary, case))

    async def division_log(self, binary: Binary, case: TestCase) -> str:
        """The pie-div tool's file of one run, the started process's (per division
        address: kind, count, loop iterations): what `division_profile` sums, and what the
        profile maps to lines."""
        limits, _ = bounded(self.valgrind_limits(), case.name)
        with self.run_directory(binary, case) as work:
            run = await self.sandbox.run(
                self.division_command(),
                cwd=work,
                limits=limits,
                env=self.environment(work, tools.DIVISION_TOOL),
            )
            if not run.ok:
                raise MeasureFailed(
                    f"test {case.name} under the division profiler {run.describe()}",
                    hint="raise pie.simulator.estimate.timeout for long tests"
                    if run.timed_out
                    else "see the log for valgrind's output",
                    details=run.stderr_tail(20),
                )
            return main_process_output(work, run.stderr, DIVISION_FILES)

    async def count_output(
        self, binary: Binary, case: TestCase, like_callgrind: bool = False
    ) -> str:
        """pie-count's output file of one run (uncached), its output checked against the
        test's: what `counts` prices (`like_callgrind`: see `command`)."""
        command = self.command(OUT_FILES, like_callgrind)
        return await self._output(binary, case, command, tools.COUNT_TOOL)

    async def callgrind_output(self, binary: Binary, case: TestCase) -> str:
        """callgrind's output file of one run (uncached), its output checked against the
        test's: `count_output(like_callgrind=True)`'s counts, and the calls' inclusive
        costs, which pie_lsp/profile/ maps to source lines."""
        return await self._output(binary, case, self.callgrind_command(OUT_FILES))

    async def _output(
        self, binary: Binary, case: TestCase, command: list[str], *our_tools: str
    ) -> str:
        limits, is_bound = bounded(
            self.valgrind_limits(), case.name
        )  # a candidate: the original's time
        with self.run_directory(binary, case) as work:
            run = await self.sandbox.run(
                command, cwd=work, limits=limits, env=self.environment(work, *our_tools)
            )
            if run.timed_out and is_bound:
                raise MeasureFailed(timed_out_reason(case.name))
            if not run.ok:
                raise MeasureFailed(
                    f"test {case.name} under valgrind {run.describe()}",
                    hint="raise pie.simulator.estimate.timeout for long tests"
                    if run.timed_out
                    else "see the log for valgrind's output",
                    details=run.stderr_tail(20),
                )
            why = compare_outputs(
                run.stdout.decode("utf-8", "replace"), case.expected.read_text("utf-8", "replace")
            )
            if why:
                raise MeasureFailed(
                    f"test {case.name} gives another output under valgrind ({why})",
                    hint="the program may read uninitialised memory or depend on timing",
                )
            return main_process_output(work, run.stderr)

    def classes(self, binary: Binary, executed: Mapping[int, int]) -> dict[int, str]:
        """Classes of the executed addresses (classes.py), cached per binary."""
        key = "classes:" + digest(str(CLASSIFIER_VERSION), binary.sha256)
        return self._per_address(key, binary, executed, classify)

    def chained(
        self,
        binary: Binary,
        executed: Mapping[int, int],
        decoded: Mapping[int, blocks.Decoded],
        classes: Mapping[int, str],
    ) -> set[int]:
        """chains.py's chained division sites of a run, the registers each instruction
        reads and writes cached per binary."""
        key = f"chains{chains.VERSION}:" + digest(binary.sha256)

        def access_of(addresses: list[int]) -> dict[int, chains.Access]:
            return self._per_address(key, binary, dict.fromkeys(addresses, 1), chains.accesses)

        return chains.chained(executed, decoded, classes, access_of)

    def decoded(self, binary: Binary, executed: Mapping[int, int]) -> dict[int, blocks.Decoded]:
        """blocks.py's decoding of the executed addresses, cached per binary."""
        key = f"blocks{blocks.BLOCKS_VERSION}:" + digest(blocks.table_digest(), binary.sha256)
        return self._per_address(key, binary, executed, blocks.decode)

    def _per_address(
        self,
        key: str,
        binary: Binary,
        executed: Mapping[int, int],
        compute: Callable[[bytes, list[int]], Mapping[int, T]],
    ) -> dict[int, T]:
        """What `compute` says of each executed address, kept in the cache under `key` for
        the binary: only addresses not seen before are computed (and added); an address it
        says nothing of is remembered as such."""
        known = self.cache.get(key)
        table: dict[int, T | None] = dict(known) if isinstance(known, dict) else {}
        new = [a for a in executed if a not in table]
        if new:
            found = compute(binary.data, new)
            table.update({a: found.get(a) for a in new})
            self.cache.set(key, table)
        return {a: value for a, value in table.items() if value is not None and a in executed}

    async def measure_one(self, binary: Binary, case: TestCase) -> TestTiming:
        counts = await self.counts(binary, case)
        return self.timing(case.name, counts)

    def timing(self, test: str, counts: Mapping[str, float]) -> TestTiming:
        cycles = estimated_cycles(counts, self.costs, self.startup)
        return TestTiming(
            test=test,
            seconds=cycles / self.frequency_hz,
            cycles=cycles,
            # what gem5 would commit: valgrind's count less glibc's start-up difference
            instructions=int(max(counts["Ir"] - self.startup, 0.0)),
            detail=dict(counts),
        )

    async def measure_test(self, binary: Binary, case: TestCase) -> TestTiming:
        # Cache raw counts, not cycles: refitting the costs must not need new runs. The
        # callgrind counts and the division profile are cached apart (a new profiler
        # reuses the callgrind runs); each records how long it took, and their sum bounds
        # a candidate's measurement (measure/bound.py).
        key = f"counts{COUNTS_VERSION}:" + digest(
            self.counts_digest(), binary.sha256, case.input_bytes
        )
        counts = self.cache.get(key)
        if not isinstance(counts, dict):
            async with self.slots:
                started = time.perf_counter()
                counts = await self.valgrind_counts(binary, case)
                counts = {**counts, MEASURE_WALL: time.perf_counter() - started}
            self.cache.set(key, counts)
        div_key = f"divisions{divisions.VERSION}:" + digest(
            self.divisions_digest(), binary.sha256, case.input_bytes
        )
        div = self.cache.get(div_key)
        if not isinstance(div, dict):
            async with self.slots:
                started = time.perf_counter()
                div = await self.division_counts(binary, case, counts)
                div = {**div, MEASURE_WALL: time.perf_counter() - started}
            self.cache.set(div_key, div)
        wall = counts.get(MEASURE_WALL, 0.0) + div.get(MEASURE_WALL, 0.0)
        return self.timing(case.name, {**counts, **div, MEASURE_WALL: wall})


def read_counts_file(path: Path) -> dict[str, float]:
    return parse_cachegrind(path.read_text())
