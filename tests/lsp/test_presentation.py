"""What the editor is shown: code actions, lenses, hovers, progress (the edits are
tested in test_edits, pie_lsp.lsp.capabilities in test_capabilities)."""

from __future__ import annotations

from lsprotocol import types

from pie_lsp.lsp import presentation as show
from pie_lsp.lsp.edits import workspace_edit
from pie_lsp.measure import TestTiming as Timing
from pie_lsp.pipeline import CandidateResult, OptimizeResult, SpeedupResult, Step

EDITS = [
    types.TextEdit(range=types.Range(types.Position(1, 0), types.Position(2, 0)), new_text="x\n")
]


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
    edit = workspace_edit("file:///a.cpp", 1, EDITS, "x", document_changes=False, annotate=False)
    actions = show.code_actions("file:///a.cpp", edit, optimized(), None)
    assert [a.title for a in actions] == [
        "Apply 3.42× faster rewrite on Skylake (gem5) — 12/12 tests",
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
    assert first.title == "Apply 3.42× faster rewrite on Skylake (gem5) — 12/12 tests"
    assert first.edit is None and first.command is not None and first.is_preferred
    assert (first.command.command, first.command.arguments) == ("pie.applyResult", ["r7"])


def test_lenses_and_hover_show_the_result() -> None:
    result = optimized()
    (lens,) = show.code_lenses("r1", result, None, "file:///a.cpp")
    assert lens.command is not None
    assert lens.command.title == "PIE: 3.42× faster on Skylake (gem5) — 12/12 tests — apply"
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
    assert "3.42× faster on Skylake (gem5) — 12/12 tests" in hover
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


def test_an_optimize_lens_on_main_until_there_is_a_result() -> None:
    (lens,) = show.code_lenses(None, None, None, "file:///w/a.cpp", optimize_at=4)
    assert lens.range.start.line == 4 and lens.command is not None
    assert lens.command.command == "pie.optimize"
    assert lens.command.arguments == ["file:///w/a.cpp"]
    assert lens.command.title == show.OPTIMIZE_LENS
    with_result = show.code_lenses("r1", optimized(), None, "file:///w/a.cpp", optimize_at=4)
    assert [lens.command.command for lens in with_result if lens.command] == ["pie.applyResult"]
