"""Finding gem5, without gem5: the order of the places looked at, relative paths and
symlinks resolved, a container prefix, and what is said when none is found. (Probing a
real gem5's identity is in test_gem5.py, which has the real gem5.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from pie_lsp.measure.gem5_locate import find_gem5, gem5_missing_error
from pie_lsp.settings import Gem5Settings


def test_find_gem5_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    on_path = tmp_path / "bin"
    on_path.mkdir()
    (on_path / "gem5.fast").write_text("#!/bin/sh\n")
    (on_path / "gem5.fast").chmod(0o755)
    monkeypatch.setenv("PATH", str(on_path))
    monkeypatch.delenv("PIE_GEM5", raising=False)
    assert find_gem5(Gem5Settings()) == str((on_path / "gem5.fast").resolve())
    monkeypatch.setenv("PIE_GEM5", "/opt/gem5/build/X86/gem5.opt")
    assert find_gem5(Gem5Settings()) == "/opt/gem5/build/X86/gem5.opt"
    assert find_gem5(Gem5Settings(path="/elsewhere/gem5.opt")) == "/elsewhere/gem5.opt"
    # a relative path (PIE_GEM5=../shared/gem5/gem5.fast) is relative to where pie-lsp runs
    monkeypatch.chdir(on_path)
    monkeypatch.setenv("PIE_GEM5", "../bin/gem5.fast")
    assert find_gem5(Gem5Settings()) == str((on_path / "gem5.fast").resolve())
    # ... and a symlink is followed (the sandbox shows gem5's real directory only)
    (tmp_path / "link.fast").symlink_to(on_path / "gem5.fast")
    monkeypatch.setenv("PIE_GEM5", str(tmp_path / "link.fast"))
    assert find_gem5(Gem5Settings()) == str((on_path / "gem5.fast").resolve())
    monkeypatch.delenv("PIE_GEM5")
    # with a container prefix, what is on this machine's PATH means nothing
    assert find_gem5(Gem5Settings(prefix=["docker", "run", "img"])) is None
    assert "pie.simulator.gem5.path" in gem5_missing_error(Gem5Settings(prefix=["x"])).hint
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    assert find_gem5(Gem5Settings()) is None
    assert "PIE_GEM5" in gem5_missing_error().hint
