"""What the editor is shown: code actions, code lenses, hovers, edits and progress.

Pure functions from results to lsprotocol objects, so the handlers stay thin and these
can be tested without a server. What the client can take is asked in `capabilities`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from pathlib import PurePosixPath
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from pie_lsp.pipeline import OptimizeResult, SpeedupResult, Step
from pie_lsp.program import CPP_SUFFIXES
from pie_lsp.text import markdown, visible

OPTIMIZE = "pie.optimize"
CHECK_SPEEDUP = "pie.checkSpeedup"
SAVE_BASELINE = "pie.saveBaseline"
APPLY_RESULT = "pie.applyResult"
COMMANDS = (OPTIMIZE, CHECK_SPEEDUP, SAVE_BASELINE, APPLY_RESULT)

# Rewrites are refactors (VS Code lists them under the light bulb and "Refactor…");
# checking and saving baselines act on the whole file without editing it: source actions.
# The ".pie" suffix lets users bind keys to exactly these (`only: ["refactor.rewrite.pie"]`).
KIND_REWRITE = "refactor.rewrite.pie"
KIND_SOURCE = "source.pie"
ANNOTATION_ID = "pie-lsp.rewrite"

CPP_LANGUAGE_IDS = frozenset({"cpp", "c++", "cuda-cpp", "objective-cpp"})

# The only line breaks LSP knows (str.splitlines also splits on \f, \v, \x1c...).
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def split_lines(text: str) -> list[str]:
    """Lines as LSP counts them, each with its line break."""
    return _LINE.findall(text)


def is_cpp(uri: str, language_id: str | None = None) -> bool:
    suffix = PurePosixPath(unquote(urlparse(uri).path)).suffix.lower()
    if suffix in CPP_SUFFIXES:
        return True
    return language_id is not None and language_id.lower() in CPP_LANGUAGE_IDS and not suffix


# -- edits ----------------------------------------------------------------------------------


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
    """The edit for one document: versioned `documentChanges` (annotated as needing
    confirmation, so VS Code opens its refactor preview) where the client takes them,
    plain `changes` otherwise."""
    if not document_changes:
        return types.WorkspaceEdit(changes={uri: list(edits)})
    body: list[types.TextEdit | types.AnnotatedTextEdit] = list(edits)
    annotations = None
    if annotate:
        body = [
            types.AnnotatedTextEdit(range=e.range, new_text=e.new_text, annotation_id=ANNOTATION_ID)
            for e in edits
        ]
        annotations = {
            ANNOTATION_ID: types.ChangeAnnotation(
                label=label,
                needs_confirmation=True,
                description="verified by pie-lsp on your tests",
            )
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


# -- labels -----------------------------------------------------------------------------------


def tests_text(passed: int, total: int) -> str:
    return f"{passed}/{total} tests"


def apply_title(result: OptimizeResult) -> str:
    """ "Apply 3.4× faster rewrite on Skylake (estimate) — 3/3 tests + 24 derived inputs"."""
    speedup = result.speedup or 0.0
    return (
        f"Apply {speedup:.1f}× faster rewrite on {result.simulator_short} — "
        f"{result.tests_phrase(editor=True)}"
    )


def _matches(kind: str, only: Sequence[str] | None) -> bool:
    if not only:
        return True
    return any(kind == wanted or kind.startswith(wanted + ".") for wanted in only)


def code_actions(
    uri: str,
    ready: types.WorkspaceEdit | None,
    result: OptimizeResult | None,
    only: Sequence[str] | None,
    apply_id: str | None = None,
) -> list[types.CodeAction]:
    """The PIE actions for a C++ document: the ready rewrite first when there is one, as
    the edit itself (`ready`) or as the command applying stored result `apply_id`."""
    actions: list[types.CodeAction] = []
    if result is not None and _matches(KIND_REWRITE, only):
        title = apply_title(result)
        if ready is not None:
            actions.append(
                types.CodeAction(title=title, kind=KIND_REWRITE, edit=ready, is_preferred=True)
            )
        elif apply_id is not None:
            apply = types.Command(title=title, command=APPLY_RESULT, arguments=[apply_id])
            actions.append(
                types.CodeAction(title=title, kind=KIND_REWRITE, command=apply, is_preferred=True)
            )
    entries = (
        ("Optimize program (PIE)", KIND_REWRITE, OPTIMIZE),
        ("Check speedup vs HEAD (PIE)", KIND_SOURCE, CHECK_SPEEDUP),
        ("Save speedup baseline (PIE)", KIND_SOURCE, SAVE_BASELINE),
    )
    for title, kind, command in entries:
        if _matches(kind, only):
            actions.append(
                types.CodeAction(
                    title=title,
                    kind=kind,
                    command=types.Command(title=title, command=command, arguments=[uri]),
                )
            )
    return actions


_FIRST_LINE = types.Range(
    start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)
)


def code_lenses(
    result_id: str | None, result: OptimizeResult | None, speedup: SpeedupResult | None, uri: str
) -> list[types.CodeLens]:
    lenses = []
    if result is not None:
        if result.status == "optimized" and result_id is not None:
            command = types.Command(
                title=f"PIE: {visible(result.label())} — apply",
                command=APPLY_RESULT,
                arguments=[result_id],
            )
        else:
            # an empty command id: a label, not a button
            command = types.Command(title=f"PIE: {visible(result.label())}", command="")
        lenses.append(types.CodeLens(range=_FIRST_LINE, command=command))
    if speedup is not None:
        lenses.append(
            types.CodeLens(
                range=_FIRST_LINE,
                command=types.Command(
                    title=f"PIE: {visible(speedup.label())}", command=CHECK_SPEEDUP, arguments=[uri]
                ),
            )
        )
    return lenses


def _seconds(value: float) -> str:
    if value >= 1:
        return f"{value:.3f} s"
    if value >= 1e-3:
        return f"{value * 1e3:.3f} ms"
    return f"{value * 1e6:.1f} µs"


def hover_markdown(result: OptimizeResult | None, speedup: SpeedupResult | None) -> str | None:
    parts = []
    if result is not None:
        # candidates' and models' text is shown as text: no links, images or HTML
        lines = [f"**PIE:** {markdown(result.label())}", ""]
        if result.status == "optimized" and result.best_origin:
            best = next((c for c in result.candidates if c.origin == result.best_origin), None)
            if best is not None and best.description:
                lines.append(f"Rewrite {markdown(best.origin)}: {markdown(best.description)}.")
            before = sum(t.seconds for t in result.original_timings)
            after = sum(t.seconds for t in result.optimized_timings)
            if before and after:
                lines.append(f"Total time on the tests: {_seconds(before)} → {_seconds(after)}.")
            lines.append("Apply it from the code actions (or click the code lens).")
        elif result.why_not:  # what was tried, what matched but was not faster, what next
            lines += [f"- {markdown(line)}" for line in result.why_not] + [""]
        lines.append(
            f"Measured by {markdown(result.simulator_label)}; candidates from "
            f"{markdown(result.model)}; tests in {markdown(result.tests_dir)}."
        )
        parts.append("\n".join(lines))
    if speedup is not None:
        text = f"**PIE check:** {markdown(speedup.label())}"
        if speedup.failures:
            failures = "; ".join(markdown(f) for f in speedup.failures[:5])
            text += "\n\nFailing tests (not timed): " + failures
        parts.append(text)
    return "\n\n---\n\n".join(parts) if parts else None


# -- progress -----------------------------------------------------------------------------------


def percentage(step: Step) -> int:
    """A rough share of the work done at `step` (build and test of the original, then
    generation, then candidates verified and measured)."""
    if step.stage == "done":
        return 100
    if step.stage == "build":
        return 5
    if step.stage == "generate":
        return 20
    if step.stage in ("verify", "measure") and step.total:
        if step.stage == "verify" and step.done == 0 and "original" in step.message:
            return 10
        return 25 + int(70 * min(step.done, step.total) / step.total)
    if step.stage == "measure":
        return 60
    return 10
