"""`pie-lsp doctor`'s valgrind check: valgrind, and the estimate's own tools built against it."""

from __future__ import annotations

import pytest

from pie_lsp.doctor import check_valgrind
from pie_lsp.errors import ToolMissing
from pie_lsp.measure import tools
from pie_lsp.settings import Settings


def test_valgrind_check_builds_the_estimates_tools(settings: Settings) -> None:
    check = check_valgrind(settings)
    assert check.ok, check.detail
    assert "pie-count" in check.detail and "pie-div" in check.detail
    assert "valgrind-3." in check.detail


def test_valgrind_without_its_tool_libraries_says_what_to_install(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing() -> None:
        raise ToolMissing("no libcoregrind", hint="install Debian's valgrind package")

    monkeypatch.setattr(tools, "valgrind_dirs", missing)
    check = check_valgrind(settings)
    assert not check.ok
    assert "no libcoregrind" in check.detail
    assert check.fix == "install Debian's valgrind package"
