"""The on-disk cache: builds, test verdicts, measurements and whole results.

Keys are content hashes (of sources, binaries, test inputs, compiler identity and flags,
simulator parameters), so a repeated run finds everything and does no compile, test or
simulation, and a change to any input misses. With the cache disabled, values are kept in
memory for the life of the process only (identical candidates are still measured once).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import diskcache

from pie_lsp.settings import CacheSettings

# Bump when the shape of a cached value changes, so old entries are not misread.
SCHEMA = "v1"


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pie-lsp"


def cache_dir(settings: CacheSettings) -> Path:
    """The cache directory the settings name (`~` expanded), else the default."""
    return Path(settings.dir).expanduser() if settings.dir else default_cache_dir()


def digest(*parts: str | bytes) -> str:
    """One sha256 over several parts (separated, so ("ab","c") != ("a","bc"))."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


class Cache:
    """A key/value store of pickled values; diskcache when enabled, memory otherwise."""

    def __init__(self, settings: CacheSettings | None = None) -> None:
        settings = settings or CacheSettings()
        self.enabled = settings.enabled
        self.directory = cache_dir(settings)
        self._memory: dict[str, Any] = {}
        self._disk: diskcache.Cache | None = None
        if self.enabled:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._disk = diskcache.Cache(
                str(self.directory / "store"),
                size_limit=settings.size_limit_mb * 1024 * 1024,
                eviction_policy="least-recently-used",
            )
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> Any:
        full = f"{SCHEMA}:{key}"
        value = self._memory.get(full)
        if value is None and self._disk is not None:
            value = self._disk.get(full)
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
        return value

    def set(self, key: str, value: Any) -> None:
        full = f"{SCHEMA}:{key}"
        if self._disk is not None:
            self._disk.set(full, value)
        else:
            self._memory[full] = value

    def clear(self) -> None:
        self._memory.clear()
        if self._disk is not None:
            self._disk.clear()

    def close(self) -> None:
        if self._disk is not None:
            self._disk.close()
