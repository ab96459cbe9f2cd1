"""`pie-lsp doctor`'s gem5 check, with the real gem5: a tiny program simulated for real, the
simulated rate reported; a broken configuration and a missing gem5 explained."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pie_lsp.doctor import check_gem5
from pie_lsp.settings import Settings

from .measure.test_gem5 import SKIP_REASON, real_gem5_path


@pytest.fixture
def gem5_settings(settings: Settings) -> Settings:
    gem5 = real_gem5_path()
    if gem5 is None:
        print(SKIP_REASON)
        pytest.skip(SKIP_REASON)
    settings.simulator.gem5.path = str(gem5)
    return settings


@pytest.mark.gem5
def test_doctor_runs_a_tiny_program_through_gem5(gem5_settings: Settings) -> None:
    check = check_gem5(gem5_settings)
    assert check.ok, check.detail
    assert "X86" in check.detail and re.search(r"gem5 \d+\.\d+", check.detail)
    simulated = re.search(r"([\d.]+) ms simulated, ([\d,]+) instructions", check.detail)
    assert simulated and float(simulated.group(1)) > 0
    assert int(simulated.group(2).replace(",", "")) > 10_000
    rate = re.search(r"\(([\d,]+) K instructions/s\)", check.detail)
    assert rate and int(rate.group(1).replace(",", "")) > 0


@pytest.mark.gem5
def test_doctor_explains_a_broken_configuration(gem5_settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("import m5\nfrom m5.objects import NoSuchCPU\n")
    gem5_settings.simulator.gem5.config = str(tmp_path / "broken.py")
    check = check_gem5(gem5_settings)
    assert not check.ok and not check.required
    assert "configuration script" in check.detail and "NoSuchCPU" in check.detail
    assert "pie.simulator.gem5.config" in check.fix


def test_doctor_says_how_to_get_gem5(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PIE_GEM5", raising=False)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    check = check_gem5(settings)
    assert not check.ok and not check.required
    assert "PIE_GEM5" in check.fix and "simulator/README.md" in check.fix
