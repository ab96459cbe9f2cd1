"""`pie-lsp profile FILE [--tests DIR] [--json]`, run as a user runs it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from ..conftest import EXAMPLES
from ..test_cli import pie


def test_profile_json_and_table(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLES / "string_build", tmp_path / "string_build")
    path = tmp_path / "string_build" / "slow.cpp"
    cache = f"cache.dir={tmp_path / 'cache'}"
    done = pie("profile", str(path), "--json", "--set", cache)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["status"] == "ok" and data["tests"] == 3
    hottest = data["lines"][0]
    assert hottest["line"] == 12 and hottest["function"] == "main"
    assert hottest["cost"]["share"] > 0.5 and hottest["library_cycles"]
    assert abs(data["total_cycles"] / data["estimate_cycles"] - 1) < 0.01
    assert data["functions"][0]["name"] == "main"
    # the rules' rewrites, with the hot lines each changes: s += in place changes line 12
    appends = [r for r in data["rewrites"] if r["origin"] == "rules:string-append"]
    assert appends and appends[0]["hot_lines"] == [12] and appends[0]["share"] > 0.5
    # the table: hot lines with their source text, from the cache this time
    human = pie("profile", str(path), "--set", cache)
    assert human.returncode == 0, human.stderr
    assert "Hottest lines" in human.stdout and "s = s + to_string(i);" in human.stdout
    assert "Hottest functions" in human.stdout


def test_profile_with_another_tests_folder_and_errors(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLES / "word_count", tmp_path / "wc")
    path = tmp_path / "wc" / "slow.cpp"
    moved = tmp_path / "elsewhere"
    (tmp_path / "wc" / "slow.tests").rename(moved)
    cache = f"cache.dir={tmp_path / 'cache'}"
    missing = pie("profile", str(path), "--json", "--set", cache)
    assert missing.returncode == 1 and json.loads(missing.stdout)["status"] == "error"
    done = pie("profile", str(path), "--tests", str(moved), "--json", "--set", cache)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["lines"][0]["line"] == 13
    nothing = pie("profile", str(tmp_path / "nope.cpp"))
    assert nothing.returncode == 1 and "no such file" in nothing.stderr


def test_check_lines_names_the_lines_that_got_cheaper(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLES / "prefix_sums", tmp_path / "ps")
    path = tmp_path / "ps" / "slow.cpp"
    baseline = tmp_path / "baseline.cpp"
    shutil.copy(path, baseline)
    text = path.read_text()
    faster = text.replace("cout << sum << endl;", "cout << sum << '\\n';").replace(
        "    cin >> n;", "    ios::sync_with_stdio(false);\n    cin.tie(nullptr);\n    cin >> n;"
    )
    path.write_text(faster)
    cache = f"cache.dir={tmp_path / 'cache'}"
    done = pie("check", str(path), "--against", str(baseline), "--lines", "--json", "--set", cache)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    changes = {row["text"].strip(): row for row in data["line_changes"]}
    reading = changes["for (int i = 0; i < n; i++) cin >> a[i];"]
    assert reading["change"] == "cheaper" and reading["line"] == 13
    assert reading["baseline_line"] == 11
    assert reading["after_cycles"] < 0.5 * reading["before_cycles"]
    printing = changes["cout << sum << '\\n';"]  # a replaced line: compared with the old one
    assert printing["change"] == "cheaper" and printing["baseline_line"] == 15
    human = pie("check", str(path), "--against", str(baseline), "--lines", "--set", cache)
    assert human.returncode == 0, human.stderr
    assert "Lines against" in human.stdout and "cheaper" in human.stdout
