"""Getting a finished job's outcome to the editor: the command's answer, the message the
user sees, and the rewrite as `workspace/applyEdit`.

A rewrite is applied only while the document still has the exact text it was computed
for; otherwise the user is told it is stale, and it is offered again (code action, lens)
if the text comes back. A job that was cancelled or failed gets one readable message,
with the long details in the log.
"""

from __future__ import annotations

import logging
from typing import Any

from attrs import evolve
from lsprotocol import types
from pygls.workspace import TextDocument

from pie_lsp.errors import PieError
from pie_lsp.lsp import capabilities
from pie_lsp.lsp import presentation as show
from pie_lsp.lsp.edits import text_edits, workspace_edit
from pie_lsp.lsp.jobs import Job
from pie_lsp.lsp.progress import Progress
from pie_lsp.lsp.results import StoredResult
from pie_lsp.lsp.server import PieServer
from pie_lsp.lsp.snapshots import Snapshot
from pie_lsp.pipeline import OptimizeResult, Step
from pie_lsp.text import times, visible

log = logging.getLogger(__name__)


def _visible(text: str | None) -> str | None:
    """The answer's error texts quote compilers and candidates: shown, never obeyed."""
    return None if text is None else visible(text)


_STOPPED = {
    "cancelled": "Cancelled",
    "superseded": "Superseded by a newer request",
    "shutdown": "Stopped: the server is shutting down",
}


def streamed(ls: PieServer, snap: Snapshot, progress: Progress, step: Step) -> None:
    """A pipeline step for the editor: progress, and a better result found so far (rounds
    still running: pie_lsp.rounds) shown at once by the code lens and code action."""
    progress.step(step)
    if step.stage == "partial" and step.result is not None:
        store(ls, snap.uri, snap.sha, snap.text, step.result)


def _keep_best(ls: PieServer, snap: Snapshot | None) -> str:
    """After a cancelled optimization: the best result streamed so far stays offered, as
    a final one (no longer "still searching"); the words saying so, or ""."""
    stored = ls.results.for_text(snap.uri, snap.sha) if snap is not None else None
    if snap is None or stored is None or not stored.result.partial:
        return ""
    kept = evolve(
        stored.result,
        partial=False,
        notes=[*stored.result.notes, "the search was cancelled: this is the best found so far"],
    )
    store(ls, snap.uri, snap.sha, snap.text, kept)
    return f"; the best found so far ({times(kept.speedup or 0.0)} faster) is kept"


def failure(
    ls: PieServer, job: Job, progress: Progress, what: str, snap: Snapshot | None = None
) -> dict[str, Any] | None:
    """The command's answer if the job did not produce a value, else None. A stopped
    optimization (`snap` given) keeps the best result streamed so far, and says so."""
    if job.task.cancelled():
        reason = job.stopped or "cancelled"
        kept = _keep_best(ls, snap)
        words = _STOPPED[reason] + kept
        progress.end(words)
        log.info("%s: %s", what, words.lower())
        if kept:
            ls.show(types.MessageType.Info, f"PIE: {what}: {words}")
            return {"status": reason, "kept": True}
        return {"status": reason}
    exc = job.task.exception()
    if exc is None:
        return None
    if isinstance(exc, PieError):
        progress.end(f"Failed: {exc.message}")
        ls.show_error(exc, what)
        return {"status": "error", "error": visible(exc.message), "hint": _visible(exc.hint)}
    progress.end("Failed: internal error")
    log.error("%s failed", what, exc_info=exc)
    ls.show(
        types.MessageType.Error,
        f"PIE: {what} failed with an internal error ({type(exc).__name__}: {exc}); "
        f"the details are in the log {ls.logs.path}",
    )
    return {"status": "error", "error": visible(f"internal error: {exc}")}


def ready_edit(
    ls: PieServer, stored: StoredResult, version: int | None, *, for_action: bool
) -> types.WorkspaceEdit:
    """The stored rewrite as an edit shaped for this client (annotated to ask for
    confirmation where it honours that)."""
    caps = ls.client_capabilities
    annotate = (
        capabilities.code_action_annotations(caps)
        if for_action
        else capabilities.change_annotations(caps)
    )
    return workspace_edit(
        stored.uri,
        version,
        stored.edits,
        show.apply_title(stored.result),
        document_changes=capabilities.document_changes(caps),
        annotate=annotate,
    )


def store(ls: PieServer, uri: str, sha: str, text: str, result: OptimizeResult) -> StoredResult:
    """Keep `result` for the document text `text` (hash `sha`), its edit made."""
    edits: list[types.TextEdit] = []
    if result.status == "optimized" and result.optimized_source is not None:
        document = ls.document(uri)
        codec = document.position_codec if document else ls.workspace.position_codec
        edits = text_edits(text, result.optimized_source, codec)
    stored = ls.results.add(uri, sha, result, edits)
    ls.refresh_lenses()
    return stored


async def deliver(ls: PieServer, snap: Snapshot, result: OptimizeResult) -> dict[str, Any]:
    """The answer to `pie.optimize`; a rewrite is applied if the text is unchanged."""
    answer: dict[str, Any] = {
        "status": result.status,
        "label": result.label(),
        "speedup": result.speedup,
        "testsPassed": result.tests_passed,
        "testsTotal": result.tests_total,
        "simulator": result.simulator,
    }
    name = snap.path.name
    if result.status == "error":
        ls.show_error(
            PieError(result.error or "failed", hint=result.hint, details=result.error_details),
            f"optimizing {name}",
        )
        answer.update(error=_visible(result.error), hint=_visible(result.hint))
        return answer
    stored = store(ls, snap.uri, snap.sha, snap.text, result)
    answer["resultId"] = stored.id
    if result.status != "optimized":
        why = "".join(f"\n{line}" for line in result.why_not)  # what was tried, what next
        ls.show(types.MessageType.Info, f"PIE: {name}: {result.summary()}{why}")
        return answer
    current = ls.current_matches(snap.uri, snap.sha)
    if current is None:
        answer.update(applied=False, stale=True)
        ls.show(
            types.MessageType.Warning,
            f"PIE: {name} changed while it was being optimized, so the "
            f"{times(result.speedup or 0.0)} rewrite was not applied. It is offered again if the "
            "file returns to the text it was computed for; run Optimize program (PIE) "
            "for the current text.",
        )
        return answer
    answer.update(await apply(ls, stored, current))
    return answer


async def apply(ls: PieServer, stored: StoredResult, document: TextDocument) -> dict[str, Any]:
    """Ask the editor to apply a stored rewrite to `document` (which has its text)."""
    title = show.apply_title(stored.result)
    if not capabilities.apply_edit(ls.client_capabilities):
        ls.show(
            types.MessageType.Info,
            f"PIE: ready — choose the code action “{title}” to apply it",
        )
        return {"applied": False}
    edit = ready_edit(ls, stored, document.version, for_action=False)
    try:
        reply = await ls.workspace_apply_edit_async(
            types.ApplyWorkspaceEditParams(edit=edit, label=title)
        )
    except Exception as exc:
        log.warning("workspace/applyEdit failed: %s", exc)
        reply = types.ApplyWorkspaceEditResult(applied=False, failure_reason=str(exc))
    if reply.applied:
        log.info("applied %s to %s", stored.id, document.filename)
        return {"applied": True}
    why = f" ({reply.failure_reason})" if reply.failure_reason else ""
    ls.show(
        types.MessageType.Info,
        f"PIE: the rewrite was not applied{why}; it stays available as the code action "
        f"“{title}” while the file is unchanged",
    )
    return {"applied": False, "failureReason": reply.failure_reason}
