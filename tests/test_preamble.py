"""Precompiled standard headers for libclang (pie_lsp/preamble.py), with real libclang."""

from __future__ import annotations

import os
from pathlib import Path

from pie_lsp.preamble import leading_includes, pch_args
from pie_lsp.program import Parsed, Program, _index, clang_args

PROGRAM = """// a comment first
#include <vector>

#include <cstdio>  // trailing comment
using namespace std;
#include <map>

int main() {
    vector<int> v = {3, 1, 2};
    printf("%d\\n", (int)v.size());
}
"""


def test_leading_includes_stop_at_the_first_other_line() -> None:
    assert leading_includes(PROGRAM) == ["vector", "cstdio"]
    assert leading_includes("#define X 1\n#include <vector>\nint main() {}\n") == []
    assert leading_includes('#include "mine.h"\nint main() {}\n') == []


def test_parse_with_the_pch_sees_the_same_program(tmp_path: Path) -> None:
    directory = Path(os.environ["PIE_PCH_DIR"])
    program = Program.from_text(tmp_path / "p.cpp", PROGRAM)
    with_pch = Parsed(program)  # builds the PCH of <vector>, <cstdio>
    assert list(directory.glob("*.pch")), "no PCH was built"
    assert pch_args(_index(), PROGRAM, clang_args())[0] == "-include-pch"
    assert with_pch.errors == []
    kinds = [str(c.kind) for c, _ in with_pch.walk()]  # type: ignore[attr-defined]
    assert "CursorKind.FUNCTION_DECL" in kinds and "CursorKind.CALL_EXPR" in kinds
    # an edit that breaks the program is still caught through the PCH
    broken = PROGRAM.replace("v.size()", "v.sise()")
    assert with_pch.check_many([broken]) != [[]]


def test_headers_that_do_not_compile_are_not_retried() -> None:
    text = "#include <no_such_header_for_pie>\nint main() {}\n"
    assert pch_args(_index(), text, clang_args()) == []
    assert list(Path(os.environ["PIE_PCH_DIR"]).glob("*.failed"))
    assert pch_args(_index(), text, clang_args()) == []
