"""Edits that rebuild the rewrite exactly, in every position encoding, and the
workspace edit shaped per client capability (pie_lsp.lsp.edits)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from pie_lsp.lsp.edits import split_lines, text_edits, workspace_edit

from .conftest import apply_edits

ENCODINGS = ["utf-8", "utf-16", "utf-32"]
# line breaks LSP knows, and characters of 1, 2, 3 and 4 UTF-8 bytes (the last two UTF-16
# units), so a wrong column unit shows up
lines = st.lists(
    st.text(alphabet="ab{};\t é€😋", max_size=12)
    | st.sampled_from(["int main() {}", "    cout << x << endl;", ""]),
    max_size=12,
)
breaks = st.sampled_from(["\n", "\r\n"])


@st.composite
def texts(draw: st.DrawFn) -> str:
    parts = draw(lines)
    newline = draw(breaks)
    body = newline.join(parts)
    return body + (newline if draw(st.booleans()) else "")


@settings(max_examples=300, deadline=None)
@given(before=texts(), after=texts(), encoding=st.sampled_from(ENCODINGS))
def test_edits_turn_the_text_into_the_rewrite(before: str, after: str, encoding: str) -> None:
    edits = text_edits(before, after, PositionCodec(encoding))
    assert apply_edits(before, edits, encoding) == after
    if before == after:
        assert edits == []


def test_unchanged_lines_are_not_touched() -> None:
    before = "a\nb\nc\nd\n"
    after = "a\nB\nc\nd\ne\n"
    edits = text_edits(before, after, PositionCodec("utf-16"))
    assert [(e.range.start.line, e.range.end.line, e.new_text) for e in edits] == [
        (1, 2, "B\n"),
        (4, 4, "e\n"),
    ]


def test_only_lsp_line_breaks_count() -> None:
    # a form feed is a line break to str.splitlines, not to LSP (and old C code has them)
    before = "int a;\x0c int b;\nint c;\n"
    after = "int a;\x0c int b;\nint d;\n"
    (edit,) = text_edits(before, after, PositionCodec("utf-16"))
    assert (edit.range.start.line, edit.range.end.line) == (1, 2)
    assert split_lines("x\ry\r\nz") == ["x\r", "y\r\n", "z"]


def test_the_end_of_a_text_without_a_final_newline() -> None:
    (edit,) = text_edits("a\nb😋", "a\nc", PositionCodec("utf-16"))
    assert edit.range.end == types.Position(line=1, character=3)  # b + 2 UTF-16 units
    (edit,) = text_edits("a\nb😋", "a\nc", PositionCodec("utf-8"))
    assert edit.range.end == types.Position(line=1, character=5)


EDITS = [
    types.TextEdit(range=types.Range(types.Position(1, 0), types.Position(2, 0)), new_text="x\n")
]


def test_workspace_edit_follows_the_client() -> None:
    plain = workspace_edit(
        "file:///a.cpp", 4, EDITS, "Apply", document_changes=False, annotate=True
    )
    assert plain.changes == {"file:///a.cpp": EDITS} and plain.document_changes is None

    versioned = workspace_edit(
        "file:///a.cpp", 4, EDITS, "Apply", document_changes=True, annotate=False
    )
    (change,) = versioned.document_changes or []
    assert isinstance(change, types.TextDocumentEdit)
    assert change.text_document.version == 4 and list(change.edits) == EDITS
    assert versioned.change_annotations is None

    annotated = workspace_edit(
        "file:///a.cpp", 4, EDITS, "Apply 2×", document_changes=True, annotate=True
    )
    (change,) = annotated.document_changes or []
    assert isinstance(change, types.TextDocumentEdit)
    rewrite, confirm = change.edits
    assert isinstance(rewrite, types.AnnotatedTextEdit)
    assert isinstance(confirm, types.AnnotatedTextEdit)
    assert annotated.change_annotations is not None
    # VS Code starts exactly the edits needing confirmation unticked in its preview: the
    # rewrite must not need it (Apply applies it), the empty edit asks for the preview
    annotation = annotated.change_annotations[rewrite.annotation_id]
    assert annotation.label == "Apply 2×" and annotation.needs_confirmation is False
    asking = annotated.change_annotations[confirm.annotation_id]
    assert asking.label == "Apply 2×" and asking.needs_confirmation is True
    assert confirm.new_text == "" and confirm.range.start == confirm.range.end
    before = "a\nb\nc\n"
    edits = [
        types.TextEdit(range=e.range, new_text=e.new_text)
        for e in change.edits
        if isinstance(e, (types.TextEdit, types.AnnotatedTextEdit))
    ]
    assert apply_edits(before, edits, "utf-16") == apply_edits(before, EDITS, "utf-16")
