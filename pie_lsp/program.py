"""The program being optimized: its text, where it lives, and its parse with libclang.

`Program` is the pipeline's input. `parse` gives a libclang translation unit; the PyPI
libclang wheel ships no compiler builtin headers, so gcc's own include directory is added
(from `g++ -print-file-name=include`), which makes `<bits/stdc++.h>` parse cleanly.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from attrs import frozen

from pie_lsp.errors import PieError, ToolMissing
from pie_lsp.preamble import pch_args

CPP_SUFFIXES = frozenset({".cpp", ".cc", ".cxx", ".c++", ".cp", ".hpp", ".hh", ".hxx", ".h"})
MAX_SOURCE_BYTES = 1_000_000


@frozen
class Program:
    """A C++ translation unit: its path (for finding tests, diagnostics) and its text."""

    path: Path
    text: str

    @classmethod
    def from_file(cls, path: Path) -> Program:
        if not path.exists():
            raise PieError(f"{path}: no such file", hint="check the path")
        if not path.is_file():
            raise PieError(f"{path}: not a file", hint="give a C++ source file")
        if path.suffix.lower() not in CPP_SUFFIXES:
            raise PieError(
                f"{path}: not a C++ source file (suffix {path.suffix or 'none'!r})",
                hint="pie-lsp optimizes C++ programs: .cpp, .cc, .cxx",
            )
        data = path.read_bytes()
        return cls.from_text(path, data)

    @classmethod
    def from_text(cls, path: Path, data: bytes | str) -> Program:
        raw = data.encode() if isinstance(data, str) else data
        if len(raw) > MAX_SOURCE_BYTES:
            raise PieError(
                f"{path}: {len(raw)} bytes is too large to optimize",
                hint=f"pie-lsp handles programs up to {MAX_SOURCE_BYTES // 1000} kB",
            )
        if b"\0" in raw:
            raise PieError(f"{path}: binary file, not C++ source", hint="give a C++ file")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PieError(
                f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})",
                hint="save the file as UTF-8",
            ) from exc
        if "main" not in text:
            raise PieError(
                f"{path}: no main function, so there is no program to run on the tests",
                hint="optimize the file that defines main()",
            )
        return cls(path=path, text=text)

    @property
    def digest(self) -> str:
        return sha256_text(self.text)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@functools.cache
def gcc_include_dir(compiler: str = "g++") -> str | None:
    """gcc's builtin header directory (stddef.h, immintrin.h...), or None."""
    exe = shutil.which(compiler)
    if exe is None:
        return None
    try:
        out = subprocess.run(
            [exe, "-print-file-name=include"],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out if out and Path(out).is_dir() else None


def clang_args(compiler: str = "g++", std: str = "c++17") -> list[str]:
    args = ["-x", "c++", f"-std={std}"]
    include = gcc_include_dir(compiler)
    if include:
        args += ["-isystem", include]
    return args


# libclang is not thread-safe across one Index; one lock keeps parses orderly.
_CLANG_LOCK = threading.Lock()


@functools.cache
def _index() -> object:
    try:
        import clang.cindex as ci
    except ImportError as exc:  # the wheel is a dependency, but be explicit
        raise ToolMissing(
            "the libclang Python package is missing", hint="pip install libclang"
        ) from exc
    try:
        index = ci.Index.create()
    except Exception as exc:
        raise ToolMissing(
            f"libclang cannot be loaded: {exc}", hint="pip install --force-reinstall libclang"
        ) from exc
    # freed before interpreter shutdown: clang.cindex's __del__ fails once its module is gone
    atexit.register(_index.cache_clear)
    return index


class Parsed:
    """A translation unit with a reusable precompiled preamble.

    `check(text)` reparses edited text cheaply (the headers are not parsed again) and
    returns its errors: the rules backend uses it to drop rewrites that would not compile.
    """

    def __init__(self, program: Program, compiler: str = "g++") -> None:
        import clang.cindex as ci

        self.program = program
        self.filename = str(program.path)
        self.source = program.text.encode()
        index = _index()
        options = ci.TranslationUnit.PARSE_PRECOMPILED_PREAMBLE
        args = clang_args(compiler)
        with _CLANG_LOCK:
            # the leading system includes from a PCH on disk, when there is one (preamble.py)
            pch = pch_args(index, program.text, args)
            for extra in [pch, []] if pch else [[]]:
                try:
                    self._tu = index.parse(  # type: ignore[attr-defined]
                        self.filename,
                        args=args + extra,
                        unsaved_files=[(self.filename, program.text)],
                        options=options,
                    )
                except ci.TranslationUnitLoadError as exc:
                    if extra:
                        continue
                    raise PieError(
                        f"{program.path}: libclang could not parse the file: {exc}",
                        hint="check that it is C++",
                    ) from exc
                # any error at all: parse again without the PCH (a stale PCH is an error)
                if not extra or not any(d.severity >= 3 for d in self._tu.diagnostics):
                    break
        # After a check the unit holds the last text checked; it is parsed back to the
        # program's own text only when someone asks for the tree (`tu`): the rules backend
        # checks several batches and never looks at the tree in between.
        self._holds_other = False
        self.errors = self._errors()

    @property
    def tu(self) -> Any:
        """The program's translation unit (parsed back to the program's text if a check
        left another text in it: cursors taken before a check are dead either way)."""
        with _CLANG_LOCK:
            self._restore()
            return self._tu

    def _restore(self) -> None:
        if self._holds_other:  # call with the lock held
            self._tu.reparse(unsaved_files=[(self.filename, self.program.text)])
            self._holds_other = False

    def _errors(self) -> list[str]:
        return [
            f"{d.location.line}:{d.location.column}: {d.spelling}"
            for d in self._tu.diagnostics
            if d.severity >= 3
            and d.location.file is not None
            and d.location.file.name == self.filename
        ]

    def check_many(self, texts: list[str]) -> list[list[str]]:
        """The errors of each text (the same file edited), by reparsing with the cached
        preamble. The tree is the program's again when next asked for (`tu`); cursors
        taken before are dead. Call it once with every variant rather than once per
        variant."""
        return self._check(texts, self._errors)

    def errors_anywhere(self) -> list[str]:
        """The errors of the translation unit as parsed now, including those reported
        inside headers: an edit can break a template it instantiates (std::sort over a
        const vector fails in <bits/stl_algo.h>), which `errors` does not count. Such an
        error is placed at the last main-file line its notes name (the instantiation
        request), as "12:5: message (in stl_algo.h)"."""
        with _CLANG_LOCK:
            self._restore()
            return self._errors_anywhere()

    def check_many_anywhere(self, texts: list[str]) -> list[list[str]]:
        """`check_many`, counting errors reported inside headers too (see errors_anywhere)."""
        return self._check(texts, self._errors_anywhere)

    def _check(self, texts: list[str], errors: Callable[[], list[str]]) -> list[list[str]]:
        results: list[list[str]] = []
        with _CLANG_LOCK:
            for text in texts:
                self._tu.reparse(unsaved_files=[(self.filename, text)])
                self._holds_other = True
                results.append(errors())
        return results

    def _errors_anywhere(self) -> list[str]:
        found = []
        for diagnostic in self._tu.diagnostics:
            if diagnostic.severity < 3:
                continue
            where = diagnostic.location
            if where.file is not None and where.file.name == self.filename:
                found.append(f"{where.line}:{where.column}: {diagnostic.spelling}")
                continue
            here = [
                note.location
                for note in diagnostic.children
                if note.location.file is not None and note.location.file.name == self.filename
            ]
            header = Path(where.file.name).name if where.file is not None else "?"
            prefix = f"{here[-1].line}:{here[-1].column}: " if here else ""
            found.append(f"{prefix}{diagnostic.spelling} (in {header})")
        return found

    def in_main_file(self, cursor: object) -> bool:
        location = cursor.location  # type: ignore[attr-defined]
        return location.file is not None and location.file.name == self.filename

    def walk(self) -> Iterator[tuple[object, tuple[object, ...]]]:
        """Every cursor of the main file with its ancestors (outermost first)."""
        stack: list[tuple[object, tuple[object, ...]]] = [
            (child, ())
            for child in reversed(list(self.tu.cursor.get_children()))
            if self.in_main_file(child)
        ]
        while stack:
            cursor, parents = stack.pop()
            yield cursor, parents
            here = (*parents, cursor)
            children = list(cursor.get_children())  # type: ignore[attr-defined]
            stack.extend((child, here) for child in reversed(children))

    def text_of(self, cursor: object) -> str:
        extent = cursor.extent  # type: ignore[attr-defined]
        return self.source[extent.start.offset : extent.end.offset].decode("utf-8", "replace")
