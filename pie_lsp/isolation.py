"""What the sandbox can do on this machine, and bubblewrap's view of the file system.

`detect_isolation` probes once per process which tools work here (prlimit, bubblewrap,
util-linux unshare, setpriv) and says so in an `Isolation` (`pie-lsp doctor` prints its
`describe` and `unprotected`). `bwrap_options` and `tool_dirs` are the command line that
decides what a run sees: the system directories and the tools' own install directories
read-only, a fresh /dev, /proc and /tmp, the scratch directory writable. `sandbox.py`
puts them together with the limits and runs the process; this module starts nothing
but its probes.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

from attrs import frozen

from pie_lsp.errors import ToolMissing

# When pie-lsp is root, untrusted code runs as an unprivileged uid/gid from this range, a
# new one for each process tree. RLIMIT_NPROC counts every process of a uid system-wide: with
# one shared uid ("nobody"), a fork-bombing candidate would use up the process budget of the
# honest candidate running beside it. No account owns these ids (the kernel needs none).
UNPRIVILEGED_BASE = 0x7A000000
UNPRIVILEGED_COUNT = 1 << 16


Method = Literal["auto", "bwrap", "unshare"]


@frozen
class Isolation:
    """What this machine lets the sandbox do; detected once per process."""

    unshare: str | None  # path of util-linux unshare, when namespaces work
    user_namespace: bool  # non-root: unshare needs --user --map-root-user
    setpriv: str | None  # path of setpriv, when running as root
    prlimit: str
    bwrap: str | None = None  # path of bubblewrap, when it works (preferred over unshare)
    disabled: bool = False  # the setting sandbox.isolate is off

    @property
    def namespaces(self) -> bool:
        """No network and an own PID namespace (by bubblewrap or unshare)."""
        return bool(self.bwrap or self.unshare)

    @property
    def protects_files(self) -> bool:
        """The program cannot write the user's files: a read-only file system, or root
        dropped to a uid that owns none of them."""
        return bool(self.bwrap or self.setpriv)

    def describe(self) -> str:
        parts = ["resource limits"]
        if self.bwrap:
            parts.append(
                "sees only system files and its scratch dir (writable), no network, no host "
                "sockets, own PID namespace"
            )
        elif self.unshare:
            parts.append("no network, own PID namespace (files writable: install bubblewrap)")
        else:
            why = "sandbox.isolate = false" if self.disabled else "unshare not permitted here"
            parts.append(f"NO namespace isolation ({why})")
        if self.setpriv:
            parts.append(f"runs as a throw-away uid >= {UNPRIVILEGED_BASE}")
        return ", ".join(parts)

    def unprotected(self) -> list[str]:
        """What a hostile candidate can still do on this machine (empty with bubblewrap
        and root, or bubblewrap alone: its files are read-only)."""
        gaps: list[str] = []
        if not self.bwrap:
            gaps.append(
                "read every file this user can read (home directory, keys, the project, the "
                "tests and their expected outputs)"
            )
            gaps.append("connect to the host's Unix sockets (/run, /var/run, /tmp)")
        if not self.protects_files:
            gaps.append("write this user's files")
        if not self.namespaces:
            gaps.append("use the network and leave processes running after it is stopped")
        return gaps


def _works(argv: Sequence[str]) -> bool:
    try:
        done = subprocess.run(argv, capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


# What a static binary, g++, valgrind and gem5 need from /etc: the dynamic loader's cache
# and configuration (Debian's multiarch libraries are not on its default path) and the
# alternatives links (cc, c++). Not passwd, not hosts, nothing with secrets.
SYSTEM_ETC = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives")
# Top-level system directories shown read-only: symbolic links (merged /usr) are recreated
# as links, real directories bound.
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")


def system_binds() -> list[str]:
    """bubblewrap options showing the system's programs and libraries, read-only."""
    options: list[str] = []
    for top in SYSTEM_DIRS:
        path = Path(top)
        if path.is_symlink():
            options += ["--symlink", str(path.readlink()), top]
        elif path.is_dir():
            options += ["--ro-bind", top, top]
    # readable by a dropped uid (bubblewrap makes missing directories 0700)
    options += ["--perms", "0755", "--dir", "/etc"]
    for name in SYSTEM_ETC:
        options += ["--ro-bind-try", name, name]
    return options


def _is_system(path: Path) -> bool:
    return any(path == Path(top) or Path(top) in path.parents for top in SYSTEM_DIRS)


def _private(path: Path) -> bool:
    """A home directory, a directory holding one, or a hidden directory: never shown
    whole."""
    homes = {Path("/root"), *Path("/home").glob("*")}
    with contextlib.suppress(RuntimeError, KeyError):  # no HOME and no passwd entry
        homes.add(Path.home().resolve())
    return (
        path.name.startswith(".")
        or path in homes
        or any(path == h or path in h.parents for h in homes)
    )


def tool_dirs(
    argv: Sequence[str], env: Mapping[str, str] | None = None, cwd: Path | None = None
) -> list[Path]:
    """Directories outside the system ones that the command needs to see: the install
    directory of each program it names (a gem5 build, also behind a wrapper such as
    prlimit; a compiler in /opt: the parent of a `bin` directory, else the program's own
    directory) and the library directories the environment names (LD_LIBRARY_PATH,
    PYTHONHOME). pie-lsp writes the command line, so no candidate chooses these; what
    lies in `cwd` (the scratch directory) is visible anyway."""
    found: list[Path] = []
    for arg in argv:
        if not Path(arg).is_absolute():
            continue
        exe = Path(arg).resolve()
        if _is_system(exe) or (cwd is not None and exe.is_relative_to(cwd.resolve())):
            continue
        if exe.is_file() and os.access(exe, os.X_OK):
            folder = exe.parent
            prefix = folder.parent
            # an install prefix (/opt/gcc-13), but never a home directory or a dot
            # directory in one (~/.local would show the user's data)
            wide = folder.name == "bin" and not _private(prefix)
            found.append(prefix if wide else folder)
    for name in ("LD_LIBRARY_PATH", "PYTHONHOME"):
        for part in (env or {}).get(name, "").split(":"):
            if part and Path(part).is_absolute() and not _is_system(Path(part)):
                found.append(Path(part))
    return found


def _passable_parents(path: Path) -> list[str]:
    """bubblewrap creates the missing directories leading to a mount point as 0700 root,
    which a dropped uid cannot pass through (valgrind and gem5 use absolute paths): create
    them 0755 first."""
    options: list[str] = []
    for parent in reversed(path.parents[:-1]):
        options += ["--perms", "0755", "--dir", str(parent)]
    return options


def bwrap_options(bind: Path | None, read_only: Sequence[Path] = ()) -> list[str]:
    """bubblewrap's options: the system directories read-only (system_binds), `read_only`
    read-only, a fresh /dev, /proc and /tmp (a tmpfs: no host socket, no other run's
    files), `bind` (the scratch directory) writable and the working directory, no network,
    no IPC, its own PID namespace, dying with pie-lsp."""
    options = [*system_binds(), "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
    for path in read_only:
        options += [*_passable_parents(path), "--ro-bind-try", str(path), str(path)]
    if bind is not None:
        options += [*_passable_parents(bind), "--bind", str(bind), str(bind)]
        options += ["--chdir", str(bind)]
    return [
        *options,
        "--unshare-net",
        "--unshare-pid",
        "--unshare-ipc",
        "--die-with-parent",
        "--new-session",
        "--",
    ]


@functools.cache
def detect_isolation(isolate: bool = True, method: Method = "auto") -> Isolation:
    """Probe prlimit, bubblewrap, unshare and setpriv; raise ToolMissing if even prlimit is
    absent. `method` "unshare" skips bubblewrap (tests use it to check both ways)."""
    prlimit = shutil.which("prlimit")
    if prlimit is None:
        raise ToolMissing(
            "prlimit (util-linux) is missing, so untrusted programs cannot be limited",
            hint="install util-linux (Debian: apt-get install util-linux)",
        )
    if not isolate:
        return Isolation(None, False, None, prlimit, disabled=True)
    root = os.geteuid() == 0
    setpriv = _setpriv() if root else None
    bwrap = shutil.which("bwrap") if method != "unshare" else None
    if bwrap and _works([bwrap, *bwrap_options(None), "true"]):
        return Isolation(None, False, setpriv, prlimit, bwrap)
    if method == "bwrap":
        raise ToolMissing(
            "bubblewrap (bwrap) is missing or not permitted here",
            hint="install bubblewrap (Debian: apt-get install bubblewrap)",
        )
    unshare = shutil.which("unshare")
    user_ns = False
    if unshare:
        base = [unshare, "--net", "--pid", "--fork", "--kill-child", "--", "true"]
        if root and _works(base):
            pass
        elif _works([unshare, "--user", "--map-root-user", *base[1:]]):
            user_ns = True
        else:
            unshare = None
    return Isolation(unshare, user_ns, setpriv, prlimit)


def _setpriv() -> str | None:
    """setpriv, if it can drop root to an unprivileged uid here."""
    setpriv = shutil.which("setpriv")
    drop = [f"--reuid={UNPRIVILEGED_BASE}", f"--regid={UNPRIVILEGED_BASE}", "--clear-groups"]
    if setpriv and _works([setpriv, *drop, "--", "true"]):
        return setpriv
    return None
