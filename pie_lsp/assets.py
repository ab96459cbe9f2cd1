"""Where the shipped asset folders (`model/`, `simulator/`) are.

In a wheel they live inside the package (`pie_lsp/_assets/...`); in a source checkout or
an editable install they are the repository's top-level folders.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def asset_dir(name: str) -> Path:
    """The folder of asset set `name` ("model" or "simulator")."""
    for candidate in (_PACKAGE / "_assets" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"pie-lsp's {name}/ assets are missing (looked in {_PACKAGE / '_assets'} and "
        f"{_PACKAGE.parent}); reinstall pie-lsp"
    )


def asset(name: str, *parts: str) -> Path:
    """A file inside asset set `name`."""
    return asset_dir(name).joinpath(*parts)
