"""PIE's metrics over records, the plot and the per-program store."""

from __future__ import annotations

import statistics
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from pie_lsp.bench.metrics import summarize
from pie_lsp.bench.report import INCORRECT, histogram, speedup_svg
from pie_lsp.bench.store import Store, file_name


def done(k: float | None, one: float | None, min_speedup: float = 1.10) -> dict[str, Any]:
    return {
        "id": f"p{id(k)}-{k}-{one}",
        "status": "done",
        "speedup_k": k,
        "correct_k": k is not None,
        "optimized_k": (k or 0) >= min_speedup,
        "speedup_1": one,
        "correct_1": one is not None,
        "optimized_1": (one or 0) >= min_speedup,
    }


RECORDS = [
    done(3.0, 1.2),  # optimized at 1 and k
    done(1.05, None),  # correct, not optimized; first candidate wrong
    done(0.5, 0.5),  # correct but slower: counts as 1.0
    done(None, None),  # nothing correct
    {"id": "e", "status": "error", "reason": "KilledWorker"},  # counts, as a failure
    {"id": "s", "status": "skipped", "reason": "original fails"},  # does not count
]


def test_pie_metrics_floor_failures_and_slowdowns_at_one() -> None:
    summary = summarize(RECORDS)
    assert (summary.programs, summary.done, summary.errors, summary.skipped) == (5, 4, 1, 1)
    assert summary.bestk.optimized == 1 and summary.bestk.pct_optimized == 20.0
    assert summary.bestk.correct == 3 and summary.bestk.pct_correct == 60.0
    assert summary.bestk.mean_speedup == statistics.fmean([3.0, 1.05, 1.0, 1.0, 1.0])
    assert summary.best1.optimized == 1 and summary.best1.correct == 2
    assert summary.best1.mean_speedup == statistics.fmean([1.2, 1.0, 1.0, 1.0, 1.0])
    assert summary.median_speedup_k == 1.05


def test_histogram_and_svg_count_every_evaluated_program() -> None:
    counts = histogram(RECORDS, "k")
    assert sum(counts.values()) == 5
    assert counts[INCORRECT] == 2
    svg = speedup_svg(RECORDS, "a <title> & more")
    root = ET.fromstring(svg)  # well-formed, the title escaped
    assert root.tag.endswith("svg")
    assert "a &lt;title&gt; &amp; more" in svg


def test_store_writes_whole_files_and_reads_them_back(tmp_path: Path) -> None:
    store = Store(tmp_path / "out")
    store.write({"id": "p1", "status": "done"})
    store.write({"id": "../x y", "status": "skipped"})
    store.write({"id": "p1", "status": "error"})  # the same id replaces, never adds
    loaded = store.load()
    assert loaded == {
        "p1": {"id": "p1", "status": "error"},
        "../x y": {"id": "../x y", "status": "skipped"},
    }
    names = sorted(p.name for p in store.folder.iterdir())
    assert names == sorted([file_name("p1"), file_name("../x y")])  # no temporary left
    assert "/" not in file_name("../x y") and not file_name("../x y").startswith(".")
    (store.folder / "junk.json").write_text("{half a rec")
    assert set(store.load()) == {"p1", "../x y"}  # a torn file is ignored (rerun)
