"""Precompiled headers for g++ builds: `<bits/stdc++.h>` parsed once, not once per build.

Most of a contest program's compile time is parsing its standard headers (about 0.7 s of
1.3-1.9 s for a `<bits/stdc++.h>` program at -O3), and `optimize` builds the original and
every candidate. When a source begins with nothing but `#include <...>` lines (the ones
preamble.py finds for libclang), those lines are compiled once into a g++ PCH, kept under
the sandbox's scratch base (so each build can hard-link it into its scratch directory),
keyed by the include lines, the compiler's identity and the flags, and each build passes
`-include pie-pch.h`.

g++ uses the PCH only if it was made by the same compiler with compatible options, else it
reads pie-pch.h itself; either way that is the same as writing those includes first, which
the source does itself: its own `#include` lines then find every header already included
(standard headers are guarded; `<bits/stdc++.h>` only includes guarded ones), so the
binary is byte-for-byte the one a build without the PCH gives (the build cache key does
not change). A PCH is built in the sandbox, like any build, and only from header names of
the standard kind (no `..`, no absolute path), once per machine and include list; a list
whose headers do not compile alone is remembered and never tried again.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

from pie_lsp.preamble import include_lines, leading_includes, prune
from pie_lsp.sandbox import Limits, Sandbox, scratch_base

HEADER = "pie-pch.h"  # what every build's -include names, in its scratch directory
_KEPT = 6  # PCH files kept (about 100 MB each for <bits/stdc++.h>); the least recently used go
_STANDARD = re.compile(r"[A-Za-z_][\w+]*(\.h)?|bits/stdc\+\+\.h")  # <vector>, <math.h>...


def directory() -> Path:
    """Where the PCH files live: beside the scratch directories, on the same file system,
    so a build links rather than copies one ($PIE_PCH_DIR/gcc when set: the test suite
    shares one directory for its run, as for libclang's)."""
    override = os.environ.get("PIE_PCH_DIR")
    return Path(override) / "gcc" if override else scratch_base() / "gcc-pch"


class PrecompiledHeaders:
    """The PCH files of one compiler configuration, built on first use (per include list,
    once per machine) and linked into each build's scratch directory."""

    def __init__(
        self,
        sandbox: Sandbox,
        compiler: str,
        identity: str,
        flags: Sequence[str],
        limits: Limits,
        environment: Callable[[Path], dict[str, str]],
    ) -> None:
        self.sandbox = sandbox
        self.environment = environment  # a build's environment in a scratch dir (build.py)
        self.compiler = compiler
        self.identity = identity  # the compiler's path and version (build.CompilerIdentity)
        self.flags = list(flags)
        self.limits = limits
        self._building: dict[Path, asyncio.Task[bool]] = {}

    def path_for(self, headers: Sequence[str]) -> Path:
        """The PCH file of an include list (it may not exist yet)."""
        described = json.dumps(
            {"headers": list(headers), "compiler": self.identity, "flags": self.flags}
        )
        return directory() / f"{hashlib.sha256(described.encode()).hexdigest()[:32]}.gch"

    async def arguments(self, source: str, work: Path) -> list[str]:
        """`-include pie-pch.h`, with that header and its PCH placed in `work` (a build's
        scratch directory), when `source` starts with system includes whose PCH exists or
        can be built; [] otherwise (the build then parses them itself)."""
        headers = leading_includes(source)
        if not headers or not all(_STANDARD.fullmatch(h) for h in headers):
            return []
        pch = self.path_for(headers)
        if not pch.is_file():
            if pch.with_suffix(".failed").is_file():
                return []
            # one build of each PCH at a time; concurrent builds of candidates wait for it
            task = self._building.get(pch)
            if task is None or task.done() or task.get_loop() is not asyncio.get_running_loop():
                task = asyncio.ensure_future(self._build(headers, pch))
                self._building[pch] = task
            try:
                if not await asyncio.shield(task):
                    return []
            finally:
                if task.done():
                    self._building.pop(pch, None)
        try:
            os.link(pch, work / f"{HEADER}.gch")
            os.utime(pch)  # used now: pruned last (other configurations come and go)
        except OSError:  # gone meanwhile (pruned), or another file system: no PCH
            return []
        (work / HEADER).write_text(include_lines(headers))
        return ["-include", HEADER]

    async def _build(self, headers: Sequence[str], pch: Path) -> bool:
        """Compile the include list into `pch` in the sandbox; False if it does not
        compile (remembered) or the build failed."""
        pch.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
        with self.sandbox.scratch("pch") as work:
            (work / HEADER).write_text(include_lines(headers))
            argv = [self.compiler, *self.flags, "-x", "c++-header", "-o", "out.gch", HEADER]
            result = await self.sandbox.run(
                argv, cwd=work, limits=self.limits, env=self.environment(work)
            )
            built = work / "out.gch"
            if not result.ok or not built.is_file():
                if result.returncode == 1:  # the headers do not compile alone: never retry
                    pch.with_suffix(".failed").touch()
                return False
            # a copy of our own (the sandbox's uid made `built`), read-only: builds link
            # it into their scratch directories, and none may change it
            partial = pch.with_name(f"{work.name}.partial")
            try:
                shutil.copyfile(built, partial)
                partial.chmod(0o444)
                partial.replace(pch)  # atomic: another process may build the same one
            except OSError:  # no room: builds go on without
                partial.unlink(missing_ok=True)
                return False
        prune(pch.parent, "*.gch", _KEPT)  # a build that linked one keeps its link
        return True
