"""The adversarial suite, containment half: hostile candidates through the real pipeline.

Each case is a candidate program (C++ source text, as a model could write it) proposed by
`ScriptedModel`, a TEST DOUBLE for a model backend (no model runs in the suite; an
OpenAI-compatible server would hand the pipeline the same text). Everything after it is
real: g++, the sandbox (bubblewrap when present), the tests, valgrind. Every test asserts
both that the attack was contained and how the candidate is reported (status and reason).
docs/SECURITY.md lists these cases with their outcomes.

One pipeline run proposes all candidates at once (they share the original's build and
measurement); the cases that need their own settings run their own pipeline.
"""

from __future__ import annotations

import asyncio
import secrets
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from pie_lsp.build import Builder
from pie_lsp.cache import Cache
from pie_lsp.isolation import detect_isolation
from pie_lsp.measure import MeasureFailed
from pie_lsp.measure.bound import MeasureBound, measurement_bound
from pie_lsp.measure.native import NativeMeasurer
from pie_lsp.pipeline import CandidateResult, OptimizeResult, Pipeline
from pie_lsp.program import MAX_SOURCE_BYTES
from pie_lsp.sandbox import Sandbox
from pie_lsp.settings import Settings
from pie_lsp.verify import find_tests

from ..conftest import DOUBLER, REPO, processes_matching, write_program
from ..models.fake_openai_server import answers, serving
from ..test_pipeline import ScriptedModel, optimize

# The original's loop, for candidates that answer correctly besides their attack.
DOUBLE_LOOP = "long long x; while (cin >> x) cout << 2 * x << '\\n';"
HEAD = """#include <iostream>
#include <fstream>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>
#include <fcntl.h>
#include <dirent.h>
#include <signal.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>
using namespace std;
"""


# One pipeline run builds, verifies and measures a dozen programs: on a loaded machine that
# takes minutes, more than the default per-test limit.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def correct_after(attack: str, helpers: str = "") -> str:
    """A candidate that runs `attack` in main, then answers every test correctly: if the
    attack is contained, it passes its tests; any "LEAK ..." line it prints fails them."""
    return f"{HEAD}{helpers}\nint main() {{\n{attack}\n    {DOUBLE_LOOP}\n    return 0;\n}}\n"


def c_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


READ_HELPERS = r"""
static void probe(const char* path) {  // readable file or listable directory: a leak
    int fd = open(path, O_RDONLY);
    if (fd >= 0) { char b[64]; if (read(fd, b, sizeof b) >= 0) { printf("LEAK read %s\n", path); } close(fd); }
    DIR* d = opendir(path);
    if (d) { if (readdir(d)) printf("LEAK list %s\n", path); closedir(d); }
}
static void expected_via_stdin() {  // issue 11, case 1: stdin's path names the expected output
    char link[4096] = {0}, here[4096] = {0};
    ssize_t n = readlink("/proc/self/fd/0", link, sizeof link - 1);
    if (n <= 0 || link[0] != '/') return;  // a pipe: "pipe:[...]"
    string path(link, n);
    // a private copy in the run's own directory is allowed; the user's file is not
    if (getcwd(here, sizeof here) && path.rfind(string(here) + "/", 0) != 0)
        printf("LEAK stdin is %s\n", path.c_str());
    size_t at = path.rfind("input.");
    if (at == string::npos) return;
    path.replace(at, 6, "output.");
    ifstream f(path);
    string line;
    bool leaked = false;
    while (getline(f, line)) { if (!leaked) printf("LEAK %s:\n", path.c_str()); leaked = true; cout << line << '\n'; }
}
"""

WRITE_HELPERS = r"""
static void try_write(const char* path) {
    FILE* f = fopen(path, "w");
    if (f) { fputs("pwned", f); fclose(f); printf("LEAK wrote %s\n", path); }
}
"""

SOCKET_HELPERS = r"""
static void try_unix(const char* path, bool abstract) {
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un a{}; a.sun_family = AF_UNIX;
    size_t n = strlen(path);
    memcpy(a.sun_path + (abstract ? 1 : 0), path, n);
    socklen_t len = offsetof(sockaddr_un, sun_path) + n + (abstract ? 1 : 0);
    if (connect(fd, (sockaddr*)&a, len) == 0) printf("LEAK connected to %s%s\n", abstract ? "@" : "", path);
    close(fd);
}
static void try_tcp(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{}; a.sin_family = AF_INET; a.sin_port = htons(port);
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (connect(fd, (sockaddr*)&a, sizeof a) == 0) printf("LEAK connected to 127.0.0.1:%d\n", port);
    close(fd);
}
"""


def isolation_or_skip() -> None:
    iso = detect_isolation(True)
    if not iso.bwrap:
        pytest.skip("bubblewrap is not usable here: `pie-lsp doctor` says what is unprotected")


class Setup:
    """The user's side of the attack: a program, its tests, files and listening sockets
    that no candidate may read, write or reach."""

    def __init__(self, folder: Path) -> None:
        self.path = write_program(
            folder / "project",
            DOUBLER,
            {"1": ("1 2 3\n", "2\n4\n6\n"), "2": ("10\n-5\n", "20\n-10\n")},
        )
        self.tests = self.path.parent / "prog.tests"
        self.secret = Path(tempfile.mkdtemp(prefix="pie-secret-")) / "secret.txt"
        self.secret.write_text("host /tmp secret\n")
        self.secret.parent.chmod(0o755)
        self.secret.chmod(0o644)
        self.files_before: dict[Path, bytes] = {}
        # a daemon's command line (`sleep TOKEN`) that no other process on the machine has
        self.token = f"{10**9 + secrets.randbelow(10**9)}.25"
        # listeners: a path Unix socket in the host's /tmp, an abstract one, TCP on loopback
        self.unix_path = str(self.secret.parent / "host.sock")
        self.unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.unix.bind(self.unix_path)
        Path(self.unix_path).chmod(0o777)
        self.abstract_name = f"pie-test-{secrets.token_hex(6)}"
        self.abstract = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.abstract.bind("\0" + self.abstract_name)
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.bind(("127.0.0.1", 0))
        self.tcp_port = self.tcp.getsockname()[1]
        for listener in (self.unix, self.abstract, self.tcp):
            listener.listen(8)
            listener.setblocking(False)

    def arrived(self) -> list[str]:
        """Listeners that a connection reached (none may)."""
        reached = []
        for name, listener in (("unix", self.unix), ("abstract", self.abstract), ("tcp", self.tcp)):
            try:
                conn, _ = listener.accept()
            except BlockingIOError:
                continue
            conn.close()
            reached.append(name)
        return reached

    def close(self) -> None:
        for listener in (self.unix, self.abstract, self.tcp):
            listener.close()
        for item in self.secret.parent.iterdir():
            item.unlink()
        self.secret.parent.rmdir()

    def candidates(self) -> dict[str, str]:
        expected = self.tests / "output.1.txt"
        readable = [
            str(self.tests),
            str(expected),
            str(self.path),
            str(self.path.parent),
            str(self.secret),
            str(REPO),
            "/root",
            "/home",
            "/work",
            "/etc/passwd",
            "/etc/shadow",
            "/var/run",
            "/run",
        ]
        reads = "\n".join(f"    probe({c_string(p)});" for p in readable)
        writes = "\n".join(
            f"    try_write({c_string(p)});"
            for p in (
                str(self.path),
                str(self.tests / "output.1.txt"),
                str(self.tests / "input.9.txt"),
                str(self.secret),
                str(self.secret.parent / "dropped.txt"),
                "/root/dropped.txt",
                "/tmp/dropped.txt",
            )
        )
        host_sockets = [self.unix_path, "/var/run/docker.sock", "/run/docker.sock"]
        host_sockets += [str(p) for p in Path("/run").glob("*.sock")]
        sockets = "\n".join(f"    try_unix({c_string(p)}, false);" for p in host_sockets)
        sockets += f"\n    try_unix({c_string(self.abstract_name)}, true);"
        sockets += f"\n    try_tcp({self.tcp_port});"
        daemon = (
            "    if (fork() == 0) { setsid(); if (fork() == 0) {"
            f' execl("/bin/sleep", "sleep", "{self.token}", (char*)nullptr); _exit(0); }}'
            " _exit(0); }"
        )
        return {
            "reads": correct_after(f"    expected_via_stdin();\n{reads}", READ_HELPERS),
            "writes": correct_after(writes, WRITE_HELPERS),
            "sockets": correct_after(sockets, SOCKET_HELPERS),
            "daemon": correct_after(daemon),
            "fork-bomb": correct_after("    for (;;) fork();"),
            "floods-2gb": correct_after(
                "    string s(1 << 20, 'x'); for (int i = 0; i < 2048; i++) fwrite(s.data(), 1, s.size(), stdout);"
            ),
            "allocates-30gb": correct_after(
                '    vector<char> v(30ull << 30, 1); printf("%d\\n", v[12345]);'
            ),
            "includes-dev-zero": "#include </dev/zero>\n" + DOUBLER,
            "includes-secrets": f'#include "{expected}"\n#include "/etc/shadow"\n' + DOUBLER,
            "not-cpp": "Sure! Here is a faster version of your program. It reads the input with "
            "scanf instead of cin, which avoids synchronisation with stdio.\n",
            "too-large": DOUBLER + "// " + "x" * (MAX_SOURCE_BYTES + 10) + "\n",
            "spins-when-measured": correct_after(
                # only the estimate (valgrind) run has an environment: spin only there
                '    if (getenv("TMPDIR") || getenv("LD_PRELOAD")) { volatile unsigned long z = 0; for (;;) z++; }'
            ),
        }


@pytest.fixture(scope="module")
def attack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Setup, OptimizeResult]]:
    isolation_or_skip()
    folder = tmp_path_factory.mktemp("attack")
    setup = Setup(folder)
    settings = Settings()
    settings.cache.dir = str(folder / "cache")
    settings.simulator.backend = "estimate"
    settings.tests.timeout = 10.0
    settings.build.timeout = 20.0
    # the measurement bound: a multiple of the original's valgrind time plus a floor
    settings.sandbox.measure_factor = 4.0
    settings.sandbox.measure_floor = 15.0
    watched = [setup.path, *setup.tests.iterdir(), setup.secret]
    setup.files_before = {p: p.read_bytes() for p in watched}
    try:
        model = ScriptedModel(*setup.candidates().items())
        result = asyncio.run(optimize(settings, setup.path, model))
        yield setup, result
    finally:
        setup.close()


def candidate(result: OptimizeResult, origin: str) -> CandidateResult:
    found = [c for c in result.candidates if c.origin == origin]
    assert found, f"no candidate {origin}: {[c.origin for c in result.candidates]}"
    return found[0]


def passes(result: OptimizeResult, origin: str) -> CandidateResult:
    """The candidate passed every test: its attack printed no LEAK line."""
    c = candidate(result, origin)
    assert c.status in ("faster", "not-faster"), c.reason
    assert c.tests_passed == c.tests_total == 2
    return c


def test_the_original_is_optimized_normally(attack: tuple[Setup, OptimizeResult]) -> None:
    _, result = attack
    assert result.status in ("optimized", "not-optimized"), result.error
    assert result.best_origin is None or result.best_origin in (
        "reads",
        "writes",
        "sockets",
        "daemon",
    )


def test_reads_nothing_outside_its_scratch_dir(attack: tuple[Setup, OptimizeResult]) -> None:
    """Tests, expected outputs (also via /proc/self/fd/0), the project, host /tmp, home
    directories, /work, /etc/passwd: none readable; stdin is a pipe."""
    _, result = attack
    passes(result, "reads")


def test_writes_nothing_outside_its_scratch_dir(attack: tuple[Setup, OptimizeResult]) -> None:
    setup, result = attack
    passes(result, "writes")
    after = {p: p.read_bytes() for p in setup.files_before}
    assert after == setup.files_before
    assert sorted(p.name for p in setup.tests.iterdir()) == sorted(
        ["input.1.txt", "output.1.txt", "input.2.txt", "output.2.txt"]
    )
    assert not (setup.secret.parent / "dropped.txt").exists()
    assert not Path("/root/dropped.txt").exists() and not Path("/tmp/dropped.txt").exists()


def test_no_host_socket_and_no_network(attack: tuple[Setup, OptimizeResult]) -> None:
    """A Unix socket in the host's /tmp, an abstract one, /run's, TCP on loopback."""
    setup, result = attack
    passes(result, "sockets")
    assert setup.arrived() == []


def test_a_daemon_does_not_outlive_the_run(attack: tuple[Setup, OptimizeResult]) -> None:
    setup, result = attack
    passes(result, "daemon")
    assert processes_matching(setup.token) == []


def test_fork_bomb(attack: tuple[Setup, OptimizeResult]) -> None:
    _, result = attack
    c = candidate(result, "fork-bomb")
    assert c.status == "rejected"
    assert c.reason.startswith("test 1: "), c.reason


def test_2gb_of_output(attack: tuple[Setup, OptimizeResult]) -> None:
    _, result = attack
    c = candidate(result, "floods-2gb")
    assert c.status == "rejected"
    assert "printed more than 32 MiB of output" in c.reason


def test_30gb_allocation(attack: tuple[Setup, OptimizeResult]) -> None:
    _, result = attack
    c = candidate(result, "allocates-30gb")
    assert c.status == "rejected"
    assert "aborted" in c.reason and "bad_alloc" in c.reason


def test_compile_bomb(attack: tuple[Setup, OptimizeResult]) -> None:
    _, result = attack
    c = candidate(result, "includes-dev-zero")
    assert c.status == "rejected"
    assert any(
        why in c.reason for why in ("compilation timed out", "the compiler", "does not compile")
    ), c.reason


def test_the_compiler_cannot_include_the_expected_output(
    attack: tuple[Setup, OptimizeResult],
) -> None:
    _, result = attack
    c = candidate(result, "includes-secrets")
    assert c.status == "rejected"
    assert "does not compile" in c.reason and "No such file or directory" in c.reason
    assert "2\n4\n6" not in c.reason


def test_text_that_is_not_cpp(attack: tuple[Setup, OptimizeResult]) -> None:
    _, result = attack
    c = candidate(result, "not-cpp")
    assert c.status == "rejected" and c.reason.startswith("does not compile"), c.reason


def test_a_candidate_larger_than_the_original_may_be(attack: tuple[Setup, OptimizeResult]) -> None:
    _, result = attack
    c = candidate(result, "too-large")
    assert c.status == "rejected"
    assert c.reason == (
        f"too large: {MAX_SOURCE_BYTES + 10 + len(DOUBLER) + 4} bytes, more than the "
        f"{MAX_SOURCE_BYTES // 1000} kB a program may have"
    )
    assert c.source == ""  # never kept, shown or written


def test_a_candidate_that_spins_only_when_measured(attack: tuple[Setup, OptimizeResult]) -> None:
    _, result = attack
    c = candidate(result, "spins-when-measured")
    assert c.status == "rejected"
    assert c.tests_passed == 2  # it behaved when verified
    assert c.reason.startswith("could not be measured: test ")
    assert "measurement timed out (4× the original's time + 15 s = " in c.reason


# -- the native backend: every timed run starts afresh, and is bounded ---------------------

STATEFUL = correct_after(
    # a run that finds what an earlier run left answers wrongly (or could print a cached
    # answer without working): each run must get a fresh directory
    '    if (access("seen", F_OK) == 0) { puts("cached"); return 0; }\n'
    '    FILE* f = fopen("seen", "w"); if (f) fclose(f);'
)


def doubler_project(folder: Path) -> Path:
    return write_program(folder, DOUBLER, {"1": ("1 2 3\n", "2\n4\n6\n"), "2": ("10\n", "20\n")})


def test_native_runs_do_not_share_files(tmp_path: Path, settings: Settings) -> None:
    isolation_or_skip()
    settings.simulator.backend = "native"
    settings.simulator.native.warmup = 1
    settings.simulator.native.repeats = 2
    model = ScriptedModel(("stateful", STATEFUL))
    result = asyncio.run(optimize(settings, doubler_project(tmp_path), model))
    c = passes(result, "stateful")
    assert c.measured_by == "native" and len(c.timings) == 2


def test_native_measurement_is_bounded_by_the_originals_time(
    tmp_path: Path, settings: Settings
) -> None:
    """Natively a candidate cannot tell verification from timing, so the bound is shown on
    the measurer itself: a program that spins is stopped at factor × original + floor."""
    isolation_or_skip()
    settings.simulator.backend = "native"
    spin = correct_after("    volatile unsigned long z = 0; for (;;) z++;")
    case = find_tests(doubler_project(tmp_path)).cases[0]

    async def measure() -> str:
        sandbox, cache = Sandbox(), Cache(settings.cache)
        binary = await Builder(settings.build, sandbox, cache).build(spin)
        measurer = NativeMeasurer.from_settings(settings, sandbox, cache, asyncio.Semaphore(1))
        bound = MeasureBound(2.0, 1.0, {case.name: 0.25})
        with measurement_bound(bound), pytest.raises(MeasureFailed) as info:
            await measurer.measure_one(binary, case)
        return info.value.message

    message = asyncio.run(measure())
    assert message == "test 1: measurement timed out (2× the original's time + 1 s = 1.5 s)"


# -- issue 11's first case exactly, served by an OpenAI-compatible server ----------------

PROC_SELF_FD0 = r"""#include <fstream>
#include <iostream>
#include <string>
#include <unistd.h>
int main() {
    char link[4096] = {0};
    if (readlink("/proc/self/fd/0", link, sizeof link - 1) <= 0) return 0;
    std::string path(link);
    size_t at = path.rfind("input.");
    if (at == std::string::npos) return 0;
    std::ifstream expected(path.replace(at, 6, "output."));
    std::cout << expected.rdbuf();
    return 0;
}
"""


async def test_the_answers_cannot_be_read_through_stdin_from_a_model(
    tmp_path: Path, settings: Settings
) -> None:
    """The attack that passed 2/2 tests and was written with --write: from the
    `FakeOpenAIServer` TEST DOUBLE through the openai backend, it now finds only a pipe."""
    isolation_or_skip()
    path = doubler_project(tmp_path)
    settings.model.backend = "openai"
    settings.model.openai.model = "hostile"
    settings.model.samples = 1
    with serving({"hostile": answers(f"```cpp\n{PROC_SELF_FD0}```\n")}) as server:
        settings.model.openai.url = server.url
        pipeline = Pipeline(settings)
        try:
            result = await pipeline.optimize(pipeline.job_for(path))
        finally:
            await pipeline.aclose()
    assert result.status == "not-optimized", result.error
    assert result.optimized_source in (None, "")
    c = [c for c in result.candidates if "readlink" in c.source]
    assert len(c) == 1 and c[0].status == "rejected"
    assert c[0].reason == "test 1: wrong output, expected 3 lines of output, got 0"
