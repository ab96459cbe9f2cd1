"""Every rule on its own fixtures (real libclang, real g++).

Each folder here is named after a rule and holds `before.cpp` with `after.cpp` (what the
rule alone must turn it into, byte for byte; more pairs as `before_<case>.cpp` with
`after_<case>.cpp`), optionally `input.txt` / `input_<case>.txt` (the pair must print the
same on it), and
`keep_*.cpp`: programs the rule must leave alone, each named
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
BEFORE = [case for folder in FOLDERS for case in sorted(folder.glob("before*.cpp"))]


def _after(before: Path) -> Path:
    return before.with_name("after" + before.name.removeprefix("before"))


def _input(before: Path) -> Path:
    return before.with_name("input" + before.stem.removeprefix("before") + ".txt")


RUN = [case for case in BEFORE if _input(case).is_file()]


def _id(case: Path) -> str:
    return f"{case.parent.name}/{case.stem}"


def only(rule: str, path: Path) -> Generation:
    settings = Settings()
    settings.model.rules.enabled = [rule]
    backend = RulesBackend.from_settings(settings)
    return asyncio.run(backend.generate(Program.from_file(path), 1, lambda _: None))


def test_every_rule_has_fixtures() -> None:
    assert sorted(p.name for p in FOLDERS) == sorted(RULE_NAMES)
    for folder in FOLDERS:
        assert (folder / "before.cpp").is_file(), folder
        assert list(folder.glob("keep_*.cpp")), f"{folder.name}: no case where it must not fire"


@pytest.mark.parametrize("before", BEFORE, ids=[_id(p) for p in BEFORE])
def test_rule_rewrites_before_into_after(before: Path) -> None:
    rule = before.parent.name
    generation = only(rule, before)
    assert generation.rejected == [], generation.rejected
    candidates = {c.origin: c for c in generation.candidates}
    assert list(candidates) == [f"rules:{rule}"], generation.notes
    after = _after(before)
    text = candidates[f"rules:{rule}"].source
    if os.environ.get("PIE_UPDATE_FIXTURES"):
        after.write_text(text)
    assert text == after.read_text()


@needs_gxx
@pytest.mark.parametrize("before", RUN, ids=[_id(p) for p in RUN])
def test_after_prints_what_before_prints(before: Path, tmp_path: Path) -> None:
    sources = [before.read_text(), _after(before).read_text()]
    outputs = compile_and_run(sources, _input(before).read_text(), tmp_path)
    assert outputs[0] == outputs[1] and outputs[0].strip()


@pytest.mark.parametrize("case", KEEP, ids=[_id(p) for p in KEEP])
def test_rule_leaves_keep_cases_alone(case: Path) -> None:
    # (a compile-checked rule may propose it and see it rejected: no candidate either way)
    generation = only(case.parent.name, case)
    assert generation.candidates == [], [c.source for c in generation.candidates]
