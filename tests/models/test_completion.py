"""Getting the C++ program out of a model's completion (pie_lsp.models.completion).

Example-based tests pin every documented behaviour: fenced and bare completions, chatter
and invented prompt sections dropped, other languages and truncated programs rejected with
a reason. Property-based tests (hypothesis) generate C++ programs with the constructs a
lexical parser gets wrong (braces and quotes inside literals and comments, raw strings,
digit separators, helpers after main) and check the parser against them.
"""

from __future__ import annotations

import itertools
from typing import NamedTuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pie_lsp.models.completion import (
    STOP_MARKERS,
    CompletionRejected,
    code_tokens,
    extract_program,
    tokenize,
)

# A complete program, already normalised (no trailing spaces, one final newline).
PROGRAM = """#include <iostream>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    long long x, total = 0;
    while (cin >> x) total += x;
    cout << total << '\\n';
    return 0;
}
"""

HINT = ": raise pie.model.openai.max_tokens"


def reason_for(text: str, *, truncated: bool = False, limit_hint: str = "") -> str:
    """The rejection reason for `text` (fails the test if a program comes back)."""
    with pytest.raises(CompletionRejected) as caught:
        extract_program(text, truncated=truncated, limit_hint=limit_hint)
    assert caught.value.reason == str(caught.value)
    return caught.value.reason


# -- bare completions (PIE's fine-tuned and base models) --------------------------------------


def test_bare_program_comes_back_normalised() -> None:
    # CRLF, trailing spaces and extra blank lines are what servers and models add
    messy = "\r\n\r\n" + PROGRAM.replace("\n", "   \r\n") + "\r\n\r\n"
    assert extract_program(messy) == PROGRAM
    assert extract_program(PROGRAM.rstrip("\n")) == PROGRAM


@pytest.mark.parametrize(
    "invented",
    [
        # the next section of PIE's conditioned prompt
        "\n### Optimized Version with score 10/10:\nint main() { return 1; }\n",
        "\n###\nmore text",
        # the next example of the retrieval few-shot prompt
        "\n\n# slower version:\n#include <cstdio>\nint main() { return 2; }\n",
        "\n# optimized version of the same code:\nint main() {}\n",
    ],
)
def test_invented_prompt_section_is_cut(invented: str) -> None:
    assert extract_program(PROGRAM + invented) == PROGRAM


@pytest.mark.parametrize("token", ["<|endoftext|>", "</s>", "<|im_end|>", "<|EOT|>", "<|eot_id|>"])
def test_end_of_text_tokens_left_by_servers_are_cut(token: str) -> None:
    # some servers leave the token in the text, even mid-line
    assert extract_program(PROGRAM.rstrip("\n") + token + "\nint main() {") == PROGRAM


def test_stop_markers_cover_both_pie_prompt_formats() -> None:
    # if a server ignores `stop`, the parser must still stop where PIE's prompts go on
    for header in ("### Optimized Version", "# slower version:", "# optimized version of"):
        assert any(header.startswith(marker.strip()) for marker in STOP_MARKERS), header


def test_leading_and_trailing_chatter_is_dropped() -> None:
    chat = (
        "Here's the optimized version:\n\n"
        + PROGRAM
        + "\nThis is faster because it's buffered (no flush per line.\n"
    )
    assert extract_program(chat) == PROGRAM


def test_prose_after_a_comment_after_main_is_dropped() -> None:
    # a comment is no sign that code follows; the prose after it has an open bracket
    # and an apostrophe (regression: this was rejected as "'(' never closed")
    chat = PROGRAM + "\n// Complexity\nThe old version (one flush per line was slow.\n"
    assert extract_program(chat) == PROGRAM


def test_helper_functions_after_main_are_kept() -> None:
    program = (
        "#include <vector>\nint helper(int x);\nstd::vector<int> solve(int n);\n\n"
        "int main() {\n    return helper(1) + (int)solve(2).size();\n}\n\n"
        "// defined after main\n"
        "int helper(int x) {\n    return x + 1;\n}\n\n"
        "std::vector<int> solve(int n) {\n    return std::vector<int>(n);\n}\n"
    )
    assert extract_program(program + "\nBoth helpers are O(1).\n") == program


def test_prose_starting_like_code_is_not_kept() -> None:
    text = PROGRAM + "\nusing the (faster reading, it's O(n)\n"
    assert extract_program(text) == PROGRAM


# -- fenced completions (chat models) ---------------------------------------------------------


@pytest.mark.parametrize("opening", ["```cpp", "```c++", "```C++", "```cxx", "```", "~~~cpp"])
def test_fenced_block_in_chat_answer(opening: str) -> None:
    closing = opening[:3]
    answer = (
        "Sure! The stream is flushed on every line; here is a faster version:\n\n"
        f"{opening}\n{PROGRAM}{closing}\n\n"
        "Now the output is buffered, which is much faster (it's the usual trick)."
    )
    assert extract_program(answer) == PROGRAM


def test_longer_fence_may_hold_a_shorter_one() -> None:
    program = PROGRAM.replace(
        "    return 0;", '    const char* md = R"(\n```\n)";\n    return md[0] == 0;'
    )
    assert extract_program(f"````cpp\n{program}````\n") == program


def test_last_program_wins_over_the_original_shown_first() -> None:
    original = PROGRAM.replace("ios::sync_with_stdio(false);", "// slow I/O")
    answer = (
        f"Your program:\n```cpp\n{original}```\nOptimized:\n```cpp\n{PROGRAM}```\n"
        "Sample run:\n```\n1 2 3\n6\n```\n"
    )
    # the sample-output block after it has no main(), so it is not "the program"
    assert extract_program(answer) == PROGRAM


def test_truncated_last_block_is_reported_not_replaced_by_an_earlier_one() -> None:
    # the earlier block is the user's original: returning it would hide the cut
    answer = f"Original:\n```cpp\n{PROGRAM}```\nOptimized:\n```cpp\n{PROGRAM[:80]}"
    reason = reason_for(answer, truncated=True, limit_hint=HINT)
    assert reason.startswith("truncated: ") and reason.endswith(f"{HINT})")


def test_bare_program_with_fences_only_around_other_things() -> None:
    # regression: these were rejected as "no main() function"
    assert extract_program(PROGRAM + "```\n\nThe code above is faster.\n") == PROGRAM
    sample = f"Here you go:\n{PROGRAM}\nExample input:\n```\n3\n1 2 3\n```\nOutput: 6\n"
    assert extract_program(sample) == PROGRAM


@pytest.mark.parametrize(
    ("tag", "language"),
    [("python", "Python"), ("py", "Python"), ("java", "Java"), ("rust", "Rust"), ("go", "Go")],
)
def test_code_block_in_another_language_is_rejected(tag: str, language: str) -> None:
    answer = f"In {language}:\n```{tag}\nprint(sum(map(int, input().split())))\n```\n"
    assert reason_for(answer) == f"the code block is {language}, not C++"


def test_cpp_block_is_chosen_over_another_language() -> None:
    answer = f"```python\nprint(1)\n```\nIn C++:\n```cpp\n{PROGRAM}```\n"
    assert extract_program(answer) == PROGRAM


def test_bare_python_is_rejected_as_python() -> None:
    python = "import sys\n\ndef main():\n    print(sum(map(int, sys.stdin.read().split())))\n"
    assert reason_for(python) == "the completion is Python, not C++"
    assert reason_for(f"```\n{python}```\n") == "the completion is Python, not C++"


# -- reasons ----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "  \n\t\r\n"])
def test_empty_completion(text: str) -> None:
    assert reason_for(text) == "empty completion"


def test_completion_of_comments_only_holds_no_code() -> None:
    assert reason_for("// I cannot optimize this further.\n") == "the completion holds no code"


@pytest.mark.parametrize(
    "text",
    [
        "I could not find a faster algorithm.",
        "#include <cstdio>\nint solve(int n) { return n; }\n",
        # a declaration of main is not a definition
        "#include <cstdio>\nint main();\n",
        # main inside a class is not the program's entry point (Java-like answer)
        "```\nclass Main { public: static int main() { return 0; } };\n```",
    ],
)
def test_no_main_is_rejected(text: str) -> None:
    assert reason_for(text) == "no main() function: not a complete C++ program"


def test_cut_after_mains_signature_is_rejected() -> None:
    # regression: "#include <cstdio>" alone came back as the program
    text = "#include <cstdio>\nint main()"
    assert reason_for(text) == "cut off before the body of main()"
    assert reason_for(text, truncated=True, limit_hint=HINT) == (
        f"truncated: cut off before the body of main() (the model stopped at its token limit{HINT})"
    )


def test_cut_mid_function_names_the_open_braces() -> None:
    cut = PROGRAM.replace("    return 0;\n}\n", "    if (x) {\n        return")
    assert reason_for(cut) == "cut off inside a block: 2 '{' never closed"
    assert reason_for(cut, truncated=True, limit_hint=HINT) == (
        f"truncated: cut off inside a block: 2 '{{' never closed "
        f"(the model stopped at its token limit{HINT})"
    )


def test_cut_in_helper_after_main_is_rejected() -> None:
    cut = PROGRAM + "\nint helper(int x) {\n    return x"
    assert reason_for(cut) == "cut off inside a block: 1 '{' never closed"
    # an unclosed bracket at the end of a truncated completion is code cut off too
    reason = reason_for(PROGRAM + "\nint helper(int x,", truncated=True)
    assert reason.startswith("truncated: cut off inside a block: '(' never closed")


def test_truncated_before_main() -> None:
    reason = reason_for("#include <cstdio>\nint f() { return 1; }\n", truncated=True)
    assert reason == "truncated before main() (the model stopped at its token limit)"


def test_complete_program_is_kept_when_only_the_prose_after_it_was_cut() -> None:
    answer = f"```cpp\n{PROGRAM}```\nThis version avoids the flush on every"
    assert extract_program(answer, truncated=True, limit_hint=HINT) == PROGRAM


def test_unterminated_literal_and_comment_name_their_line() -> None:
    string = 'int main() {\n    puts("never closed);\n    return 0;\n}\n'
    assert reason_for(string) == "cut off inside a literal (line 2)"
    comment = "int main() {\n    return 0;\n    /* the end\n}\n"
    assert reason_for(comment) == "cut off inside a comment (line 3)"


def test_unbalanced_bracket_names_its_line() -> None:
    text = "int main() {\n    int a[3] = {1, 2, 3};\n    return a[0));\n}\n"
    assert reason_for(text) == "unbalanced ')' on line 3"


def test_brackets_and_quotes_inside_literals_and_comments_do_not_count() -> None:
    program = (
        "#include <cstdio>\n"
        "int main() {\n"
        '    const char* s = "}}} \\" ((( [[";\n'
        "    char c = '{', d = '\\'', e = '\"';\n"
        '    const char* raw = R"delim(\n'
        "  } ) ] \" ' /* not a comment\n"
        ')delim";\n'
        "    // a stray } or ' in a comment\n"
        "    /* and { here\n       over lines */\n"
        "    long long big = 1'000'000'007;\n"
        "    return (s[0] + c + d + e + raw[0] + big) & 0;\n"
        "}\n"
    )
    assert extract_program(program) == program


def test_form_feeds_and_unicode_separators_in_the_program_are_kept() -> None:
    # regression: str.splitlines() split at these, turning "\f" in a literal into a
    # newline, so the string was left unterminated
    program = (
        "#include <cstdio>\n// page\x0cbreak\nint main() {\n"
        '    puts("a\x0cb\x0bc\x1cd\x85e\u2028f\u2029g");\n    return 0;\n}\n'
    )
    assert extract_program(f"```cpp\n{program}```") == program
    assert extract_program(program) == program


# -- the lexer --------------------------------------------------------------------------------


def test_tokenize_kinds() -> None:
    text = 'x += 1\'000; // c\n"s" \'c\' R"(r)" /* b */ ::'
    kinds = [(t.kind, t.text) for t in tokenize(text) if t.kind != "space"]
    assert kinds == [
        ("ident", "x"),
        ("punct", "+="),
        ("number", "1'000"),
        ("punct", ";"),
        ("comment", "// c"),
        ("string", '"s"'),
        ("char", "'c'"),
        ("string", 'R"(r)"'),
        ("comment", "/* b */"),
        ("punct", "::"),
    ]
    assert [t.text for t in code_tokens("a /* x */ b // y\n")] == ["a", "b"]


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_tokenize_covers_any_text_exactly(text: str) -> None:
    tokens = list(tokenize(text))
    assert "".join(t.text for t in tokens) == text
    assert not tokens or tokens[0].start == 0
    assert all(a.end == b.start for a, b in itertools.pairwise(tokens))


# -- property-based: generated programs -------------------------------------------------------

# Text for literals and comments: anything on one line (surrogates cannot be encoded).
_ANY_LINE_CHAR = st.characters(exclude_characters="\n\r", codec="utf-8")
# In bare completions the stop markers ("###", "</s>", "<|...|>") would cut a literal.
_BARE_LINE_CHAR = st.characters(exclude_characters="\n\r#<`~", codec="utf-8")
_CHAR_LITERALS = ["'{'", "'}'", "'('", "')'", "'\"'", "'\\''", "'\\\\'", "';'", "'['", "'/'"]


class Generated(NamedTuple):
    text: str  # the normalised program
    body_start: int  # just after main's "{"
    body_end: int  # at main's closing "}"


def normalise(text: str) -> str:
    """What extract_program promises: no trailing spaces, one final newline."""
    return "\n".join(line.rstrip() for line in text.split("\n")).rstrip("\n") + "\n"


@st.composite
def string_literal(draw: st.DrawFn, line_char: st.SearchStrategy[str]) -> str:
    plain = line_char.filter(lambda c: c not in '"\\')
    parts = draw(st.lists(st.one_of(plain, st.sampled_from(['\\"', "\\\\", "\\n"])), max_size=12))
    return '"' + "".join(parts) + '"'


@st.composite
def raw_string(draw: st.DrawFn, bare: bool) -> str:
    delimiter = draw(st.sampled_from(["", "x", "END"]))
    # raw strings span lines; a line inside starting with ``` or ~~~ would end a fence
    alphabet = st.characters(exclude_characters="\r`~" + ("#<" if bare else ""), codec="utf-8")
    content = draw(st.text(alphabet, max_size=30).filter(lambda s: f"){delimiter}" not in s))
    return f'R"{delimiter}({content}){delimiter}"'


@st.composite
def statements(draw: st.DrawFn, bare: bool, depth: int = 0) -> list[str]:
    line_char = _BARE_LINE_CHAR if bare else _ANY_LINE_CHAR
    comment_text = st.text(line_char, max_size=20)
    lines: list[str] = []
    pad = "    " * (depth + 1)
    for index in range(draw(st.integers(0, 4))):
        kind = draw(st.integers(0, 8 if depth < 2 else 6))
        name = f"v{depth}_{index}"
        if kind == 0:
            lines.append(f"{pad}puts({draw(string_literal(line_char))});")
        elif kind == 1:
            lines.append(f"{pad}// {draw(comment_text)}")
        elif kind == 2:
            text = draw(comment_text.filter(lambda s: "*/" not in s))
            lines.append(f"{pad}/* {text} */ int {name} = 0;")
        elif kind == 3:
            lines.append(f"{pad}char {name} = {draw(st.sampled_from(_CHAR_LITERALS))};")
        elif kind == 4:
            lines.append(f"{pad}const char* {name} = {draw(raw_string(bare))};")
        elif kind == 5:
            number = draw(st.sampled_from(["42", "1'000'000", "0x1F", "1e-9", ".5", "0b1010"]))
            lines.append(f"{pad}auto {name} = {number};")
        elif kind == 6:
            lines.append(f"{pad}int {name}[3] = {{1, (2), [](int a) {{ return a; }}(3)}};")
        else:
            head = "if (x > 0)" if kind == 7 else f"for (int i = 0; i < {index}; i++)"
            lines.append(f"{pad}{head} {{")
            lines.extend(draw(statements(bare, depth + 1)))
            lines.append(f"{pad}}}")
    return lines


@st.composite
def programs(draw: st.DrawFn, bare: bool = False) -> Generated:
    includes = draw(st.lists(st.sampled_from(["cstdio", "vector", "string"]), unique=True))
    head = [f"#include <{name}>" for name in includes]
    if draw(st.booleans()):
        head += ["", "int helper(int x) {", "    return x + 1;", "}"]
    if draw(st.booleans()):
        head += ["", "struct Point {", "    int x = 0, y = 0;", "};"]
    head += ["", "int main() {"]
    body = [*draw(statements(bare)), "    return 0;"]
    tail = ["}"]
    if draw(st.booleans()):
        tail += ["", "// defined after main", "static int after(int y) {", "    return y;", "}"]
    first = normalise("\n".join(head).lstrip("\n"))
    middle = normalise("\n".join(body))
    return Generated(
        first + middle + normalise("\n".join(tail)), len(first), len(first) + len(middle)
    )


# Prose around a code block: anything but backticks and tildes (which would open a fence).
_CHATTER = st.text(st.characters(exclude_characters="`~", codec="utf-8"), max_size=80)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    programs(),
    _CHATTER,
    _CHATTER,
    st.sampled_from(["```cpp", "```c++", "```", "~~~cpp", "````cpp"]),
    st.booleans(),
)
def test_program_in_chatter_inside_a_fence_comes_back_exactly(
    program: Generated, before: str, after: str, opening: str, truncated: bool
) -> None:
    closing = opening.rstrip("cp+")
    answer = f"{before}\n{opening}\n{program.text}{closing}\n{after}"
    # the block is complete, so a token limit hit in the prose after it does not matter
    assert extract_program(answer, truncated=truncated) == program.text


_PROSE_LINE = st.lists(
    st.sampled_from(["Here", "is", "the", "faster", "version:", "It", "uses", "O(n).", "Sure!"]),
    min_size=1,
    max_size=6,
).map(" ".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    programs(bare=True),
    st.lists(_PROSE_LINE, max_size=3),
    st.sampled_from(
        [
            "",
            "\n### Optimized Version with score 10/10:\n",
            "\n\n# slower version:\n",
            "<|endoftext|>",
            "\n</s>",
        ]
    ),
    _CHATTER,
)
def test_bare_program_between_chatter_and_an_invented_section_comes_back_exactly(
    program: Generated, chatter: list[str], marker: str, junk: str
) -> None:
    # after the marker anything may follow; without one, nothing does
    completion = "".join(f"{line}\n" for line in chatter) + program.text + marker
    completion += junk if marker else ""
    assert extract_program(completion) == program.text
    # the program alone is already normalised: extracting again changes nothing
    assert extract_program(program.text) == program.text


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(), st.data(), st.booleans())
def test_program_cut_inside_main_is_rejected_with_a_reason(
    program: Generated, data: st.DataObject, fenced: bool
) -> None:
    cut = data.draw(st.integers(program.body_start, program.body_end), label="cut")
    text = program.text[:cut]
    # a chat answer cut off inside its code block has an unclosed fence
    completion = f"Faster:\n```cpp\n{text}" if fenced else text
    assert reason_for(completion)
    reason = reason_for(completion, truncated=True, limit_hint=HINT)
    assert reason.startswith("truncated: cut off "), reason
    assert reason.endswith(f"(the model stopped at its token limit{HINT})")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(), st.data())
def test_program_cut_before_mains_end_is_never_accepted(
    program: Generated, data: st.DataObject
) -> None:
    # anywhere before main's closing brace: inside a helper, the includes, main itself
    cut = data.draw(st.integers(0, program.body_end), label="cut")
    assert reason_for(program.text[:cut])


# Fragments that steer random completions into the parser's interesting paths.
_FRAGMENTS = st.sampled_from(
    [
        "```cpp\n", "```\n", "~~~\n", "```python\n", "int main() {", "int main()", "}", "{",
        "(", ")", "]", '"', "'", "/*", "*/", "//", "\n", " ", "### ", "# slower version:\n",
        "#include <cstdio>\n", ";", "return 0;", "print(1)\n", "def f():\n", "R\"(", ")\"",
        "</s>", "Here is the code:\n", "using ", "int f(", "\r\n", "\x0c", "é",
    ]
)  # fmt: skip
_RANDOM_COMPLETIONS = st.one_of(st.text(), st.lists(_FRAGMENTS, max_size=40).map("".join))


@settings(max_examples=300, deadline=None)
@given(_RANDOM_COMPLETIONS, st.booleans())
def test_random_text_yields_a_program_or_a_reason_deterministically(
    text: str, truncated: bool
) -> None:
    outcomes = []
    for _ in range(2):
        try:
            outcomes.append(("program", extract_program(text, truncated=truncated)))
        except CompletionRejected as exc:
            assert exc.reason.strip()
            outcomes.append(("rejected", exc.reason))
    assert outcomes[0] == outcomes[1]
    kind, value = outcomes[0]
    if kind == "program":
        # a program is normalised and has a main
        assert value.endswith("\n") and not value.endswith("\n\n")
        assert "\r" not in value
        assert all(line == line.rstrip() for line in value.split("\n"))
        assert "main" in value
