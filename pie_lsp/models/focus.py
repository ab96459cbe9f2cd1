"""Long programs: the model rewrites only the hot function, which is put back in place.

With `pie.model.prompt.focus_lines` set and a program longer than that, the pipeline
profiles the original (`pie_lsp.profile.aimed.aim`) and, when its hottest function is not
`main`, sets `FOCUS` for its run: the prompt's `{program}` is then that function alone
(`prompts.build_prompt`), and each completion's function replaces the original's
definition, found by libclang's extent, before the completion is read as a program
(`sampling.generation_from`). The whole program is then built, verified and measured as
any candidate. A completion holding a whole program (a `main`) is taken as it is.
"""

from __future__ import annotations

import contextvars
from pathlib import Path

from attrs import frozen

from pie_lsp.program import Parsed, Program

_FUNCTION_KINDS = ("FUNCTION_DECL", "CXX_METHOD", "FUNCTION_TEMPLATE")


@frozen
class Focus:
    """The one function of `original` a model is asked to rewrite."""

    original: str  # the whole program's text
    name: str  # the function's name ("range_sum")
    start: int  # UTF-8 byte offsets of its definition in `original` (libclang's extent)
    end: int

    @property
    def function(self) -> str:
        return self.original.encode()[self.start : self.end].decode("utf-8", "replace")

    def merge(self, completion: str) -> str:
        """The whole program with the completion's function in place of the focused one;
        the completion itself when it holds a whole program (a main) or no code, so that
        `extract_program` reads it (and gives the reason when nothing is usable)."""
        from pie_lsp.models.completion import _CPP_TAGS, _bare_program, _fenced_blocks, _scan

        text = completion.replace("\r\n", "\n").replace("\r", "\n")
        blocks = [b for b in _fenced_blocks(text) if b.tag in _CPP_TAGS]
        body = blocks[-1].body if blocks else _bare_program(text)
        if not body.strip() or _scan(body).has_main:
            return completion
        source = self.original.encode()
        return (source[: self.start] + body.strip().encode() + source[self.end :]).decode(
            "utf-8", "replace"
        )


# Set by the pipeline for one run (see the module docstring); None: whole programs.
FOCUS: contextvars.ContextVar[Focus | None] = contextvars.ContextVar("pie_focus", default=None)


def focus_on(text: str, name: str, line: int) -> Focus | None:
    """The definition of the function `name` that spans 1-based `line` of `text` (by
    libclang), or None when there is none (or it is `main`: that is the whole program)."""
    if not name or name == "main":
        return None
    parsed = Parsed(Program(Path("prog.cpp"), text))
    for cursor, _ in parsed.walk():
        kind = cursor.kind.name  # type: ignore[attr-defined]
        if kind not in _FUNCTION_KINDS or not cursor.is_definition():  # type: ignore[attr-defined]
            continue
        extent = cursor.extent  # type: ignore[attr-defined]
        if cursor.spelling == name and extent.start.line <= line <= extent.end.line:  # type: ignore[attr-defined]
            # a template's definition starts at `template <...>`: FUNCTION_TEMPLATE's extent
            return Focus(text, name, extent.start.offset, extent.end.offset)
    return None
