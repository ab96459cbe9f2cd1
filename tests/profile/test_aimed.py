"""Rewrites aimed at the hot code: the `{hotspots}` prompt placeholder (byte-exact) and
which hot lines a rewrite touches."""

from __future__ import annotations

from pathlib import Path

from pie_lsp.models import make_backend
from pie_lsp.models.prompts import HOTSPOTS, build_prompt, prompt_digest
from pie_lsp.profile import (
    Cost,
    FunctionCost,
    LineCost,
    Profile,
    aimed,
    hotspots_text,
    touched_lines,
)
from pie_lsp.profile.aimed import wants_hotspots
from pie_lsp.program import Program
from pie_lsp.settings import PromptSettings, Settings

SOURCE = """#include <cstdio>
int main() {
    long long s = 0;
    for (int i = 0; i < 1000; i++) s += i % 7;
    std::printf("%lld\\n", s);
}
"""


def _cost(share: float) -> Cost:
    return Cost(share * 1e6, share, 0, 0, 0, 0)


PROFILE = Profile(
    path="p.cpp",
    label="estimate",
    tests=1,
    total_cycles=1e6,
    estimate_cycles=1e6,
    lines=(
        LineCost(4, "main", _cost(0.7)),
        LineCost(5, "main", _cost(0.25)),
        LineCost(3, "main", _cost(0.01)),
    ),
    functions=(FunctionCost("main", 2, _cost(0.96)),),
    libraries=(),
)


def test_hotspots_text() -> None:
    assert hotspots_text(PROFILE, SOURCE) == (
        "Most of its run time (96%, estimated on a simulated Skylake) is in main; the "
        "hottest lines:\n"
        "- line 4 (70%): for (int i = 0; i < 1000; i++) s += i % 7;\n"
        '- line 5 (25%): std::printf("%lld\\n", s);\n'
    )
    empty = Profile("p.cpp", "e", 1, 0.0, 0.0, (), (), ())
    assert hotspots_text(empty, SOURCE) == ""


def test_a_template_names_the_hot_function_and_lines_byte_for_byte(tmp_path: Path) -> None:
    template = tmp_path / "aimed.txt"
    template.write_text(
        "Make this C++ program faster.\n{hotspots}Keep its output.\n```cpp\n{program}\n```\n"
    )
    settings = PromptSettings(template=str(template))
    prompt = build_prompt(SOURCE, settings, "chat", hotspots=hotspots_text(PROFILE, SOURCE))
    assert prompt.text == (
        "Make this C++ program faster.\n"
        "Most of its run time (96%, estimated on a simulated Skylake) is in main; the "
        "hottest lines:\n"
        "- line 4 (70%): for (int i = 0; i < 1000; i++) s += i % 7;\n"
        '- line 5 (25%): std::printf("%lld\\n", s);\n'
        "Keep its output.\n"
        "```cpp\n" + SOURCE.rstrip() + "\n```\n"
    )
    # without a profile the placeholder is empty, not left in the text
    plain = build_prompt(SOURCE, settings, "chat")
    assert plain.text == (
        "Make this C++ program faster.\nKeep its output.\n```cpp\n" + SOURCE.rstrip() + "\n```\n"
    )
    # the pipeline sets them for its run (profile.aimed.aim): every prompt built then has them
    token = HOTSPOTS.set(hotspots_text(PROFILE, SOURCE))
    try:
        assert build_prompt(SOURCE, settings, "chat").text == prompt.text
    finally:
        HOTSPOTS.reset(token)


def test_the_setting_puts_them_before_a_template_without_the_placeholder(tmp_path: Path) -> None:
    template = tmp_path / "plain.txt"
    template.write_text("Make this C++ program faster.\n```cpp\n{program}\n```\n")
    hotspots = hotspots_text(PROFILE, SOURCE)
    off = PromptSettings(template=str(template))
    on = PromptSettings(template=str(template), hotspots=True)
    assert build_prompt(SOURCE, on, "chat", hotspots=hotspots).text == (
        "About the program below. Most of its run time (96%, estimated on a simulated "
        "Skylake) is in main; the hottest lines:\n"
        "- line 4 (70%): for (int i = 0; i < 1000; i++) s += i % 7;\n"
        '- line 5 (25%): std::printf("%lld\\n", s);\n'
        "\n"
        "Make this C++ program faster.\n```cpp\n" + SOURCE.rstrip() + "\n```\n"
    )
    # off, such a template shows none; on without a profile, nothing is added
    assert build_prompt(SOURCE, off, "chat", hotspots=hotspots).text.startswith("Make this")
    assert build_prompt(SOURCE, on, "chat").text.startswith("Make this")
    # the setting is part of the backend's configuration (result cache keys); off, the
    # digest is the one it always was
    assert prompt_digest(on, "chat") != prompt_digest(off, "chat")


def test_rewrites_report_the_hot_lines_they_touch() -> None:
    loop = SOURCE.replace("s += i % 7;", "s += i - i / 7 * 7;")
    header = SOURCE.replace("#include <cstdio>\n", "#include <cstdio>\n#include <cstdint>\n")
    assert touched_lines(SOURCE, loop) == {4}
    assert touched_lines(SOURCE, header) == {1}  # an insertion touches the line before it
    rows = aimed(PROFILE, SOURCE, [("rules:b", "header", header), ("rules:a", "loop", loop)])
    assert [(r.origin, r.hot_lines, r.share) for r in rows] == [
        ("rules:a", (4,), 0.7),
        ("rules:b", (), 0.0),
    ]


CALLED = """#include <vector>
int count(std::vector<int> v) {
    return (int)v.size();
}
int main() {
    std::vector<int> v(1000);
    long long t = 0;
    for (int i = 0; i < 100; i++) t += count(v);
    return (int)(t & 1);
}
"""


def test_a_changed_definition_touches_the_lines_that_call_it() -> None:
    profile = Profile(
        "p.cpp",
        "estimate",
        1,
        1e6,
        1e6,
        lines=(LineCost(8, "main", _cost(0.8)), LineCost(3, "count", _cost(0.05))),
        functions=(FunctionCost("main", 5, _cost(0.9)), FunctionCost("count(int)", 2, _cost(0.05))),
        libraries=(),
    )
    by_reference = CALLED.replace(
        "int count(std::vector<int> v)", "int count(const std::vector<int>& v)"
    )
    (row,) = aimed(profile, CALLED, [("rules:const-ref-params", "by reference", by_reference)])
    assert row.hot_lines == (8,) and row.share == 0.8  # the copy is made at the call


def test_which_backends_want_a_profile(tmp_path: Path) -> None:
    """Asked of the prompt each backend would build: rules build none; a model's template
    with {hotspots}, or the setting, wants one; a model without a name cannot prompt."""
    template = tmp_path / "aimed.txt"
    template.write_text("{hotspots}{program}\n")
    program = Program(Path("prog.cpp"), SOURCE)

    def wants(backend: str, model: str = "m", **prompt: object) -> bool:
        settings = Settings()
        settings.model.backend = backend  # type: ignore[assignment]
        settings.model.openai.model = model
        for key, value in prompt.items():
            setattr(settings.model.prompt, key, value)
        return wants_hotspots(make_backend(settings), program)

    assert not wants("rules")
    assert not wants("openai")
    assert wants("openai", template=str(template))
    assert wants("openai", hotspots=True)
    assert not wants("openai", model="", hotspots=True)
