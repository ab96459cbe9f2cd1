"""The wheel: assets inside the package, one top-level import name, a console script."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from pie_lsp import __version__

from .conftest import REPO


def test_wheel_ships_assets_inside_the_package(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("pie_lsp-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names}
    assert tops == {"pie_lsp", f"pie_lsp-{__version__}.dist-info"}  # no `model`, `simulator`
    assert "pie_lsp/_assets/simulator/skylake.json" in names
    assert any(n.startswith("pie_lsp/_assets/model/") for n in names)
    entry_points = (
        zipfile.ZipFile(wheel)
        .read(next(n for n in names if n.endswith("entry_points.txt")))
        .decode()
    )
    assert "pie-lsp = pie_lsp.cli:main" in entry_points
