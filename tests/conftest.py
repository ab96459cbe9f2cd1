"""Shared fixtures: settings isolated in a temp cache, small C++ programs with tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pie_lsp.settings import Settings

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"

# A program that doubles each number it reads; small, quick to build (no bits/stdc++.h).
DOUBLER = """#include <iostream>
using namespace std;
int main() {
    long long x;
    while (cin >> x) cout << 2 * x << endl;
    return 0;
}
"""


@pytest.fixture(autouse=True)
def _isolated_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test reads or writes the user's real cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    s = Settings()
    s.cache.dir = str(tmp_path / "cache")
    s.simulator.backend = "estimate"
    s.tests.timeout = 10.0
    return s


def write_program(
    folder: Path, source: str, tests: dict[str, tuple[str, str]], name: str = "prog.cpp"
) -> Path:
    """A program file with a `<stem>.tests/` folder of input.N.txt/output.N.txt pairs."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(source)
    tests_dir = folder / f"{path.stem}.tests"
    tests_dir.mkdir(exist_ok=True)
    for key, (given, expected) in tests.items():
        (tests_dir / f"input.{key}.txt").write_text(given)
        (tests_dir / f"output.{key}.txt").write_text(expected)
    return path


@pytest.fixture
def doubler(tmp_path: Path) -> Path:
    return write_program(
        tmp_path / "doubler",
        DOUBLER,
        {
            "1": ("1 2 3\n", "2\n4\n6\n"),
            "2": ("10\n-5\n", "20\n-10\n"),
        },
    )


def processes_matching(marker: str) -> list[int]:
    """PIDs whose command line contains `marker` (to prove children were killed)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if marker.encode() in cmdline and int(entry.name) != os.getpid():
            found.append(int(entry.name))
    return found
