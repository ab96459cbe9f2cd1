"""Building: real g++, cached by content, clear errors."""

from __future__ import annotations

import pytest

from pie_lsp.build import Builder, build_flags, build_key
from pie_lsp.cache import Cache
from pie_lsp.errors import BuildFailed, ToolMissing
from pie_lsp.sandbox import Sandbox
from pie_lsp.settings import Settings

from .conftest import DOUBLER


def has_interpreter(elf: bytes) -> bool:
    """Whether a 64-bit ELF has a PT_INTERP program header (i.e. is dynamically linked)."""
    phoff = int.from_bytes(elf[0x20:0x28], "little")
    size = int.from_bytes(elf[0x36:0x38], "little")
    count = int.from_bytes(elf[0x38:0x3A], "little")
    types = [
        int.from_bytes(elf[phoff + i * size : phoff + i * size + 4], "little") for i in range(count)
    ]
    return 3 in types


async def test_build_is_static_and_cached(settings: Settings) -> None:
    cache = Cache(settings.cache)
    builder = Builder(settings.build, Sandbox(), cache)
    first = await builder.build(DOUBLER)
    assert first.data[:4] == b"\x7fELF" and not first.cached
    assert not has_interpreter(first.data)  # static: no dynamic loader
    settings.build.static = False
    dynamic = await Builder(settings.build, Sandbox(), cache).build(DOUBLER)
    assert has_interpreter(dynamic.data)
    settings.build.static = True
    second = await builder.build(DOUBLER)
    assert second.cached and second.sha256 == first.sha256


async def test_compile_error_names_the_line(settings: Settings) -> None:
    builder = Builder(settings.build, Sandbox(), Cache(settings.cache))
    with pytest.raises(BuildFailed) as info:
        await builder.build("int main() { return x; }\n", label="broken.cpp")
    assert "broken.cpp does not compile" in info.value.message
    assert "'x' was not declared" in info.value.message
    assert "prog.cpp:1" in info.value.details


async def test_compile_errors_name_the_users_file(settings: Settings) -> None:
    builder = Builder(settings.build, Sandbox(), Cache(settings.cache))
    with pytest.raises(BuildFailed) as info:
        await builder.build("int main() { return x; }\n", label="slow.cpp", filename="slow.cpp")
    assert "slow.cpp:1:21: error: 'x' was not declared" in info.value.message
    assert "prog.cpp" not in info.value.message + info.value.details


def test_key_changes_with_flags_and_source(settings: Settings) -> None:
    base = build_key(DOUBLER, settings.build)
    assert build_key(DOUBLER + " ", settings.build) != base
    settings.build.flags = ["-O2", "-std=c++17"]
    assert build_key(DOUBLER, settings.build) != base
    assert "-static" in build_flags(settings.build)


def test_missing_compiler_is_a_clear_error(settings: Settings) -> None:
    settings.build.compiler = "g++-does-not-exist"
    with pytest.raises(ToolMissing, match="not found") as info:
        Builder(settings.build, Sandbox(), Cache(settings.cache))
    assert "apt-get install g++" in info.value.hint
