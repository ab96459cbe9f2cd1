"""The cache: on disk across instances, in memory when disabled, keys by content."""

from __future__ import annotations

from pathlib import Path

import pytest

from pie_lsp.cache import Cache, cache_dir, digest
from pie_lsp.settings import CacheSettings


def test_persists_across_instances(tmp_path: Path) -> None:
    first = Cache(CacheSettings(dir=str(tmp_path)))
    first.set("k", {"v": 1})
    first.close()
    second = Cache(CacheSettings(dir=str(tmp_path)))
    assert second.get("k") == {"v": 1}
    assert second.hits == 1


def test_disabled_cache_writes_nothing(tmp_path: Path) -> None:
    cache = Cache(CacheSettings(enabled=False, dir=str(tmp_path / "c")))
    cache.set("k", 1)
    assert cache.get("k") == 1  # kept for the process's life
    assert not (tmp_path / "c").exists()


def test_digest_separates_parts() -> None:
    assert digest("ab", "c") != digest("a", "bc")
    assert digest("x") == digest(b"x")


def test_cache_dir_expands_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache_dir(CacheSettings(dir="~/pie-cache")) == tmp_path / "pie-cache"
    assert Cache(CacheSettings(dir="~/pie-cache")).directory == tmp_path / "pie-cache"
    assert not (Path.cwd() / "~").exists()  # no literal "~" folder
