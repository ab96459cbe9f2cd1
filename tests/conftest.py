"""Shared fixtures: settings isolated in a temp cache, small C++ programs with tests, and
the means to find (only) a test's own processes on a busy machine and wait for them."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from pie_lsp.settings import Settings

REPO = Path(__file__).resolve().parent.parent
# The suite's gem5, read from the environment once. Every test then runs without $PIE_GEM5,
# so `auto` means the estimate for the tests that measure with defaults (as on a machine
# without gem5); the real-gem5 tests pass this path as a setting (tests/measure/test_gem5.py).
GEM5_FROM_ENV = os.environ.get("PIE_GEM5")


@pytest.fixture(autouse=True)
def _no_gem5_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PIE_GEM5", raising=False)


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


@pytest.fixture(scope="session")
def _session_pch_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One directory of precompiled headers for the whole run (pie_lsp/preamble.py)."""
    return tmp_path_factory.mktemp("pch")


@pytest.fixture(autouse=True)
def _isolated_cache(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    _session_pch_dir: Path,
) -> None:
    """No test reads or writes the user's real cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
    monkeypatch.setenv("PIE_PCH_DIR", str(_session_pch_dir))


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


def unique_marker(stem: str) -> str:
    """`stem` with a random suffix: a name for a test's own binary or directory that no
    other process on this (shared, busy) machine carries."""
    return f"{stem}-{uuid.uuid4().hex[:12]}"


def processes_named(marker: str) -> dict[int, str]:
    """{pid: command line} of every process whose command line, working directory or
    executable names `marker` (the pytest process itself excepted).

    Pass a string only this test's processes carry (`unique_marker`, a private scratch
    directory), never a common word: other users' g++, valgrind or "prog" runs on the same
    machine must not count. Sandboxed programs run in their own PID namespace as a
    throw-away uid, but /proc on the host still shows them, with their real cwd and exe."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # already gone
        places = [cmdline]
        for link in ("cwd", "exe"):
            with contextlib.suppress(OSError):  # gone, or a kernel thread
                places.append(str((entry / link).readlink()))
        if any(marker in place for place in places):
            found[int(entry.name)] = cmdline
    return found


def processes_matching(marker: str) -> list[int]:
    """PIDs of the processes naming `marker` (see processes_named)."""
    return sorted(processes_named(marker))


def processes_in(directory: Path) -> list[tuple[int, str]]:
    """(pid, command line) of every process working in or naming `directory`: each
    compiler, test and simulator of a server or pipeline whose TMPDIR is there."""
    return list(processes_named(str(directory)).items())


async def wait_until(condition: Callable[[], Any], seconds: float, what: str) -> Any:
    """Poll `condition` until it is truthy (returning its value) or fail naming `what`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while True:
        value = condition()
        if value:
            return value
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {seconds:g} s waiting for {what}")
        await asyncio.sleep(0.05)


async def wait_until_gone(marker: str, seconds: float = 10.0) -> None:
    """Wait for every process naming `marker` to end; fail listing the survivors. The
    deadline only absorbs the kernel's reaping on a busy machine: a leaked process (they
    sleep 100 s or spin) is still there when it passes."""
    try:
        await wait_until(lambda: not processes_named(marker), seconds, f"{marker} to end")
    except AssertionError:
        left = processes_named(marker)
        raise AssertionError(f"processes left after {seconds:g} s: {left}") from None


@pytest.fixture
def private_tmp() -> Iterator[Path]:
    """A fresh TMPDIR for one test: its scratch directories (and so its processes)
    are found by this path. Under /tmp and world-traversable, because sandboxed programs
    run as an unprivileged user that must reach their scratch directory."""
    path = Path(tempfile.mkdtemp(prefix="pie-test-", dir="/tmp"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def private_scratch(private_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Sandbox scratch directories of this process under `private_tmp` (returned), so
    `processes_in` finds this test's builds and runs and nobody else's."""
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))
    return private_tmp
