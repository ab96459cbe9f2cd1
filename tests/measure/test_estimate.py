"""The Skylake estimate: real valgrind, deterministic counts, costs from the machine file."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from pie_lsp.build import Builder
from pie_lsp.cache import Cache
from pie_lsp.errors import ToolMissing
from pie_lsp.measure import MeasureFailed, load_machine, make_measurer
from pie_lsp.measure.classes import instruction_class, instruction_counts
from pie_lsp.measure.estimate import (
    ESTIMATE_VERSION,
    EstimateMeasurer,
    cachegrind_geometry,
    parse_cachegrind,
    valgrind_path,
)
from pie_lsp.measure.pricing import costs_digest, estimated_cycles, features
from pie_lsp.sandbox import Sandbox
from pie_lsp.settings import Settings
from pie_lsp.verify import find_tests

from ..conftest import DOUBLER

SAMPLE = """desc: I1 cache:         32768 B, 64 B, 16-way associative
cmd: ./prog
events: Ir I1mr ILmr Dr D1mr DLmr Dw D1mw DLmw Bc Bcm Bi Bim
fl=???
summary: 1000 10 5 300 20 4 200 8 2 150 30 10 3
"""


def test_parse_summary_by_event_names() -> None:
    counts = parse_cachegrind(SAMPLE)
    assert counts["Ir"] == 1000 and counts["Bim"] == 3
    f = features(counts)
    assert f["l1d_misses"] == 20 + 8 - 4 - 2
    assert f["l1i_misses"] == 5 and f["lli_misses"] == 5


def test_parse_rejects_output_without_summary() -> None:
    with pytest.raises(MeasureFailed):
        parse_cachegrind("events: Ir\n")
    with pytest.raises(MeasureFailed, match="lacks events"):
        parse_cachegrind("events: Ir\nsummary: 5\n")


def test_cycles_are_the_weighted_sum() -> None:
    counts = parse_cachegrind(SAMPLE)
    costs = {"instructions": 1.0, "branch_mispredicts": 10.0, "per_run": 7.0}
    assert estimated_cycles(counts, costs) == 1000 + 300 + 7


def test_geometry_comes_from_the_machine_file() -> None:
    machine = load_machine()
    geometry = cachegrind_geometry(machine)
    l1d = machine["caches"]["l1d"]
    assert f"--D1={l1d['size_kib'] * 1024},{l1d['assoc']},64" in geometry
    assert f"--LL={machine['caches']['l3']['size_kib'] * 1024}," in geometry[2]


async def test_same_binary_same_counts_every_run(doubler: Path, settings: Settings) -> None:
    settings.cache.enabled = False  # every call really runs valgrind
    sandbox = Sandbox()
    cache = Cache(settings.cache)
    binary = await Builder(settings.build, sandbox, cache).build(DOUBLER)
    case = find_tests(doubler).cases[0]
    measurer = EstimateMeasurer.from_settings(settings, sandbox, cache, asyncio.Semaphore(2))
    runs = await asyncio.gather(*(measurer.counts(binary, case) for _ in range(4)))
    # Every count is identical. Up to counts v4 (callgrind) a misprediction count or two, or
    # an instruction-cache miss, could differ: glibc's tunables parsing, not counted, takes
    # a varying path, and callgrind's caches and predictors saw it; pie-count's do not
    # (--simulate-uncounted=no), so nothing is left to vary.
    assert runs[0] == runs[1] == runs[2] == runs[3]
    assert all(runs[0][k] > 0 for k in ("fetch_lines", "micro_ops", "taken_branches", "Bcm"))
    assert runs[0]["Ir"] > 10_000
    timing = measurer.timing(case.name, runs[0])
    assert timing.seconds == pytest.approx(timing.cycles / 3.5e9)  # type: ignore[operator]


async def test_counts_are_cached_and_costs_applied_after(doubler: Path, settings: Settings) -> None:
    sandbox = Sandbox()
    cache = Cache(settings.cache)
    binary = await Builder(settings.build, sandbox, cache).build(DOUBLER)
    case = find_tests(doubler).cases[0]
    measurer = EstimateMeasurer.from_settings(settings, sandbox, cache, asyncio.Semaphore(1))
    first = await measurer.measure_test(binary, case)
    # other costs (a refit) must reuse the cached counts, not rerun valgrind
    machine = json.loads(json.dumps(measurer.machine))
    machine["estimate"]["costs"]["micro_ops"] *= 2
    params = Path(settings.cache.dir or ".") / "machine.json"
    params.write_text(json.dumps(machine))
    settings.simulator.estimate.params = str(params)
    refit = EstimateMeasurer.from_settings(settings, sandbox, cache, asyncio.Semaphore(1))
    misses = cache.misses
    second = await refit.measure_test(binary, case)
    assert cache.misses == misses
    assert second.cycles is not None and first.cycles is not None
    assert second.cycles > first.cycles
    # ...but whatever is priced (timings, pipeline results) is keyed by the costs too
    assert refit.counts_digest() == measurer.counts_digest()
    assert refit.config_digest() != measurer.config_digest()
    assert costs_digest(refit.costs) in refit.label and refit.label != measurer.label
    assert f"estimate v{ESTIMATE_VERSION}" in refit.label


def test_a_new_division_profiler_reprices_without_new_callgrind_runs(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The division profile is keyed apart from the counting run's counts: a change of the
    profiler (its source) changes what is priced, never the counts' key."""
    from pie_lsp.measure import tools

    sandbox, cache = Sandbox(), Cache(settings.cache)
    measurer = EstimateMeasurer.from_settings(settings, sandbox, cache, asyncio.Semaphore(1))
    before = (measurer.counts_digest(), measurer.divisions_digest(), measurer.config_digest())
    changed = Path(settings.cache.dir or ".") / "pie_div.c"
    changed.write_bytes(tools.SOURCES[tools.DIVISION_TOOL].read_bytes() + b"\n/* changed */\n")
    monkeypatch.setitem(tools.SOURCES, tools.DIVISION_TOOL, changed)
    after = (measurer.counts_digest(), measurer.divisions_digest(), measurer.config_digest())
    assert after[0] == before[0]
    assert after[1] != before[1]
    assert after[2] != before[2]


async def test_crash_under_valgrind_is_a_measure_failure(
    tmp_path: Path, settings: Settings
) -> None:
    from ..conftest import write_program

    path = write_program(
        tmp_path, "int main() { volatile int* p = nullptr; return *p; }", {"1": ("", "")}
    )
    sandbox, cache = Sandbox(), Cache(settings.cache)
    binary = await Builder(settings.build, sandbox, cache).build(path.read_text())
    measurer = EstimateMeasurer.from_settings(settings, sandbox, cache, asyncio.Semaphore(1))
    with pytest.raises(MeasureFailed, match="test 1 under valgrind"):
        await measurer.measure_one(binary, find_tests(path).cases[0])


def test_auto_is_estimate_without_gem5(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PIE_GEM5", raising=False)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    settings.simulator.backend = "auto"
    measurer = make_measurer(settings, Sandbox(), Cache(settings.cache), asyncio.Semaphore(1))
    assert measurer.name == "estimate"
    settings.simulator.backend = "gem5"
    with pytest.raises(ToolMissing, match="gem5 was not found"):
        make_measurer(settings, Sandbox(), Cache(settings.cache), asyncio.Semaphore(1))


def test_missing_valgrind_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    valgrind_path.cache_clear()
    monkeypatch.setenv("PATH", "/nonexistent")
    try:
        with pytest.raises(ToolMissing, match="valgrind is not installed") as info:
            valgrind_path()
        assert "apt-get install valgrind" in info.value.hint
    finally:
        valgrind_path.cache_clear()


CALLGRIND = """events: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw Bc Bcm Bi Bim
summary: 40 1 1 0 0 0 0 0 0 2 1 0 0
fn=main
0x401000 0 10
0x401003 0 5 1
calls=1 0x402000 0
0x401006 0 1000 7
0x401006 0 4
fn=f
0x402000 0 21 0 1
"""


def test_instruction_counts_skip_inclusive_call_costs() -> None:
    executed = instruction_counts(CALLGRIND)
    # the line after calls= is the callee's inclusive cost, not the call instruction's own
    assert executed == {0x401000: 10, 0x401003: 5, 0x401006: 4, 0x402000: 21}
    assert parse_cachegrind(CALLGRIND)["Ir"] == 40


@pytest.mark.parametrize(
    ("mnemonic", "operands", "expected"),
    [
        ("div", "rcx", "div64"),
        ("idiv", "qword ptr [rsp + 8]", "div64"),
        ("div", "ecx", "div32"),
        ("idiv", "dword ptr [rax]", "div32"),
        ("imul", "rax, rcx", "int_mul"),
        ("divsd", "xmm0, xmm1", "fp_div"),
        ("sqrtsd", "xmm0, xmm1", "fp_sqrt"),
        ("mulsd", "xmm0, xmm1", "fp_mul"),
        ("addss", "xmm0, xmm1", "fp_add"),
        ("cvtsi2sd", "xmm0, rax", "fp_convert"),
        ("fmulp", "st(1)", "x87"),
        ("add", "rax, rcx", None),
        ("movsd", "xmm0, qword ptr [rax]", None),
        ("fnstcw", "word ptr [rsp]", None),
        ("bsf", "rax, rcx", "bit_scan"),
        ("tzcnt", "eax, ecx", "bit_scan"),
    ],
)
def test_instruction_classes(mnemonic: str, operands: str, expected: str | None) -> None:
    assert instruction_class(mnemonic, operands) == expected


DIVIDER = r"""
#include <cstdio>
int main() {
    long long n, m, s = 0;
    if (scanf("%lld %lld", &n, &m) != 2) return 1;
    for (long long i = 1; i <= n; i++) s += (i * 7919) % (m + i % 3);
    printf("%lld\n", s);
}
"""


async def test_division_and_multiplication_are_counted_per_execution(
    tmp_path: Path, settings: Settings
) -> None:
    from ..conftest import write_program

    n = 20000
    expected = sum((i * 7919) % (1000 + i % 3) for i in range(1, n + 1))
    path = write_program(tmp_path, DIVIDER, {"1": (f"{n} 1000\n", f"{expected}\n")})
    sandbox, cache = Sandbox(), Cache(settings.cache)
    binary = await Builder(settings.build, sandbox, cache).build(path.read_text())
    measurer = EstimateMeasurer.from_settings(settings, sandbox, cache, asyncio.Semaphore(1))
    counts = await measurer.counts(binary, find_tests(path).cases[0])
    # one 64-bit division per iteration (the `% (m + i % 3)`; `i % 3` is a multiply by a
    # constant), so at least n; glibc's start-up and printf add a few of their own
    assert n <= counts["div64"] < n + 2000
    assert counts["int_mul"] >= n
    assert counts["fp_div"] == 0


STRINGS = Path(__file__).resolve().parents[2] / "benchmarks" / "estimate_pairs"
# gem5 v24.0.0.1's committed instructions (sim_insts) for glibc-strings/prog.cpp on its
# tests/input.1.txt, measured with `benchmarks/estimate_gem5.py` (checked in from
# benchmarks/data/estimate_pairs_gem5.csv: the test does not need gem5).
GEM5_STRINGS_INSTRUCTIONS = {"1": 507710}


async def test_glibc_takes_gem5s_string_routines(settings: Settings) -> None:
    """A program dominated by strlen/memchr/memcpy/memset/strcmp: with glibc shown gem5's
    CPU, the estimate counts the instructions gem5 commits (within 3%); shown this host's
    CPU, glibc takes other routines and the count is far off."""
    folder = STRINGS / "glibc-strings"
    sandbox, cache = Sandbox(), Cache(settings.cache)
    binary = await Builder(settings.build, sandbox, cache).build((folder / "prog.cpp").read_text())
    case = next(c for c in find_tests(folder / "prog.cpp").cases if c.name == "1")
    measurer = EstimateMeasurer.from_settings(settings, sandbox, cache, asyncio.Semaphore(1))
    timing = measurer.timing("1", await measurer.counts(binary, case))
    gem5 = GEM5_STRINGS_INSTRUCTIONS["1"]
    assert timing.instructions is not None
    assert abs(timing.instructions - gem5) / gem5 < 0.03
    host = json.loads(json.dumps(measurer.machine))
    host["estimate"]["glibc_tunables"] = ""
    params = Path(settings.cache.dir or ".") / "host.json"
    params.write_text(json.dumps(host))
    settings.simulator.estimate.params = str(params)
    unmasked = EstimateMeasurer.from_settings(settings, sandbox, cache, asyncio.Semaphore(1))
    assert unmasked.counts_digest() != measurer.counts_digest()  # a cache key of its own
    other = unmasked.timing("1", await unmasked.counts(binary, case))
    assert other.instructions is not None
    assert abs(other.instructions - gem5) / gem5 > 0.10


QUOTIENTS = r"""
#include <cstdio>
int main() {
    long long n, base, d, s = 0;
    if (scanf("%lld %lld %lld", &n, &base, &d) != 3) return 1;
    for (long long i = 0; i < n; i++) s ^= (base + i) / d;
    printf("%lld\n", s);
}
"""


def gem5_division_loops(quotient: int) -> int:
    """gem5's loop iterations of one division (pie_div.c's comment, written out again)."""
    q = abs(quotient)
    steps = bin(q).count("1") + (0 if q & 1 else 1)
    return max(1, -(-(steps - 1) // 4))


# The quotient program's two tests: n divisions with a quotient of one 1 bit, and with ~60.
QUOTIENT_TESTS = {"1": (3000, 1 << 40, 1 << 40), "2": (3000, (1 << 62) - 1 - 3000, 1)}


async def quotient_counts(
    tmp_path: Path, settings: Settings
) -> tuple[EstimateMeasurer, dict[str, dict[str, float]]]:
    """The estimate's measurer and its raw counts of QUOTIENTS on QUOTIENT_TESTS."""
    from ..conftest import write_program

    tests = {}
    for name, (count, base, d) in QUOTIENT_TESTS.items():
        total = 0
        for i in range(count):
            total ^= (base + i) // d
        tests[name] = (f"{count} {base} {d}\n", f"{total}\n")
    path = write_program(tmp_path, QUOTIENTS, tests)
    sandbox, cache = Sandbox(), Cache(settings.cache)
    binary = await Builder(settings.build, sandbox, cache).build(path.read_text())
    measurer = EstimateMeasurer.from_settings(settings, sandbox, cache, asyncio.Semaphore(1))
    cases = {c.name: c for c in find_tests(path).cases}
    return measurer, {name: await measurer.counts(binary, cases[name]) for name in QUOTIENT_TESTS}


async def test_division_micro_ops_follow_the_quotient(tmp_path: Path, settings: Settings) -> None:
    """The same divisions with quotients of one 1 bit and of ~60: callgrind sees the same
    instructions, gem5 runs 29 micro-ops for each of the first and ~100 for the second; the
    profile counts exactly gem5's loop iterations (glibc adds a few divisions of its own)."""
    from pie_lsp.measure import divisions

    measurer, counts = await quotient_counts(tmp_path, settings)
    (n, *_), large = QUOTIENT_TESTS["1"], QUOTIENT_TESTS["2"]
    for name, (count, base, d) in QUOTIENT_TESTS.items():
        loops = sum(gem5_division_loops((base + i) // d) for i in range(count))
        assert 0 <= counts[name]["div_s64"] - count < 10
        assert 0 <= counts[name]["div_s64_loops"] - loops < 10
    assert abs(counts["1"]["Ir"] - counts["2"]["Ir"]) < 0.01 * counts["1"]["Ir"]
    # same divisions, longer loops: gem5's micro-ops differ by 5 per loop iteration
    extra = sum(gem5_division_loops((large[1] + i) // large[2]) - 1 for i in range(n))
    assert extra > 10 * n
    assert counts["2"]["div_uops"] - counts["1"]["div_uops"] == pytest.approx(
        divisions.LOOP_MICRO_OPS * extra, abs=50
    )
    assert (
        estimated_cycles(counts["2"], measurer.costs)
        > estimated_cycles(counts["1"], measurer.costs) + 5 * n
    )


PROBES = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "gem5_stats_fetch_probe.json"


async def test_a_divisions_loop_costs_its_intdiv_micro_ops(
    tmp_path: Path, settings: Settings
) -> None:
    """A division's microcode loop iteration is four IntDiv micro-ops on gem5's one divide
    unit (one a cycle, serial) and one micro-branch. gem5's probe loops
    (benchmarks/gem5_fetch_probe.py) give the cycles of an `idiv` by its quotient: 4.2 per
    further iteration in a tight loop of independent divisions. Estimate v6 prices a further
    iteration at what the fit data's long divisions cost beyond the rest of the model (the
    calibration set's c03, ~6.8 cycles an iteration in a loop with other work), so it is
    above the tight probe (v4: 2.7, below; v5: 4.9). The test bounds that known gap
    (docs/ESTIMATE.md, "Cause 6"): never below gem5's probe, at most 60% above it."""
    measurer, counts = await quotient_counts(tmp_path, settings)
    cycles = {name: estimated_cycles(c, measurer.costs) for name, c in counts.items()}
    (n, *_), long = QUOTIENT_TESTS["1"], QUOTIENT_TESTS["2"]
    extra = sum(gem5_division_loops((long[1] + i) // long[2]) - 1 for i in range(n))
    probes = json.loads(PROBES.read_text())["divisions"]
    shortest, longest = probes["idiv 1"], probes["idiv 60"]
    gem5_per_loop = (longest["measured"] - shortest["measured"]) / (
        longest["loops"] - shortest["loops"]
    )
    per_loop = (cycles["2"] - cycles["1"]) / extra
    assert gem5_per_loop <= per_loop <= 1.6 * gem5_per_loop


def test_a_short_signed_division_is_priced_by_its_intdiv_micro_ops() -> None:
    """The 19 sign micro-ops of a short `idiv` stream like other micro-ops; its 7 IntDiv
    micro-ops wait on the divide unit: the estimate prices the two kinds apart. An
    independent division's first chain overlaps other work (priced below a streaming
    micro-op); a chained division's waits (priced above it) (v6)."""
    from pie_lsp.measure.divisions import counts_from_log

    costs = load_machine()["estimate"]["costs"]
    signed = features(
        {**parse_cachegrind(SAMPLE), "div64": 10.0, **counts_from_log("pie-div 0x1 s64 10 10")}
    )
    unsigned = features(
        {**parse_cachegrind(SAMPLE), "div64": 10.0, **counts_from_log("pie-div 0x1 u64 10 10")}
    )
    assert signed["intdiv_uops"] == unsigned["intdiv_uops"] == 10 * 7
    assert signed["div_stream_uops"] - unsigned["div_stream_uops"] == 10 * 19
    chained = costs["intdiv_first_uops"] + costs["intdiv_chained_uops"]
    assert chained > costs["div_stream_uops"] > costs["intdiv_first_uops"] >= 0


def test_division_log_is_priced_as_gem5s_micro_ops() -> None:
    from pie_lsp.measure.divisions import counts_from_log

    log = (
        "==1== pie-div 0x401a2c s64 10 12\n"
        "==1== pie-div 0x401b00 u32 5 5\n"
        "==1== pie-div 0x401b00 u32 1 3\n"
    )
    counts = counts_from_log(log)
    assert counts["div_s64"] == 10 and counts["div_u32"] == 6 and counts["div_u32_loops"] == 8
    assert counts["div_uops"] == 24 * 10 + 5 * 12 + 5 * 6 + 5 * 8


def test_division_profile_only_where_divisions_are_dense() -> None:
    from pie_lsp.measure.divisions import counts_without_profile, needs_profile

    assert needs_profile(65, 65_000) and needs_profile(4_000, 4_000_000)
    assert not needs_profile(64, 100)  # glibc's start-up alone
    assert not needs_profile(4_000, 14_700_000)  # prefix_sums: under one per 1,000
    assert counts_without_profile(6) == {"div_uops": 60.0}


PAIRS = STRINGS  # benchmarks/estimate_pairs
GEM5_PAIRS = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "estimate_pairs_gem5.csv"


FRESH = PAIRS.parent / "estimate_fresh"
FRESH_GEM5 = GEM5_PAIRS.parent / "estimate_fresh_gem5_b.csv"


async def estimated_and_gem5_speedup(
    settings: Settings, program: Path, table: Path
) -> tuple[float, float]:
    """slow.cpp over fast.cpp on test 1: the estimate's speedup (measured now, real valgrind)
    and gem5's (the checked-in table: the test does not need gem5)."""
    import csv

    with table.open() as handle:
        gem5 = {
            r["source"]: float(r["num_cycles"])
            for r in csv.DictReader(handle)
            if r["program"] == program.name and r["input"] == "input.1.txt"
        }
    sandbox, cache = Sandbox(), Cache(settings.cache)
    builder = Builder(settings.build, sandbox, cache)
    measurer = EstimateMeasurer.from_settings(settings, sandbox, cache, asyncio.Semaphore(1))
    cycles: dict[str, float] = {}
    for source in ("slow.cpp", "fast.cpp"):
        binary = await builder.build((program / source).read_text())
        case = next(c for c in find_tests(program / source).cases if c.name == "1")
        timing = measurer.timing("1", await measurer.counts(binary, case))
        assert timing.cycles is not None
        cycles[source] = timing.cycles
    return cycles["slow.cpp"] / cycles["fast.cpp"], gem5["slow.cpp"] / gem5["fast.cpp"]


async def test_runtime_modulus_pair_agrees_with_gem5(settings: Settings) -> None:
    """e29 (`% mod` read at run time vs `% MOD` constant): its 64-bit divisions have short
    quotients, so gem5 runs them in 30-40 micro-ops. Priced per division at the average of
    the calibration set's (v2) the estimate said 2.0x where gem5 measured 1.24x; priced per
    gem5 micro-op, the chained ones apart (v6: `x = x * a % mod` waits for the previous
    division), it agrees within 20%."""
    program = PAIRS / "e29-runtime-mod-vs-constant"
    estimate, actual = await estimated_and_gem5_speedup(settings, program, GEM5_PAIRS)
    assert max(estimate / actual, actual / estimate) < 1.20


async def test_chained_divisions_pair_of_the_fresh_set_agrees_with_gem5(
    settings: Settings,
) -> None:
    """h31 (held out, written blind after v5): modular inverses by Fermat's powering vs by
    extended Euclid, whose divisions each wait for the one before. v5 priced every IntDiv
    micro-op alike and said 2.7x where gem5 measured 4.2x; v6 (chains.py) says 3.5x, within
    the issue's worst-pair target (30%)."""
    program = FRESH / "h31-modinv-fermat-vs-exteuclid"
    estimate, actual = await estimated_and_gem5_speedup(settings, program, FRESH_GEM5)
    assert max(estimate / actual, actual / estimate) < 1.30


FORKS = r"""
#include <cstdio>
#include <sys/wait.h>
#include <unistd.h>
int main() {
    int n;
    if (scanf("%d", &n) != 1) return 1;
    if (fork() == 0) {  // a child doing far more work than its parent, then exiting
        volatile long s = 0;
        for (long i = 0; i < 20000000; i++) s += i;
        _exit(0);
    }
    wait(nullptr);
    printf("%d\n", 2 * n);
}
"""


async def test_a_forking_program_is_measured_by_its_own_process(
    tmp_path: Path, settings: Settings
) -> None:
    """valgrind follows fork: each process writes its own callgrind file, and the count is
    the started process's (a shared file held the child's counts, or a mix that did not
    parse)."""
    from ..conftest import write_program

    settings.cache.enabled = False
    path = write_program(tmp_path, FORKS, {"1": ("21\n", "42\n")})
    sandbox, cache = Sandbox(), Cache(settings.cache)
    binary = await Builder(settings.build, sandbox, cache).build(path.read_text())
    measurer = EstimateMeasurer.from_settings(settings, sandbox, cache, asyncio.Semaphore(1))
    counts = await measurer.counts(binary, find_tests(path).cases[0])
    assert 10_000 < counts["Ir"] < 5_000_000  # the child's loop alone runs 60 M or more


def test_the_started_processs_file_is_the_one_read(tmp_path: Path) -> None:
    """Of the per-process callgrind files, the one named by valgrind's first message on
    stderr (its pid, printed before the program runs), not a child's nor a planted one."""
    from pie_lsp.measure.estimate import main_process_output

    for pid in (1, 2, 7):
        (tmp_path / f"cg.out.{pid}").write_text(f"process {pid}\n")
    stderr = b"==2== Callgrind, a call-graph generating cache profiler\n==7== child\n"
    assert main_process_output(tmp_path, stderr) == "process 2\n"
    with pytest.raises(MeasureFailed, match="no counts file"):
        main_process_output(tmp_path, b"no valgrind preamble\n")
    with pytest.raises(MeasureFailed, match="no counts file"):
        main_process_output(tmp_path, b"==9== Callgrind\n")


FORKS_AND_DIVIDES = r"""
#include <cstdio>
#include <sys/wait.h>
#include <unistd.h>
volatile unsigned long long d = 7;
unsigned long long divide(long n) {
    unsigned long long s = 0;
    for (long i = 1; i <= n; i++) s += (1000000007ULL * i) / d;
    return s;
}
int main() {
    long n;
    if (scanf("%ld", &n) != 1) return 1;
    if (fork() == 0) _exit(divide(3 * n) % 2);  // the exit code uses them
    wait(nullptr);
    printf("%llu\n", divide(n) % 1000);
}
"""


async def test_the_division_profile_is_the_started_processs(
    tmp_path: Path, settings: Settings
) -> None:
    """A forked child's divisions are its own: the profile counts the started process's
    (a log shared by both held the child's lines too)."""
    from ..conftest import write_program

    settings.cache.enabled = False
    n = 20000
    expected = sum((1000000007 * i) // 7 for i in range(1, n + 1)) % 1000
    path = write_program(tmp_path, FORKS_AND_DIVIDES, {"1": (f"{n}\n", f"{expected}\n")})
    sandbox, cache = Sandbox(), Cache(settings.cache)
    binary = await Builder(settings.build, sandbox, cache).build(path.read_text())
    measurer = EstimateMeasurer.from_settings(settings, sandbox, cache, asyncio.Semaphore(1))
    counts = await measurer.counts(binary, find_tests(path).cases[0])
    assert counts["div64"] >= n  # the parent's own, from the counting run
    assert n <= counts["div_u64"] < 1.1 * n  # the child's 3n are not the parent's
