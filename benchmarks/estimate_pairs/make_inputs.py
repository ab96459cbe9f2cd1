#!/usr/bin/env python3
"""Writes the slow/fast pairs measured in gem5 to fit and check the estimate (deterministic).

Two kinds of pair folders, each `NAME/slow.cpp`, `NAME/fast.cpp`, `NAME/tests/input.N.txt`,
`NAME/tests/output.N.txt` (the layout `pie-lsp calibrate` reads):
- `fs-*`: the few-shot corpus (model/fewshot/), copied, with two inputs generated here
  sized for gem5 (the corpus's own input.txt is a prompt example, far too small);
- `ex-*`: the bundled examples (examples/*/slow.cpp, copied) with a fast.cpp written here;
- `eNN-*`: pairs written for this set, and two one-source programs (`glibc-*`) that check
  the estimate runs glibc's start-up and string routines as gem5 does;
- `hNN-*`: the fresh held-out set, written to ../estimate_fresh/ (see FRESH below).
All inputs come from the generators below.
Expected outputs come from a native run of slow.cpp; a pair whose fast.cpp disagrees is an
error. Run: python3 benchmarks/estimate_pairs/make_inputs.py [NAME ...]
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

# ruff: noqa: E501  (one generator per line reads best as a table)

HERE = Path(__file__).resolve().parent
FEWSHOT = HERE.parent.parent / "model" / "fewshot"

Gen = Callable[[random.Random, int], str]


def ints(rng: random.Random, n: int, lo: int, hi: int) -> str:
    return " ".join(str(rng.randint(lo, hi)) for _ in range(n))


def word(rng: random.Random, n: int, alphabet: str = "abcdefghijklmnopqrstuvwxyz") -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def tree(rng: random.Random, n: int) -> str:
    edges = [f"{rng.randint(max(1, i - 5), i - 1)} {i}" for i in range(2, n + 1)]
    return f"{n}\n" + "\n".join(edges) + "\n"


# Size index 1 = small (about 0.2-0.6 M instructions for slow.cpp), 2 = larger (about 1-2 M).
FEWSHOT_INPUTS: dict[str, Gen] = {
    "01-sync-stdio": lambda r, s: f"{(n := 300 * s)}\n{ints(r, n, -(10**12), 10**12)}\n",
    "02-endl-flush": lambda r, s: f"{800 * s}\n",
    "03-buffered-reader": lambda r, s: f"{(n := 500 * s)}\n{ints(r, n, -(10**9), 10**9)}\n",
    "04-stringstream-parse": lambda r, s: (
        "\n".join(ints(r, r.randint(0, 6), -1000, 10**6) for _ in range(80 * s)) + "\n"
    ),
    "05-vector-by-value": lambda r, s: (
        f"{(n := 400 * s)} {(q := 60 * s)}\n{ints(r, n, -(10**9), 10**9)}\n"
        + "\n".join(f"{(a := r.randrange(n))} {r.randrange(a, n)}" for _ in range(q))
        + "\n"
    ),
    "06-string-by-value-comparator": lambda r, s: (
        f"{(n := 400 * s)}\n" + " ".join(word(r, r.randint(1, 12)) for _ in range(n)) + "\n"
    ),
    "07-string-concat": lambda r, s: f"{400 * s}\n",
    "08-map-to-unordered-map": lambda r, s: f"{(n := 1000 * s)}\n{ints(r, n, 0, 500 * s)}\n",
    "09-map-to-array": lambda r, s: (
        f"{(n := 500 * s)}\n{ints(r, n, 0, 100000)}\n{(q := 250 * s)}\n{ints(r, q, 0, 100000)}\n"
    ),
    "10-strlen-in-loop": lambda r, s: word(r, 1500 * s) + "\n",
    "11-loop-invariant-call": lambda r, s: f"{(n := 200 * s)}\n{ints(r, n, 0, 10**6)}\n",
    "12-pair-count-hashing": lambda r, s: f"{(n := 300 * s)} 1000\n{ints(r, n, 0, 1000)}\n",
    "13-inversions-fenwick": lambda r, s: f"{(n := 350 * s)}\n{ints(r, n, 0, 10**6)}\n",
    "14-binary-search-queries": lambda r, s: (
        f"{(n := 300 * s)} {(q := 100 * s)}\n{ints(r, n, 0, 10**6)}\n{ints(r, q, 0, 10**6)}\n"
    ),
    "15-fibonacci-memo": lambda r, s: f"3\n{16 + 2 * s} 10 {18 + 2 * s}\n",
    "16-grid-paths-dp": lambda r, s: (
        f"{(h := 8 + s)} {(w := 9)}\n"
        + "\n".join("".join("#" if r.random() < 0.08 else "." for _ in range(w)) for _ in range(h))
        + "\n"
    ),
    "17-prefix-sums": lambda r, s: (
        f"{(n := 500 * s)} {(q := 150 * s)}\n{ints(r, n, -(10**9), 10**9)}\n"
        + "\n".join(f"{(a := r.randint(1, n))} {r.randint(a, n)}" for _ in range(q))
        + "\n"
    ),
    "18-prefix-sums-2d": lambda r, s: (
        f"{(h := 20 * s)} {(w := 20 * s)} {(q := 60 * s)}\n"
        + "\n".join(ints(r, w, -1000, 1000) for _ in range(h))
        + "\n"
        + "\n".join(
            f"{(a := r.randrange(h))} {(b := r.randrange(w))} {r.randrange(a, h)} {r.randrange(b, w)}"
            for _ in range(q)
        )
        + "\n"
    ),
    "19-bitset-subset-sum": lambda r, s: f"{(n := s)}\n{ints(r, n, 40000, 60000)}\n",
    "20-vector-reserve-reuse": lambda r, s: f"{(t := 20 * s)}\n{ints(r, t, 1, 3000)}\n",
    "21-avoid-pow": lambda r, s: f"{100 * s}\n",
    "22-modular-exponentiation": lambda r, s: (
        f"{(q := 4 * s)}\n"
        + "\n".join(f"{r.randint(2, 10**12)} {r.randint(1000, 20000)}" for _ in range(q))
        + "\n"
    ),
    # 23-sieve-of-eratosthenes is left out: its fast.cpp sieves to 10^6 whatever the
    # input (34 M instructions, about two minutes of gem5 per run).
    "24-divisors-sqrt": lambda r, s: f"{(q := 3 * s)}\n{ints(r, q, 10**4, 3 * 10**4)}\n",
    "25-gcd-euclid": lambda r, s: (
        f"{(q := 4 * s)}\n"
        + "\n".join(f"{r.randint(5000, 15000)} {r.randint(5000, 15000)}" for _ in range(q))
        + "\n"
    ),
    "26-closed-form-sum": lambda r, s: (
        f"{(q := 4 * s)}\n"
        + "\n".join(
            f"{(a := r.randint(-(10**5), 10**5))} {a + r.randint(0, 60000)}" for _ in range(q)
        )
        + "\n"
    ),
    "27-sort-unique-instead-of-set": lambda r, s: (
        f"{(n := 800 * s)}\n{ints(r, n, -(10**6), 10**6)}\n"
    ),
    "28-queue-instead-of-erase-front": lambda r, s: f"{500 * s} 3\n",
    "29-compare-without-substr": lambda r, s: (
        word(r, 2000 * s, "ab") + "\n" + word(r, 40, "ab") + "\n"
    ),
    "30-sliding-window": lambda r, s: (
        f"{(n := 1000 * s)} {40 * s}\n{ints(r, n, -(10**9), 10**9)}\n"
    ),
    "31-row-major-traversal": lambda r, s: f"{100 + 60 * s}\n",
    "32-knapsack-rolling-array": lambda r, s: (
        f"{(n := 20 * s)} {(c := 2000)}\n"
        + "\n".join(f"{r.randint(1, c // 4)} {r.randint(1, 10**6)}" for _ in range(n))
        + "\n"
    ),
    "33-dfs-graph-by-reference": lambda r, s: tree(r, 30 * s),
    "34-count-with-frequency-table": lambda r, s: (
        f"{(n := 500 * s)} {(q := 80 * s)}\n{ints(r, n, 0, 100)}\n{ints(r, q, 0, 100)}\n"
    ),
    "35-matmul-loop-order": lambda r, s: f"{30 + 12 * s}\n",
    "36-append-then-reverse": lambda r, s: f"{r.randint(10**17, 10**18)} {2 if s == 2 else 3}\n",
    "37-palindrome-two-pointers": lambda r, s: ("ab" * 10 + word(r, 150 * s, "ab")) + "\n",
    "38-integer-sqrt-binary-search": lambda r, s: (
        f"{(q := 3 * s)}\n{ints(r, q, 10**8, 2 * 10**9)}\n"
    ),
    "39-max-subarray-kadane": lambda r, s: f"{(n := 300 * s)}\n{ints(r, n, -(10**6), 10**6)}\n",
    "40-lis-patience": lambda r, s: f"{(n := 300 * s)}\n{ints(r, n, 0, 10**6)}\n",
    "41-digit-sum-arithmetic": lambda r, s: f"{3000 * s}\n",
}

# The bundled examples (examples/NAME/slow.cpp, copied; fast.cpp written for this set), with
# inputs smaller than the examples' own tests, which run 10-70 M instructions.
EXAMPLES: dict[str, Gen] = {
    "pass_by_value": lambda r, s: (
        f"{(n := 400 * s)} {(q := 150 * s)}\n{ints(r, n, 0, 10**6)}\n{ints(r, q, 0, 10**6)}\n"
    ),
    "prefix_sums": lambda r, s: f"{(n := 300 * s)}\n{ints(r, n, -(10**9), 10**9)}\n",
    "string_build": lambda r, s: f"{300 * s}\n",
    "word_count": lambda r, s: f"{(n := 1000 * s)}\n{ints(r, n, 0, 400 * s)}\n",
}

# Pairs written for this set: folder -> input generator (sources live in the folder).
INPUTS: dict[str, Gen] = {
    "e01-mod-64-vs-32": lambda r, s: (
        f"{20000 * s} {r.randint(10**6, 10**9)} {r.randint(10**5, 10**9)}\n"
    ),
    "e02-gcd-euclid-vs-binary": lambda r, s: f"{(n := 40 * s)}\n{ints(r, n, 1, 10**15)}\n",
    "e03-sqrt-per-value-vs-pointer": lambda r, s: (
        f"{(a := r.randint(10**6, 10**9))} {a + 12000 * s}\n"
    ),
    "e04-fp-divide-vs-reciprocal": lambda r, s: f"{(n := 400)} {15 * s}\n{ints(r, n, 1, 10**6)}\n",
    "e05-tribonacci-recursion-vs-loop": lambda r, s: f"{15 + 2 * s}\n",
    "e06-lcs-map-memo-vs-table": lambda r, s: (
        f"{word(r, 25 * s, 'abc')}\n{word(r, 25 * s, 'abc')}\n"
    ),
    "e07-coin-change-hashmemo-vs-array": lambda r, s: f"4 {300 * s}\n1 3 7 {r.randint(10, 20)}\n",
    "e08-distinct-hashset-vs-sort": lambda r, s: f"{(n := 1000 * s)}\n{ints(r, n, 0, 10**9)}\n",
    "e09-word-count-map-vs-unordered": lambda r, s: (
        " ".join(word(r, r.randint(2, 4), "abcdefgh") for _ in range(900 * s)) + "\n"
    ),
    "e10-bubble-vs-std-sort": lambda r, s: f"{(n := 70 * s + 30)}\n{ints(r, n, 0, 10**9)}\n",
    "e11-sort-vs-counting-sort": lambda r, s: f"{(n := 1500 * s)}\n{ints(r, n, 0, 1000)}\n",
    "e12-ostringstream-vs-buffer": lambda r, s: f"{400 * s}\n",
    "e13-printf-per-number-vs-manual": lambda r, s: f"{1000 * s}\n",
    "e14-primes-trial-vs-sieve": lambda r, s: f"{4000 * s}\n",
    "e15-divisor-counts-trial-vs-harmonic": lambda r, s: f"{2000 * s}\n",
    "e16-set-find-vs-binary-search": lambda r, s: (
        f"{(n := 800 * s)} {(q := 800 * s)}\n{ints(r, n, 0, 5000 * s)}\n{ints(r, q, 0, 5000 * s)}\n"
    ),
    "e17-list-vs-vector-sum": lambda r, s: f"{(n := 1000 * s)} {40}\n{ints(r, n, 0, 10**12)}\n",
    "e18-column-walk-vs-flat-rows": lambda r, s: f"{120 + 90 * s}\n",
    "e19-erase-in-loop-vs-remove-if": lambda r, s: f"{(n := 1000 * s)}\n{ints(r, n, 0, 10**6)}\n",
    "e20-vector-insert-front-vs-deque": lambda r, s: f"{(n := 800 * s)}\n{ints(r, n, 0, 10**6)}\n",
    "e21-flood-fill-recursive-vs-bfs": lambda r, s: (
        f"{(h := 40 * s)} {(w := 50)}\n"
        + "\n".join("".join("#" if r.random() < 0.3 else "." for _ in range(w)) for _ in range(h))
        + "\n"
    ),
    "e22-bfs-matrix-vs-list": lambda r, s: (
        f"{(n := 250 * s)} {(m := 3 * n)}\n"
        + "\n".join(f"{r.randrange(n)} {r.randrange(n)}" for _ in range(m))
        + "\n"
    ),
    "e23-dijkstra-quadratic-vs-heap": lambda r, s: (
        f"{(n := 200 * s)} {(m := 3 * n)}\n"
        + "\n".join(f"{r.randrange(n)} {r.randrange(n)} {r.randint(1, 1000)}" for _ in range(m))
        + "\n"
    ),
    "e24-substr-compare-vs-find": lambda r, s: (
        word(r, 2500 * s, "ab") + "\n" + word(r, 6, "ab") + "\n"
    ),
    "e25-strlen-condition-vs-once": lambda r, s: word(r, 1200 * s) + "\n",
    "e26-memset-per-query-vs-stamp": lambda r, s: (
        f"{(q := 8 * s)}\n"
        + "\n".join(f"{(k := 60)} {ints(r, k, 0, 19999)}" for _ in range(q))
        + "\n"
    ),
    "e27-copy-array-vs-swap": lambda r, s: f"{(n := 500)} {20 * s}\n{ints(r, n, 0, 999)}\n",
    "e28-pow-vs-multiply": lambda r, s: f"{2500 * s}\n",
    "e29-runtime-mod-vs-constant": lambda r, s: f"1000000007 {30000 * s}\n",
    "e30-fib-linear-vs-matrix": lambda r, s: f"{(q := 3 * s)}\n{ints(r, q, 10**4, 4 * 10**4)}\n",
    "e31-binomial-recursive-vs-pascal": lambda r, s: (
        f"{(q := 3 * s)}\n"
        + "\n".join(f"{(n := r.randint(14, 17))} {n // 2}" for _ in range(q))
        + "\n"
    ),
    "e32-range-xor-loop-vs-prefix": lambda r, s: (
        f"{(n := 2000)} {(q := 60 * s)}\n{ints(r, n, 0, 2**31)}\n"
        + "\n".join(f"{(a := r.randrange(n))} {r.randrange(a, n)}" for _ in range(q))
        + "\n"
    ),
    "e33-triplets-cubic-vs-hash": lambda r, s: (
        f"{(n := 50 + 25 * s)} 1500\n{ints(r, n, 0, 1000)}\n"
    ),
    "e34-cin-char-vs-fread": lambda r, s: (
        "\n".join(word(r, 60, "abc123 ") for _ in range(40 * s)) + "\n"
    ),
    "e35-group-map-vectors-vs-sort-pairs": lambda r, s: (
        f"{(n := 800 * s)}\n"
        + "\n".join(f"{r.randint(0, 300)} {r.randint(0, 10**6)}" for _ in range(n))
        + "\n"
    ),
    "e36-popcount-loop-vs-builtin": lambda r, s: f"{5000 * s}\n",
    "e37-stringstream-vs-to-string": lambda r, s: f"{300 * s}\n",
    "e38-virtual-calls-vs-switch": lambda r, s: f"{(n := 800 * s)}\n{ints(r, n, 0, 2)}\n",
    "e39-array-of-structs-vs-field-array": lambda r, s: f"{3000 * s} 8\n",
    "e40-linear-lookup-vs-hash": lambda r, s: (
        f"{(n := 300 * s)} {(q := 150 * s)}\n"
        + "\n".join(f"{r.randint(0, 10**6)} {r.randint(0, 1000)}" for _ in range(n))
        + "\n"
        + ints(r, q, 0, 10**6)
        + "\n"
    ),
    "e41-distinct-substrings-set-vs-hash": lambda r, s: word(r, 1500 * s, "abcd") + " 12\n",
    "e42-digit-sum-div-vs-table": lambda r, s: (
        f"{(a := r.randint(10**9, 10**12))} {a + 6000 * s}\n"
    ),
    "e43-josephus-simulation-vs-recurrence": lambda r, s: f"{1500 * s} {r.randint(2, 9)}\n",
    "e44-full-sort-vs-nth-element": lambda r, s: f"{(n := 1500 * s)} 10\n{ints(r, n, 0, 10**9)}\n",
    "e45-sqrt-distance-vs-squared": lambda r, s: (
        f"{(n := 90 * s)} 300\n"
        + "\n".join(f"{r.randint(0, 1000)} {r.randint(0, 1000)}" for _ in range(n))
        + "\n"
    ),
    "e46-string-insert-front-vs-reverse": lambda r, s: f"{1500 * s}\n",
    "e47-map-counter-vs-vector-index": lambda r, s: f"{(n := 1500 * s)}\n{ints(r, n, 0, 100000)}\n",
    # one-source programs: glibc's start-up alone, and glibc's CPU-dispatched string routines
    "glibc-startup": lambda r, s: "",
    "glibc-strings": lambda r, s: word(r, 3000 * s, "abcdefghijklmnopqrstuvwxyz ") + "\n",
    "e48-float-accumulate-vs-int": lambda r, s: f"{(n := 1500 * s)}\n{ints(r, n, 0, 10**6)}\n",
}

# The fresh held-out set (../estimate_fresh/, folders hNN-*), written after estimate v5 by
# authors who had not seen where the estimate disagrees with gem5, and measured in gem5
# only after the next model was chosen on everything measured before it
# (docs/ESTIMATE.md, "A fresh held-out set"). Two groups, written in parallel.
FRESH = HERE.parent / "estimate_fresh"
FRESH_A: dict[str, Gen] = {
    "h01-nqueens-leaf-check-vs-pruning": lambda r, s: f"{5 + s}\n",
    "h02-edit-distance-topdown-vs-rolling": lambda r, s: (
        f"{word(r, (n := 5 + 60 * s), 'acgt')}\n{word(r, n + r.randint(-5, 5), 'acgt')}\n"
    ),
    "h03-stone-merge-nested-vectors-vs-flat": lambda r, s: (
        f"{(n := 20 + 35 * s)}\n{ints(r, n, 1, 1000)}\n"
    ),
    "h04-tsp-backtrack-vs-bitmask-dp": lambda r, s: (
        f"{(n := 6 + s)}\n" + "\n".join(ints(r, n, 1, 100) for _ in range(n)) + "\n"
    ),
    "h05-dijkstra-set-vs-priority-queue": lambda r, s: (
        f"{250 * s} {1000 * s} {r.randint(1, 10**9)}\n"
    ),
    "h06-unweighted-bellman-ford-vs-bfs": lambda r, s: (
        f"{(n := 100 * s)} {(m := 3 * n)}\n"
        + "\n".join(f"{r.randint(1, n)} {r.randint(1, n)}" for _ in range(m))
        + "\n"
    ),
    "h07-union-find-naive-vs-compressed": lambda r, s: (
        f"{(n := 300 * s)} {3 * (n - 1)}\n"
        + "\n".join(
            f"0 {i} {i + 1}\n1 {r.randrange(n)} {r.randrange(n)}\n1 {r.randrange(n)} {r.randrange(n)}"
            for i in range(n - 1)
        )
        + "\n"
    ),
    "h08-subtree-dfs-recursive-vs-stack": lambda r, s: tree(r, 200 if s == 1 else 550),
    "h09-insertion-sort-vs-std-sort": lambda r, s: (
        f"{(n := 250 * s - 50)}\n{ints(r, n, 0, 10**6)}\n"
    ),
    "h10-compress-set-map-vs-sort-unique": lambda r, s: (
        f"{(n := 350 * s - 150)}\n{ints(r, n, -(10**12), -(10**12) + 3 * n)}\n"
    ),
    "h11-count-below-scan-vs-lower-bound": lambda r, s: (
        f"{(n := 240 * s - 80)} {(q := n)}\n{ints(r, n, 0, 10**6)}\n{ints(r, q, 0, 10**6)}\n"
    ),
    "h12-pair-sum-nested-vs-two-pointers": lambda r, s: (
        f"{(n := 50 + 150 * s)} {10**9}\n{ints(r, n, 0, 10**9)}\n"
    ),
    "h13-k-distinct-window-restart-vs-sliding": lambda r, s: f"3 {word(r, 3000 * s, 'abcdef')}\n",
    "h14-divisible-subarrays-quadratic-vs-prefix": lambda r, s: (
        f"{(n := 200 * s)} {r.randint(3, 60)}\n{ints(r, n, 0, 10**6)}\n"
    ),
    "h15-life-nested-vectors-vs-padded-grid": lambda r, s: (
        f"{(h := 20)} {(w := 24)} {14 * s - 4}\n"
        + "\n".join("".join("#" if r.random() < 0.35 else "." for _ in range(w)) for _ in range(h))
        + "\n"
    ),
    "h16-palindrome-subseq-memo-vs-bottom-up": lambda r, s: f"{word(r, 20 + 100 * s, 'abcd')}\n",
    "h17-subset-sums-bit-loop-vs-lowbit": lambda r, s: (
        f"{(n := 10 + 2 * s)} {(t := 250 * n) // 3} {t // 2 + 500}\n{ints(r, n, 1, 1000)}\n"
    ),
    "h18-grid-paths-recursion-vs-memo": lambda r, s: (
        f"{(h := 8 + s)} {(w := 7 + s)}\n"
        + "\n".join(
            "".join("#" if r.random() < 0.08 and 0 < i + j < h + w - 2 else "." for j in range(w))
            for i in range(h)
        )
        + "\n"
    ),
    "h19-subset-target-backtrack-vs-pruned": lambda r, s: (
        f"{(n := 12 + 2 * s)} {r.randint(120, 180)}\n{ints(r, n, 1, 60)}\n"
    ),
    "h20-bank-tellers-scan-vs-heap": lambda r, s: f"{1600 * s - 800} 40 {r.randint(1, 10**9)}\n",
}
FRESH_B: dict[str, Gen] = {
    "h21-freq-map-vs-unordered": lambda r, s: (
        (n := (180, 500)[s - 1]),
        (pool := [r.randint(0, 10**12) for _ in range(n // 3)]),
        f"{n}\n{' '.join(str(r.choice(pool)) for _ in range(n))}\n{n // 2}\n"
        + " ".join(
            str(r.choice(pool) if r.random() < 0.7 else r.randint(0, 10**12)) for _ in range(n // 2)
        )
        + "\n",
    )[-1],
    "h22-unordered-noreserve-vs-reserve": lambda r, s: (
        f"{(n := (700, 2000)[s - 1])} {n} {r.randint(1, 10**18)}\n"
    ),
    "h23-pair-key-map-vs-encoded-sort": lambda r, s: (
        f"{(n := (1000, 2800)[s - 1])}\n{word(r, n, 'UDLR')}\n"
    ),
    "h24-hashset-vs-sorted-vector": lambda r, s: (
        f"{(n := (250, 700)[s - 1])} {(q := n // 5)} 20\n{ints(r, n, 0, 20 * n)}\n{ints(r, q, 0, 20 * n)}\n"
    ),
    "h25-string-plus-vs-append": lambda r, s: (
        f"{r.randint(1, 25)} {word(r, (250, 650)[s - 1], 'abcdefghijklmnopqrstuvwxyz0123456789')}\n"
    ),
    "h26-substr-split-vs-indices": lambda r, s: (
        ",".join(word(r, r.randint(1, 8), "abc") for _ in range((250, 650)[s - 1])) + "\n"
    ),
    "h27-stringstream-time-vs-manual": lambda r, s: (
        f"{(n := (40, 110)[s - 1])}\n"
        + "\n".join(
            f"{r.randrange(24):02d}:{r.randrange(60):02d}:{r.randrange(60):02d} {r.randrange(24):02d}:{r.randrange(60):02d}:{r.randrange(60):02d} {r.choice(['ann', 'bob', 'carla', 'dmitri', 'eve', 'fatima', 'gus', 'hiro'])}"
            for _ in range(n)
        )
        + "\n"
    ),
    "h28-modpow-naive-vs-binary": lambda r, s: (
        f"{(q := (8, 22)[s - 1])}\n"
        + "\n".join(f"{r.randint(2, 10**12)} {r.randint(2000, 5000)}" for _ in range(q))
        + "\n"
    ),
    "h29-factorize-trial-vs-spf": lambda r, s: (
        f"{(q := (270, 780)[s - 1])}\n{ints(r, q, 15000, 30000)}\n"
    ),
    "h30-ncr-recompute-vs-tables": lambda r, s: (
        f"{(q := (8, 27)[s - 1])}\n"
        + "\n".join(f"{(n := r.randint(500, 2000))} {r.randint(0, n)}" for _ in range(q))
        + "\n"
    ),
    "h31-modinv-fermat-vs-exteuclid": lambda r, s: (
        f"1000000007 {(900, 2600)[s - 1]} {r.randint(1, 2**31 - 2)}\n"
    ),
    "h32-lcm-stepping-vs-gcd": lambda r, s: (
        f"{(q := (40, 110)[s - 1])}\n"
        + "\n".join(f"{r.randint(1000, 3000)} {r.randint(1000, 3000)}" for _ in range(q))
        + "\n"
    ),
    "h33-sieve-vectorbool-vs-chars": lambda r, s: f"{(9000, 24000)[s - 1] + r.randint(0, 999)}\n",
    "h34-huffman-resort-vs-heap": lambda r, s: (
        f"{(n := (85, 140)[s - 1])}\n{ints(r, n, 1, 10**6)}\n"
    ),
    "h35-round-robin-list-vs-vector": lambda r, s: (
        f"{(n := (120, 320)[s - 1])} 20\n{ints(r, n, 1, 500)}\n"
    ),
    "h36-cin-vs-getchar-reader": lambda r, s: (
        f"{(n := (150, 420)[s - 1])}\n{ints(r, n, -(10**9), 10**9)}\n"
    ),
    "h37-grid-cout-chars-vs-buffer": lambda r, s: (
        f"{(h := (30, 60)[s - 1])} {(w := (45, 65)[s - 1])}\n"
        + "\n".join("".join("#" if r.random() < 0.2 else "." for _ in range(w)) for _ in range(h))
        + "\n"
    ),
    "h38-sqrt-condition-vs-square": lambda r, s: (
        f"{(a := r.randint(10**6, 2 * 10**6))} {a + (350, 1150)[s - 1]}\n"
    ),
    "h39-submask-scan-vs-enumerate": lambda r, s: (
        (ns := ([7, 7, 7], [8, 8, 7, 7])[s - 1]),
        f"{len(ns)}\n" + "".join(f"{n} {ints(r, n, 1, 100)}\n" for n in ns),
    )[-1],
    "h40-graph-nested-vectors-vs-csr": lambda r, s: (
        f"{(n := (60, 170)[s - 1])} {(m := 3 * n)} {(k := 15)}\n"
        + "\n".join(f"{r.randrange(n)} {r.randrange(n)}" for _ in range(m))
        + "\n"
        + ints(r, k, 0, n - 1)
        + "\n"
    ),
}


def build(source: Path, out: Path) -> None:
    subprocess.run(
        ["g++", "-O3", "-std=c++17", "-static", "-o", str(out), str(source)],
        check=True,
        capture_output=True,
    )


def run(binary: Path, stdin: Path) -> str:
    with stdin.open("rb") as handle:
        done = subprocess.run([str(binary)], stdin=handle, capture_output=True, check=True)
    return done.stdout.decode()


def write_pair(name: str, folder: Path, gen: Gen) -> None:
    tests = folder / "tests"
    tests.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"pie-lsp estimate pairs {name}")
    for size in (1, 2):
        (tests / f"input.{size}.txt").write_text(gen(rng, size))
    sources = sorted(folder.glob("*.cpp"), reverse=True)  # slow.cpp first, or prog.cpp alone
    with tempfile.TemporaryDirectory() as tmp:
        binaries = [Path(tmp) / source.stem for source in sources]
        for source, binary in zip(sources, binaries, strict=True):
            build(source, binary)
        for size in (1, 2):
            stdin = tests / f"input.{size}.txt"
            expected = run(binaries[0], stdin)
            for other, binary in zip(sources[1:], binaries[1:], strict=True):
                if run(binary, stdin).split() != expected.split():
                    raise SystemExit(f"{name}: {other.name} disagrees on input {size}")
            (tests / f"output.{size}.txt").write_text(expected)


def main(names: list[str]) -> None:
    for pair, gen in FEWSHOT_INPUTS.items():
        name = "fs-" + pair
        if names and name not in names:
            continue
        folder = HERE / name
        folder.mkdir(exist_ok=True)
        for source in ("slow.cpp", "fast.cpp"):
            shutil.copyfile(FEWSHOT / pair / source, folder / source)
        write_pair(name, folder, gen)
        print("wrote", name)
    for example, gen in EXAMPLES.items():
        name = "ex-" + example
        if names and name not in names:
            continue
        shutil.copyfile(
            HERE.parent.parent / "examples" / example / "slow.cpp", HERE / name / "slow.cpp"
        )
        write_pair(name, HERE / name, gen)
        print("wrote", name)
    for folder, generators in ((HERE, INPUTS), (FRESH, {**FRESH_A, **FRESH_B})):
        for name, gen in generators.items():
            if names and name not in names:
                continue
            write_pair(name, folder / name, gen)
            print("wrote", name)


if __name__ == "__main__":
    main(sys.argv[1:])
