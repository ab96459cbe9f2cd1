"""Precompiled headers for libclang parses: `<bits/stdc++.h>` parsed once per machine.

Parsing a contest program with libclang is mostly parsing its standard headers (about 1–3 s
for `<bits/stdc++.h>`, again when the reparse preamble is built). When a program begins
with nothing but `#include <...>` lines (and comments), those lines are compiled once into
a clang PCH, kept on disk under the cache directory keyed by the include lines, the parse
arguments and the libclang library, and later parses load it with `-include-pch`.

Loading the PCH is the same as writing those includes first, which the file does itself:
its own `#include` lines then find every header already included (standard headers are
guarded), so the translation unit means what it meant. Clang checks that the headers have
not changed since the PCH was built; if a PCH is stale, unreadable or fails in any way,
the caller parses without it (`Parsed` does, on any error), and a fresh one is built.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# One `#include <header>` line, optionally followed by a // comment.
_INCLUDE = re.compile(r"[ \t]*#[ \t]*include[ \t]*<([\w/.+-]+)>[ \t]*(//.*)?")
_KEPT = 16  # precompiled headers kept on disk (about 15-40 MB each); the oldest go first


def leading_includes(text: str) -> list[str]:
    """The headers of the `#include <...>` lines the file starts with (blank lines and
    // comments between them allowed), up to the first other line."""
    headers = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or (stripped.startswith("//") and not stripped.endswith("\\")):
            continue
        match = _INCLUDE.fullmatch(line)
        if match is None or line.endswith("\\"):
            break
        headers.append(match.group(1))
    return headers


def _directory() -> Path:
    """$PIE_PCH_DIR (the test suite shares one for its run), else <cache>/pch."""
    from pie_lsp.cache import default_cache_dir  # (cache imports settings; keep it lazy)

    override = os.environ.get("PIE_PCH_DIR")
    return Path(override) if override else default_cache_dir() / "pch"


def _library_identity() -> str:
    """Which libclang builds and reads the PCH (its file and modification time)."""
    import clang.cindex as ci

    library = ci.conf.lib._name  # the loaded shared object's path
    try:
        return f"{library}:{Path(library).stat().st_mtime_ns}"
    except OSError:
        return str(library)


def pch_args(index: Any, text: str, args: list[str]) -> list[str]:
    """`-include-pch FILE` for a program starting with system includes (building the PCH
    the first time), or [] when there is none to use. Call with libclang's lock held."""
    headers = leading_includes(text)
    if not headers:
        return []
    described = json.dumps({"headers": headers, "args": args, "libclang": _library_identity()})
    digest = hashlib.sha256(described.encode()).hexdigest()[:32]
    directory = _directory()
    pch = directory / f"{digest}.pch"
    if pch.is_file():
        return ["-include-pch", str(pch)]
    failed = pch.with_suffix(".failed")  # these headers do not compile alone: never retry
    if failed.is_file():
        return []
    try:
        directory.mkdir(parents=True, exist_ok=True)
        _build(index, headers, args, directory, pch)
        if not pch.is_file():
            failed.touch()
    except Exception:  # no PCH is only slower; the caller parses without one
        return []
    prune(directory, "*.pch", _KEPT, companions=[".hpp"])
    return ["-include-pch", str(pch)] if pch.is_file() else []


def _build(index: Any, headers: list[str], args: list[str], directory: Path, pch: Path) -> None:
    import clang.cindex as ci

    header_args = list(args)
    if "-x" in header_args:
        header_args[header_args.index("-x") + 1] = "c++-header"
    else:
        header_args[:0] = ["-x", "c++-header"]
    # The PCH names its source, and clang checks it when loading: it stays beside the PCH.
    source = pch.with_suffix(".hpp")
    with tempfile.TemporaryDirectory(dir=directory) as scratch:
        written = Path(scratch) / source.name
        written.write_text(include_lines(headers))
        written.replace(source)  # atomic: another process may be building the same one
        tu = index.parse(str(source), args=header_args, options=ci.TranslationUnit.PARSE_INCOMPLETE)
        if any(d.severity >= 3 for d in tu.diagnostics):
            return  # the headers themselves fail: parse the program the ordinary way
        built = Path(scratch) / pch.name
        tu.save(str(built))
        built.replace(pch)


def include_lines(headers: Sequence[str]) -> str:
    """The `#include <...>` lines of a header list (what a PCH is built from)."""
    return "".join(f"#include <{header}>\n" for header in headers)


def prune(folder: Path, pattern: str, kept: int, companions: Sequence[str] = ()) -> None:
    """Delete all but the `kept` most recently modified files matching `pattern` in
    `folder`, each with its companion files (same name, other suffixes). Other processes
    may prune the same folder at once: a file gone meanwhile counts as oldest."""

    def modified(path: Path) -> float:
        try:
            return path.stat().st_mtime
        except OSError:
            return 0.0

    files = sorted(folder.glob(pattern), key=modified, reverse=True)
    for old in files[kept:]:
        old.unlink(missing_ok=True)
        for suffix in companions:
            old.with_suffix(suffix).unlink(missing_ok=True)
