"""`pie-lsp doctor`: what this machine has, what is missing, and what to do about it.

Each check is a small function returning a `Check`; required checks failing make the
command exit 1. Checks run real tools where they can (compile a tiny program, run it in
gem5 on the Skylake configuration), because "installed" is not the same as "works".
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from attrs import frozen
from rich.console import Console
from rich.table import Table

from pie_lsp import __version__
from pie_lsp.errors import PieError
from pie_lsp.settings import Settings, load

_TINY = (
    "#include <iostream>\nint main() { int x = 0; std::cin >> x; std::cout << x * 2 << '\\n'; }\n"
)


@frozen
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = True


def _version(argv: list[str]) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"cannot run: {exc}"
    text = (done.stdout or done.stderr).strip().splitlines()
    return text[0] if text else "unknown version"


def check_compiler(settings: Settings) -> Check:
    from pie_lsp.build import Builder, compiler_identity
    from pie_lsp.cache import Cache
    from pie_lsp.sandbox import Sandbox
    from pie_lsp.settings import CacheSettings

    try:
        ident = compiler_identity(settings.build.compiler)
    except PieError as exc:
        return Check("C++ compiler", False, exc.message, exc.hint)

    async def build() -> int:
        builder = Builder(
            settings.build, Sandbox(settings.sandbox.isolate), Cache(CacheSettings(enabled=False))
        )
        return len((await builder.build(_TINY, label="test program")).data)

    try:
        size = asyncio.run(build())
    except PieError as exc:
        return Check("C++ compiler", False, f"{ident.describe()}: {exc.message}", exc.hint)
    how = "static" if settings.build.static else "dynamic"
    return Check(
        "C++ compiler",
        True,
        f"{ident.describe()}; {how} build of a test program works ({size:,} bytes)",
    )


def check_valgrind(settings: Settings) -> Check:
    """valgrind, and the estimate's own valgrind tools built against it (built once)."""
    from pie_lsp.cache import cache_dir
    from pie_lsp.measure import tools

    path = shutil.which("valgrind")
    if path is None:
        return Check(
            "valgrind (estimate)",
            False,
            "not found",
            "apt-get install valgrind (needed by the default Skylake estimate)",
        )
    version = _version([path, "--version"])
    root = str(cache_dir(settings.cache))
    try:
        for name in tools.SOURCES:
            tools.built_tool(root, settings.build.compiler, path, name)
    except PieError as exc:
        return Check("valgrind (estimate)", False, f"{path} ({version}): {exc.message}", exc.hint)
    return Check(
        "valgrind (estimate)",
        True,
        f"{path} ({version}); the estimate's tools ({', '.join(tools.SOURCES)}) build",
    )


def check_libclang(settings: Settings) -> Check:
    from pie_lsp.program import Parsed, Program, gcc_include_dir

    include = gcc_include_dir(settings.build.compiler)
    try:
        parsed = Parsed(
            Program(Path("doctor.cpp"), "#include <bits/stdc++.h>\nint main() {}\n"),
            settings.build.compiler,
        )
    except PieError as exc:
        return Check("libclang (rules)", False, exc.message, exc.hint)
    if parsed.errors:
        return Check(
            "libclang (rules)",
            False,
            f"<bits/stdc++.h> does not parse: {parsed.errors[0]}",
            "install g++ so its builtin headers can be found "
            f"(gcc include dir: {include or 'not found'})",
        )
    import clang.cindex as ci

    return Check(
        "libclang (rules)", True, f"{ci.conf.get_filename()}; gcc builtin headers from {include}"
    )


def check_sandbox(settings: Settings) -> Check:
    from pie_lsp.isolation import detect_isolation

    try:
        iso = detect_isolation(settings.sandbox.isolate)
    except PieError as exc:
        return Check("sandbox", False, exc.message, exc.hint)
    if iso.disabled:
        fix = "turn isolation back on: pie.sandbox.isolate = true"
    elif not iso.namespaces:
        fix = (
            "install bubblewrap (Debian: apt-get install bubblewrap) and allow user "
            "namespaces (sysctl kernel.unprivileged_userns_clone=1), or run as root"
        )
    elif not iso.protects_files:
        fix = "install bubblewrap (Debian: apt-get install bubblewrap) so candidates cannot "
        fix += "write your files"
    else:
        fix = ""
    detail = iso.describe()
    if gaps := iso.unprotected():  # say exactly what is not protected (docs/SECURITY.md)
        detail += "; NOT protected: a candidate can " + "; ".join(gaps)
        fix = fix or "install bubblewrap (Debian: apt-get install bubblewrap)"
    return Check("sandbox", True, detail, fix, required=False)


def check_gem5(settings: Settings) -> Check:
    """gem5 found, its version, and whether the Skylake configuration runs a tiny program."""
    import tempfile

    from pie_lsp.build import Builder
    from pie_lsp.cache import Cache
    from pie_lsp.measure import gem5
    from pie_lsp.sandbox import Sandbox
    from pie_lsp.settings import CacheSettings
    from pie_lsp.verify import TestCase

    name = "gem5 (Skylake simulation)"
    found = gem5.find_gem5(settings.simulator.gem5)
    if found is None:
        missing = gem5.gem5_missing_error(settings.simulator.gem5)
        return Check(
            name,
            False,
            "not found; the estimate is used",
            f"optional: {missing.hint}; see simulator/README.md",
            required=False,
        )

    sandbox, cache = Sandbox(settings.sandbox.isolate), Cache(CacheSettings(enabled=False))
    try:  # found, but is it a gem5 for X86 that starts?
        measurer = gem5.Gem5Measurer.from_settings(settings, sandbox, cache, asyncio.Semaphore(1))
    except PieError as exc:
        return Check(name, False, exc.message, exc.hint, required=False)

    async def run_tiny() -> Any:
        binary = await Builder(settings.build, sandbox, cache).build(_TINY, label="test program")
        with tempfile.TemporaryDirectory(prefix="pie-doctor-") as folder:
            (Path(folder) / "in.txt").write_text("21\n")
            (Path(folder) / "out.txt").write_text("42\n")
            case = TestCase("doctor", Path(folder) / "in.txt", Path(folder) / "out.txt")
            return await measurer.measure_one(binary, case)

    try:
        timing = asyncio.run(run_tiny())
    except PieError as exc:
        detail = f"{found}: the Skylake configuration does not run: {exc.message}"
        if exc.details:
            detail += "\n" + "\n".join(exc.details.splitlines()[-3:])
        return Check(name, False, detail, exc.hint, required=False)
    # the simulated rate over gem5's own simulation time (hostSeconds), without its start
    insts = timing.instructions or 0
    simulating = timing.detail.get("gem5_host_seconds") or timing.detail.get("host_seconds", 0.0)
    rate = insts / simulating if simulating else 0.0
    return Check(
        name,
        True,
        f"{measurer.identity().describe()}; the Skylake configuration ran a test program: "
        f"{timing.seconds * 1e3:.3f} ms simulated, {insts:,} instructions in "
        f"{simulating:.2f} s of simulation ({rate / 1e3:,.0f} K instructions/s), "
        f"{timing.detail.get('host_seconds', 0.0):.1f} s in all with gem5's start",
        required=False,
    )


def check_model(settings: Settings) -> Check:
    """The configured backend can work: the server answers and lists the model, or the
    checkpoint directory looks complete and torch/transformers import."""
    backend = settings.model.backend
    if backend == "rules":
        return Check("model backend", True, "rules (embedded, offline)")
    name = f"model backend ({backend})"
    try:
        if backend == "openai":
            from pie_lsp.models.openai import OpenAIBackend

            detail = asyncio.run(OpenAIBackend.from_settings(settings).check())
        else:
            from pie_lsp.models.transformers import TransformersBackend

            detail = TransformersBackend.from_settings(settings).check()
    except PieError as exc:
        return Check(name, False, exc.message, exc.hint)
    return Check(name, True, detail)


def check_cache(settings: Settings) -> Check:
    from pie_lsp.cache import cache_dir

    where = cache_dir(settings.cache)
    if not settings.cache.enabled:
        return Check("cache", True, "disabled", required=False)
    return Check("cache", True, str(where), required=False)


def check_log(settings: Settings) -> Check:
    """Where `pie-lsp serve` writes its log (the editor's output panel has the same)."""
    from pie_lsp.lsp.logs import log_path

    path = log_path(settings)
    state = "exists" if path.is_file() else "created when the server starts"
    return Check("server log", True, f"{path} ({state})", required=False)


CHECKS: list[Callable[[Settings], Check]] = [
    check_compiler,
    check_valgrind,
    check_libclang,
    check_sandbox,
    check_gem5,
    check_model,
    check_cache,
    check_log,
]


def run_doctor(
    out: Console, directory: Path | None = None, layer: dict[str, Any] | None = None
) -> int:
    """Check this machine against the settings of `directory` (default: the current one)
    with `layer` (command-line flags) on top; 1 when something required is missing."""
    settings = load(directory or Path.cwd(), layer)
    table = Table(
        title=f"pie-lsp {__version__} doctor (Python {sys.version.split()[0]})",
        title_justify="left",
    )
    for column in ("check", "status", "details", "what to do"):
        table.add_column(column, overflow="fold")
    failed = False
    for make in CHECKS:
        check = make(settings)
        if check.ok:
            status = "[green]ok[/]"
        elif check.required:
            status, failed = "[red]missing[/]", True
        else:
            status = "[yellow]optional[/]"
        table.add_row(check.name, status, check.detail, check.fix)
    out.print(table)
    return 1 if failed else 0
