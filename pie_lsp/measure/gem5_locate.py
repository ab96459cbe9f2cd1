"""Finding gem5 and knowing which gem5 it is, before any test runs.

gem5 is found, never fetched: `pie.simulator.gem5.path`, else `$PIE_GEM5`, else `gem5.opt` /
`gem5.fast` on PATH; or a container image run through the command prefix
`pie.simulator.gem5.prefix` (placeholders filled by `fill_prefix`). Its identity (version,
simulated ISAs, the SHA-256 of a local binary) comes from a probe script run inside it and
is memoised in the process and in the disk cache by path, size and modification time, so a
repeat starts no gem5 at all. A gem5 for another host architecture or without X86 is
refused with the fix.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from attrs import frozen

from pie_lsp.cache import Cache, digest
from pie_lsp.errors import PieError, ToolMissing
from pie_lsp.measure.gem5_output import stopped_because
from pie_lsp.settings import Gem5Settings

PLACEHOLDERS = ("{workdir}", "{uid}", "{gid}", "{name}")


def locate_gem5(settings: Gem5Settings) -> tuple[str, str] | None:
    """(gem5 path, where it was configured), or None."""
    for configured, where in (
        (settings.path, "pie.simulator.gem5.path"),
        (os.environ.get("PIE_GEM5"), "$PIE_GEM5"),
    ):
        if configured:
            if settings.prefix:
                return configured, where  # a path inside the container: taken as it is
            local = str(Path(configured).expanduser())
            if "/" not in local:
                local = shutil.which(local) or local
            return _canonical(local), where
    if settings.prefix:
        return None  # inside a container, PATH lookups on this machine mean nothing
    for name in ("gem5.opt", "gem5.fast"):
        found = shutil.which(name)
        if found:
            return _canonical(found), "PATH"
    return None


def _canonical(path: str) -> str:
    """The real path: a relative one is relative to where pie-lsp runs (gem5 runs in a
    scratch directory), and the sandbox shows gem5's real directory, not symlinks or ".."
    through directories it hides (PIE_GEM5=../shared/gem5/gem5.fast)."""
    return str(Path(path).resolve()) if "/" in path else path


def find_gem5(settings: Gem5Settings) -> str | None:
    """The gem5 to run (a path inside the container when a prefix is set), or None."""
    located = locate_gem5(settings)
    return located[0] if located else None


def gem5_missing_error(settings: Gem5Settings | None = None) -> ToolMissing:
    if settings is not None and settings.prefix:
        return ToolMissing(
            "pie.simulator.gem5.prefix is set, but not the path of gem5 inside the container",
            hint="set pie.simulator.gem5.path (or $PIE_GEM5) to gem5's path in the image, "
            "e.g. /home/gem5/build/X86/gem5.opt in PIE's image; see simulator/README.md",
        )
    return ToolMissing(
        "gem5 was not found (looked at pie.simulator.gem5.path, $PIE_GEM5, and gem5.opt / "
        "gem5.fast on PATH)",
        hint="build gem5 (scons build/X86/gem5.opt, see simulator/README.md) and set "
        "PIE_GEM5=/path/to/gem5.opt, or run PIE's image through pie.simulator.gem5.prefix; "
        "or use --simulator estimate",
    )


# -- gem5's identity ------------------------------------------------------------------------


@frozen
class Gem5Identity:
    """Which gem5 runs: its path, version, simulated ISAs and the SHA-256 of its binary."""

    path: str
    version: str
    fingerprint: str
    isas: tuple[str, ...] = ()

    def describe(self) -> str:
        isas = ", ".join(isa.upper() for isa in self.isas) or "ISA unknown"
        return f"{self.path} (gem5 {self.version}, {isas})"


def fill_prefix(prefix: Sequence[str], workdir: Path, name: str) -> list[str]:
    """The container prefix with its placeholders filled: {workdir} (the run's scratch
    directory, to mount at the same path), {uid} / {gid} (this user, for --user) and
    {name} (a fresh container name, so a cancelled run can be killed)."""
    values = {
        "{workdir}": str(workdir),
        "{uid}": str(os.getuid()),
        "{gid}": str(os.getgid()),
        "{name}": name,
    }
    filled = []
    for part in prefix:
        text = part
        for key, value in values.items():
            text = text.replace(key, value)
        filled.append(text)
    return filled


def check_prefix(prefix: Sequence[str]) -> None:
    for part in prefix:
        for found in re.findall(r"\{[^{}]*\}", part):
            if found not in PLACEHOLDERS:
                raise PieError(
                    f"pie.simulator.gem5.prefix: unknown placeholder {found} in {part!r}",
                    hint="the placeholders are " + ", ".join(PLACEHOLDERS),
                )


# Run inside gem5 (its own Python): the version and the ISAs this build simulates.
PROBE = """\
import json
import m5.defines
try:
    from _m5.core import gem5Version as version
except ImportError:
    version = None
env = m5.defines.buildEnv
isas = [k[4:-4].lower() for k in env.keys()
        if k.startswith("USE_") and k.endswith("_ISA") and env[k]]
if not isas and env.get("TARGET_ISA"):
    isas = [str(env["TARGET_ISA"]).lower()]
print("PIE_PROBE " + json.dumps({"version": version, "isas": sorted(isas)}))
"""
_ELF_MACHINES = {3: "x86 (32-bit)", 62: "x86-64", 40: "ARM (32-bit)", 183: "AArch64", 243: "RISC-V"}
_HOST_MACHINES = {"x86_64": 62, "amd64": 62, "aarch64": 183, "arm64": 183, "riscv64": 243}
# In-process memo of identities by (path, prefix, size, mtime): the probe and hash run once.
_IDENTITIES: dict[tuple[str, ...], Gem5Identity] = {}


def _file_sha256(path: str) -> str:
    sha = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def check_executable_format(path: str, where: str) -> None:
    """Refuse a gem5 binary built for another host architecture (exec would fail with
    "Exec format error"): name the architecture and the fix."""
    try:
        with Path(path).open("rb") as handle:
            head = handle.read(20)
    except OSError as exc:
        raise ToolMissing(
            f"gem5 at {path} (from {where}) cannot be read: {exc.strerror}",
            hint="point pie.simulator.gem5.path or $PIE_GEM5 at a gem5 binary you can read",
        ) from exc
    if head.startswith(b"#!"):
        return  # a wrapper script: the probe tells what it runs
    if not head.startswith(b"\x7fELF") or len(head) < 20:
        raise ToolMissing(
            f"gem5 at {path} (from {where}) is not a program (no ELF header or #! line)",
            hint="point it at a built gem5 binary, e.g. gem5/build/X86/gem5.opt",
        )
    order: Any = "little" if head[5] == 1 else "big"
    machine = int.from_bytes(head[18:20], order)
    host = _HOST_MACHINES.get(platform.machine().lower())
    if host is not None and machine != host:
        built = _ELF_MACHINES.get(machine, f"ELF machine {machine}")
        raise ToolMissing(
            f"gem5 at {path} (from {where}) is a program for {built}, but this machine is "
            f"{_ELF_MACHINES.get(host, platform.machine())}",
            hint="use a gem5 built on this machine (scons build/X86/gem5.opt), or run PIE's "
            "image through pie.simulator.gem5.prefix; see simulator/README.md",
        )


def probe_gem5(path: str, prefix: Sequence[str] = ()) -> tuple[str, tuple[str, ...]]:
    """(version, ISAs) from a probe script run inside gem5; ToolMissing when gem5 does not
    start or cannot run Python."""
    with tempfile.TemporaryDirectory(prefix="pie-gem5-") as workdir:
        work = Path(workdir)
        work.chmod(0o755)
        (work / "probe.py").write_text(PROBE)
        argv = [
            *fill_prefix(prefix, work, f"pie-gem5-{uuid.uuid4().hex[:12]}"),
            path,
            f"--outdir={work / 'm5out'}",
            str(work / "probe.py"),
        ]
        try:
            done = subprocess.run(
                argv, capture_output=True, text=True, timeout=300, check=False, cwd=work
            )
        except OSError as exc:
            raise ToolMissing(
                f"gem5 at {path} does not start: {exc.strerror or exc}",
                hint="check that it is a gem5 binary for this machine (try running it by "
                "hand); `ldd` lists missing libraries",
            ) from exc
        except subprocess.TimeoutExpired as exc:
            raise ToolMissing(
                f"gem5 at {path} did not answer within 300 s",
                hint="try running it by hand; a container prefix may be pulling its image",
            ) from exc
    text = done.stdout + done.stderr
    match = re.search(r"^PIE_PROBE (\{.*\})$", done.stdout, re.MULTILINE)
    if match is None:
        tail = "\n".join(text.strip().splitlines()[-5:])
        raise ToolMissing(
            f"gem5 at {path} does not run a configuration script (exit code "
            f"{done.returncode}): {stopped_because(text) or tail or 'no output'}",
            hint="run it by hand to see why (a missing library: `ldd`); pie-lsp needs a gem5 "
            "build with its Python, e.g. build/X86/gem5.opt",
        )
    facts = json.loads(match.group(1))
    version = facts.get("version")
    if not version:
        banner = re.search(r"gem5 version (\S+)", text)
        version = banner.group(1) if banner else "unknown"
    return str(version), tuple(str(isa) for isa in facts.get("isas", ()))


def gem5_identity(
    path: str, prefix: tuple[str, ...] = (), cache: Cache | None = None
) -> Gem5Identity:
    """gem5's version, ISAs and (for a local binary) SHA-256, memoised in this process and
    in `cache` by path, size and modification time: cheap after the first time."""
    stamp: tuple[str, ...] = (path, *prefix)
    if not prefix:
        try:
            stat = Path(path).stat()
        except OSError:
            stat = None
        if stat is not None:
            stamp = (*stamp, str(stat.st_size), str(stat.st_mtime_ns))
    key = "gem5-identity:" + digest(*stamp)
    known = _IDENTITIES.get(stamp)
    if known is not None:
        if cache is not None and not prefix and cache.get(key) is None:
            cache.set(key, known)  # another cache (directory) than the first time
        return known
    stored = cache.get(key) if cache is not None and not prefix else None
    if isinstance(stored, Gem5Identity):
        _IDENTITIES[stamp] = stored
        return stored
    version, isas = probe_gem5(path, prefix)
    fingerprint = _file_sha256(path) if not prefix else ""
    identity = Gem5Identity(path, version, fingerprint, isas)
    _IDENTITIES[stamp] = identity
    if cache is not None and not prefix:
        cache.set(key, identity)
    return identity


def check_isa(identity: Gem5Identity) -> None:
    if identity.isas and "x86" not in identity.isas:
        built = ", ".join(isa.upper() for isa in identity.isas)
        raise ToolMissing(
            f"gem5 at {identity.path} simulates {built} only, but pie-lsp's programs are x86-64",
            hint="build gem5 for X86 (scons build/X86/gem5.opt) and point "
            "pie.simulator.gem5.path or $PIE_GEM5 at it",
        )
