"""The development set (benchmarks/devset) is complete and its programs pass their tests.

Layout is checked for every program. Building is not cheap (a few seconds per bits/stdc++
build, 92 builds: minutes on 2 cores), so slow.cpp and fast.cpp are built and run, in
parallel, for a fixed sample of one program per category (12 builds); set PIE_DEVSET_ALL=1
to build and run all of them.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType

import pytest

from pie_lsp.verify import compare_outputs, load_suite

DEVSET = Path(__file__).resolve().parent.parent / "benchmarks" / "devset"
PROGRAMS = sorted(p for p in DEVSET.iterdir() if p.is_dir() and p.name[:2].isdigit())
# one per category of the README (algorithmic, I/O, data structures, memory, math, strings)
SAMPLE = (
    "01-equal-pairs",
    "15-sum-of-many",
    "22-round-robin",
    "28-subtree-sizes",
    "36-power-mod",
    "42-pattern-occurrences",
)


def generator_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("devset_generate", DEVSET / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_at_least_forty_programs_each_complete() -> None:
    assert len(PROGRAMS) >= 40
    for folder in PROGRAMS:
        for name in ("slow.cpp", "fast.cpp"):
            assert (folder / name).is_file(), f"{folder.name}: no {name}"
        assert (folder / "slow.cpp").read_text() != (folder / "fast.cpp").read_text()
        tests = load_suite(folder / "tests")
        assert [c.name for c in tests.cases] == ["1", "2", "3"], folder.name
        heldout = load_suite(folder / "heldout")
        assert [c.name for c in heldout.cases] == ["1", "2"], folder.name


def test_every_program_has_a_generator() -> None:
    generators = generator_module().GENERATORS
    assert sorted(generators) == [p.name for p in PROGRAMS]


def test_sample_exists() -> None:
    assert set(SAMPLE) <= {p.name for p in PROGRAMS}


def _build(source: Path, out: Path) -> Path:
    subprocess.run(
        ["g++", "-O2", "-std=c++17", "-o", str(out), str(source)],
        check=True,
        capture_output=True,
    )
    return out


def _failures(binary: Path, folder: Path) -> list[str]:
    problems = []
    for suite in (load_suite(folder / "tests"), load_suite(folder / "heldout")):
        for case in suite.cases:
            run = subprocess.run(
                [str(binary)], input=case.input_bytes, capture_output=True, timeout=60, check=False
            )
            why = (
                f"exit {run.returncode}"
                if run.returncode
                else compare_outputs(run.stdout.decode(), case.expected.read_text())
            )
            if why:
                problems.append(
                    f"{folder.name}/{binary.name} {suite.directory.name} {case.name}: {why}"
                )
    return problems


def test_slow_and_fast_pass_their_tests(tmp_path: Path) -> None:
    names = [p.name for p in PROGRAMS] if os.environ.get("PIE_DEVSET_ALL") else list(SAMPLE)
    jobs = [(DEVSET / name, variant) for name in names for variant in ("slow", "fast")]
    if not jobs:
        pytest.fail("no programs to check")

    def check(job: tuple[Path, str]) -> list[str]:
        folder, variant = job
        binary = _build(folder / f"{variant}.cpp", tmp_path / f"{folder.name}-{variant}")
        return _failures(binary, folder)

    with ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        problems = [p for found in pool.map(check, jobs) for p in found]
    assert not problems, "\n".join(problems)
