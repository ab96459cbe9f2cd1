"""The `gem5` backend (placeholder until the gem5 runner lands): finding gem5."""

from __future__ import annotations

import os
import shutil
from typing import Any

from pie_lsp.errors import ToolMissing
from pie_lsp.measure import Measurer
from pie_lsp.settings import Gem5Settings


def find_gem5(settings: Gem5Settings) -> str | None:
    for candidate in (settings.path, os.environ.get("PIE_GEM5")):
        if candidate:
            return candidate
    for name in ("gem5.opt", "gem5.fast"):
        found = shutil.which(name)
        if found:
            return found
    return None


def gem5_missing_error() -> ToolMissing:
    return ToolMissing(
        "gem5 was not found (looked at pie.simulator.gem5.path, $PIE_GEM5, and gem5.opt / "
        "gem5.fast on PATH)",
        hint="build gem5 (build/X86/gem5.opt) and set PIE_GEM5, or use --simulator estimate",
    )


class Gem5Measurer(Measurer):
    name = "gem5"
    label = "gem5 Skylake"
    short = "Skylake (gem5)"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise gem5_missing_error()
