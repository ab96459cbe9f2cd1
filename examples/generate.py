#!/usr/bin/env python3
"""Writes the bundled examples' test inputs and expected outputs (deterministic).

Expected outputs are computed here in Python, independently of the C++ programs, so the
examples' tests check the programs rather than echo them. Run: python3 examples/generate.py
"""

from __future__ import annotations

import bisect
import random
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent


def write(example: str, index: int, text_in: str, text_out: str) -> None:
    folder = HERE / example / "slow.tests"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"input.{index}.txt").write_text(text_in)
    (folder / f"output.{index}.txt").write_text(text_out)


def prefix_sums(rng: random.Random) -> None:
    for index, n in enumerate((300, 2000, 4000), start=1):
        values = [rng.randint(-10**9, 10**9) for _ in range(n)]
        sums, total = [], 0
        for v in values:
            total += v
            sums.append(total)
        write("prefix_sums", index, f"{n}\n{' '.join(map(str, values))}\n",
              "\n".join(map(str, sums)) + "\n")


def pass_by_value(rng: random.Random) -> None:
    for index, (n, q) in enumerate(((200, 200), (3000, 1500), (5000, 3000)), start=1):
        values = [rng.randint(0, 10**6) for _ in range(n)]
        queries = [rng.randint(0, 10**6) for _ in range(q)]
        ordered = sorted(values)
        total = sum(bisect.bisect_right(ordered, x) for x in queries)
        write("pass_by_value", index,
              f"{n} {q}\n{' '.join(map(str, values))}\n{' '.join(map(str, queries))}\n",
              f"{total}\n")


def string_build(rng: random.Random) -> None:
    for index, n in enumerate((100, 2000, 6000), start=1):
        s = "".join(str(i) for i in range(1, n + 1))
        h = 0
        for ch in s.encode():
            h = (h * 131 + ch) % (1 << 64)
        write("string_build", index, f"{n}\n", f"{len(s)} {h}\n")


def word_count(rng: random.Random) -> None:
    for index, (n, spread) in enumerate(((300, 50), (4000, 3000), (8000, 100000)), start=1):
        values = [rng.randint(-spread, spread) * 7919 for _ in range(n)]
        counts = Counter(values)
        write("word_count", index, f"{n}\n{' '.join(map(str, values))}\n",
              f"{len(counts)} {max(counts.values())}\n")


def main() -> None:
    rng = random.Random(20261122)
    prefix_sums(rng)
    pass_by_value(rng)
    string_build(rng)
    word_count(rng)


if __name__ == "__main__":
    main()
