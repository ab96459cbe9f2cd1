"""What the rules backend's libclang checks and search cost, with real libclang: each
distinct text is parsed once, a check leaves the original's tree to be parsed back only
when it is needed, and the search's time budget stops the combinations and says so."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import clang.cindex as ci
import pytest

from pie_lsp.models.base import Generation, Outcome
from pie_lsp.models.rules import RulesBackend
from pie_lsp.program import Parsed, Program
from pie_lsp.settings import Settings

# sync-stdio, endl and int-pow each fire once here, so rules:all combines three rules
PROGRAM = """#include <iostream>
#include <cmath>
using namespace std;

int main() {
    int n;
    cin >> n;
    for (int i = 0; i < n; i++) {
        int x;
        cin >> x;
        cout << (long long)pow(x, 2) << endl;
    }
}
"""


def _program(tmp_path: Path) -> Program:
    path = tmp_path / "prog.cpp"
    path.write_text(PROGRAM)
    return Program.from_file(path)


def _all_faster(generation: Generation) -> list[Outcome]:
    """Every single rule faster than the last, so the search's longest prefix combines
    all of them: the same rewrites as rules:all."""
    singles = [c for c in generation.candidates if c.origin != "rules:all"]
    return [Outcome(c.origin, "faster", 2.0 - i / 10) for i, c in enumerate(singles)]


def test_each_distinct_text_is_parsed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    checked: list[str] = []
    real = Parsed.check_many_anywhere

    def spy(self: Parsed, texts: list[str]) -> list[list[str]]:
        checked.extend(texts)
        return real(self, texts)

    monkeypatch.setattr(Parsed, "check_many_anywhere", spy)
    program = _program(tmp_path)
    settings = Settings()
    settings.model.rules.search_seconds = 1e6  # not the subject here
    backend = RulesBackend.from_settings(settings)
    generation = asyncio.run(backend.generate(program, 1, lambda _: None))
    every = {c.origin: c.source for c in generation.candidates}
    assert set(every) == {"rules:sync-stdio", "rules:endl", "rules:int-pow", "rules:all"}
    refined = asyncio.run(backend.refine(program, _all_faster(generation)))
    assert [c.origin for c in refined.candidates] == [
        "rules:sync-stdio+endl",
        "rules:sync-stdio+endl+int-pow",
    ]
    # the three-rule prefix is rules:all's text again: proposed, but not parsed again
    assert refined.candidates[-1].source == every["rules:all"]
    assert len(checked) == len(set(checked)) == 5  # 3 singles, all, one new pair


def test_a_check_parses_the_original_back_only_when_its_tree_is_asked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    program = _program(tmp_path)
    parsed = Parsed(program)
    reparsed: list[str] = []
    real = ci.TranslationUnit.reparse

    def spy(self: Any, unsaved_files: Any = None, options: int = 0) -> None:
        reparsed.append(unsaved_files[0][1])
        real(self, unsaved_files=unsaved_files, options=options)

    monkeypatch.setattr(ci.TranslationUnit, "reparse", spy)
    broken = PROGRAM.replace("cin >> x;", "cin >> y;")
    renamed = PROGRAM.replace("int main()", "int main2()")
    first, second = parsed.check_many_anywhere([broken]), parsed.check_many([renamed])
    assert first[0] and any("'y'" in e for e in first[0]) and second == [[]]
    assert reparsed == [broken, renamed]  # no restoring reparse after either batch
    names = {cursor.spelling for cursor, _ in parsed.walk()}  # type: ignore[attr-defined]
    assert "main" in names and "main2" not in names  # the program's own tree again
    assert reparsed == [broken, renamed, PROGRAM]
    assert parsed.errors_anywhere() == [] and len(reparsed) == 3  # already the program's


def test_a_spent_budget_stops_the_search_and_says_so(tmp_path: Path) -> None:
    program = _program(tmp_path)
    settings = Settings()
    settings.model.rules.search_seconds = 1e-9  # spent before generation returns
    backend = RulesBackend.from_settings(settings)
    generation = asyncio.run(backend.generate(program, 1, lambda _: None))
    refined = asyncio.run(backend.refine(program, _all_faster(generation)))
    assert refined.candidates == []
    assert len(refined.notes) == 1
    assert "3 rules were faster alone" in refined.notes[0]
    assert "model.rules.search_seconds = 1e-09 s" in refined.notes[0]


def test_the_budget_is_part_of_the_cache_key() -> None:
    """A result the budget cut is not reused once the budget is raised."""
    settings = Settings()
    before = RulesBackend.from_settings(settings).config_digest()
    settings.model.rules.search_seconds *= 3
    assert RulesBackend.from_settings(settings).config_digest() != before
