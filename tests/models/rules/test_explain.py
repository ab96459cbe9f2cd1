"""Why nothing was found reaches the user: the CLI report and the editor's hover show the
backend's explanation (OptimizeResult.why_not) when a result is not optimized."""

from __future__ import annotations

from rich.console import Console

from pie_lsp.lsp.presentation import hover_markdown
from pie_lsp.pipeline import CandidateResult, OptimizeResult
from pie_lsp.report import render

WHY = [
    "Checked 2 of 16 rules (endl, sync-stdio).",
    "rules:endl matched: correct but only 1.02×.",
    'A model backend may find more: set model.backend = "openai" [bold]x[/bold]',
]


def not_optimized() -> OptimizeResult:
    return OptimizeResult(
        status="not-optimized",
        path="prog.cpp",
        simulator_label="estimate",
        speedup=1.02,
        candidates=[CandidateResult("rules:endl", "", "", "not-faster", "below", speedup=1.02)],
        why_not=list(WHY),
    )


def test_cli_report_says_why_nothing_was_found() -> None:
    console = Console(record=True, width=200)
    render(not_optimized(), console)
    text = console.export_text()
    assert "Why nothing faster was found:" in text
    for line in WHY:
        assert line in text  # verbatim: markup in the text is shown, not interpreted


def test_hover_says_why_nothing_was_found() -> None:
    markdown = hover_markdown(not_optimized(), None)
    assert markdown is not None
    # each line a list item (escaped for Markdown: it carries candidates' reasons)
    assert markdown.count("\n- ") >= len(WHY)
    assert "Checked 2 of 16 rules" in markdown and "model backend may find more" in markdown
