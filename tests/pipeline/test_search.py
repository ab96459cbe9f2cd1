"""The search state of one optimization: screening candidates before anything is built
(the pipeline end to end is tests/test_pipeline.py)."""

from __future__ import annotations

from pathlib import Path

from pie_lsp.job import Job
from pie_lsp.models import Candidate
from pie_lsp.pipeline.search import Search
from pie_lsp.program import MAX_SOURCE_BYTES, Program
from pie_lsp.verify import TestSuite as Suite

ORIGINAL = "int main() { return 0; }\n"


def test_search_screens_the_original_repeats_and_oversized_texts() -> None:
    job = Job(Program(Path("p.cpp"), ORIGINAL), Suite(Path("p.tests"), ()))
    search = Search(job)
    huge = "//" + "x" * MAX_SOURCE_BYTES + "\n" + ORIGINAL
    fresh = search.add(
        [
            Candidate("a", "int main() { return 0; } // a\n", "one"),
            Candidate("same", "  " + ORIGINAL, "whitespace only"),
            Candidate("again", "int main() { return 0; } // a\n", "repeat"),
            Candidate("huge", huge, "too big"),
        ]
    )
    assert [c.origin for c in fresh] == ["a"]
    reasons = {r.origin: r.reason for r in search.rejected}
    assert reasons["same"] == "identical to the original"
    assert reasons["again"] == "same text as a"
    assert reasons["huge"].startswith("too large")
    assert next(r for r in search.rejected if r.origin == "huge").source == ""  # not kept
    assert search.add([Candidate("later", "int main() { return 0; } // a\n", "")]) == []
