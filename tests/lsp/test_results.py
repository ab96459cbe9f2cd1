"""The in-memory results: keyed by the exact text, bounded, replaced per text."""

from __future__ import annotations

from pie_lsp.lsp.results import ResultStore, text_hash
from pie_lsp.pipeline import OptimizeResult, SpeedupResult


def result(speedup: float) -> OptimizeResult:
    return OptimizeResult(status="optimized", path="a.cpp", speedup=speedup)


def test_results_are_found_by_exact_text_only() -> None:
    store = ResultStore()
    sha = text_hash("int main() {}\n")
    stored = store.add("file:///a.cpp", sha, result(2.0), [])
    assert store.for_text("file:///a.cpp", sha) is stored
    assert store.get(stored.id) is stored
    assert store.for_text("file:///a.cpp", text_hash("int main() {}")) is None
    assert store.for_text("file:///b.cpp", sha) is None
    assert text_hash("é") != text_hash("e")


def test_a_new_result_for_the_same_text_replaces_the_old_one() -> None:
    store = ResultStore()
    old = store.add("file:///a.cpp", "h", result(2.0), [])
    new = store.add("file:///a.cpp", "h", result(3.0), [])
    assert new.id != old.id
    assert store.for_text("file:///a.cpp", "h") is new
    # a lens the editor still shows names the old id: it gets the newer result for that text
    assert store.get(old.id) is new
    assert store.get("r999") is None


def test_the_store_is_bounded() -> None:
    store = ResultStore(limit=3)
    ids = [store.add("file:///a.cpp", f"h{i}", result(2.0), []).id for i in range(5)]
    assert [store.get(i) is not None for i in ids] == [False, False, True, True, True]
    assert store.for_text("file:///a.cpp", "h0") is None
    assert store.for_text("file:///a.cpp", "h4") is not None
    for i in range(5):
        store.add_speedup(
            "file:///a.cpp", f"h{i}", SpeedupResult("HEAD", 1.5, "e", "e", "e", 1, 1, (), ())
        )
    assert store.speedup_for_text("file:///a.cpp", "h1") is None
    assert store.speedup_for_text("file:///a.cpp", "h4") is not None
