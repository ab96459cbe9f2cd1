#!/usr/bin/env python3
"""Writes the development set's test inputs, and their expected outputs from slow.cpp.

One generator per program (named after its folder), deterministic (a fixed seed per
program), standard library only. Expected outputs come from running the program's own
slow.cpp (g++ -O3 -std=c++17 -static, as pie-lsp builds it); fast.cpp must print the same
lines on every test or the script fails. Each program also gets two held-out tests
(heldout/), never shown to the pipeline: the benchmark runs the edit it presents on them.
(One script rather than a gen.py per folder: forty modules named `gen` collide under mypy.)

Usage:
  python3 benchmarks/devset/generate.py              # every program
  python3 benchmarks/devset/generate.py 01 22-round  # folders starting with these
  python3 benchmarks/devset/generate.py --count      # also: instructions of slow and fast
                                                     # on the largest test (valgrind)
"""

from __future__ import annotations

import argparse
import random
import string
import subprocess
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

HERE = Path(__file__).resolve().parent
T = TypeVar("T")
Gen = Callable[[random.Random, int], str]
GENERATORS: dict[str, Gen] = {}


def generator(name: str) -> Callable[[Gen], Gen]:
    def register(fn: Gen) -> Gen:
        GENERATORS[name] = fn
        return fn

    return register


def nums(values: list[int]) -> str:
    return " ".join(map(str, values))


def pick(sizes: tuple[T, T, T], test: int) -> T:
    """The size for test 1, 2 or 3 (small, medium, the largest)."""
    return sizes[test - 1]


def word(rng: random.Random, lo: int, hi: int, letters: str = string.ascii_lowercase) -> str:
    return "".join(rng.choice(letters) for _ in range(rng.randint(lo, hi)))


# -- algorithmic --------------------------------------------------------------------------
@generator("01-equal-pairs")
def equal_pairs(rng: random.Random, test: int) -> str:
    n = pick((300, 1000, 2000), test)
    return f"{n}\n{nums([rng.randint(1, n // 3) * 1000003 for _ in range(n)])}\n"


@generator("02-range-sums")
def range_sums(rng: random.Random, test: int) -> str:
    n, q = pick((200, 1500, 3000), test), pick((200, 1000, 2000), test)
    a = [rng.randint(-(10**9), 10**9) for _ in range(n)]
    lines = []
    for _ in range(q):
        lo, hi = sorted((rng.randint(1, n), rng.randint(1, n)))
        lines.append(f"{lo} {hi}")
    return f"{n} {q}\n{nums(a)}\n" + "\n".join(lines) + "\n"


@generator("03-stair-ways")
def stair_ways(rng: random.Random, test: int) -> str:
    t, top = pick((3, 5, 6), test), pick((14, 17, 20), test)
    return f"{t}\n" + "\n".join(str(rng.randint(top - 4, top)) for _ in range(t)) + "\n"


@generator("04-best-segment")
def best_segment(rng: random.Random, test: int) -> str:
    n = pick((300, 1200, 2200), test)
    return f"{n}\n{nums([rng.randint(-(10**6), 10**6) for _ in range(n)])}\n"


@generator("05-pairs-under-limit")
def pairs_under_limit(rng: random.Random, test: int) -> str:
    n = pick((300, 1000, 1800), test)
    return f"{n} 1000000\n{nums([rng.randint(0, 10**6) for _ in range(n)])}\n"


@generator("06-longest-increasing")
def longest_increasing(rng: random.Random, test: int) -> str:
    n = pick((300, 1200, 2200), test)
    return f"{n}\n{nums([rng.randint(1, 10**6) for _ in range(n)])}\n"


@generator("07-prime-counts")
def prime_counts(rng: random.Random, test: int) -> str:
    q, top = pick((3, 4, 5), test), pick((2000, 10000, 30000), test)
    return f"{q}\n" + "\n".join(str(rng.randint(1, top)) for _ in range(q)) + "\n"


@generator("08-inversions")
def inversions(rng: random.Random, test: int) -> str:
    n = pick((300, 1500, 3000), test)
    p = list(range(1, n + 1))
    rng.shuffle(p)
    return f"{n}\n{nums(p)}\n"


@generator("09-window-maximum")
def window_maximum(rng: random.Random, test: int) -> str:
    n, k = pick((300, 3000, 6000), test), pick((20, 300, 1000), test)
    return f"{n} {k}\n{nums([rng.randint(0, 10**9) for _ in range(n)])}\n"


@generator("10-count-at-most")
def count_at_most(rng: random.Random, test: int) -> str:
    n, q = pick((200, 1000, 2000), test), pick((200, 1000, 2000), test)
    a = [rng.randint(0, 10**9) for _ in range(n)]
    qs = [rng.randint(0, 10**9) for _ in range(q)]
    return f"{n} {q}\n{nums(a)}\n{nums(qs)}\n"


@generator("11-divisor-count-sum")
def divisor_count_sum(rng: random.Random, test: int) -> str:
    return f"{pick((2000, 7000, 20000), test) + rng.randint(0, 99)}\n"


@generator("12-rectangle-sums")
def rectangle_sums(rng: random.Random, test: int) -> str:
    h, w, q = pick((30, 60, 100), test), pick((30, 60, 100), test), pick((100, 600, 1500), test)
    rows = [nums([rng.randint(0, 100) for _ in range(w)]) for _ in range(h)]
    qs = []
    for _ in range(q):  # mostly large rectangles
        r1, r2 = rng.randint(1, h // 4), rng.randint(h - h // 4, h)
        c1, c2 = rng.randint(1, w // 4), rng.randint(w - w // 4, w)
        qs.append(f"{r1} {c1} {r2} {c2}")
    return f"{h} {w} {q}\n" + "\n".join(rows + qs) + "\n"


@generator("13-grid-paths")
def grid_paths(rng: random.Random, test: int) -> str:
    r, c = pick(((6, 7), (10, 10), (12, 13)), test)
    grid = [["#" if rng.random() < 0.06 else "." for _ in range(c)] for _ in range(r)]
    grid[0][0] = grid[r - 1][c - 1] = "."
    return f"{r} {c}\n" + "\n".join("".join(row) for row in grid) + "\n"


@generator("14-knapsack")
def knapsack(rng: random.Random, test: int) -> str:
    n = pick((10, 16, 20), test)
    items = [(rng.randint(1, 40), rng.randint(1, 1000)) for _ in range(n)]
    cap = sum(w for w, _ in items) * 2 // 3
    return f"{n} {cap}\n" + "\n".join(f"{w} {v}" for w, v in items) + "\n"


# -- input and output -----------------------------------------------------------------------
@generator("15-sum-of-many")
def sum_of_many(rng: random.Random, test: int) -> str:
    n = pick((500, 2000, 6000), test)
    return f"{n}\n{nums([rng.randint(0, 10**9) for _ in range(n)])}\n"


@generator("16-squares-table")
def squares_table(rng: random.Random, test: int) -> str:
    return f"{pick((500, 3000, 8000), test) + rng.randint(0, 9)}\n"


@generator("17-row-walls")
def row_walls(rng: random.Random, test: int) -> str:
    h, w = pick((20, 100, 250), test), pick((20, 100, 200), test)
    rows = ["".join(rng.choice("..#") for _ in range(w)) for _ in range(h)]
    return f"{h} {w}\n" + "\n".join(rows) + "\n"


@generator("18-stack-commands")
def stack_commands(rng: random.Random, test: int) -> str:
    q = pick((500, 2000, 6000), test)
    ops = []
    for _ in range(q):
        r = rng.random()
        if r < 0.45:
            ops.append(f"push {rng.randint(-(10**9), 10**9)}")
        else:
            ops.append("pop" if r < 0.75 else "top" if r < 0.9 else "size")
    return f"{q}\n" + "\n".join(ops) + "\n"


@generator("19-line-sums")
def line_sums(rng: random.Random, test: int) -> str:
    n, k = pick((100, 600, 1500), test), pick((5, 8, 8), test)
    lines = [
        nums([rng.randint(-(10**6), 10**6) for _ in range(rng.randint(1, k))]) for _ in range(n)
    ]
    return f"{n}\n" + "\n".join(lines) + "\n"


# -- data structures ------------------------------------------------------------------------
@generator("20-most-frequent")
def most_frequent(rng: random.Random, test: int) -> str:
    n = pick((1000, 5000, 12000), test)
    values = [min(100000, int(rng.expovariate(1 / 20000))) for _ in range(n)]
    return f"{n}\n{nums(values)}\n"


@generator("21-distinct-values")
def distinct_values(rng: random.Random, test: int) -> str:
    n = pick((500, 2000, 5000), test)
    pool = [rng.randint(-(10**12), 10**12) for _ in range(n // 2)]
    return f"{n}\n{nums([rng.choice(pool) for _ in range(n)])}\n"


@generator("22-round-robin")
def round_robin(rng: random.Random, test: int) -> str:
    n, quantum = pick((100, 600, 1200), test), pick((10, 10, 10), test)
    return f"{n} {quantum}\n{nums([rng.randint(1, 100) for _ in range(n)])}\n"


@generator("23-insert-at-position")
def insert_at_position(rng: random.Random, test: int) -> str:
    q = pick((200, 1500, 3000), test)
    ops = [f"{rng.randint(0, i)} {rng.randint(1, 10**9)}" for i in range(q)]
    return f"{q}\n" + "\n".join(ops) + "\n"


@generator("24-cheapest-first")
def cheapest_first(rng: random.Random, test: int) -> str:
    q = pick((500, 3000, 6000), test)
    ops = [f"1 {rng.randint(1, 10**9)}" if rng.random() < 0.6 else "2" for _ in range(q)]
    return f"{q}\n" + "\n".join(ops) + "\n"


@generator("25-maze-distance")
def maze_distance(rng: random.Random, test: int) -> str:
    h, w = pick((20, 70, 130), test), pick((20, 70, 130), test)
    grid = [["#" if rng.random() < 0.25 else "." for _ in range(w)] for _ in range(h)]
    grid[0][0] = grid[h - 1][w - 1] = "."
    return f"{h} {w}\n" + "\n".join("".join(row) for row in grid) + "\n"


@generator("26-word-lookup")
def word_lookup(rng: random.Random, test: int) -> str:
    n, q = pick((500, 2000, 4500), test), pick((500, 2000, 4500), test)
    vocab = [word(rng, 3, 8, "abcdefgh") for _ in range(n // 3 + 1)]
    words = [rng.choice(vocab) for _ in range(n)]
    queries = [rng.choice(vocab) if rng.random() < 0.7 else word(rng, 3, 8) for _ in range(q)]
    return f"{n} {q}\n{' '.join(words)}\n{' '.join(queries)}\n"


@generator("27-next-ticket")
def next_ticket(rng: random.Random, test: int) -> str:
    q = pick((300, 800, 1500), test)
    ops = []
    for i in range(q):
        op = 1 if i < q // 4 or rng.random() < 0.5 else 2
        ops.append(f"{op} {rng.randint(1, 10**9)}")
    return f"{q}\n" + "\n".join(ops) + "\n"


# -- memory -----------------------------------------------------------------------------------
@generator("28-subtree-sizes")
def subtree_sizes(rng: random.Random, test: int) -> str:
    n = pick((50, 120, 200), test)
    edges = [f"{rng.randint(1, v - 1)} {v}" for v in range(2, n + 1)]
    rng.shuffle(edges)
    return f"{n}\n" + "\n".join(edges) + "\n"


@generator("29-column-counts")
def column_counts(rng: random.Random, test: int) -> str:
    h, w, q = pick((20, 150, 300), test), pick((20, 100, 200), test), pick((50, 100, 200), test)
    rows = ["".join(rng.choice("abcde") for _ in range(w)) for _ in range(h)]
    qs = [f"{rng.randint(0, w - 1)} {rng.choice('abcde')}" for _ in range(q)]
    return f"{h} {w} {q}\n" + "\n".join(rows + qs) + "\n"


@generator("30-distinct-digit-numbers")
def distinct_digit_numbers(rng: random.Random, test: int) -> str:
    lo = rng.randint(1, 1000)
    return f"{lo} {lo + pick((5000, 30000, 80000), test)}\n"


@generator("31-big-fibonacci")
def big_fibonacci(rng: random.Random, test: int) -> str:
    return f"{pick((100, 1500, 4000), test) + rng.randint(0, 9)}\n"


@generator("32-forest-per-case")
def forest_per_case(rng: random.Random, test: int) -> str:
    t = pick((3, 10, 20), test)
    parts = [str(t)]
    for _ in range(t):
        n = rng.randint(1, 30)
        m = rng.randint(0, n)
        parts.append(f"{n} {m}")
        parts += [f"{rng.randint(1, n)} {rng.randint(1, n)}" for _ in range(m)]
    return "\n".join(parts) + "\n"


@generator("33-lookup-by-value")
def lookup_by_value(rng: random.Random, test: int) -> str:
    n, q = pick((300, 2000, 4000), test), pick((300, 600, 1200), test)
    a = [rng.randint(0, 10**9) for _ in range(n)]
    qs = [rng.randint(0, 10**9) for _ in range(q)]
    return f"{n} {q}\n{nums(a)}\n{nums(qs)}\n"


# -- math and library use ------------------------------------------------------------------------
@generator("34-digit-sums-pow")
def digit_sums_pow(rng: random.Random, test: int) -> str:
    n = pick((500, 2000, 4000), test)
    return f"{n}\n{nums([rng.randint(1, 10 ** rng.randint(1, 17)) for _ in range(n)])}\n"


@generator("35-factorize-all")
def factorize_all(rng: random.Random, test: int) -> str:
    q = pick((200, 2000, 5000), test)
    return f"{q}\n" + "\n".join(str(rng.randint(2, 10**6)) for _ in range(q)) + "\n"


@generator("36-power-mod")
def power_mod(rng: random.Random, test: int) -> str:
    q, top = pick((20, 30, 45), test), pick((2000, 50000, 100000), test)
    qs = [
        f"{rng.randint(0, 10**9)} {rng.randint(0, top)} {rng.randint(1, 10**9)}" for _ in range(q)
    ]
    return f"{q}\n" + "\n".join(qs) + "\n"


@generator("37-binomials-mod")
def binomials_mod(rng: random.Random, test: int) -> str:
    q, top = pick((10, 10, 15), test), pick((1000, 30000, 100000), test)
    qs = []
    for _ in range(q):
        n = rng.randint(0, top)
        qs.append(f"{n} {rng.randint(0, n)}")
    return f"{q}\n" + "\n".join(qs) + "\n"


@generator("38-pairwise-gcd")
def pairwise_gcd(rng: random.Random, test: int) -> str:
    n = pick((50, 250, 400), test)
    return f"{n}\n{nums([rng.randint(1, 2000) for _ in range(n)])}\n"


@generator("39-largest-power-of-two")
def largest_power_of_two(rng: random.Random, test: int) -> str:
    n = pick((200, 1000, 2500), test)
    return f"{n}\n{nums([rng.randint(1, 10 ** rng.randint(1, 18)) for _ in range(n)])}\n"


@generator("40-digit-sum-multiples")
def digit_sum_multiples(rng: random.Random, test: int) -> str:
    return f"{pick((3000, 30000, 80000), test)} {rng.randint(2, 9)}\n"


# -- strings --------------------------------------------------------------------------------------
@generator("41-joined-output")
def joined_output(rng: random.Random, test: int) -> str:
    n = pick((200, 600, 1200), test)
    return f"{n}\n{nums([rng.randint(0, 10**12) for _ in range(n)])}\n"


@generator("42-pattern-occurrences")
def pattern_occurrences(rng: random.Random, test: int) -> str:
    n = pick((2000, 30000, 80000), test)
    pattern = "".join(rng.choice("ab") for _ in range(20))
    chars = [rng.choice("ab") for _ in range(n)]
    for _ in range(n // 200):  # plant some occurrences
        at = rng.randint(0, n - len(pattern))
        chars[at : at + len(pattern)] = pattern
    return f"{''.join(chars)}\n{pattern}\n"


@generator("43-palindromic-substrings")
def palindromic_substrings(rng: random.Random, test: int) -> str:
    n = pick((50, 150, 230), test)
    return "".join(rng.choice("aab") for _ in range(n)) + "\n"


@generator("44-reverse-words")
def reverse_words(rng: random.Random, test: int) -> str:
    n = pick((300, 1200, 2500), test)
    return f"{n}\n" + " ".join(word(rng, 1, 9) for _ in range(n)) + "\n"


@generator("45-vowel-count")
def vowel_count(rng: random.Random, test: int) -> str:
    n = pick((300, 3000, 9000), test)
    return f"{n}\n" + " ".join(word(rng, 1, 12, string.ascii_letters) for _ in range(n)) + "\n"


@generator("46-shout-text")
def shout_text(rng: random.Random, test: int) -> str:
    n = pick((300, 5000, 14000), test)
    return "".join(rng.choice(string.ascii_letters + "0123456789") for _ in range(n)) + "\n"


# -- running ---------------------------------------------------------------------------------------
def compile_cpp(source: Path, out: Path) -> None:
    subprocess.run(
        ["g++", "-O3", "-std=c++17", "-static", "-o", str(out), str(source)],
        check=True,
        capture_output=True,
    )


def run(binary: Path, stdin: Path) -> str:
    with stdin.open("rb") as f:
        done = subprocess.run([str(binary)], stdin=f, capture_output=True, check=True, timeout=60)
    return done.stdout.decode()


def lines(text: str) -> list[str]:
    """Output as pie-lsp's verifier compares it: line by line, outer whitespace ignored."""
    return [line.strip() for line in text.strip().splitlines()]


def instructions(binary: Path, stdin: Path) -> int:
    """Instructions executed on one input (cachegrind, no cache simulation)."""
    with tempfile.NamedTemporaryFile() as out, stdin.open("rb") as f:
        subprocess.run(
            ["valgrind", "--tool=cachegrind", "--cache-sim=no", f"--cachegrind-out-file={out.name}",
             str(binary)],
            stdin=f,
            capture_output=True,
            check=True,
        )  # fmt: skip
        for line in Path(out.name).read_text().splitlines():
            if line.startswith("summary:"):
                return int(line.split()[1])
    raise RuntimeError("no cachegrind summary")


def make(name: str, count: bool) -> str:
    folder = HERE / name
    tests = folder / "tests"
    tests.mkdir(exist_ok=True)
    heldout = folder / "heldout"
    heldout.mkdir(exist_ok=True)
    rng = random.Random(f"pie-lsp devset {name}")
    for test in (1, 2, 3):
        (tests / f"input.{test}.txt").write_text(GENERATORS[name](rng, test))
    # held-out inputs (other seed, the sizes of tests 1 and 2): never given to the
    # pipeline, only used to check the edit it presents
    rng = random.Random(f"pie-lsp devset {name} held out")
    for test in (1, 2):
        (heldout / f"input.{test}.txt").write_text(GENERATORS[name](rng, test))
    with tempfile.TemporaryDirectory() as tmp:
        slow, fast = Path(tmp) / "slow", Path(tmp) / "fast"
        compile_cpp(folder / "slow.cpp", slow)
        compile_cpp(folder / "fast.cpp", fast)
        for where, test in [(tests, 1), (tests, 2), (tests, 3), (heldout, 1), (heldout, 2)]:
            expected = run(slow, where / f"input.{test}.txt")
            (where / f"output.{test}.txt").write_text(expected)
            got = run(fast, where / f"input.{test}.txt")
            if lines(got) != lines(expected):
                raise SystemExit(f"{name}: fast.cpp disagrees with slow.cpp on {where.name} {test}")
        if not count:
            return f"{name}: ok"
        largest = tests / "input.3.txt"
        s, f = instructions(slow, largest), instructions(fast, largest)
        return f"{name}: slow {s / 1e6:7.2f} M  fast {f / 1e6:7.2f} M  ratio {s / f:6.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", help="folder-name prefixes (default: all)")
    parser.add_argument("--count", action="store_true", help="report instruction counts")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    missing = sorted(
        p.name for p in HERE.iterdir() if (p / "slow.cpp").is_file() and p.name not in GENERATORS
    )
    if missing:
        print(f"no generator for: {', '.join(missing)}", file=sys.stderr)
        return 1
    names = [n for n in GENERATORS if not args.names or any(n.startswith(p) for p in args.names)]
    with ThreadPoolExecutor(args.jobs) as pool:
        for line in pool.map(lambda n: make(n, args.count), names):
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
