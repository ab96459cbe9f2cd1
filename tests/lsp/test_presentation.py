"""What the editor is shown: edits that rebuild the rewrite exactly (in every position
encoding), workspace edits per client capability (pie_lsp.lsp.capabilities is
tested in test_capabilities), code actions, lenses, hovers, progress."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from pie_lsp.lsp import presentation as show
from pie_lsp.measure import TestTiming as Timing
from pie_lsp.pipeline import CandidateResult, OptimizeResult, SpeedupResult, Step

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
    edits = show.text_edits(before, after, PositionCodec(encoding))
    assert apply_edits(before, edits, encoding) == after
    if before == after:
        assert edits == []


def test_unchanged_lines_are_not_touched() -> None:
    before = "a\nb\nc\nd\n"
    after = "a\nB\nc\nd\ne\n"
    edits = show.text_edits(before, after, PositionCodec("utf-16"))
    assert [(e.range.start.line, e.range.end.line, e.new_text) for e in edits] == [
        (1, 2, "B\n"),
        (4, 4, "e\n"),
    ]


def test_only_lsp_line_breaks_count() -> None:
    # a form feed is a line break to str.splitlines, not to LSP (and old C code has them)
    before = "int a;\x0c int b;\nint c;\n"
    after = "int a;\x0c int b;\nint d;\n"
    (edit,) = show.text_edits(before, after, PositionCodec("utf-16"))
    assert (edit.range.start.line, edit.range.end.line) == (1, 2)
    assert show.split_lines("x\ry\r\nz") == ["x\r", "y\r\n", "z"]


def test_the_end_of_a_text_without_a_final_newline() -> None:
    (edit,) = show.text_edits("a\nb😋", "a\nc", PositionCodec("utf-16"))
    assert edit.range.end == types.Position(line=1, character=3)  # b + 2 UTF-16 units
    (edit,) = show.text_edits("a\nb😋", "a\nc", PositionCodec("utf-8"))
    assert edit.range.end == types.Position(line=1, character=5)


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
    assert show.is_cpp(uri, language) is expected


EDITS = [
    types.TextEdit(range=types.Range(types.Position(1, 0), types.Position(2, 0)), new_text="x\n")
]


def test_workspace_edit_follows_the_client() -> None:
    plain = show.workspace_edit(
        "file:///a.cpp", 4, EDITS, "Apply", document_changes=False, annotate=True
    )
    assert plain.changes == {"file:///a.cpp": EDITS} and plain.document_changes is None

    versioned = show.workspace_edit(
        "file:///a.cpp", 4, EDITS, "Apply", document_changes=True, annotate=False
    )
    (change,) = versioned.document_changes or []
    assert isinstance(change, types.TextDocumentEdit)
    assert change.text_document.version == 4 and list(change.edits) == EDITS
    assert versioned.change_annotations is None

    annotated = show.workspace_edit(
        "file:///a.cpp", 4, EDITS, "Apply 2×", document_changes=True, annotate=True
    )
    (change,) = annotated.document_changes or []
    assert isinstance(change, types.TextDocumentEdit)
    (edit,) = change.edits
    assert isinstance(edit, types.AnnotatedTextEdit)
    assert annotated.change_annotations is not None
    annotation = annotated.change_annotations[edit.annotation_id]
    assert annotation.label == "Apply 2×" and annotation.needs_confirmation is True


def optimized(speedup: float = 3.42, simulator_short: str = "Skylake (gem5)") -> OptimizeResult:
    return OptimizeResult(
        status="optimized",
        path="/w/a.cpp",
        simulator="gem5",
        simulator_label="gem5: Skylake",
        simulator_short=simulator_short,
        speedup=speedup,
        tests_passed=12,
        tests_total=12,
        optimized_source="fast",
        best_origin="rules:sync-stdio",
        candidates=[
            CandidateResult(
                "rules:sync-stdio", "untie cin from cout", "fast", "faster", speedup=speedup
            )
        ],
        original_timings=(Timing("1", 0.002),),
        optimized_timings=(Timing("1", 0.0005),),
        model="rules",
        tests_dir="/w/a.tests",
    )


def test_code_actions_offer_the_ready_edit_first() -> None:
    edit = show.workspace_edit(
        "file:///a.cpp", 1, EDITS, "x", document_changes=False, annotate=False
    )
    actions = show.code_actions("file:///a.cpp", edit, optimized(), None)
    assert [a.title for a in actions] == [
        "Apply 3.4× faster rewrite on Skylake (gem5) — 12/12 tests",
        "Optimize program (PIE)",
        "Check speedup vs HEAD (PIE)",
        "Save speedup baseline (PIE)",
    ]
    assert actions[0].edit is edit and actions[0].command is None and actions[0].is_preferred
    assert [a.kind for a in actions] == [
        show.KIND_REWRITE,
        show.KIND_REWRITE,
        show.KIND_SOURCE,
        show.KIND_SOURCE,
    ]
    assert [
        a.title for a in show.code_actions("file:///a.cpp", edit, optimized(), ["source.pie"])
    ] == [
        "Check speedup vs HEAD (PIE)",
        "Save speedup baseline (PIE)",
    ]
    # "refactor.re" is not a parent kind of "refactor.rewrite.pie"
    assert show.code_actions("file:///a.cpp", edit, optimized(), ["refactor.re"]) == []


def test_the_ready_rewrite_as_a_command_for_clients_that_ask() -> None:
    first = show.code_actions("file:///a.cpp", None, optimized(), None, "r7")[0]
    assert first.title == "Apply 3.4× faster rewrite on Skylake (gem5) — 12/12 tests"
    assert first.edit is None and first.command is not None and first.is_preferred
    assert (first.command.command, first.command.arguments) == ("pie.applyResult", ["r7"])


def test_lenses_and_hover_show_the_result() -> None:
    result = optimized()
    (lens,) = show.code_lenses("r1", result, None, "file:///a.cpp")
    assert lens.command is not None
    assert lens.command.title == "PIE: 3.4× faster on Skylake (gem5) — 12/12 tests — apply"
    assert lens.command.command == "pie.applyResult" and list(lens.command.arguments or []) == [
        "r1"
    ]

    not_faster = OptimizeResult(
        status="not-optimized", path="/w/a.cpp", speedup=1.04, simulator_label="estimate"
    )
    (label,) = show.code_lenses("r2", not_faster, None, "file:///a.cpp")
    assert label.command is not None and label.command.command == ""  # a label, not a button
    assert "best candidate 1.04×" in label.command.title

    check = SpeedupResult("HEAD", 1.8, "estimate", "estimate", "Skylake (estimate)", 3, 3, (), ())
    lenses = show.code_lenses("r1", result, check, "file:///a.cpp")
    assert [lens.command.title for lens in lenses if lens.command][1] == (
        "PIE: 1.80× faster than HEAD on Skylake (estimate) — 3/3 tests"
    )
    hover = show.hover_markdown(result, check)
    assert hover is not None
    assert "3.4× faster on Skylake (gem5) — 12/12 tests" in hover
    assert "untie cin from cout" in hover and "2.000 ms → 500.0 µs" in hover
    assert "1.80× faster than HEAD" in hover
    assert show.hover_markdown(None, None) is None


def test_progress_percentages_follow_the_pipeline() -> None:
    steps = [
        Step("build", "Compiling the original program…"),
        Step("verify", "Running the original on 3 tests…", 0, 3),
        Step("generate", "Generating candidates (rules)…"),
        Step("verify", "Verifying 4 candidates…", 0, 4),
        Step("measure", "Verified and measured 2/4", 2, 4),
        Step("measure", "Verified and measured 4/4", 4, 4),
        Step("done", "3.4× faster"),
    ]
    percents = [show.percentage(step) for step in steps]
    assert percents == sorted(percents)
    assert percents[0] > 0 and percents[-1] == 100 and percents[-2] == 95
