"""Every rule on its own fixtures (real libclang, real g++).

Each folder here is named after a rule and holds `before.cpp` with `after.cpp` (what the
rule alone must turn it into, byte for byte), optionally `input.txt` (both versions must
print the same on it), and `keep_*.cpp`: programs the rule must leave alone, each named
for the reason. To add a rule's fixtures, write before.cpp and the keep_ cases, run with
PIE_UPDATE_FIXTURES=1 to write after.cpp, and read the diff before committing it.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from pie_lsp.models.base import Generation
from pie_lsp.models.rules import RULE_NAMES, RulesBackend
from pie_lsp.program import Program
from pie_lsp.settings import Settings
from tests.models.test_rules import compile_and_run, needs_gxx

HERE = Path(__file__).parent
FOLDERS = sorted(p for p in HERE.iterdir() if p.is_dir() and not p.name.startswith("_"))
KEEP = [case for folder in FOLDERS for case in sorted(folder.glob("keep_*.cpp"))]


def only(rule: str, path: Path) -> Generation:
    settings = Settings()
    settings.model.rules.enabled = [rule]
    backend = RulesBackend(settings)
    return asyncio.run(backend.generate(Program.from_file(path), 1, lambda _: None))


def test_every_rule_has_fixtures() -> None:
    assert sorted(p.name for p in FOLDERS) == sorted(RULE_NAMES)
    for folder in FOLDERS:
        assert (folder / "before.cpp").is_file(), folder
        assert list(folder.glob("keep_*.cpp")), f"{folder.name}: no case where it must not fire"


@pytest.mark.parametrize("folder", FOLDERS, ids=[p.name for p in FOLDERS])
def test_rule_rewrites_before_into_after(folder: Path, tmp_path: Path) -> None:
    generation = only(folder.name, folder / "before.cpp")
    assert generation.rejected == [], generation.rejected
    candidates = {c.origin: c for c in generation.candidates}
    assert list(candidates) == [f"rules:{folder.name}"], generation.notes
    after = folder / "after.cpp"
    text = candidates[f"rules:{folder.name}"].source
    if os.environ.get("PIE_UPDATE_FIXTURES"):
        after.write_text(text)
    assert text == after.read_text()


@needs_gxx
@pytest.mark.parametrize(
    "folder",
    [p for p in FOLDERS if (p / "input.txt").is_file()],
    ids=[p.name for p in FOLDERS if (p / "input.txt").is_file()],
)
def test_after_prints_what_before_prints(folder: Path, tmp_path: Path) -> None:
    before, after = ((folder / name).read_text() for name in ("before.cpp", "after.cpp"))
    outputs = compile_and_run([before, after], (folder / "input.txt").read_text(), tmp_path)
    assert outputs[0] == outputs[1] and outputs[0].strip()


@pytest.mark.parametrize("case", KEEP, ids=[f"{p.parent.name}/{p.stem}" for p in KEEP])
def test_rule_leaves_keep_cases_alone(case: Path) -> None:
    # (a compile-checked rule may propose it and see it rejected: no candidate either way)
    generation = only(case.parent.name, case)
    assert generation.candidates == [], [c.source for c in generation.candidates]
