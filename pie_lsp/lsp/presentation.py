"""What the editor is shown: code actions, code lenses, hovers and progress.

Pure functions from results to lsprotocol objects, so the handlers stay thin and these
can be tested without a server. What the client can take is asked in `capabilities`;
the edits themselves are made in `edits`, the command ids named here live in
`command_ids`.
"""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types

from pie_lsp.lsp.command_ids import APPLY_RESULT, CHECK_SPEEDUP, OPTIMIZE, SAVE_BASELINE
from pie_lsp.pipeline import OptimizeResult, SpeedupResult, Step
from pie_lsp.text import markdown, times, visible

# Rewrites are refactors (VS Code lists them under the light bulb and "Refactor…");
# checking and saving baselines act on the whole file without editing it: source actions.
# The ".pie" suffix lets users bind keys to exactly these (`only: ["refactor.rewrite.pie"]`).
KIND_REWRITE = "refactor.rewrite.pie"
KIND_SOURCE = "source.pie"

# -- labels -----------------------------------------------------------------------------------


def tests_text(passed: int, total: int) -> str:
    return f"{passed}/{total} tests"


def apply_title(result: OptimizeResult) -> str:
    """ "Apply 3.42× faster rewrite on Skylake (estimate) — 3/3 tests + 24 derived inputs"."""
    if result.partial:  # streamed while rounds run: a later round may replace it
        return (
            f"Apply {times(result.speedup or 0.0)} faster rewrite found so far on "
            f"{result.simulator_short} — {result.tests_phrase(editor=True)} (still searching…)"
        )
    return (
        f"Apply {times(result.speedup or 0.0)} faster rewrite on {result.simulator_short} — "
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


OPTIMIZE_LENS = "PIE: optimize this program"

_FIRST_LINE = types.Range(
    start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)
)


def code_lenses(
    result_id: str | None,
    result: OptimizeResult | None,
    speedup: SpeedupResult | None,
    uri: str,
    optimize_at: int | None = None,
) -> list[types.CodeLens]:
    """The lenses of line 1 (the result, the last check); with `optimize_at` (main's line)
    and no result yet, one that starts optimizing."""
    lenses = []
    if result is None and optimize_at is not None:
        where = types.Position(line=optimize_at, character=0)
        start = types.Command(title=OPTIMIZE_LENS, command=OPTIMIZE, arguments=[uri])
        lenses.append(types.CodeLens(range=types.Range(start=where, end=where), command=start))
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
