"""Edits of the original source: what a rule proposes and how rewrites combine."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from attrs import frozen


class Edit(NamedTuple):
    """Replace the source bytes [start, end) with `text` (start == end inserts)."""

    start: int
    end: int
    text: str


@frozen
class Rewrite:
    """One change a rule proposes: edits that only make sense together."""

    edits: tuple[Edit, ...]
    what: str  # names the place for the description: "v in solve()", "strlen(s)"
    # 1-based line ranges the change depends on: compile errors there are blamed on it.
    lines: tuple[tuple[int, int], ...] = ()


def _overlap(a: Edit, b: Edit) -> bool:
    # Two insertions at one point do not conflict (they keep rule order); an insertion
    # strictly inside a replaced range does.
    return a.start < b.end and b.start < a.end


def kept(rewrites: Iterable[Rewrite]) -> list[Rewrite]:
    """The rewrites that overlap none kept before them (first come, first kept)."""
    taken: list[Rewrite] = []
    for rewrite in rewrites:
        if not any(
            _overlap(edit, other) for edit in rewrite.edits for k in taken for other in k.edits
        ):
            taken.append(rewrite)
    return taken


def merge(rewrites: Iterable[Rewrite]) -> list[Edit]:
    """The edits of the rewrites `kept` keeps."""
    return [edit for rewrite in kept(rewrites) for edit in rewrite.edits]


def apply_edits(source: bytes, edits: Sequence[Edit]) -> str:
    """The source with non-overlapping edits applied (insertions at one point keep order)."""
    out: list[bytes] = []
    position = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):  # stable
        out += [source[position : edit.start], edit.text.encode()]
        position = edit.end
    out.append(source[position:])
    return b"".join(out).decode("utf-8")
