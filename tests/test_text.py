"""Tests: untrusted text is shown with its control characters visible and markup escaped."""

from __future__ import annotations

import io

from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from pie_lsp.pipeline import SpeedupResult
from pie_lsp.text import count, markdown, markup, speed, times, visible


def test_escapes_become_visible() -> None:
    assert visible("a\x1b[8mhidden\x1b[0m") == "a\\x1b[8mhidden\\x1b[0m"
    assert visible("\x1b]8;;http://x\x07link") == "\\x1b]8;;http://x\\x07link"
    assert visible("good\rbad") == "good\\rbad"
    assert visible("ab\bc") == "ab\\x08c"
    assert visible("x\u202ey") == "x\\u202ey"
    assert visible("csi\x9b2J") == "csi\\x9b2J"


def test_line_breaks_tabs_and_crlf_stay() -> None:
    text = "int main() {\r\n\treturn 0;\n}\n"
    assert visible(text) == text
    assert visible("plain ASCII, ünïcode, and 日本語") == "plain ASCII, ünïcode, and 日本語"


def test_markup_is_escaped_for_rich() -> None:
    out = io.StringIO()
    Console(file=out, width=200, color_system=None).print(
        markup("[white on white]secret[/] \x1b[8mx"), highlight=False
    )
    assert out.getvalue().strip() == "[white on white]secret[/] \\x1b[8mx"


@given(st.text())
def test_no_control_character_survives(text: str) -> None:
    shown = visible(text)
    for ch in shown.replace("\r\n", ""):
        assert ch in "\n\t" or not (ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F)
        assert ch not in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_markdown_shows_links_images_and_html_as_text() -> None:
    shown = markdown("![t](http://x/y.png) [a](b) <img src=x> **b**\n# head \x1b[2J")
    assert "![" not in shown.replace("!\\[", "") and "](" not in shown.replace("\\](", "")
    assert "\\<img" in shown and "\n" not in shown and "\x1b" not in shown
    assert "\\*\\*b\\*\\*" in shown and "\\# head" in shown
    assert markdown("3.4× faster on Skylake (gem5) — 12/12 tests") == (
        "3.4× faster on Skylake (gem5) — 12/12 tests"
    )


def test_editor_lenses_and_hovers_show_model_text_as_text() -> None:
    from pie_lsp.lsp import presentation as show
    from pie_lsp.pipeline import CandidateResult, OptimizeResult

    hostile = "![t](http://x/y.png) \x1b[8mhidden\u202e"
    best = CandidateResult("openai:1", hostile, "int main(){}", "faster", speedup=2.0)
    result = OptimizeResult(
        status="optimized",
        path="/w/a.cpp",
        simulator_short="Skylake (estimate)",
        speedup=2.0,
        tests_passed=3,
        tests_total=3,
        best_origin="openai:1",
        candidates=[best],
        derived_total=24,
    )
    assert show.apply_title(result) == (
        "Apply 2.00× faster rewrite on Skylake (estimate) — 3/3 tests + 24 derived inputs"
    )
    hover = show.hover_markdown(result, None) or ""
    assert "!\\[t\\](http://x/y.png) \\\\x1b\\[8mhidden\\\\u202e" in hover
    assert "\x1b" not in hover and "\u202e" not in hover
    failing = OptimizeResult(status="error", path="/w/a.cpp", error="bad \x1b[2J\r[x]")
    (lens,) = show.code_lenses(None, failing, None, "file:///w/a.cpp")
    assert lens.command is not None and "\x1b" not in lens.command.title
    assert "\\x1b[2J\\r[x]" in lens.command.title


def test_every_speedup_reads_with_two_decimals() -> None:
    assert times(2.5234) == "2.52×" and times(3.0) == "3.00×"
    assert speed(2.5234) == "2.52× faster"
    assert speed(0.8, "HEAD") == "1.25× slower than HEAD"
    # a ratio that rounds to 1.00× either way is not "1.00× faster"
    assert speed(1.004) == speed(0.996) == "same speed"
    assert speed(1.0, "HEAD") == "same speed as HEAD"
    assert speed(0.99) == "1.01× slower"


def test_occurrence_counts_do_not_read_like_speedups() -> None:
    assert count(1, "place") == "1 place" and count(4, "place") == "4 places"
    assert "×" not in count(1, "place")


def test_speedup_results_say_same_speed() -> None:
    result = SpeedupResult(
        baseline_name="HEAD",
        speedup=1.001,
        simulator="estimate",
        simulator_label="estimate",
        simulator_short="Skylake (estimate)",
        tests_passed=3,
        tests_total=3,
        baseline_timings=(),
        current_timings=(),
    )
    assert result.label() == "same speed as HEAD on Skylake (estimate) — 3/3 tests"


def test_not_optimized_says_whether_anything_was_tried() -> None:
    from pie_lsp.pipeline import CandidateResult, OptimizeResult

    nothing = OptimizeResult(
        status="not-optimized", path="/w/a.cpp", model="rules", simulator_label="estimate"
    )
    assert nothing.summary() == "not optimized: no rule applies to this program (estimate)"
    rejected = CandidateResult("rules:endl", "", "x", "rejected", reason="wrong output")
    tried = OptimizeResult(
        status="not-optimized", path="/w/a.cpp", model="rules", candidates=[rejected]
    )
    assert tried.summary().startswith("not optimized: no correct candidate")
