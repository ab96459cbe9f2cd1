"""PIE's commands (`workspace/executeCommand`) and cancelling their work.

`pie.optimize` and `pie.checkSpeedup` run as jobs (pie_lsp.lsp.jobs): keyed by kind and
document, cancellable by `$/cancelRequest` or the progress bar, superseded by a newer
request for the same document, at most `jobs` at once; the pipeline runs on the worker
loop (pie_lsp.lsp.worker) and reports each step as `$/progress`. Arguments arrive typed
(pie_lsp.lsp.arguments); the outcome goes back through pie_lsp.lsp.delivery. The ids
are in pie_lsp.lsp.command_ids (code actions and argument checks name them too).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from pie_lsp.cache import cache_dir
from pie_lsp.errors import PieError
from pie_lsp.job import Job as PipelineJob
from pie_lsp.lsp import command_ids, delivery
from pie_lsp.lsp.arguments import DocumentArgument, ResultArgument
from pie_lsp.lsp.jobs import Job
from pie_lsp.lsp.progress import Progress
from pie_lsp.lsp.results import StoredResult
from pie_lsp.lsp.server import PieServer, current_request
from pie_lsp.lsp.snapshots import Snapshot, take
from pie_lsp.pipeline import OptimizeResult, Pipeline, SpeedupResult, Step
from pie_lsp.profile import changes_json
from pie_lsp.program import Program
from pie_lsp.settings import Settings
from pie_lsp.text import times

log = logging.getLogger(__name__)
T = TypeVar("T")


async def prepare(ls: PieServer, snap: Snapshot) -> tuple[Settings, Pipeline, PipelineJob]:
    """Settings, pipeline and job (the program from the snapshot's text, its tests) for
    a document; the file reads (settings files, test folder) happen in a thread."""
    settings = await asyncio.to_thread(ls.settings_for, snap.path.parent)
    pipeline = await ls.pipelines.get(settings)
    job = await asyncio.to_thread(pipeline.job_for, snap.path, snap.text)
    return settings, pipeline, job


async def run_job(
    ls: PieServer,
    kind: str,
    snap: Snapshot,
    title: str,
    work: Callable[[Progress], Awaitable[T]],
) -> tuple[Job, Progress]:
    """Run `work` as the job (kind, document) with progress; returns when it ended."""
    request = current_request()
    await ls.wait_settings()
    progress = await Progress.start(ls, request.work_done_token, title, "Starting…")
    job = ls.jobs.submit(
        (kind, snap.uri),
        lambda: work(progress),
        request_id=request.id,
        token=progress.token,
        on_queued=lambda: progress.message("Waiting for other PIE work to finish…"),
    )
    log.info("%s %s started (request %s)", kind, snap.path.name, request.id)
    await job.wait()
    return job, progress


async def optimize(ls: PieServer, target: DocumentArgument) -> dict[str, Any]:
    snap = take(ls, target.uri, command_ids.OPTIMIZE)

    async def work(progress: Progress) -> OptimizeResult:
        _, pipeline, request = await prepare(ls, snap)

        # steps show as progress; a better result found so far (rounds) shows at once
        def on_step(step: Step) -> None:
            delivery.streamed(ls, snap, progress, step)

        report = ls.worker.call(asyncio.get_running_loop(), on_step)
        return await ls.worker.run(lambda: pipeline.optimize(request, report))

    what = f"optimizing {snap.path.name}"
    job, progress = await run_job(ls, "optimize", snap, f"PIE: {what}", work)
    failed = delivery.failure(ls, job, progress, what, snap)
    if failed is not None:
        return failed
    result: OptimizeResult = job.task.result()
    progress.end(result.label() if result.status != "error" else f"Failed: {result.error}")
    log.info("%s: %s (%.1f s)", snap.path.name, result.summary(), result.seconds)
    return await delivery.deliver(ls, snap, result)


async def check_speedup(ls: PieServer, target: DocumentArgument) -> dict[str, Any]:
    from pie_lsp.baseline import resolve_baseline

    snap = take(ls, target.uri, command_ids.CHECK_SPEEDUP)
    changes: list[Any] = []  # with pie.profile.inline: the lines that got cheaper or dearer

    async def work(progress: Progress) -> SpeedupResult:
        from pie_lsp.profile import compare_versions

        settings, pipeline, request = await prepare(ls, snap)
        name, text = await asyncio.to_thread(
            resolve_baseline, snap.path, None, cache_dir(settings.cache)
        )
        baseline = Program.from_text(snap.path, text)
        report = ls.worker.call(asyncio.get_running_loop(), progress.step)
        result = await ls.worker.run(
            lambda: pipeline.check_speedup(request, baseline, name, report)
        )
        if settings.profile.inline:
            progress.message("Profiling both versions…")
            found = await ls.worker.run(lambda: compare_versions(pipeline, request, baseline))
            changes.extend(found)
        return result

    what = f"checking the speed of {snap.path.name}"
    job, progress = await run_job(ls, "check", snap, f"PIE: {what}", work)
    failed = delivery.failure(ls, job, progress, what)
    if failed is not None:
        return failed
    result: SpeedupResult = job.task.result()
    progress.end(result.label())
    ls.results.add_speedup(snap.uri, snap.sha, result)
    ls.refresh_lenses()
    text = f"PIE: {snap.path.name}: {result.label()}"
    if result.failures:
        text += f"; failing (not timed): {'; '.join(result.failures[:3])}"
    if changes:
        from pie_lsp.profile import changes_phrase

        text += f"; {changes_phrase(changes)}"
    ls.show(types.MessageType.Warning if result.failures else types.MessageType.Info, text)
    log.info("%s", text)
    return {
        "status": "measured",
        "label": result.label(),
        "speedup": result.speedup,
        "baseline": result.baseline_name,
        "testsPassed": result.tests_passed,
        "testsTotal": result.tests_total,
        "lines": changes_json(changes),
    }


async def save_baseline(ls: PieServer, target: DocumentArgument) -> dict[str, Any]:
    from pie_lsp.baseline import save_baseline as save

    snap = take(ls, target.uri, command_ids.SAVE_BASELINE)
    await ls.wait_settings()
    settings = await asyncio.to_thread(ls.settings_for, snap.path.parent)
    try:
        saved = await asyncio.to_thread(save, snap.path, snap.text, cache_dir(settings.cache))
    except OSError as exc:
        error = PieError(
            f"cannot save the baseline: {exc}",
            hint="check that the cache directory (setting pie.cache.dir) is writable",
        )
        ls.show_error(error, f"saving the baseline of {snap.path.name}")
        return {"status": "error", "error": error.message, "hint": error.hint}
    ls.show(
        types.MessageType.Info,
        f"PIE: saved the current {snap.path.name} as its speedup baseline; "
        "Check speedup now compares against it",
    )
    log.info("baseline of %s saved to %s", snap.path, saved)
    return {"status": "saved", "path": str(saved)}


def _stored_for(ls: PieServer, target: ResultArgument) -> StoredResult | None:
    """The result `target` names; None (the user told) when a document has none."""
    if target.result_id is not None:
        stored = ls.results.get(target.result_id)
        if stored is None:
            raise JsonRpcInvalidParams(
                f"{command_ids.APPLY_RESULT}: no result {target.result_id!r} (results are kept in "
                "memory for this session only); run pie.optimize again"
            )
        return stored
    assert target.uri is not None
    document = ls.document(target.uri)
    if document is None:
        raise JsonRpcInvalidParams(f"{command_ids.APPLY_RESULT}: {target.uri} is not open")
    stored = ls.results.for_text(target.uri, ls.hash_of(document))
    if stored is None:
        ls.show(
            types.MessageType.Info,
            "PIE: no result for the current text; run Optimize program (PIE)",
        )
    return stored


async def apply_result(ls: PieServer, target: ResultArgument) -> dict[str, Any]:
    stored = _stored_for(ls, target)
    if stored is None:
        return {"applied": False}
    if stored.result.status != "optimized":
        ls.show(types.MessageType.Info, f"PIE: nothing to apply: {stored.result.summary()}")
        return {"applied": False}
    current = ls.current_matches(stored.uri, stored.text_sha)
    if current is None:
        ls.show(
            types.MessageType.Warning,
            f"PIE: the file changed since this result was computed; the "
            f"{times(stored.result.speedup or 0.0)} rewrite was not applied. Run Optimize "
            "program (PIE) for the current text.",
        )
        return {"applied": False, "stale": True}
    return await delivery.apply(ls, stored, current)


def progress_cancel(ls: PieServer, params: types.WorkDoneProgressCancelParams) -> None:
    if ls.jobs.cancel_token(params.token):
        log.info("cancelled the work of progress %s", params.token)


def register(server: PieServer) -> None:
    server.command(command_ids.OPTIMIZE)(optimize)
    server.command(command_ids.CHECK_SPEEDUP)(check_speedup)
    server.command(command_ids.SAVE_BASELINE)(save_baseline)
    server.command(command_ids.APPLY_RESULT)(apply_result)
    server.feature(types.WINDOW_WORK_DONE_PROGRESS_CANCEL)(progress_cancel)
