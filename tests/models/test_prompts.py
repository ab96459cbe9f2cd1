"""Prompts (pie_lsp.models.prompts and the templates in model/prompts/).

The expected prompts are written out here from PIE's formats, not read from the template
files: the conditioned prompt PIE's checkpoints were trained on must match byte for byte,
and the retrieval few-shot prompt must have PIE's section headers and example order.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pie_lsp.errors import ModelError
from pie_lsp.models import retrieval
from pie_lsp.models.completion import extract_program
from pie_lsp.models.prompts import (
    PIE_TRAINING_LIMIT,
    build_prompt,
    fill,
    load_template,
    prompt_digest,
)
from pie_lsp.settings import OpenAIApi, PromptSettings, SettingsError, structure

# Trial division per query: the few-shot corpus has a sieve pair for it.
PROGRAM = """#include <cstdio>

bool prime(int x) {
    for (int d = 2; d * d <= x; d++)
        if (x % d == 0) return false;
    return x > 1;
}

int main() {
    int q, n;
    scanf("%d", &q);
    while (q--) {
        scanf("%d", &n);
        int count = 0;
        for (int x = 2; x <= n; x++) count += prime(x);
        printf("%d\\n", count);
    }
    return 0;
}
"""
BODY = PROGRAM.removesuffix("\n")


def pie_prompt(program: str, score: int = 10) -> str:
    """PIE's performance-conditioned prompt, as its checkpoints were trained on it."""
    return (
        f"This is a slow program we want to optimize {score}/10. ### Program:\n{program}\n\n"
        f"### Optimized Version with score {score}/10:\n"
    )


def fewshot_section(slow: str, fast: str = "") -> str:
    """One section of PIE's retrieval prompt (the user's program has no fast part yet)."""
    return f"# slower version:\n{slow}\n\n# optimized version of the same code:\n{fast}"


# -- PIE's performance-conditioned prompt ------------------------------------------------------


def test_defaults_are_pies_inference_setup() -> None:
    defaults = PromptSettings()
    assert (defaults.template, defaults.score) == ("auto", 10)


@pytest.mark.parametrize("template", ["auto", "pie-conditioned"])
def test_conditioned_prompt_is_byte_exact(template: str) -> None:
    prompt = build_prompt(PROGRAM, PromptSettings(template=template), "completions")
    assert prompt.template == "pie-conditioned"
    assert prompt.text == pie_prompt(BODY)
    # a plain completion: no system message, no chat roles, no examples
    assert prompt.system is None and prompt.examples == () and prompt.notes == ()
    assert prompt.messages() == [{"role": "user", "content": prompt.text}]


def pie_plain_prompt(program: str) -> str:
    """PIE's prompt without the performance tag (its unconditioned checkpoints)."""
    return (
        "Below is a program. Optimize the program and provide a more efficient version.\n\n"
        f"### Program:\n{program}\n\n### Optimized Version:\n"
    )


@pytest.mark.parametrize(
    ("model", "template"),
    [
        ("LearningOpt/pie-conditioned-7b", "pie-conditioned"),
        ("LearningOpt/pie-hq-selfplay-13b", "pie-plain"),
        ("/models/pie-all-uncon-7b", "pie-plain"),
        ("codellama/CodeLlama-7b-hf", "pie-conditioned"),
    ],
)
def test_auto_picks_the_prompt_each_pie_checkpoint_was_trained_on(
    model: str, template: str
) -> None:
    prompt = build_prompt(PROGRAM, PromptSettings(), "completions", model)
    assert prompt.template == template
    expected = pie_prompt(BODY) if template == "pie-conditioned" else pie_plain_prompt(BODY)
    assert prompt.text == expected
    assert prompt.stop and prompt.system is None
    # the choice is part of the cache key
    conditioned = prompt_digest(PromptSettings(), "completions", "pie-conditioned-7b")
    assert (prompt_digest(PromptSettings(), "completions", model) == conditioned) == (
        template == "pie-conditioned"
    )


def test_plain_prompt_by_name_and_its_long_program_note() -> None:
    long_program = PROGRAM + "// padding\n" * 200
    prompt = build_prompt(long_program, PromptSettings(template="pie-plain"), "completions")
    assert prompt.text == pie_plain_prompt(long_program.removesuffix("\n"))
    assert prompt.notes and "1,500" in prompt.notes[0]


def test_conditioned_prompt_space_not_newline_before_program_header() -> None:
    text = build_prompt(PROGRAM, PromptSettings(), "completions").text
    assert text.startswith("This is a slow program we want to optimize 10/10. ### Program:\n#")


def test_conditioned_prompt_ignores_few_shot() -> None:
    # PIE's fine-tuned models were trained without examples
    prompt = build_prompt(PROGRAM, PromptSettings(few_shot=5), "completions")
    assert prompt.text == pie_prompt(BODY) and prompt.examples == ()


@pytest.mark.parametrize("score", [1, 7, 10])
def test_conditioned_prompt_carries_the_score(score: int) -> None:
    prompt = build_prompt(PROGRAM, PromptSettings(score=score), "completions")
    assert prompt.text == pie_prompt(BODY, score)


@pytest.mark.parametrize("score", [0, 11, -1])
def test_score_outside_pies_tags_is_an_error(score: int) -> None:
    with pytest.raises(ModelError) as caught:
        build_prompt(PROGRAM, PromptSettings(score=score), "completions")
    assert "pie.model.prompt.score" in caught.value.message
    assert "pie.model.prompt.score = 10" in caught.value.hint


def test_negative_few_shot_is_an_error() -> None:
    with pytest.raises(ModelError) as caught:
        build_prompt(PROGRAM, PromptSettings(template="fewshot", few_shot=-1), "completions")
    assert "pie.model.prompt.few_shot" in caught.value.message and caught.value.hint


def test_conditioned_prompt_stops_where_the_model_would_invent_the_next_section() -> None:
    prompt = build_prompt(PROGRAM, PromptSettings(), "completions")
    assert "\n###" in prompt.stop and len(prompt.stop) <= 4  # OpenAI takes up to 4
    # the prompt's own section after the program is one the stop strings catch
    after_program = prompt.text.split(BODY, 1)[1]
    assert any(stop in after_program for stop in prompt.stop)


@settings(max_examples=200, deadline=None)
@given(st.text().map(str.rstrip).filter(bool))
def test_conditioned_prompt_is_exact_for_any_program(program: str) -> None:
    # braces and placeholder-like text inside the program are never filled in
    text = build_prompt(program, PromptSettings(), "completions").text
    assert text == pie_prompt(program)


def test_program_placeholder_text_in_the_program_is_left_alone() -> None:
    program = 'int main() { puts("{score} {examples} {program} {slow}"); }\n'
    text = build_prompt(program, PromptSettings(), "completions").text
    assert text == pie_prompt(program.rstrip("\n"))


# -- PIE's 1,500-character training cut --------------------------------------------------------


def program_of_length(length: int) -> str:
    """A program of exactly `length` characters (a final newline included)."""
    head = "int main() {\n    return 0;\n}\n// "
    return head + "x" * (length - len(head) - 1) + "\n"


def test_program_at_the_training_cut_has_no_note() -> None:
    program = program_of_length(PIE_TRAINING_LIMIT)
    assert len(program) == 1500
    assert build_prompt(program, PromptSettings(), "completions").notes == ()


def test_longer_program_is_sent_whole_with_a_note() -> None:
    program = program_of_length(4321)
    prompt = build_prompt(program, PromptSettings(), "completions")
    # never truncated silently: the whole program is in the prompt
    assert prompt.text == pie_prompt(program.rstrip("\n"))
    (note,) = prompt.notes
    assert "4,321 characters" in note and "1,500" in note


# -- PIE's retrieval few-shot prompt ----------------------------------------------------------


def test_fewshot_prompt_format_and_order() -> None:
    prompt = build_prompt(PROGRAM, PromptSettings(template="fewshot", few_shot=2), "completions")
    best, second = retrieval.similar(PROGRAM, 2)
    sections = [fewshot_section(pair.slow.rstrip(), pair.fast.rstrip()) for pair in (second, best)]
    # examples joined by blank lines, the most similar last, just before the program
    expected = "\n\n".join([*sections, fewshot_section(BODY)])
    assert prompt.text == expected
    assert prompt.examples == (second.id, best.id)
    assert best.id == "23-sieve-of-eratosthenes"


@pytest.mark.parametrize("k", [1, 3])
def test_fewshot_prompt_has_k_examples(k: int) -> None:
    prompt = build_prompt(PROGRAM, PromptSettings(template="fewshot", few_shot=k), "completions")
    assert prompt.text.count("# slower version:\n") == k + 1
    assert prompt.examples == tuple(pair.id for pair in reversed(retrieval.similar(PROGRAM, k)))


def test_fewshot_prompt_without_examples() -> None:
    prompt = build_prompt(PROGRAM, PromptSettings(template="fewshot", few_shot=0), "completions")
    assert prompt.text == fewshot_section(BODY) and prompt.examples == ()


def test_fewshot_prompt_stops_before_the_next_example() -> None:
    stop = build_prompt(PROGRAM, PromptSettings(template="fewshot"), "completions").stop
    assert "\n# slower version" in stop and len(stop) <= 4


# -- the chat template -----------------------------------------------------------------------


def test_chat_prompt_for_instruction_models() -> None:
    prompt = build_prompt(PROGRAM, PromptSettings(few_shot=0), "chat")
    assert prompt.template == "chat" and prompt.stop == ()
    system, user = prompt.messages()
    assert system["role"] == "system" and user == {"role": "user", "content": prompt.text}
    assert prompt.system and prompt.system == prompt.system.strip()
    assert "C++" in prompt.system
    assert f"```cpp\n{BODY}\n```" in prompt.text
    assert "{examples}" not in prompt.text and "{program}" not in prompt.text


def test_chat_prompt_examples_come_before_the_program_most_similar_last() -> None:
    prompt = build_prompt(PROGRAM, PromptSettings(few_shot=2), "chat")
    best, second = retrieval.similar(PROGRAM, 2)
    # every pair appears whole, in a cpp block, in the order the ids say
    positions = [prompt.text.index(f"```cpp\n{p.fast.rstrip()}\n```") for p in (second, best)]
    assert positions == sorted(positions)
    assert positions[-1] < prompt.text.index(f"```cpp\n{BODY}\n```")
    assert prompt.examples == (second.id, best.id)


def test_answer_in_the_format_the_chat_prompt_asks_for_is_parsed() -> None:
    prompt = build_prompt(PROGRAM, PromptSettings(few_shot=0), "chat")
    assert "```cpp" in prompt.text.split(BODY, 1)[1]  # the instruction names the fence
    answer = f"Use a sieve:\n\n```cpp\n{PROGRAM}```\n\nEach query is then O(1)."
    assert extract_program(answer) == PROGRAM


def test_chat_template_over_completions_has_no_system_role() -> None:
    prompt = build_prompt(PROGRAM, PromptSettings(template="chat", few_shot=0), "completions")
    assert prompt.system is None and len(prompt.messages()) == 1


# -- template selection ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "api", "expected"),
    [
        ("auto", "completions", "pie-conditioned"),
        ("auto", "chat", "chat"),
        ("pie-conditioned", "chat", "pie-conditioned"),
        ("fewshot", "chat", "fewshot"),
        ("fewshot", "completions", "fewshot"),
        ("chat", "completions", "chat"),
    ],
)
def test_template_per_settings(setting: str, api: OpenAIApi, expected: str) -> None:
    prompt = build_prompt(PROGRAM, PromptSettings(template=setting, few_shot=1), api)
    assert prompt.template == expected
    starts = {
        "pie-conditioned": "This is a slow program",
        "fewshot": "# slower version:\n",
        "chat": "A slower version:\n```cpp\n",
    }
    assert prompt.text.startswith(starts[expected])


def test_builtin_templates_load_and_have_their_parts() -> None:
    for name in ("pie-conditioned", "fewshot", "chat"):
        template = load_template(name)
        assert "{program}" in template.text
    assert load_template("chat").system and load_template("fewshot").example
    assert load_template("pie-conditioned").uses_examples is False


# -- a user's template file ------------------------------------------------------------------


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_user_template_fills_its_placeholders_and_leaves_other_braces(tmp_path: Path) -> None:
    path = write(tmp_path / "mine.txt", "Speed up ({score}/10), keep {x} and {}:\n{program}\n")
    prompt = build_prompt(PROGRAM, PromptSettings(template=str(path), score=9), "completions")
    assert prompt.text == f"Speed up (9/10), keep {{x}} and {{}}:\n{BODY}\n"
    # only built-in templates know where their model goes on: a user's has no stops
    assert prompt.template == str(path) and prompt.stop == () and prompt.notes == ()


def test_stop_strings_come_from_the_settings_when_given(tmp_path: Path) -> None:
    path = write(tmp_path / "mine.txt", "Faster:\n{program}\n### Faster version:\n")
    mine = build_prompt(PROGRAM, PromptSettings(template=str(path), stop=["\n###"]), "completions")
    assert mine.stop == ("\n###",)
    builtin = build_prompt(PROGRAM, PromptSettings(stop=["END"]), "completions")
    assert builtin.stop == ("END",)  # replaces the built-in template's markers
    digest = prompt_digest(PromptSettings(template=str(path)), "completions")
    assert prompt_digest(PromptSettings(template=str(path), stop=["x"]), "completions") != digest
    with pytest.raises(SettingsError, match=r"pie.model.prompt.stop"):
        structure({"model": {"prompt": {"stop": ["a", "b", "c", "d", "e"]}}})


def test_user_template_with_examples_uses_fewshot_format_by_default(tmp_path: Path) -> None:
    path = write(tmp_path / "mine.txt", "{examples}Now this one:\n{program}\n")
    prompt = build_prompt(PROGRAM, PromptSettings(template=str(path), few_shot=1), "completions")
    (pair,) = retrieval.similar(PROGRAM, 1)
    example = fewshot_section(pair.slow.rstrip(), pair.fast.rstrip())
    assert prompt.text == f"{example}\n\nNow this one:\n{BODY}\n"


def test_user_example_and_system_files(tmp_path: Path) -> None:
    path = write(tmp_path / "mine.txt", "{examples}Now:\n{program}")
    # no final newline: examples must still be joined by blank lines (regression: they
    # ran together, "...FAST:\n<fast>SLOW:\n...")
    write(tmp_path / "mine.example.txt", "SLOW:\n{slow}\nFAST:\n{fast}")
    write(tmp_path / "mine.system.txt", "Be fast.\n")
    prompt = build_prompt(PROGRAM, PromptSettings(template=str(path), few_shot=2), "chat")
    best, second = retrieval.similar(PROGRAM, 2)
    examples = [f"SLOW:\n{p.slow.rstrip()}\nFAST:\n{p.fast.rstrip()}" for p in (second, best)]
    assert prompt.text == "\n\n".join(examples) + f"\n\nNow:\n{BODY}"
    assert prompt.system == "Be fast."


def test_edited_user_template_takes_effect_at_once(tmp_path: Path) -> None:
    path = write(tmp_path / "mine.txt", "A:\n{program}\n")
    settings_ = PromptSettings(template=str(path))
    digest = prompt_digest(settings_, "completions")
    assert build_prompt(PROGRAM, settings_, "completions").text.startswith("A:\n")
    write(path, "B:\n{program}\n")
    assert build_prompt(PROGRAM, settings_, "completions").text.startswith("B:\n")
    # cached candidates from the old prompt must not be reused
    assert prompt_digest(settings_, "completions") != digest


def bad_template(path: str) -> ModelError:
    with pytest.raises(ModelError) as caught:
        build_prompt(PROGRAM, PromptSettings(template=path), "completions")
    return caught.value


@pytest.mark.parametrize("name", ["no-such-template", "pie_conditioned", "{dir}"])
def test_unknown_template_names_the_choices(tmp_path: Path, name: str) -> None:
    error = bad_template(name.format(dir=tmp_path))  # a directory is not a template file
    assert "neither a built-in template nor a file" in error.message
    assert "pie.model.prompt.template" in error.hint
    assert all(choice in error.hint for choice in ("auto", "pie-conditioned", "fewshot", "chat"))


def test_template_without_program_placeholder(tmp_path: Path) -> None:
    path = write(tmp_path / "mine.txt", "Optimize this:\n{code}\n")
    error = bad_template(str(path))
    assert str(path) in error.message and "no {program} placeholder" in error.message
    assert "{program}" in error.hint


def test_example_placeholder_in_the_main_template(tmp_path: Path) -> None:
    # regression: sent to the model as the literal text "{slow}"
    path = write(tmp_path / "mine.txt", "Slow: {slow}\nFast: {fast}\n{program}\n")
    error = bad_template(str(path))
    assert "{slow}" in error.message
    assert "{examples}" in error.hint and str(tmp_path / "mine.example.txt") in error.hint


@pytest.mark.parametrize(
    ("example", "wrong"),
    [
        ("{program} -> {fast}", "uses {program}"),
        ("{slow} -> {fast} at {score}/10", "uses {score}"),
        ("{slow} is slow", "no {fast} placeholder"),
        ("before -> {fast}", "no {slow} placeholder"),
    ],
)
def test_bad_example_file(tmp_path: Path, example: str, wrong: str) -> None:
    path = write(tmp_path / "mine.txt", "{examples}{program}\n")
    write(tmp_path / "mine.example.txt", example)
    error = bad_template(str(path))
    assert str(tmp_path / "mine.example.txt") in error.message and wrong in error.message
    assert "{slow}" in error.hint and "{fast}" in error.hint


def test_unreadable_template(tmp_path: Path) -> None:
    path = tmp_path / "mine.txt"
    path.write_bytes(b"\xff\xfe{program}\x80")
    error = bad_template(str(path))
    assert "cannot read prompt template" in error.message
    assert "pie.model.prompt.template" in error.hint


# Text around placeholders: the known ones, lookalikes, and C++ braces.
_TEMPLATE_TEXT = st.lists(
    st.one_of(
        st.text(max_size=5),
        st.sampled_from(["{program}", "{score}", "{examples}", "{slow}", "{ score}", "{{", "}"]),
    ),
    max_size=8,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(_TEMPLATE_TEXT, _TEMPLATE_TEXT)
def test_fill_replaces_only_known_placeholders_once(template: str, program: str) -> None:
    # one pass: a placeholder inside a value is never filled in again; placeholders
    # without a value ({examples}, {slow}) and other braces stay as they are
    filled = fill(template, {"program": program, "score": "10"})
    parts = [part.replace("{score}", "10") for part in template.split("{program}")]
    assert filled == program.join(parts)


# -- cache keys --------------------------------------------------------------------------------


def test_prompt_digest_follows_what_changes_the_prompt() -> None:
    base = PromptSettings(template="fewshot", few_shot=2, score=10)
    digest = prompt_digest(base, "completions")
    assert prompt_digest(PromptSettings(template="fewshot", few_shot=2), "completions") == digest
    for changed in (
        PromptSettings(template="fewshot", few_shot=3),
        PromptSettings(template="chat", few_shot=2),
        PromptSettings(template="pie-conditioned", few_shot=2),
    ):
        assert prompt_digest(changed, "completions") != digest
    conditioned = PromptSettings()
    assert prompt_digest(PromptSettings(score=9), "completions") != prompt_digest(
        conditioned, "completions"
    )
    # auto resolves differently per API
    assert prompt_digest(conditioned, "chat") != prompt_digest(conditioned, "completions")
