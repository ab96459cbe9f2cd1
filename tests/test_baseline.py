"""Baselines: the file at git HEAD, a saved version, or another file."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pie_lsp.baseline import git_version, resolve_baseline, save_baseline, saved_baseline
from pie_lsp.errors import PieError


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", *args],
        check=True,
        capture_output=True,
    )


def test_head_version_of_a_committed_file(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    source = tmp_path / "a.cpp"
    source.write_text("old\n")
    git(tmp_path, "add", "a.cpp")
    git(tmp_path, "commit", "-qm", "c")
    source.write_text("new\n")
    assert git_version(source) == "old\n"
    assert resolve_baseline(source, None, tmp_path / "cache") == ("HEAD", "old\n")


def test_uncommitted_file_says_what_to_do(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    source = tmp_path / "b.cpp"
    source.write_text("x\n")
    with pytest.raises(PieError) as info:
        git_version(source)
    assert "commit b.cpp" in info.value.hint


def test_outside_git(tmp_path: Path) -> None:
    source = tmp_path / "c.cpp"
    source.write_text("x\n")
    with pytest.raises(PieError) as info:
        git_version(source)
    assert "save a baseline" in info.value.hint


def test_saved_baseline_wins_over_head(tmp_path: Path) -> None:
    source = tmp_path / "d.cpp"
    source.write_text("current\n")
    assert saved_baseline(source, tmp_path) is None
    save_baseline(source, "saved\n", tmp_path)
    assert resolve_baseline(source, None, tmp_path) == ("saved baseline", "saved\n")
