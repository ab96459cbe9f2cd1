"""Precompiled headers for g++ builds (pie_lsp/gcc_pch.py), with real g++ and the sandbox."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from pie_lsp.build import Builder, build_flags, compiler_identity
from pie_lsp.cache import Cache
from pie_lsp.gcc_pch import HEADER, directory
from pie_lsp.sandbox import Sandbox
from pie_lsp.settings import Settings

PROGRAM = """#include <vector>
#include <cstdio>
using namespace std;
int main() {
    vector<int> v = {3, 1, 2};
    printf("%d\\n", (int)v.size());
}
"""
# same leading includes, another program
OTHER = PROGRAM.replace("(int)v.size()", "v[0] + v[2]")


@pytest.fixture
def pch_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory of this test's own (no PCH built by another test or run)."""
    monkeypatch.setenv("PIE_PCH_DIR", str(tmp_path / "pch"))
    return directory()


class CountingSandbox(Sandbox):
    """The real sandbox, counting the PCH compilations it runs."""

    def __init__(self) -> None:
        super().__init__()
        self.pch_builds = 0

    async def run(self, argv: Sequence[str], **options: Any) -> Any:
        if "c++-header" in argv:
            self.pch_builds += 1
        return await super().run(argv, **options)


def _builder(settings: Settings, sandbox: Sandbox | None = None) -> Builder:
    return Builder(settings.build, sandbox or Sandbox(), Cache(settings.cache))


async def test_builds_are_the_same_with_the_pch_and_it_is_built_once(
    settings: Settings, pch_dir: Path
) -> None:
    sandbox = CountingSandbox()
    builder = _builder(settings, sandbox)
    first, other = await asyncio.gather(builder.build(PROGRAM), builder.build(OTHER))
    assert sandbox.pch_builds == 1  # two builds at once wait for one PCH
    assert len(list(pch_dir.glob("*.gch"))) == 1
    await builder.build(OTHER + "\n")  # a third build uses the PCH on disk
    assert sandbox.pch_builds == 1
    settings.build.precompiled_headers = False
    settings.cache.dir = str(Path(settings.cache.dir or "") / "again")  # not the cached bytes
    plain = _builder(settings)
    assert (await plain.build(PROGRAM)).sha256 == first.sha256
    assert (await plain.build(OTHER)).sha256 == other.sha256


async def test_gcc_uses_the_pch_it_is_given(
    settings: Settings, pch_dir: Path, tmp_path: Path
) -> None:
    builder = _builder(settings)
    assert builder.headers is not None
    work = tmp_path / "work"
    work.mkdir()
    (work / "prog.cpp").write_text(PROGRAM)
    arguments = await builder.headers.arguments(PROGRAM, work)
    assert arguments == ["-include", HEADER]
    # -H lists every header read; "!" marks a valid precompiled header
    gcc = await asyncio.create_subprocess_exec(
        compiler_identity("g++").path, *build_flags(settings.build), "-fsyntax-only", "-H",
        *arguments, "prog.cpp", cwd=work, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, shown = await gcc.communicate()
    assert gcc.returncode == 0
    assert shown.decode().splitlines()[0] == f"! ./{HEADER}.gch"


async def test_only_standard_header_names_get_a_pch(
    settings: Settings, pch_dir: Path, tmp_path: Path
) -> None:
    builder = _builder(settings)
    assert builder.headers is not None
    for source in (
        "#include <../vector>\nint main() {}\n",
        '#include "vector"\nint main() {}\n',
        "#define N 5\n#include <vector>\nint main() {}\n",
    ):
        assert await builder.headers.arguments(source, tmp_path) == []
    assert not pch_dir.exists()


async def test_headers_that_do_not_compile_are_tried_once(
    settings: Settings, pch_dir: Path, tmp_path: Path
) -> None:
    sandbox = CountingSandbox()
    builder = _builder(settings, sandbox)
    assert builder.headers is not None
    source = "#include <no_such_header_for_pie>\nint main() {}\n"
    assert await builder.headers.arguments(source, tmp_path) == []
    assert await builder.headers.arguments(source, tmp_path) == []
    assert sandbox.pch_builds == 1 and list(pch_dir.glob("*.failed"))
