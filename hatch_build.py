"""Hatch build hook: ship the top-level asset folders inside the package of a real wheel.

Editable installs skip this (pie_lsp/assets.py reads the repository's folders directly);
hatchling's plain `force-include` would also copy them into site-packages for editable
installs, where they would shadow the package.
"""

from __future__ import annotations

from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class AssetsHook(BuildHookInterface):  # type: ignore[misc]
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name == "wheel" and version == "standard":
            build_data["force_include"]["model"] = "pie_lsp/_assets/model"
            build_data["force_include"]["simulator"] = "pie_lsp/_assets/simulator"
