"""The original as the oracle, within one run's scope: hard-coded answers are judged
against the run's original, and outside a run there is nothing to check against. (Derived
inputs on real programs: tests/test_pipeline.py and tests/security.)"""

from __future__ import annotations

from pathlib import Path

from pie_lsp.models import Candidate
from pie_lsp.pipeline.oracle import hardcoded, oracle_scope
from pie_lsp.program import Program
from pie_lsp.verify import TestCase as Case
from pie_lsp.verify import TestSuite as Suite

ORIGINAL = '#include <cstdio>\nint main() { long n; scanf("%ld", &n); printf("%ld\\n", n * n); }\n'
CHEAT = '#include <cstdio>\nint main() { puts("123456787654321"); }\n'


def test_a_literal_answer_is_caught_only_within_a_run(tmp_path: Path) -> None:
    (tmp_path / "in").write_text("11111111\n")
    (tmp_path / "out").write_text("123456787654321\n")
    suite = Suite(tmp_path, (Case("1", tmp_path / "in", tmp_path / "out"),))
    cheat, honest = Candidate("cheat", CHEAT), Candidate("honest", ORIGINAL.replace("n * n", "n*n"))
    assert hardcoded(cheat, suite) is None  # no run, no oracle
    with oracle_scope(Program(tmp_path / "p.cpp", ORIGINAL)) as oracle:
        folder = Path(oracle.folder)
        assert folder.is_dir() and folder.stat().st_mode & 0o077 == 0  # private
        assert "hard-coded answer" in (hardcoded(cheat, suite) or "")
        assert hardcoded(honest, suite) is None
    assert not folder.exists()  # the original's answers do not outlive the run
