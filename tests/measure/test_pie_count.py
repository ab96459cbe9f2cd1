"""pie-count, the estimate's counting tool: callgrind's numbers, from one cheaper run.

Real g++, real valgrind, the real callgrind as the reference: for programs that exercise
what the model has to get right (string routines called through the static binary's PLT,
deep recursion, divisions, floating point, data-dependent branches, a forking child, glibc's
tunables parsing that is left out), every total and every per-instruction vector of
pie-count's file equals callgrind's, run with the same command-line model and environment.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
from pathlib import Path

import pytest

from pie_lsp.build import Builder
from pie_lsp.cache import Cache
from pie_lsp.measure import MeasureFailed, load_machine, tools
from pie_lsp.measure.estimate import EstimateMeasurer, main_process_output, parse_cachegrind
from pie_lsp.profile.counts import parse_callgrind
from pie_lsp.sandbox import Sandbox
from pie_lsp.settings import Settings
from pie_lsp.verify import find_tests

from ..conftest import write_program

STRINGS = """#include <cstdio>
#include <cstring>
#include <string>
using namespace std;
int main() {
    int n; scanf("%d", &n);
    string s;
    for (int i = 1; i <= n; i++) s = s + to_string(i);   // memcpy, strlen through the PLT
    char buf[64]; unsigned long long h = 0;
    for (int i = 0; i < n; i++) { snprintf(buf, sizeof buf, "%d", i); h += strlen(buf) * i; }
    printf("%zu %llu\\n", s.size(), h);
}
"""

RECURSION_AND_DIVISION = """#include <iostream>
#include <vector>
using namespace std;
long long fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
int main() {
    long long m, n; cin >> m >> n;
    long long x = 1, g = 0;
    for (long long i = 1; i <= n; i++) { x = x * 31 % m; g += (i % 7 == 0) ? x / 3 : 1; }
    vector<int> v(n);
    for (int i = 0; i < n; i++) v[i] = (i * 2654435761u) >> 7;
    long long odd = 0;
    for (int i = 0; i < n; i++) if (v[i] & 1) odd += v[i] % 1000;   // unpredictable branch
    cout << fib(22) << ' ' << x << ' ' << g << ' ' << odd << endl;
}
"""

FLOATING_POINT = """#include <cmath>
#include <cstdio>
int main() {
    int n; scanf("%d", &n);
    double s = 0;
    for (int i = 1; i <= n; i++) s += sqrt((double)i) / (i + 0.5) + sin(i * 0.001);
    printf("%.6f\\n", s);
}
"""


def _expected(source: str, given: str, work: Path) -> str:
    """The program's output, natively (the tests' expected output)."""
    (work / "p.cpp").write_text(source)
    subprocess.run(["g++", "-O2", "-o", str(work / "p"), str(work / "p.cpp")], check=True)
    return subprocess.run(
        [str(work / "p")], input=given, capture_output=True, text=True, check=True
    ).stdout


def _symbol(binary: Path, name: str) -> tuple[int, int]:
    """Address and size of a function of the binary (nm)."""
    symbols = subprocess.run(
        ["nm", "-S", "--defined-only", str(binary)], capture_output=True, text=True, check=True
    ).stdout
    return next(
        (int(f[0], 16), int(f[1], 16))
        for f in (line.split() for line in symbols.splitlines())
        if len(f) == 4 and f[3] == name
    )


@pytest.mark.parametrize(
    ("name", "source", "given"),
    [
        ("strings", STRINGS, "2500\n"),
        ("recursion_and_division", RECURSION_AND_DIVISION, "1000003 40000\n"),
        ("floating_point", FLOATING_POINT, "30000\n"),
    ],
)
async def test_pie_count_gives_callgrinds_numbers(
    tmp_path: Path, settings: Settings, name: str, source: str, given: str
) -> None:
    path = write_program(
        tmp_path / name, source, {"1": (given, _expected(source, given, tmp_path))}
    )
    # Without glibc's CPU mask: parsing it takes a path that varies from run to run (see
    # estimate.py), which callgrind's caches and predictors see, so two callgrind runs
    # can differ by a misprediction; without the mask there is nothing to parse.
    machine = load_machine()
    machine["estimate"]["glibc_tunables"] = ""
    (tmp_path / "machine.json").write_text(json.dumps(machine))
    settings.simulator.estimate.params = str(tmp_path / "machine.json")
    sandbox, cache = Sandbox(), Cache(settings.cache)
    binary = await Builder(settings.build, sandbox, cache).build(path.read_text())
    measurer = EstimateMeasurer.from_settings(settings, sandbox, cache, asyncio.Semaphore(2))
    assert "GLIBC_TUNABLES" not in measurer.environment(tmp_path, tools.COUNT_TOOL)
    case = find_tests(path).cases[0]
    ours, theirs = await asyncio.gather(
        measurer.count_output(binary, case, like_callgrind=True),
        measurer.callgrind_output(binary, case),
    )
    totals = parse_cachegrind(ours)
    assert totals == parse_cachegrind(theirs)
    assert totals["Ir"] > 100_000 and totals["D1mr"] > 0 and totals["Bcm"] > 0
    per_address, reference = parse_callgrind(ours), parse_callgrind(theirs)
    differing = {
        hex(a)
        for a in per_address.self_cost.keys() | reference.self_cost.keys()
        if per_address.self_cost.get(a) != reference.self_cost.get(a)
    }
    assert not differing
    assert len(per_address.self_cost) > 1000


async def test_the_tunables_parsing_is_not_counted(tmp_path: Path, settings: Settings) -> None:
    """--toggle-collect: nothing inside __tunables_init and what it calls is counted (the
    function's own instructions are absent), though the program around it is."""
    path = write_program(tmp_path, "int main() { return 0; }", {"1": ("", "")})
    sandbox, cache = Sandbox(), Cache(settings.cache)
    binary = await Builder(settings.build, sandbox, cache).build(path.read_text())
    measurer = EstimateMeasurer.from_settings(settings, sandbox, cache, asyncio.Semaphore(1))
    text = await measurer.count_output(binary, find_tests(path).cases[0])
    (tmp_path / "prog").write_bytes(binary.data)
    start, size = _symbol(tmp_path / "prog", "__tunables_init")
    executed = parse_callgrind(text).self_cost
    assert not [a for a in executed if start <= a < start + size]
    assert len(executed) > 500


async def test_a_child_process_writes_its_own_file(tmp_path: Path, settings: Settings) -> None:
    """After fork, each process writes the file named by its pid; the started process's
    counts leave out the child's loop."""
    source = """#include <cstdio>
#include <sys/wait.h>
#include <unistd.h>
int main() {
    if (fork() == 0) { volatile long s = 0; for (long i = 0; i < 3000000; i++) s += i; _exit(0); }
    wait(nullptr);
    puts("done");
}
"""
    path = write_program(tmp_path, source, {"1": ("", "done\n")})
    sandbox, cache = Sandbox(), Cache(settings.cache)
    binary = await Builder(settings.build, sandbox, cache).build(path.read_text())
    measurer = EstimateMeasurer.from_settings(settings, sandbox, cache, asyncio.Semaphore(1))
    totals = parse_cachegrind(await measurer.count_output(binary, find_tests(path).cases[0]))
    assert totals["Ir"] < 1_000_000  # the child's loop alone is 9 M or more


def test_a_cache_geometry_it_cannot_simulate_is_refused(tmp_path: Path, settings: Settings) -> None:
    """Sets and lines must be powers of two (callgrind's rule); the tool says so and exits."""
    measurer = EstimateMeasurer.from_settings(
        settings, Sandbox(), Cache(settings.cache), asyncio.Semaphore(1)
    )
    env = measurer.environment(tmp_path, tools.COUNT_TOOL)
    run = subprocess.run(
        [measurer.valgrind, f"--tool={tools.COUNT_TOOL}", "--D1=40960,4,64", "/bin/true"],
        cwd=tmp_path,  # where the counts file would go
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode != 0
    assert "--D1: the number of sets and the line size must be powers of two" in run.stderr


WARM = """#include <cstdio>
static int big[6000];  // 24 KB: fits the 32 KB L1D
extern "C" __attribute__((noinline)) void warm() { for (int i = 0; i < 6000; i++) big[i] = i; }
int main() {
    warm();
    long s = 0;
    for (int i = 0; i < 6000; i++) s += big[i];
    printf("%ld\\n", s);
}
"""


def test_what_is_not_counted_is_simulated_only_on_request(
    tmp_path: Path, settings: Settings
) -> None:
    """--simulate-uncounted=yes (callgrind's way): a toggled function still warms the
    cache for what follows; =no (the estimate's): it leaves the caches as they were, so
    main's reads of the array it wrote miss: 6000 ints, 375 more read misses."""
    (tmp_path / "warm.cpp").write_text(WARM)
    subprocess.run(
        ["g++", "-O1", "-static", "-o", str(tmp_path / "warm"), str(tmp_path / "warm.cpp")],
        check=True,
    )
    measurer = EstimateMeasurer.from_settings(
        settings, Sandbox(), Cache(settings.cache), asyncio.Semaphore(1)
    )
    env = {"PATH": "/usr/bin:/bin", **measurer.environment(tmp_path, tools.COUNT_TOOL)}
    misses = {}
    for simulate in ("yes", "no"):
        run = subprocess.run(
            [
                measurer.valgrind,
                f"--tool={tools.COUNT_TOOL}",
                "--toggle-collect=warm",
                f"--simulate-uncounted={simulate}",
                f"--pie-count-out={tmp_path / simulate}",
                str(tmp_path / "warm"),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        assert run.stdout == "17997000\n"
        counts = parse_cachegrind((tmp_path / simulate).read_text())
        misses[simulate] = counts["D1mr"]
    assert misses["no"] - misses["yes"] >= 375


def test_no_output_file_is_a_clear_failure(tmp_path: Path) -> None:
    with pytest.raises(MeasureFailed, match="no counts file"):
        main_process_output(tmp_path, b"==5== pie-count\n")
