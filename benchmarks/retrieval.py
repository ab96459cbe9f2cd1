"""Benchmark: few-shot retrieval over model/fewshot/ — its cost, and how well it finds pairs.

Reports, in one run:
1. the time to index the corpus and to answer one query (median over the corpus);
2. a quality proxy: each pair's *fast* version (same problem, other code) and each bundled
   example (examples/*/slow.cpp, whose slowdown is known) as queries, and the rank at
   which retrieval returns the pair of the same slowdown; the default prompt shows the top 2.

Usage: python benchmarks/retrieval.py [--json]
Not a test: nothing here asserts a speed or a rank.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

from pie_lsp.models.retrieval import Index, load_corpus

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
# The corpus pair that holds each bundled example's slowdown.
EXAMPLE_PAIRS = {
    "pass_by_value": "05-vector-by-value",
    "prefix_sums": "01-sync-stdio",
    "string_build": "07-string-concat",
    "word_count": "08-map-to-unordered-map",
}


def rank_of(index: Index, query: str, pair_id: str) -> int:
    order = [pair.id for pair in index.search(query, len(index.pairs))]
    return order.index(pair_id) + 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    pairs = load_corpus()
    started = time.perf_counter()
    index = Index(pairs)
    index_ms = (time.perf_counter() - started) * 1000
    query_ms: list[float] = []
    fast_ranks: list[int] = []
    for pair in pairs:
        started = time.perf_counter()
        fast_ranks.append(rank_of(index, pair.fast, pair.id))
        query_ms.append((time.perf_counter() - started) * 1000)
    example_ranks = {
        name: rank_of(index, (EXAMPLES / name / "slow.cpp").read_text(), pair_id)
        for name, pair_id in EXAMPLE_PAIRS.items()
        if (EXAMPLES / name / "slow.cpp").is_file()
    }
    report: dict[str, Any] = {
        "pairs": len(pairs),
        "index_ms": round(index_ms, 2),
        "query_ms_median": round(statistics.median(query_ms), 3),
        "fast_version_top1": sum(r == 1 for r in fast_ranks),
        "fast_version_top2": sum(r <= 2 for r in fast_ranks),
        "fast_version_rank_median": statistics.median(fast_ranks),
        "example_ranks": example_ranks,
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"{report['pairs']} pairs indexed in {report['index_ms']} ms; one query "
          f"{report['query_ms_median']} ms (median)")  # fmt: skip
    print(
        f"fast version as the query: its own pair first {report['fast_version_top1']}/"
        f"{len(pairs)}, in the top 2 {report['fast_version_top2']}/{len(pairs)}, "
        f"median rank {report['fast_version_rank_median']}"
    )
    for name, rank in example_ranks.items():
        print(f"examples/{name}: {EXAMPLE_PAIRS[name]} at rank {rank}")


if __name__ == "__main__":
    main()
