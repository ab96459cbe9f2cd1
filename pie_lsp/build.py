"""Compiling a program: g++ in a scratch directory, under the sandbox's limits.

A build yields the binary's bytes (kept in the cache, keyed by source, compiler identity
and flags) so that every later step copies the same bytes into its own scratch directory.
"""

from __future__ import annotations

import functools
import hashlib
import re
import shutil
import subprocess
from pathlib import Path

from attrs import frozen

from pie_lsp.cache import Cache, digest
from pie_lsp.errors import BuildFailed, ToolMissing
from pie_lsp.gcc_pch import PrecompiledHeaders
from pie_lsp.sandbox import Limits, Sandbox
from pie_lsp.settings import BuildSettings

# Compilers find as/ld through PATH; nothing else of the caller's environment is passed.
_BUILD_ENV_PATH = "/usr/local/bin:/usr/bin:/bin"
# Every source is compiled under one name, so a binary (cached by source) does not depend
# on the user's file name; messages are renamed back (Builder.build's `filename`).
_SCRATCH = "prog.cpp"


@frozen
class Binary:
    """A compiled program."""

    data: bytes
    sha256: str
    build_seconds: float = 0.0
    cached: bool = False


@frozen
class CompilerIdentity:
    path: str
    version: str

    def describe(self) -> str:
        return f"{self.path} ({self.version})"


@functools.cache
def compiler_identity(compiler: str) -> CompilerIdentity:
    """Resolve the compiler and its version; a clear error when it is missing."""
    path = shutil.which(compiler)
    if path is None:
        raise ToolMissing(
            f"C++ compiler {compiler!r} not found",
            hint="install g++ (Debian: apt-get install g++) or set pie.build.compiler",
        )
    try:
        out = subprocess.run(
            [path, "--version"], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ToolMissing(
            f"cannot run {path} --version: {exc}", hint="check the compiler installation"
        ) from exc
    first = out.splitlines()[0] if out else "unknown version"
    return CompilerIdentity(path=str(Path(path).resolve()), version=first)


def build_flags(settings: BuildSettings) -> list[str]:
    flags = list(settings.flags)
    if settings.static and "-static" not in flags:
        flags.append("-static")
    return flags


def build_key(source: str, settings: BuildSettings) -> str:
    ident = compiler_identity(settings.compiler)
    material = "\0".join([ident.path, ident.version, *build_flags(settings), source])
    return "build:" + hashlib.sha256(material.encode()).hexdigest()


def _first_errors(stderr: str, limit: int = 6) -> str:
    lines = [
        line
        for line in stderr.splitlines()
        if re.search(r"\berror\b|undefined reference|fatal", line)
    ]
    return "\n".join((lines or stderr.splitlines())[:limit])


def _renamed(messages: str, filename: str | None) -> str:
    """The compiler's messages with the scratch file's name replaced by `filename`."""
    if filename is None:
        return messages
    return re.sub(rf"(?<![\w./-]){re.escape(_SCRATCH)}(?=[:\s'\"]|$)", filename, messages)


def build_environment(work: Path) -> dict[str, str]:
    """The compiler's whole environment, in a scratch directory `work`."""
    return {"PATH": _BUILD_ENV_PATH, "TMPDIR": str(work), "LANG": "C"}


class Builder:
    """Builds sources with one compiler configuration, caching binaries by content."""

    def __init__(self, settings: BuildSettings, sandbox: Sandbox, cache: Cache) -> None:
        self.settings = settings
        self.sandbox = sandbox
        self.cache = cache
        self.identity = compiler_identity(settings.compiler)
        self.limits = Limits(
            timeout=settings.timeout, memory_mb=settings.memory_mb, file_size_mb=512, processes=32
        )
        # the source's leading #include <...> lines, parsed once per machine (gcc_pch.py)
        self.headers = (
            PrecompiledHeaders(
                sandbox,
                self.identity.path,
                self.identity.describe(),
                build_flags(settings),
                self.limits,
                build_environment,
            )
            if settings.precompiled_headers
            else None
        )

    def config_digest(self) -> str:
        """Everything besides the source that changes a binary: the compiler's identity
        and the flags (part of the pipeline's result key)."""
        return digest(self.identity.describe(), *build_flags(self.settings))

    async def build(
        self, source: str, *, label: str = "program", filename: str | None = None
    ) -> Binary:
        """Compile `source`; raises BuildFailed with the compiler's first errors. The
        compiler sees it as the scratch prog.cpp; its messages name `filename` instead
        (the user's file, so "slow.cpp:3:5: error" points where to look)."""
        key = build_key(source, self.settings)
        cached = self.cache.get(key)
        if isinstance(cached, bytes):
            return Binary(cached, hashlib.sha256(cached).hexdigest(), cached=True)
        with self.sandbox.scratch("build") as work:
            (work / _SCRATCH).write_text(source)
            pch = await self.headers.arguments(source, work) if self.headers else []
            argv = [self.identity.path, *build_flags(self.settings), *pch, "-o", "prog", _SCRATCH]
            env = build_environment(work)
            result = await self.sandbox.run(argv, cwd=work, limits=self.limits, env=env)
            binary_path = work / "prog"
            if not result.ok or not binary_path.is_file():
                stderr = _renamed(result.stderr.decode("utf-8", "replace"), filename)
                if result.timed_out:
                    why = f"compilation {result.describe()}"
                elif result.returncode not in (0, 1):
                    why = f"the compiler {result.describe()}"
                else:
                    why = "does not compile"
                hint = "fix the compile errors shown"
                if self.settings.static and (
                    "-lstdc++" in stderr or "-lc" in stderr or "-lm" in stderr
                ):
                    hint = (
                        "static libraries are missing: install libstdc++ static libs "
                        "(Debian: g++ and libc6-dev) or set pie.build.static = false"
                    )
                raise BuildFailed(
                    f"{label} {why}: {_first_errors(stderr)}".rstrip(": "),
                    hint=hint,
                    details=stderr,
                )
            data = binary_path.read_bytes()
        self.cache.set(key, data)
        return Binary(data, hashlib.sha256(data).hexdigest(), build_seconds=result.wall_seconds)
