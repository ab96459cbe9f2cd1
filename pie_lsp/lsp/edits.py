"""From a rewrite to the edit the editor applies: a line diff as LSP `TextEdit`s, wrapped
in a `WorkspaceEdit` shaped for what the client takes.

Pure functions (no server), so the edits can be checked against every position
encoding without an editor: applying them to the old text must give the rewrite exactly.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

ANNOTATION_ID = "pie-lsp.rewrite"
# VS Code opens its refactor preview when any edit needs confirmation, and starts exactly
# those edits unticked: the rewrite itself is annotated as not needing it (so it is ticked
# and Apply applies it) and one empty edit, which changes nothing, carries the request.
CONFIRM_ID = "pie-lsp.confirm"

# The only line breaks LSP knows (str.splitlines also splits on \f, \v, \x1c...).
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def split_lines(text: str) -> list[str]:
    """Lines as LSP counts them, each with its line break."""
    return _LINE.findall(text)


def text_edits(before: str, after: str, codec: PositionCodec) -> list[types.TextEdit]:
    """Line-level edits turning `before` into `after` (unchanged lines are left alone, so
    marks and the cursor outside the rewrite stay put and the preview shows the diff)."""
    a, b = split_lines(before), split_lines(after)

    def position(index: int) -> types.Position:
        if index < len(a):
            return types.Position(line=index, character=0)
        if not a:
            return types.Position(line=0, character=0)
        last = a[-1]
        if last.endswith(("\n", "\r")):
            return types.Position(line=len(a), character=0)
        return types.Position(line=len(a) - 1, character=codec.client_num_units(last))

    # Diff only between the common head and tail, with difflib's junk heuristic: lines
    # like "}" repeat hundreds of times in a big file and make the exact diff slow (20 ms
    # for 2,000 lines, on the event loop). Any diff is correct; this one is just not
    # always the smallest.
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    matcher = difflib.SequenceMatcher(None, a[head : len(a) - tail], b[head : len(b) - tail])
    edits = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        edits.append(
            types.TextEdit(
                range=types.Range(start=position(head + i1), end=position(head + i2)),
                new_text="".join(b[head + j1 : head + j2]),
            )
        )
    return edits


def workspace_edit(
    uri: str,
    version: int | None,
    edits: Sequence[types.TextEdit],
    label: str,
    *,
    document_changes: bool,
    annotate: bool,
) -> types.WorkspaceEdit:
    """The edit for one document: versioned `documentChanges` where the client takes them,
    plain `changes` otherwise. Annotated, the rewrite's edits are labelled with `label` and
    an empty edit (a no-op at the rewrite's first change) needs confirmation, so VS Code
    opens its refactor preview with the whole rewrite ticked."""
    if not document_changes:
        return types.WorkspaceEdit(changes={uri: list(edits)})
    body: list[types.TextEdit | types.AnnotatedTextEdit] = list(edits)
    annotations = None
    if annotate and edits:
        body = [
            types.AnnotatedTextEdit(range=e.range, new_text=e.new_text, annotation_id=ANNOTATION_ID)
            for e in edits
        ]
        start = edits[0].range.start
        body.append(
            types.AnnotatedTextEdit(
                range=types.Range(start=start, end=start), new_text="", annotation_id=CONFIRM_ID
            )
        )
        # the same label on both: a client showing one annotation's label shows the proof
        annotations = {
            ANNOTATION_ID: types.ChangeAnnotation(
                label=label,
                needs_confirmation=False,
                description="verified by pie-lsp on your tests",
            ),
            CONFIRM_ID: types.ChangeAnnotation(
                label=label,
                needs_confirmation=True,
                description="review: Apply applies the ticked rewrite",
            ),
        }
    return types.WorkspaceEdit(
        document_changes=[
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(
                    uri=uri, version=version
                ),
                edits=body,
            )
        ],
        change_annotations=annotations,
    )
