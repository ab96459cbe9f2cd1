"""Showing untrusted text (candidate source, model output, compiler and program messages).

Candidates and models are hostile: their text can carry terminal escapes (ANSI CSI, OSC
hyperlinks or title changes), carriage returns and backspaces that overwrite what came
before, or bidirectional overrides that reorder a line on screen. Any of these can hide a
line of a diff that `--write` would still apply. `visible` turns every such character into
a printable escape (``\\x1b``, ``\\r``, ``\\u202e``) so what is shown is what is there;
`markup` also escapes Rich markup (``[white on white]``) for text printed through Rich, and
`markdown` escapes Markdown (links, images, HTML) for editor hovers.

It is also where numbers shown to people get their one form: `times` and `speed` format
every speedup the CLI, the server and the editors show (two decimals: "2.52×"; a ratio
that rounds to 1.00 is "same speed"), so no message says 2.5× where another says 2.52×.
"""

from __future__ import annotations

import re

from rich.markup import escape

# C0 controls but \t and \n; \r only where it is not the first half of a CRLF line break
# (harmless, and Windows sources have one on every line); DEL and the C1 controls (\x9b is
# a one-byte CSI on some terminals); the bidirectional marks, embeddings, overrides and
# isolates (U+061C, U+200E-F, U+202A-E, U+2066-9); the Unicode line and paragraph
# separators, which some editors break lines on; the zero-width characters and BOM, which
# can hide a difference between two lines that look the same.
_HIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
    "\u061c\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u2069\ufeff]"
    "|\r(?!\n)"
)


def _show(match: re.Match[str]) -> str:
    code = ord(match.group()[0])
    if code == 0x0D:
        return "\\r"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` with every control character that can change how it looks made visible."""
    return _HIDDEN.sub(_show, text)


def markup(text: str) -> str:
    """`text` safe to put inside Rich markup: control characters visible, markup escaped."""
    return escape(visible(text))


# Characters that make Markdown structure inline (emphasis, code, links and images, HTML,
# tables, strikethrough); the text is put on one line, so no block (heading, list) can start.
_MARKDOWN = re.compile(r"([\\`*_\[\]<>&|~#])")


def markdown(text: str) -> str:
    """`text` safe to put inline in Markdown (an editor hover): control characters visible,
    line breaks made spaces, Markdown and HTML characters escaped, so a link, image or
    emphasis is shown as the text it is."""
    return _MARKDOWN.sub(r"\\\1", " ".join(visible(text).split("\n")))


# -- speedups -------------------------------------------------------------------------------


def times(ratio: float) -> str:
    """A ratio as shown everywhere: two decimals and the multiplication sign ("2.52×")."""
    return f"{ratio:.2f}×"


def speed(speedup: float, than: str = "") -> str:
    """How `speedup` (old time / new time) reads: "2.52× faster", "1.25× slower" or
    "same speed" when it rounds to 1.00× either way, followed by " than X" / " as X"."""
    if speedup <= 0:  # no time measured: shown as it is rather than divided by
        return times(speedup)
    if times(speedup) == times(1.0) or times(1 / speedup) == times(1.0):
        return "same speed" + (f" as {than}" if than else "")
    how = f"{times(speedup)} faster" if speedup > 1 else f"{times(1 / speedup)} slower"
    return how + (f" than {than}" if than else "")


def count(n: int, noun: str) -> str:
    """ "1 place", "4 places": an occurrence count that cannot be read as a speedup."""
    return f"{n} {noun}" + ("" if n == 1 else "s")
