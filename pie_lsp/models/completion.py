"""Getting a C++ program out of a model's completion, or a reason why there is none.

Models answer in many shapes: a bare program (PIE's fine-tuned checkpoints), a program
followed by the next prompt section it started to invent, or a chat answer with prose
around one or more fenced code blocks. `extract_program` returns the program's text or
raises `CompletionRejected` with a reason a user can read ("no main() function", "cut off
inside a block: 2 '{' never closed", "the code block is Python, not C++").

The checks here are lexical (a small C++ lexer that knows comments, string, character and
raw-string literals), so they are fast and work on broken code; whether the program
compiles and is correct is for the pipeline to find out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal, NamedTuple

# Markers that end a program in a plain completion: the next section of PIE's conditioned
# or few-shot prompt that a base model goes on to invent, and end-of-text tokens that some
# servers leave in the text.
STOP_MARKERS = (
    "### ",
    "###\n",
    "# slower version",
    "# optimized version",
    "<|endoftext|>",
    "</s>",
    "<|im_end|>",
    "<|EOT|>",
    "<|eot_id|>",
    "<|end|>",
)

# Fence languages accepted as C++ (an untagged fence counts too).
_CPP_TAGS = frozenset({"", "c++", "cpp", "cxx", "cc", "c", "hpp", "h", "cplusplus"})

TokenKind = Literal[
    "comment", "string", "char", "number", "ident", "punct", "space", "unterminated", "other"
]


class Token(NamedTuple):
    kind: TokenKind
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


_LEXER = re.compile(
    r"""
    (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<unterminated_comment>/\*.*)
  | (?P<raw>(?:u8|[uUL])?R"(?P<delim>[^()\\\s"]{0,16})\(.*?\)(?P=delim)")
  | (?P<string>(?:u8|[uUL])?"(?:\\.|[^"\\\n])*")
  | (?P<char>(?:u8|[uUL])?'(?:\\.|[^'\\\n])+')
  | (?P<unterminated>(?:u8|[uUL])?R?["'][^\n]*)
  | (?P<number>\.?\d(?:[eEpP][+-]|[\w.]|'(?=\w))*)
  | (?P<ident>[A-Za-z_$][\w$]*)
  | (?P<punct>::|->\*?|\.\.\.|<=>|<<=|>>=|[-+*/%&|^!=<>]=|&&|\|\||<<|>>|\+\+|--|\#\#|[^\w\s])
  | (?P<space>\s+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def tokenize(text: str) -> Iterator[Token]:
    """C++ tokens of `text`, comments and whitespace included. Never fails: unknown
    characters are "other" tokens, an unclosed literal or comment is "unterminated"."""
    for match in _LEXER.finditer(text):
        group = match.lastgroup
        kind: TokenKind
        if group in ("raw", "string"):
            kind = "string"
        elif group in ("unterminated", "unterminated_comment"):
            kind = "unterminated"
        elif group == "delim":  # pragma: no cover - inner group, never the last one
            continue
        else:
            kind = group  # type: ignore[assignment]
        yield Token(kind, match.group(), match.start())


def code_tokens(text: str) -> list[Token]:
    """Tokens without comments and whitespace."""
    return [t for t in tokenize(text) if t.kind not in ("comment", "space")]


class CompletionRejected(Exception):
    """A completion that holds no usable C++ program; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Scan(NamedTuple):
    """What a lexical pass over candidate program text found."""

    problem: str | None  # why it cannot be a complete program, or None
    end: int  # offset just after the last complete top-level declaration
    has_main: bool


_OPEN = {"{": "}", "(": ")", "[": "]"}
_CLOSE = {v: k for k, v in _OPEN.items()}


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _code_follows(text: str, offset: int) -> bool:
    """Whether the first non-blank line after `offset` looks like more C++ (a declaration
    after main) rather than prose. Comments are skipped: a comment is no sign that code
    follows, and prose after one must not be scanned as code."""
    rest = text[offset:].lstrip()
    while rest.startswith(("//", "/*")):
        close = rest.find("\n") if rest[1] == "/" else rest.find("*/", 2) + 1
        rest = rest[close + 1 :].lstrip() if close > 0 else ""
    return bool(rest) and bool(_CODE_START.match(rest) or _DECLARATION.match(rest))


def _scan(text: str, truncated: bool = False) -> _Scan:
    """Check brackets and literals, find main(), and where the program ends: after main's
    body, later top-level text counts only while it looks like code (so prose after the
    program is dropped, even prose with a stray quote or bracket). There, a problem inside
    a `{` block is a definition cut off, and so is any unclosed bracket at the end of a
    `truncated` completion."""
    stack: list[str] = []
    end = 0
    has_main = False  # `main(` at top level, not (yet) known to be a mere declaration
    main_done = False  # main's body is closed: anything after it must look like code
    tokens = code_tokens(text)
    for index, token in enumerate(tokens):
        problem: str | None = None
        if token.kind == "unterminated":
            what = "comment" if token.text.startswith("/*") else "literal"
            problem = f"cut off inside a {what} (line {_line_of(text, token.start)})"
        elif token.kind == "ident":
            if (
                token.text == "main"
                and not stack
                and index + 1 < len(tokens)
                and tokens[index + 1].text == "("
            ):
                has_main = True
            continue
        elif token.kind != "punct":
            continue
        elif token.text in _OPEN:
            stack.append(token.text)
            continue
        elif token.text in _CLOSE:
            if not stack or stack[-1] != _CLOSE[token.text]:
                problem = f"unbalanced '{token.text}' on line {_line_of(text, token.start)}"
            else:
                stack.pop()
                if stack or token.text != "}":
                    continue
        elif token.text == "#" and not stack:
            # a preprocessor line is complete at its end of line
            newline = text.find("\n", token.start)
            end = max(end, len(text) if newline < 0 else newline)
            continue
        elif token.text != ";" or stack:
            continue
        if problem is not None:
            if main_done and "{" not in stack:
                return _Scan(None, end, has_main)
            return _Scan(problem, end, has_main)
        # a top-level declaration ends here
        end = token.end
        if has_main and not main_done:
            if token.text == ";":
                has_main = False  # `int main();` declares main, it does not define it
            else:
                main_done = True
        if main_done and not _code_follows(text, end):
            return _Scan(None, end, has_main)
    if stack and (truncated or not main_done or "{" in stack):
        opened = stack.count("{")
        what = f"{opened} '{{' never closed" if opened else f"'{stack[-1]}' never closed"
        return _Scan(f"cut off inside a block: {what}", end, has_main)
    if has_main and not main_done:
        return _Scan("cut off before the body of main()", end, has_main)
    return _Scan(None, end, has_main)


_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*([^\s`]*)[^\n]*\n", re.MULTILINE)

# A line where a bare program plausibly starts.
_CODE_START = re.compile(
    r"""^[ \t]*(
        \#[ \t]*(include|define|pragma|import|if|ifn?def|undef)\b
      | using[ \t] | namespace[ \t] | typedef[ \t] | template[ \t]*< | struct[ \t] | class[ \t]
      | (static|const|constexpr|inline|extern)[ \t]
      | (int|long|void|auto|bool|char|double|float|unsigned|signed|short|size_t)[ \t*&]
      | (std|ll|ull|lld)\b | /[/*]
    )""",
    re.VERBOSE,
)
# `vector<int> solve(`, `string name(` ...: a function definition after main.
_DECLARATION = re.compile(r"^[A-Za-z_][\w:]*(<[\w:<>, *&]*>)?[ \t*&]+[A-Za-z_]\w*[ \t]*\(")
_PYTHON_LINE = re.compile(r"^\s*(def \w+\(.*\)\s*:|import \w+|from \w+ import |print\(|if .*:$)")
_OTHER_LANGUAGES = {
    "python": "Python",
    "py": "Python",
    "python3": "Python",
    "java": "Java",
    "javascript": "JavaScript",
    "js": "JavaScript",
    "typescript": "TypeScript",
    "ts": "TypeScript",
    "rust": "Rust",
    "rs": "Rust",
    "go": "Go",
    "csharp": "C#",
    "c#": "C#",
    "cs": "C#",
    "kotlin": "Kotlin",
    "ruby": "Ruby",
    "bash": "shell",
    "sh": "shell",
    "shell": "shell",
    "pascal": "Pascal",
    "haskell": "Haskell",
}


class _Block(NamedTuple):
    tag: str
    body: str
    closed: bool
    start: int  # where the opening fence starts
    end: int  # just after the closing fence (the end of the text when unclosed)


def _fenced_blocks(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    position = 0
    while True:
        opening = _FENCE.search(text, position)
        if opening is None:
            return blocks
        fence, tag = opening.group(1), opening.group(2).lower()
        closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", re.M)
        found = closing.search(text, opening.end())
        if found is None:
            blocks.append(_Block(tag, text[opening.end() :], False, opening.start(), len(text)))
            return blocks
        body = text[opening.end() : found.start()]
        blocks.append(_Block(tag, body, True, opening.start(), found.end()))
        position = found.end()


def _cut_at_stop_marker(text: str) -> tuple[str, bool]:
    """The text up to the first line that starts with a stop marker (or a marker token
    anywhere), and whether anything was cut."""
    cut = len(text)
    for marker in STOP_MARKERS:
        if marker.startswith("<"):
            at = text.find(marker)
        else:
            found = re.search(rf"^[ \t]*{re.escape(marker)}", text, re.MULTILINE)
            at = found.start() if found else -1
        if at >= 0:
            cut = min(cut, at)
    return text[:cut], cut < len(text)


def _strip_leading_chatter(text: str) -> str:
    # lines are split at "\n" only: str.splitlines() also splits at form feeds and
    # Unicode separators, which may sit inside the program's literals and comments
    position = 0
    for line in text.split("\n"):
        if _CODE_START.match(line):
            return text[position:]
        position += len(line) + 1
    return text


def _looks_like(text: str) -> str | None:
    """The language `text` resembles when it is clearly not C++."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    python = sum(bool(_PYTHON_LINE.match(line)) for line in lines)
    if python and "{" not in text and ";" not in text:
        return "Python"
    return None


def _finish(source: str, truncated: bool, limit_hint: str) -> str:
    scan = _scan(source, truncated)
    length_note = f" (the model stopped at its token limit{limit_hint})" if truncated else ""
    # first: Python's `def main():` is no C++ main() cut off before its body
    other = _looks_like(source)
    if other:
        return _reject(f"the completion is {other}, not C++")
    if scan.problem is not None:
        return _reject(f"truncated: {scan.problem}{length_note}" if truncated else scan.problem)
    if not scan.has_main:
        if truncated:
            return _reject(f"truncated before main(){length_note}")
        if not code_tokens(source):
            return _reject("the completion holds no code")
        return _reject("no main() function: not a complete C++ program")
    # drop prose after the program's last complete declaration
    program = source[: scan.end].strip("\n")
    lines = program.split("\n")  # not splitlines(): see _strip_leading_chatter
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _reject(reason: str) -> str:
    raise CompletionRejected(reason)


def extract_program(text: str, *, truncated: bool = False, limit_hint: str = "") -> str:
    """The C++ program in a completion, normalised (no trailing spaces, one final newline).

    `truncated` says the model stopped because it hit its token limit (OpenAI's
    finish_reason "length"): a program that is not complete is then reported as cut off,
    and `limit_hint` (e.g. ": raise pie.model.openai.max_tokens") is added to the reason.
    Raises CompletionRejected with the reason when there is no usable program."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise CompletionRejected("empty completion")
    blocks = _fenced_blocks(text)
    if blocks:
        cpp = [b for b in blocks if b.tag in _CPP_TAGS or b.tag not in _OTHER_LANGUAGES]
        # the answer is usually the last complete program shown
        with_main = [b for b in cpp if _scan(b.body).has_main]
        if with_main:
            return _finish(with_main[-1].body, truncated, limit_hint)
        # a bare program with fences only around other things (sample input, a stray
        # closing fence the model added): the program is outside the blocks
        outside, position = [], 0
        for block in blocks:
            outside.append(text[position : block.start])
            position = block.end
        bare = _bare_program("".join([*outside, text[position:]]))
        if _scan(bare).has_main:
            return _finish(bare, truncated, limit_hint)
        if not cpp:
            language = _OTHER_LANGUAGES[blocks[-1].tag]
            raise CompletionRejected(f"the code block is {language}, not C++")
        return _finish(cpp[-1].body, truncated, limit_hint)
    return _finish(_bare_program(text), truncated, limit_hint)


def _bare_program(text: str) -> str:
    """The candidate program text of a completion without code fences."""
    body, _ = _cut_at_stop_marker(_strip_leading_chatter(text))
    return body
