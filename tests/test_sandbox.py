"""The sandbox with real processes: limits, isolation, killing, and reporting."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from pie_lsp.errors import ToolMissing
from pie_lsp.isolation import Method, detect_isolation, tool_dirs
from pie_lsp.sandbox import MIB, Limits, RunResult, Sandbox, scratch_base

from .conftest import processes_named, unique_marker, wait_until, wait_until_gone

# One C++ program that misbehaves in the way its first argument names.
MISBEHAVE = r"""
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <vector>
int main(int argc, char** argv) {
    std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "echo") { int c; while ((c = getchar()) != EOF) putchar(c); return 0; }
    if (mode == "sleep") { sleep(100); return 0; }
    if (mode == "spin") { volatile unsigned long x = 0; for (;;) x++; }
    if (mode == "flood") { std::string s(1 << 16, 'x'); for (;;) fwrite(s.data(), 1, s.size(), stdout); }
    if (mode == "segv") { volatile int* p = nullptr; return *p; }
    if (mode == "exit3") return 3;
    if (mode == "forkbomb") {
        int made = 0;
        for (int i = 0; i < 100000; i++) { pid_t p = fork(); if (p < 0) break; if (p == 0) { sleep(100); _exit(0); } made++; }
        printf("%d\n", made); fflush(stdout); sleep(100); return 0;
    }
    if (mode == "forktree") { for (;;) fork(); }  // every process forks: always at the limit
    if (mode == "orphans") {  // children that leave the process group: only a PID namespace catches them
        for (int i = 0; i < 3; i++) if (fork() == 0) { setsid(); sleep(100); _exit(0); }
        return 0;
    }
    if (mode == "write") { FILE* f = fopen(argv[2], "w"); if (!f) { printf("denied\n"); return 0; } fputs("pwned", f); fclose(f); printf("written\n"); return 0; }
    if (mode == "bigfile") { FILE* f = fopen("big.bin", "w"); std::string s(1 << 20, 'x'); for (int i = 0; i < 200; i++) if (fwrite(s.data(), 1, s.size(), f) != s.size()) { printf("short write\n"); return 0; } printf("wrote all\n"); return 0; }
    if (mode == "connect") {
        int fd = socket(AF_INET, SOCK_STREAM, 0); sockaddr_in a{}; a.sin_family = AF_INET; a.sin_port = htons(atoi(argv[2]));
        inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
        printf(connect(fd, (sockaddr*)&a, sizeof a) == 0 ? "connected\n" : "no network\n"); return 0;
    }
    if (mode == "env") { const char* h = getenv("HOME"); printf("%s\n", h ? h : "(none)"); return 0; }
    if (mode == "alloc") { std::vector<char*> v; for (int i = 0; i < 64; i++) { char* p = (char*)malloc(256 << 20); if (!p) { printf("refused\n"); return 0; } memset(p, 1, 1 << 20); v.push_back(p); } printf("got 16 GiB\n"); return 0; }
    return 0;
}
"""


@pytest.fixture(scope="module")
def misbehave(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("misbehave")
    (folder / "m.cpp").write_text(MISBEHAVE)
    subprocess.run(
        ["g++", "-O1", "-o", str(folder / "misbehave"), str(folder / "m.cpp")], check=True
    )
    exe = folder / "misbehave"
    folder.chmod(0o755)
    exe.chmod(0o755)
    return exe


async def run(
    sandbox: Sandbox,
    exe: Path,
    *args: str,
    limit: float = 5.0,
    stdin: Path | None = None,
    output_bytes: int = 1 << 20,
    name: str = "prog",
) -> RunResult:
    """Run a copy of `exe` named `name` (give it a `unique_marker` to find its processes)."""
    with sandbox.scratch("test") as work:
        target = work / name
        target.write_bytes(exe.read_bytes())
        target.chmod(0o755)
        limits = Limits(
            timeout=limit,
            memory_mb=1024,
            output_bytes=output_bytes,
            file_size_mb=16,
            processes=32,
        )
        return await sandbox.run([f"./{name}", *args], cwd=work, limits=limits, stdin=stdin)


async def test_echo_feeds_stdin_and_captures_stdout(misbehave: Path, tmp_path: Path) -> None:
    given = tmp_path / "in.txt"
    given.write_text("hello\nworld\n")
    result = await run(Sandbox(), misbehave, "echo", stdin=given)
    assert result.ok
    assert result.stdout == b"hello\nworld\n"
    assert result.describe() == "exited normally"


async def test_timeout_kills_and_says_so(misbehave: Path) -> None:
    result = await run(Sandbox(), misbehave, "spin", limit=1.0)
    assert result.timed_out and not result.ok
    assert result.describe() == "timed out after 1 s"
    assert result.wall_seconds < 4


async def test_output_flood_is_cut_at_the_limit(misbehave: Path) -> None:
    result = await run(Sandbox(), misbehave, "flood", output_bytes=1 << 20)
    assert result.output_exceeded and not result.ok
    assert len(result.stdout) <= 1 << 20
    assert "printed more than 1 MiB" in result.describe()


async def test_crash_and_exit_code_are_described(misbehave: Path) -> None:
    crash = await run(Sandbox(), misbehave, "segv")
    assert not crash.ok and "segmentation fault" in crash.describe()
    code = await run(Sandbox(), misbehave, "exit3")
    assert code.returncode == 3 and code.describe() == "exited with code 3"


async def test_fork_bomb_is_contained(misbehave: Path) -> None:
    sandbox = Sandbox()
    name = unique_marker("forkbomb")
    result = await run(sandbox, misbehave, "forkbomb", limit=3.0, name=name)
    made = int(result.stdout.split()[0])
    assert made < 64  # the process limit (32) stopped it, not the loop's end
    await wait_until_gone(name)  # its children sleep 100 s unless killed


async def test_a_fork_bomb_does_not_use_up_its_neighbours_processes(
    misbehave: Path, tmp_path: Path
) -> None:
    sandbox = Sandbox()
    if not sandbox.drops_privileges:
        pytest.skip("runs share the caller's uid here (not root): no per-run process budget")
    name = unique_marker("forktree")
    bomb = asyncio.ensure_future(run(sandbox, misbehave, "forktree", limit=30.0, name=name))
    # the bomb holds its whole budget: 32 processes (its wrappers too name it)
    await wait_until(lambda: len(processes_named(name)) >= 32, 30, "the bomb's 32 processes")
    given = tmp_path / "in.txt"
    given.write_text("still here\n")
    neighbours = [await run(sandbox, misbehave, "echo", stdin=given) for _ in range(3)]
    assert [n.stdout for n in neighbours] == [b"still here\n"] * 3, neighbours[0].stderr
    assert not bomb.done()  # the neighbours ran while the bomb was still at its limit
    bomb.cancel()
    with pytest.raises(asyncio.CancelledError):
        await bomb
    await wait_until_gone(name)


def isolated(method: Method) -> Sandbox:
    """A sandbox isolating with `method` (bubblewrap, or util-linux unshare alone)."""
    try:
        sandbox = Sandbox(method=method)
    except ToolMissing as exc:
        pytest.skip(f"{method}: {exc.message}")
    if not sandbox.isolation.namespaces:
        pytest.skip(f"{method}: no namespaces on this machine")
    return sandbox


METHODS = pytest.mark.parametrize("method", ["bwrap", "unshare"])


@METHODS
async def test_orphans_that_left_the_group_die_with_the_run(
    misbehave: Path, method: Method
) -> None:
    sandbox = isolated(method)
    name = unique_marker("orphans")
    result = await run(sandbox, misbehave, "orphans", name=name)
    assert result.ok
    await wait_until_gone(name)  # they sleep 100 s unless killed


@METHODS
async def test_cannot_write_outside_its_scratch_dir(
    misbehave: Path, tmp_path: Path, method: Method
) -> None:
    sandbox = isolated(method)
    if not sandbox.isolation.protects_files:
        pytest.skip("unshare without root: the program runs as this user, who owns the files")
    home = Path(tempfile.mkdtemp(dir=Path.home()))  # outside /tmp, writable by this user
    try:
        for victim in (tmp_path / "victim.txt", home / "victim.txt"):
            victim.write_text("precious")
            result = await run(sandbox, misbehave, "write", str(victim))
            assert result.stdout == b"denied\n", victim
            assert victim.read_text() == "precious"
        result = await run(sandbox, misbehave, "write", str(home / "new.txt"))
        assert result.stdout == b"denied\n" and not (home / "new.txt").exists()
    finally:
        shutil.rmtree(home)


async def test_file_size_limit(misbehave: Path) -> None:
    result = await run(Sandbox(), misbehave, "bigfile")
    # RLIMIT_FSIZE: the write fails (SIGXFSZ kills it, or a short write is reported)
    assert result.stdout != b"wrote all\n"


@METHODS
async def test_no_network(misbehave: Path, method: Method) -> None:
    sandbox = isolated(method)
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]
        result = await run(sandbox, misbehave, "connect", str(port))
    assert result.stdout == b"no network\n"


async def test_empty_environment(misbehave: Path) -> None:
    os.environ.setdefault("HOME", "/root")
    result = await run(Sandbox(), misbehave, "env")
    assert result.stdout == b"(none)\n"


async def test_memory_limit(misbehave: Path) -> None:
    result = await run(Sandbox(), misbehave, "alloc")
    assert result.stdout == b"refused\n"


async def test_cancel_kills_the_process(misbehave: Path) -> None:
    sandbox = Sandbox()
    name = unique_marker("sleep")
    task = asyncio.ensure_future(run(sandbox, misbehave, "sleep", limit=60, name=name))

    def program_runs() -> bool:  # the program itself, not only its wrappers naming it
        return any(line.startswith(f"./{name}") for line in processes_named(name).values())

    await wait_until(program_runs, 30, "the program to start")
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await wait_until_gone(name)


def test_isolation_is_described() -> None:
    text = detect_isolation(True).describe()
    assert text.startswith("resource limits")
    assert not detect_isolation(False).namespaces


def test_wrap_puts_limits_first() -> None:
    sandbox = Sandbox()
    argv = sandbox.wrap(["./prog"], Limits(timeout=3, memory_mb=100, file_size_mb=2, processes=7))
    assert argv[0].endswith("prlimit")
    assert "--as=104857600" in argv and "--fsize=2097152" in argv and "--cpu=5" in argv
    assert argv[-1] == "./prog"
    if sandbox.isolation.bwrap:
        assert "--unshare-net" in argv and "--unshare-pid" in argv
        assert "--ro-bind" in argv
    elif sandbox.isolation.unshare:
        assert "--net" in argv and "--pid" in argv


async def _shell(sandbox: Sandbox, script: str, stdin: Path | bytes | None = None) -> RunResult:
    with sandbox.scratch("test") as work:
        limits = Limits(timeout=10, memory_mb=1024, processes=16)
        return await sandbox.run(["/bin/sh", "-c", script], cwd=work, limits=limits, stdin=stdin)


@METHODS
async def test_stdin_is_a_pipe_not_the_users_file(tmp_path: Path, method: Method) -> None:
    """A program that reads /proc/self/fd/0 learns nothing of where its input lives."""
    given = tmp_path / "input.1.txt"
    given.write_text("7 8 9\n")
    result = await _shell(isolated(method), "readlink /proc/self/fd/0; cat", stdin=given)
    link, data = result.stdout.decode().split("\n", 1)
    assert link.startswith("pipe:") and "input" not in link
    assert data == "7 8 9\n"


async def test_a_large_input_reaches_a_program_that_stops_reading() -> None:
    """Feeding stdin never blocks the run, whether or not the program reads it all."""
    big = b"1 " * (4 * MIB)
    assert (await _shell(Sandbox(), "wc -c", stdin=big)).stdout.strip() == b"8388608"
    quick = await _shell(Sandbox(), "head -c 3", stdin=big)
    assert quick.ok and quick.stdout == b"1 1"


async def test_bubblewrap_shows_only_the_system_and_the_scratch_dir(tmp_path: Path) -> None:
    sandbox = isolated("bwrap")
    (tmp_path / "secret.txt").write_text("secret")
    probe = " ".join(
        str(p) for p in (tmp_path / "secret.txt", Path.home(), "/home", "/run", "/var", "/work")
    )
    script = f"for p in {probe}; do [ -e $p ] && echo visible $p; done; ls -A /tmp; touch ok; ls"
    result = await _shell(sandbox, script)
    assert result.ok, result.stderr
    lines = result.stdout.decode().split()
    assert not [line for line in lines if line == "visible"], lines
    # /tmp is the sandbox's own: at most the path leading to the run's scratch dir
    base = scratch_base()
    host_tmp = [base.name] if base.parent == Path("/tmp") else []
    assert lines == [*host_tmp, "ok"]


def test_doctor_names_what_is_not_protected() -> None:
    """Without bubblewrap, doctor's line says exactly what a candidate can still do."""
    plain = detect_isolation(False)
    gaps = " ".join(plain.unprotected())
    assert "expected outputs" in gaps and "Unix sockets" in gaps and "network" in gaps
    if detect_isolation(True).bwrap:
        assert detect_isolation(True).unprotected() == []


def test_a_tool_outside_the_system_is_shown_but_never_a_home_directory(tmp_path: Path) -> None:
    """The install prefix of a program named on the command line (also behind prlimit)
    becomes visible; under a home directory's dot folder only the program's own folder."""
    opt = tmp_path / "opt" / "gcc-13" / "bin"
    opt.mkdir(parents=True)
    (opt / "g++").write_text("#!/bin/sh\n")
    (opt / "g++").chmod(0o755)
    assert tool_dirs(["/usr/bin/prlimit", "--", str(opt / "g++")]) == [opt.parent]
    local = Path(tempfile.mkdtemp(prefix=".pie-test-", dir=Path.home())) / "bin"
    try:
        local.mkdir()
        (local / "valgrind").write_text("#!/bin/sh\n")
        (local / "valgrind").chmod(0o755)
        assert tool_dirs([str(local / "valgrind")]) == [local]
        # the run's own directory is visible anyway: its programs add nothing
        assert tool_dirs([str(local / "valgrind")], cwd=local.parent) == []
    finally:
        shutil.rmtree(local.parent)
