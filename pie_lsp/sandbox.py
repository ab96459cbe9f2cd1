"""Running untrusted processes: scratch directories, limits, isolation, and killing.

Model output is untrusted code, and so is anything it makes the compiler read. Every build
and run goes through `Sandbox.run`, which applies, where the system allows:

- resource limits (prlimit): CPU time, address space, file size, process count, no cores;
- a wall-clock timeout and a cap on captured output (the process is killed past either);
- with bubblewrap (`bwrap`): a file system of only what programs and tools need (/usr and
  its /bin, /lib links, a few /etc files, the tool's own install directory; all read-only),
  a fresh /dev, /proc and /tmp, and the run's scratch directory, writable: no home
  directory, no project, no tests, no host socket. No network (which also hides the host's
  abstract Unix sockets), no IPC, its own PID namespace. Without bubblewrap, util-linux
  `unshare` gives the network and PID namespaces only (when a namespace's first process
  dies, the kernel kills every process left in it, so nothing escapes a kill);
- stdin is a pipe fed from the test input, never the user's file (whose path
  /proc/self/fd/0 would reveal, and next to which the expected outputs lie);
- a throw-away unprivileged uid (when pie-lsp runs as root, where RLIMIT_NPROC would not
  apply and every file would be writable);
- an empty environment unless the caller passes one, and a scratch directory as cwd.

Every process starts in its own session, so cancelling kills the whole process group.
What this machine allows, and bubblewrap's view of the file system, are `isolation.py`'s;
this module puts them together with the limits (`Sandbox.wrap`) and runs the process.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from attrs import define, evolve, field, frozen

from pie_lsp.errors import ToolMissing
from pie_lsp.isolation import (
    UNPRIVILEGED_BASE,
    UNPRIVILEGED_COUNT,
    Method,
    bwrap_options,
    detect_isolation,
    tool_dirs,
)

MIB = 1024 * 1024
_STDERR_KEEP = 64 * 1024


@frozen
class Limits:
    """Limits of one sandboxed process."""

    timeout: float
    memory_mb: int | None = 2048
    output_bytes: int = 32 * MIB
    file_size_mb: int = 64
    processes: int = 64

    def scaled(self, factor: float) -> Limits:
        return evolve(self, timeout=self.timeout * factor)


@define
class RunResult:
    """What a sandboxed process did."""

    returncode: int | None
    stdout: bytes
    stderr: bytes
    wall_seconds: float
    timed_out: bool = False
    output_exceeded: bool = False
    limits: Limits | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out and not self.output_exceeded

    def describe(self) -> str:
        """One phrase for a user: why the run did not succeed (or that it did)."""
        if self.timed_out:
            limit = self.limits.timeout if self.limits else self.wall_seconds
            return f"timed out after {limit:g} s"
        if self.output_exceeded:
            limit_mb = (self.limits.output_bytes if self.limits else 0) / MIB
            return f"printed more than {limit_mb:g} MiB of output"
        code = self.returncode
        if code is None:
            return "did not finish"
        if code == 0:
            return "exited normally"
        # a signal: negative from asyncio, or 128+N re-raised through a shell/unshare
        signum = -code if code < 0 else (code - 128 if 128 < code < 160 else 0)
        if signum:
            try:
                name = signal.Signals(signum).name
            except ValueError:
                name = f"signal {signum}"
            why = {
                "SIGSEGV": "crashed (segmentation fault)",
                "SIGABRT": "aborted",
                "SIGFPE": "crashed (arithmetic error, e.g. division by zero)",
                "SIGKILL": "was killed (out of memory or CPU time limit)",
                "SIGXCPU": "exceeded its CPU time limit",
                "SIGXFSZ": "wrote a file larger than the limit",
                "SIGBUS": "crashed (bus error)",
            }.get(name, f"was killed by {name}")
            return why
        return f"exited with code {code}"

    def stderr_tail(self, lines: int = 12) -> str:
        text = self.stderr.decode("utf-8", "replace").rstrip()
        return "\n".join(text.splitlines()[-lines:])


def _own_process_count() -> int:
    uid = os.getuid()
    count = 0
    with contextlib.suppress(OSError):
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                with contextlib.suppress(OSError):
                    if entry.stat().st_uid == uid:
                        count += 1
    return count


class Sandbox:
    """Runs commands with limits; one per settings, shared by all pipeline steps."""

    def __init__(self, isolate: bool = True, method: Method = "auto") -> None:
        self.isolation = detect_isolation(isolate, method)
        # start where another pie-lsp process probably is not
        self._uids = itertools.count(os.getpid() % UNPRIVILEGED_COUNT)

    def _next_uid(self) -> int:
        return UNPRIVILEGED_BASE + next(self._uids) % UNPRIVILEGED_COUNT

    @property
    def drops_privileges(self) -> bool:
        return self.isolation.setpriv is not None

    def wrap(
        self,
        argv: Sequence[str],
        limits: Limits,
        cwd: Path | None = None,
        env: Mapping[str, str] | None = None,
    ) -> list[str]:
        """The full command line: limits, namespaces (with `cwd` the one writable
        directory under bubblewrap, and the tool's directories read-only), uid drop, then
        `argv`."""
        iso = self.isolation
        cpu = int(limits.timeout) + 2
        nproc = limits.processes
        if not iso.setpriv and os.geteuid() != 0:
            # RLIMIT_NPROC counts every process of the user, not just ours
            nproc += _own_process_count()
        cmd = [
            iso.prlimit,
            f"--cpu={cpu}",
            f"--fsize={limits.file_size_mb * MIB}",
            f"--nproc={nproc}",
            "--core=0",
        ]
        if limits.memory_mb:
            cmd.append(f"--as={limits.memory_mb * MIB}")
        cmd.append("--")
        if iso.bwrap:
            cmd += [iso.bwrap, *bwrap_options(cwd, tool_dirs(argv, env, cwd))]
        elif iso.unshare:
            cmd.append(iso.unshare)
            if iso.user_namespace:
                cmd += ["--user", "--map-root-user"]
            cmd += ["--net", "--pid", "--fork", "--kill-child", "--"]
        if iso.setpriv:
            uid = self._next_uid()
            cmd += [
                iso.setpriv,
                f"--reuid={uid}",
                f"--regid={uid}",
                "--clear-groups",
                "--",
            ]
        return cmd + list(argv)

    async def run(
        self,
        argv: Sequence[str],
        *,
        cwd: Path,
        limits: Limits,
        stdin: Path | bytes | None = None,
        env: Mapping[str, str] | None = None,
    ) -> RunResult:
        """Run `argv` in `cwd`; never raises for the program's own failures.

        `stdin` (a file's contents, or bytes) is fed through a pipe: the program never
        holds the file itself, so it cannot learn its path or read what lies next to it.
        Cancelling the awaiting task kills the process group (and with it the PID
        namespace) before the CancelledError propagates."""
        full = self.wrap(argv, limits, cwd, env)
        feed = stdin.read_bytes() if isinstance(stdin, Path) else stdin
        start = time.perf_counter()
        # CPython 3.11 can hang for ever when a task is cancelled inside
        # create_subprocess_exec (its clean-up waits on an exit it never sees), so the
        # start is shielded: on cancellation, let it finish, kill the group, re-raise.
        spawn = asyncio.ensure_future(
            asyncio.create_subprocess_exec(
                *full,
                cwd=cwd,
                stdin=subprocess.PIPE if feed is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=dict(env or {}),
                start_new_session=True,
            )
        )
        try:
            proc = await asyncio.shield(spawn)
        except asyncio.CancelledError:
            try:
                with contextlib.suppress(BaseException):
                    await asyncio.wait_for(spawn, 10)
                    _kill(spawn.result())
                    await asyncio.wait_for(spawn.result().wait(), 10)
            finally:
                # a second cancel can cut the waits short: the process is still killed and
                # its pipes closed here, not by the garbage collector after the loop closed
                if spawn.done() and not spawn.cancelled() and spawn.exception() is None:
                    _kill(spawn.result())
                    _close(spawn.result())
            raise
        except OSError as exc:
            raise ToolMissing(f"cannot start {argv[0]}: {exc}", hint="check the path") from exc
        assert proc.stdout is not None and proc.stderr is not None
        feeder = asyncio.ensure_future(_feed(proc.stdin, feed))
        exceeded = asyncio.Event()
        out_task = asyncio.ensure_future(_read_bounded(proc.stdout, limits.output_bytes, exceeded))
        err_task = asyncio.ensure_future(
            _read_bounded(proc.stderr, limits.output_bytes, exceeded, keep=_STDERR_KEEP)
        )
        timed_out = False
        try:
            waiter = asyncio.ensure_future(proc.wait())
            stop = asyncio.ensure_future(exceeded.wait())
            try:
                done, _ = await asyncio.wait(
                    {waiter, stop}, timeout=limits.timeout, return_when=asyncio.FIRST_COMPLETED
                )
            finally:
                stop.cancel()
            if not done:
                timed_out = True
            if waiter not in done:
                _kill(proc)
            try:
                await asyncio.wait_for(asyncio.shield(waiter), 10)
            except TimeoutError:
                # Without a PID namespace, a descendant that left the process group can
                # hold the pipes open; stop listening to them rather than hang.
                _kill(proc)
                _close(proc)
            stdout, _ = await out_task
            stderr, _ = await err_task
        except BaseException:
            _kill(proc)
            for task in (out_task, err_task, feeder):
                task.cancel()
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(asyncio.shield(proc.wait()), 5)
            raise
        finally:
            feeder.cancel()
            _close(proc)
        return RunResult(
            returncode=proc.returncode,
            stdout=stdout,
            stderr=stderr,
            wall_seconds=time.perf_counter() - start,
            timed_out=timed_out,
            output_exceeded=exceeded.is_set(),
            limits=limits,
        )

    @contextlib.contextmanager
    def program_scratch(self, purpose: str, program: bytes) -> Iterator[Path]:
        """A `scratch` directory holding `program` as the executable `./prog`."""
        with self.scratch(purpose) as work:
            exe = work / "prog"
            exe.write_bytes(program)
            exe.chmod(0o755)
            yield work

    @contextlib.contextmanager
    def scratch(self, purpose: str) -> Iterator[Path]:
        """A fresh directory for one build or run, removed afterwards.

        Names have a fixed length under a fixed base, because a program's start-up reads
        its own path (/proc/self/exe): a path of another length changes instruction
        counts slightly, and the estimate must give the same number every run."""
        base = scratch_base()
        path = Path(tempfile.mkdtemp(prefix=f"{purpose[:8]:_<8}-", dir=base))
        if self.drops_privileges:
            path.chmod(0o777)
        try:
            yield path
        finally:
            shutil.rmtree(path, ignore_errors=True)


def scratch_base() -> Path:
    base = Path(tempfile.gettempdir()) / f"pie-lsp-{os.getuid()}"
    base.mkdir(mode=0o755, exist_ok=True)
    return base


def _close(proc: asyncio.subprocess.Process) -> None:
    """Close the process's transport and pipes now, on every path: one left to the garbage
    collector may outlive its event loop and fail in __del__."""
    with contextlib.suppress(Exception):
        proc._transport.close()  # type: ignore[attr-defined]


def _kill(proc: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


async def _feed(pipe: asyncio.StreamWriter | None, data: bytes | None) -> None:
    """Write `data` to the program's stdin and close it; a program that exits or closes
    its stdin without reading everything is not an error."""
    if pipe is None:
        return
    try:
        if data:
            pipe.write(data)
            await pipe.drain()
    except (BrokenPipeError, ConnectionResetError):
        pass
    finally:
        with contextlib.suppress(Exception):
            pipe.close()


async def _read_bounded(
    stream: asyncio.StreamReader, limit: int, exceeded: asyncio.Event, keep: int | None = None
) -> tuple[bytes, int]:
    """Read a stream to its end, keeping at most `keep` (default `limit`) bytes; past
    `limit` bytes set `exceeded` so the caller kills the process. Reading continues (and
    discards) until EOF, because asyncio's Process.wait() also waits for the pipes."""
    chunks: list[bytes] = []
    kept = 0
    total = 0
    cap = limit if keep is None else keep
    while True:
        chunk = await stream.read(1 << 16)
        if not chunk:
            break
        total += len(chunk)
        if kept < cap:
            piece = chunk[: cap - kept]
            chunks.append(piece)
            kept += len(piece)
        if total > limit:
            exceeded.set()
    return b"".join(chunks), total
