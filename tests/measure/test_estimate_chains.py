"""Dependent divisions (chains.py): real g++ binaries measured under real valgrind."""

from __future__ import annotations

import asyncio
import math
from pathlib import Path

import pytest

from pie_lsp.build import Builder
from pie_lsp.cache import Cache
from pie_lsp.measure.estimate import EstimateMeasurer
from pie_lsp.sandbox import Sandbox
from pie_lsp.settings import Settings
from pie_lsp.verify import find_tests

from ..conftest import write_program

N = 3000

EUCLID = """#include <cstdio>
int main() {
    long long n, s = 0;
    if (scanf("%lld", &n) != 1) return 1;
    for (long long i = 1; i <= n; i++) {
        long long a = i * 7919 + 13, b = i * 104729 + 7;
        while (b) { long long t = a % b; a = b; b = t; }
        s += a;
    }
    printf("%lld\\n", s);
}
"""

POWER = """#include <cstdio>
int main() {
    long long n, m, x = 1;
    if (scanf("%lld %lld", &n, &m) != 2) return 1;
    for (long long i = 0; i < n; i++) x = x * 31 % m;
    printf("%lld\\n", x);
}
"""

TRIAL = """#include <cstdio>
int main() {
    long long n, m, c = 0;
    if (scanf("%lld %lld", &n, &m) != 2) return 1;
    for (long long i = 1; i <= n; i++) if (m % i == 0) c++;
    printf("%lld\\n", c);
}
"""

# The divisor changes every iteration but comes from a generator, not from a division.
GENERATED = """#include <cstdio>
int main() {
    unsigned long long n, x = 12345, q = 0;
    if (scanf("%llu", &n) != 1) return 1;
    for (unsigned long long i = 0; i < n; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        q += x / ((x >> 37) | 3);
    }
    printf("%llu\\n", q);
}
"""


def _euclid(n: int) -> str:
    return str(sum(math.gcd(i * 7919 + 13, i * 104729 + 7) for i in range(1, n + 1)))


def _generated(n: int) -> str:
    x, q = 12345, 0
    for _ in range(n):
        x = (x * 6364136223846793005 + 1442695040888963407) % 2**64
        q = (q + x // ((x >> 37) | 3)) % 2**64
    return str(q)


CASES = [
    pytest.param(EUCLID, f"{N}\n", _euclid(N), True, id="euclid-gcd"),
    pytest.param(POWER, f"{N} 1000003\n", str(pow(31, N, 1000003)), True, id="power-mod"),
    pytest.param(
        TRIAL,
        f"{N} 720720\n",
        str(sum(1 for i in range(1, N + 1) if 720720 % i == 0)),
        False,
        id="trial-division",
    ),
    pytest.param(GENERATED, f"{N}\n", _generated(N), False, id="generated-divisor"),
]


@pytest.mark.parametrize(("source", "stdin", "expected", "chained"), CASES)
async def test_divisions_on_their_own_result_are_chained(
    tmp_path: Path, settings: Settings, source: str, stdin: str, expected: str, chained: bool
) -> None:
    path = write_program(tmp_path, source, {"1": (stdin, expected + "\n")})
    sandbox, cache = Sandbox(), Cache(settings.cache)
    binary = await Builder(settings.build, sandbox, cache).build(path.read_text())
    measurer = EstimateMeasurer.from_settings(settings, sandbox, cache, asyncio.Semaphore(1))
    counts = await measurer.counts(binary, find_tests(path).cases[0])
    divisions = counts["div64"] + counts["div32"]
    assert divisions >= N
    if chained:
        # every division of the loop (glibc's start-up and printf add a few of their own)
        assert counts["div_chained"] >= N
        assert counts["div_chained"] <= divisions
    else:
        assert counts["div_chained"] < 50
