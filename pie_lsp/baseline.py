"""Baselines for "check speedup": the file's last git commit, or a version the user saved.

Saved baselines live in the cache directory (outside the diskcache store, so they are never
evicted), one file per source path. The editors save one (Save speedup baseline,
:PieSaveBaseline); `pie-lsp baseline save|show|clear FILE` does the same from a shell.
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


def clear_baseline(path: Path, cache_dir: Path | None = None) -> Path | None:
    """Forget the saved baseline of `path`; returns where it was (None if there was none)."""
    target = _saved_path(path, cache_dir)
    if not target.is_file():
        return None
    target.unlink()
    return target


def saved_baseline_path(path: Path, cache_dir: Path | None = None) -> Path | None:
    """Where the saved baseline of `path` is, if it has one."""
    target = _saved_path(path, cache_dir)
    return target if target.is_file() else None


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


def baseline_command(action: str, path: Path, cache_dir: Path | None = None) -> tuple[str, str]:
    """`pie-lsp baseline save|show|clear FILE`: (what happened, for stderr; the baseline's
    text for stdout, `show` only). Raises PieError for a missing file or baseline."""
    if not path.is_file():
        raise PieError(f"{path} does not exist", hint="give the path of a C++ file")
    if action == "save":
        target = save_baseline(path, path.read_text(), cache_dir)
        return (
            f"saved {path.name} as its baseline ({target}); `pie-lsp check {path}` "
            "now measures against it",
            "",
        )
    if action == "clear":
        removed = clear_baseline(path, cache_dir)
        if removed is None:
            return f"{path.name} has no saved baseline; `pie-lsp check` uses git HEAD", ""
        return f"removed the saved baseline of {path.name}; `pie-lsp check` uses git HEAD", ""
    saved = saved_baseline_path(path, cache_dir)
    if saved is not None:
        return f"the saved baseline of {path.name} ({saved}):", saved.read_text()
    try:
        text = git_version(path, "HEAD")
    except PieError as exc:
        raise PieError(
            f"{path.name} has no saved baseline, and {exc.message}",
            hint=f"save one: pie-lsp baseline save {path}",
        ) from None
    return f"{path.name} has no saved baseline; `pie-lsp check` uses git HEAD:", text
