"""Which documents PIE answers for (pie_lsp.lsp.snapshots.is_cpp)."""

from __future__ import annotations

import pytest

from pie_lsp.lsp.snapshots import is_cpp


@pytest.mark.parametrize(
    ("uri", "language", "expected"),
    [
        ("file:///w/a.cpp", "cpp", True),
        ("file:///w/a.CC", None, True),
        ("file:///w/a%20b.cxx", "plaintext", True),
        ("file:///w/include/a.hpp", "cpp", True),
        ("file:///w/a.py", "python", False),
        ("file:///w/a.txt", "cpp", False),  # a suffix that says otherwise wins
        ("untitled:Untitled-1", "cpp", True),  # an unsaved buffer the editor calls C++
        ("untitled:Untitled-1", "python", False),
    ],
)
def test_is_cpp(uri: str, language: str | None, expected: bool) -> None:
    assert is_cpp(uri, language) is expected
