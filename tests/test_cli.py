"""`pie-lsp` as a user runs it: a subprocess on real example programs and bad inputs."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import DOUBLER, EXAMPLES, write_program


def pie(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pie_lsp", *args],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=cwd,
        check=False,
    )


def pie_json(*args: str) -> tuple[int, dict[str, Any]]:
    done = pie(*args, "--json")
    return done.returncode, json.loads(done.stdout)


def copy_example(name: str, tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLES / name, tmp_path / name)
    return tmp_path / name / "slow.cpp"


# Each bundled example, and the rewrite that must make it faster: I/O-bound and
# compute-bound slowdowns.
EXAMPLE_RULES = {
    "prefix_sums": "sync-stdio",  # I/O: synchronised iostreams, endl per line
    "pass_by_value": "const-ref-params",  # compute: a vector copied per query
    "string_build": "string-append",  # compute: quadratic string building
    "word_count": "map-to-unordered",  # compute: ordered map where no order is needed
}


@pytest.mark.parametrize("example", sorted(EXAMPLE_RULES))
def test_optimizes_each_bundled_example(example: str, tmp_path: Path) -> None:
    path = copy_example(example, tmp_path)
    before = path.read_text()
    code, result = pie_json("optimize", str(path))
    assert code == 0, result
    assert result["status"] == "optimized", result.get("error")
    assert result["speedup"] >= 1.10
    assert result["tests_passed"] == result["tests_total"] == 3
    assert result["simulator"] == "estimate"
    origins = {c["origin"]: c for c in result["candidates"]}
    assert any(
        EXAMPLE_RULES[example] in origin and c["status"] == "faster"
        for origin, c in origins.items()
    ), origins.keys()
    assert result["diff"].startswith("--- a/slow.cpp\n+++ b/slow.cpp\n")
    assert result["optimized_source"] != before
    for candidate in result["candidates"]:
        assert candidate["status"] in {"faster", "not-faster", "rejected"}
        if candidate["status"] == "rejected":
            assert candidate["reason"]
    assert path.read_text() == before  # no --write: the file is untouched


def test_human_output_has_diff_table_and_summary(tmp_path: Path) -> None:
    path = copy_example("prefix_sums", tmp_path)
    done = pie("optimize", str(path))
    assert done.returncode == 0, done.stderr
    assert "+    std::ios::sync_with_stdio(false);" in done.stdout
    # stdout is a pipe: the summary is one whole line, however wide (not cut at 80 columns)
    summary = re.search(
        r"^\d+\.\d\d× faster \(estimate.*\) — 3/3 tests "
        r"\+ \d+ derived inputs agree with the original$",
        done.stdout,
        re.MULTILINE,
    )
    assert summary is not None and len(summary.group()) > 80, done.stdout
    assert "Per test" in done.stdout and "Candidates" in done.stdout


def test_write_replaces_the_file_and_repeat_is_cached(tmp_path: Path) -> None:
    path = copy_example("prefix_sums", tmp_path)
    code, first = pie_json("optimize", str(path))
    assert code == 0 and not first["cached"]
    code, again = pie_json("optimize", str(path), "--write")
    assert code == 0 and again["cached"]
    assert again["speedup"] == first["speedup"]
    assert path.read_text() == first["optimized_source"]


def test_missing_file(tmp_path: Path) -> None:
    done = pie("optimize", str(tmp_path / "nope.cpp"))
    assert done.returncode == 1
    assert "no such file" in done.stderr


def test_not_cpp(tmp_path: Path) -> None:
    script = tmp_path / "x.py"
    script.write_text("print(1)\n")
    code, result = pie_json("optimize", str(script))
    assert code == 1 and result["status"] == "error"
    assert "not a C++ source file" in result["error"]


def test_no_tests_names_the_places_searched(tmp_path: Path) -> None:
    prog = tmp_path / "lonely.cpp"
    prog.write_text(DOUBLER)
    done = pie("optimize", str(prog))
    assert done.returncode == 1
    assert "lonely.tests" in done.stderr and "--tests" in done.stderr


def test_explicit_tests_dir(tmp_path: Path) -> None:
    path = write_program(tmp_path / "p", DOUBLER, {"1": ("1 2\n", "2\n4\n")})
    moved = tmp_path / "elsewhere"
    (path.parent / "prog.tests").rename(moved)
    code, result = pie_json("optimize", str(path), "--tests", str(moved))
    assert code == 0 and result["tests_total"] == 1


def test_tests_setting_is_relative_to_the_program_and_tests_flag_to_the_cwd(
    tmp_path: Path,
) -> None:
    # a settings file above the program names its folder `cases` beside the program
    path = write_program(tmp_path / "proj" / "src", DOUBLER, {"1": ("1 2\n", "2\n4\n")})
    cases = path.parent / "cases"
    (path.parent / "prog.tests").rename(cases)
    (tmp_path / "proj" / ".pie-lsp.toml").write_text('[tests]\ndir = "cases"\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = pie("measure", str(path), "--json", cwd=elsewhere)  # run from another folder
    assert done.returncode == 0, done.stdout
    assert json.loads(done.stdout)["tests_dir"] == str(cases)
    # --tests DIR is relative to the current directory, not to the program's folder
    done = pie("measure", str(path), "--tests", "proj/src/cases", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stdout
    assert json.loads(done.stdout)["tests_dir"] == "proj/src/cases"
    done = pie("measure", str(path), "--tests", "cases", "--json", cwd=tmp_path)
    assert done.returncode == 1
    assert "looked in: cases (no such directory)" in json.loads(done.stdout)["error"]


def test_does_not_compile(tmp_path: Path) -> None:
    path = write_program(tmp_path, "int main() { return nope; }\n", {"1": ("", "")})
    code, result = pie_json("optimize", str(path))
    assert code == 1
    assert "does not compile" in result["error"] and "nope" in result["error"]
    assert path.read_text() == "int main() { return nope; }\n"


def test_original_fails_its_tests(tmp_path: Path) -> None:
    path = write_program(tmp_path, DOUBLER, {"1": ("2\n", "5\n")})
    code, result = pie_json("optimize", str(path))
    assert code == 1
    assert "fails its own test 1" in result["error"]


def test_original_times_out(tmp_path: Path) -> None:
    path = write_program(tmp_path, "int main() { for (;;) {} }\n", {"1": ("", "")})
    code, result = pie_json("optimize", str(path), "--set", "tests.timeout=1")
    assert code == 1 and "timed out after 1 s" in result["error"]


def test_json_error_has_the_documented_keys(tmp_path: Path) -> None:
    _code, result = pie_json("optimize", str(tmp_path / "missing.cpp"))
    for key in (
        "status",
        "speedup",
        "simulator",
        "tests_passed",
        "tests_total",
        "original_source",
        "optimized_source",
        "diff",
        "candidates",
        "error",
    ):
        assert key in result


def test_bad_setting_is_named(tmp_path: Path) -> None:
    path = copy_example("prefix_sums", tmp_path)
    done = pie("optimize", str(path), "--set", "tests.timeot=3")
    assert done.returncode == 1 and "timeot" in done.stderr


def test_a_bad_value_in_a_settings_file_names_the_file(tmp_path: Path) -> None:
    path = copy_example("prefix_sums", tmp_path)
    settings = path.parent / ".pie-lsp.toml"
    settings.write_text("[tests]\ntimeout = -3\n")
    done = pie("optimize", str(path))
    assert done.returncode == 1
    assert f"{settings}: invalid pie-lsp settings: pie.tests.timeout must be > 0" in done.stderr


def test_settings_command_lists_every_key() -> None:
    done = pie("settings", "--json")
    keys = {row["key"] for row in json.loads(done.stdout)}
    assert {"pie.build.flags", "pie.simulator.backend", "pie.model.samples"} <= keys


def test_doctor_reports_the_tools() -> None:
    done = pie("doctor")
    assert done.returncode == 0, done.stdout
    for name in ("C++ compiler", "valgrind", "libclang", "sandbox", "gem5"):
        assert name in done.stdout


def test_check_against_a_file(tmp_path: Path) -> None:
    slow = copy_example("prefix_sums", tmp_path)
    fast = tmp_path / "fast.cpp"
    fast.write_text(
        slow.read_text().replace(
            "int n;", "ios::sync_with_stdio(false);\n    cin.tie(nullptr);\n    int n;"
        )
    )
    code, result = pie_json(
        "check", str(fast), "--against", str(slow), "--tests", str(slow.parent / "slow.tests")
    )
    assert code == 0 and result["speedup"] > 1.2
    assert result["summary"].startswith(f"{result['speedup']:.2f}× faster than slow.cpp")


def test_baseline_save_show_clear(tmp_path: Path) -> None:
    slow = copy_example("prefix_sums", tmp_path)
    original = slow.read_text()
    cache = ("--set", f"cache.dir={tmp_path / 'cache'}")
    done = pie("baseline", "show", str(slow), *cache)
    assert done.returncode == 1 and "no saved baseline" in done.stderr
    assert f"pie-lsp baseline save {slow}" in done.stderr  # the fix, as a command

    done = pie("baseline", "save", str(slow), *cache)
    assert done.returncode == 0 and "saved slow.cpp as its baseline" in done.stderr
    # the user edits the file: `check` measures the edit against the saved version
    slow.write_text(
        original.replace(
            "int n;", "ios::sync_with_stdio(false);\n    cin.tie(nullptr);\n    int n;"
        )
    )
    done = pie("baseline", "show", str(slow), *cache)
    assert done.returncode == 0 and done.stdout == original
    code, result = pie_json("check", str(slow), *cache, "--simulator", "estimate")
    assert code == 0 and result["baseline_name"] == "saved baseline", result
    assert result["speedup"] > 1.2

    done = pie("baseline", "clear", str(slow), *cache)
    assert done.returncode == 0 and "removed the saved baseline of slow.cpp" in done.stderr
    done = pie("baseline", "clear", str(slow), *cache)
    assert done.returncode == 0 and "has no saved baseline" in done.stderr
    assert pie("baseline", "show", str(slow), *cache).returncode == 1


# -- pie-lsp measure ---------------------------------------------------------------------------


def test_measure_reports_each_test(doubler: Path) -> None:
    code, data = pie_json("measure", str(doubler), "--simulator", "estimate")
    assert code == 0, data
    assert data["status"] == "ok" and data["simulator"] == "estimate"
    rows = {row["test"]: row for row in data["tests"]}
    assert set(rows) == {"1", "2"}
    for row in rows.values():
        assert row["simulator"] == "estimate"
        assert row["seconds"] > 0 and row["cycles"] > 0 and row["instructions"] > 0
    assert data["total_seconds"] == pytest.approx(sum(r["seconds"] for r in rows.values()))
    human = pie("measure", str(doubler), "--simulator", "estimate")
    assert human.returncode == 0, human.stderr
    assert "instructions" in human.stdout and "2 tests:" in human.stdout


def test_measure_verifies_the_outputs_first(tmp_path: Path) -> None:
    path = write_program(tmp_path, DOUBLER, {"1": ("1 2\n", "2\n5\n")})
    code, data = pie_json("measure", str(path), "--simulator", "estimate")
    assert code == 1 and data["status"] == "error"
    assert "fails its own test 1" in data["error"] and "expected '5', got '4'" in data["error"]
    human = pie("measure", str(path), "--simulator", "estimate")
    assert human.returncode == 1 and "fails its own test 1" in human.stderr


def test_measure_names_a_missing_gem5(doubler: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PIE_GEM5", raising=False)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    code, data = pie_json("measure", str(doubler), "--simulator", "gem5")
    assert code == 1 and "gem5 was not found" in data["error"]
    assert "PIE_GEM5" in data["hint"]


SUM = """#include <cstdio>
int main() {
    long long x, s = 0;
    while (std::scanf("%lld", &x) == 1) s += x;
    std::printf("%lld\\n", s);
}
"""


@pytest.mark.gem5
def test_measure_in_real_gem5(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from .measure.test_gem5 import SKIP_REASON, real_gem5_path

    gem5 = real_gem5_path()
    if gem5 is None:
        pytest.skip(SKIP_REASON)
    monkeypatch.setenv("PIE_GEM5", str(gem5))
    path = write_program(tmp_path, SUM, {"1": ("1 2 3\n", "6\n"), "2": ("40 2\n", "42\n")})
    code, data = pie_json("measure", str(path), "--simulator", "gem5")
    assert code == 0, data
    assert data["simulator"] == "gem5"
    for row in data["tests"]:
        assert row["simulator"] == "gem5"
        # every number, with the stats.txt entry it came from
        assert row["instructions"] == row["stats"]["simInsts"] > 0
        assert row["cycles"] == row["stats"]["system.cpu.numCycles"] > 0
        assert row["seconds"] == row["stats"]["simSeconds"] > 0
        assert row["detail"]["host_seconds"] > 0
    # a repeat comes from the cache, and the human report names the stats
    human = pie("measure", str(path), "--simulator", "gem5")
    assert human.returncode == 0, human.stderr
    assert "simInsts" in human.stdout and "gem5" in human.stdout
    # a wrong output under gem5 is caught: gem5's X86 model computes SSE4.2's crc32 as 0
    crc = write_program(
        tmp_path / "crc",
        "#include <cstdio>\n#include <immintrin.h>\n"
        '__attribute__((target("sse4.2"))) unsigned f(unsigned x) '
        "{ return _mm_crc32_u32(0u, x); }\n"
        'int main() { unsigned x; std::scanf("%u", &x); std::printf("%u\\n", f(x)); }\n',
        {"1": ("7\n", "")},
    )
    native = tmp_path / "crc-native"
    subprocess.run(
        ["g++", "-O2", "-static", str(crc), "-o", str(native)], check=True, capture_output=True
    )
    expected = subprocess.run(
        [str(native)], input="7\n", capture_output=True, text=True, check=True
    ).stdout
    (crc.parent / "prog.tests" / "output.1.txt").write_text(expected)
    code, data = pie_json("measure", str(crc), "--simulator", "gem5")
    assert code == 1, data
    assert "gives another output under gem5" in data["error"]
