"""Baselines for "check speedup": the file's last git commit, or a version the user saved.

Saved baselines live in the cache directory (outside the diskcache store, so they are never
evicted), one file per source path.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from pie_lsp.cache import default_cache_dir, digest
from pie_lsp.errors import PieError


def git_version(path: Path, rev: str = "HEAD") -> str:
    """The text of `path` at git revision `rev`."""
    git = shutil.which("git")
    if git is None:
        raise PieError(
            "git is not installed, so there is no HEAD to compare with",
            hint="install git, or save a baseline first (Save speedup baseline)",
        )
    folder = path.resolve().parent
    try:
        done = subprocess.run(
            [git, "-C", str(folder), "show", f"{rev}:./{path.name}"],
            capture_output=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PieError(f"git failed: {exc}", hint="check the repository") from exc
    if done.returncode != 0:
        why = done.stderr.decode("utf-8", "replace").strip().splitlines()
        message = why[-1] if why else "unknown error"
        if "not a git repository" in message:
            hint = "put the file under git, or save a baseline first (Save speedup baseline)"
        else:
            hint = (
                f"commit {path.name} first, or save a baseline "
                "(Save speedup baseline) to compare against"
            )
        raise PieError(f"cannot read {path.name} at {rev}: {message}", hint=hint)
    return done.stdout.decode("utf-8", "replace")


def _saved_path(path: Path, cache_dir: Path | None) -> Path:
    base = (cache_dir or default_cache_dir()) / "baselines"
    return base / f"{digest(str(path.resolve()))[:24]}-{path.name}"


def save_baseline(path: Path, text: str, cache_dir: Path | None = None) -> Path:
    target = _saved_path(path, cache_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    return target


def saved_baseline(path: Path, cache_dir: Path | None = None) -> str | None:
    target = _saved_path(path, cache_dir)
    return target.read_text() if target.is_file() else None


def resolve_baseline(
    path: Path, against: str | None, cache_dir: Path | None = None
) -> tuple[str, str]:
    """(name, text) of the baseline: `against` may be a git revision, a file, or None
    (the saved baseline if there is one, else HEAD)."""
    if against is None:
        text = saved_baseline(path, cache_dir)
        if text is not None:
            return "saved baseline", text
        return "HEAD", git_version(path, "HEAD")
    candidate = Path(against)
    if candidate.is_file():
        return candidate.name, candidate.read_text()
    return against, git_version(path, against)
