"""The language server: LSP requests in, calls to the one pipeline out.

Handlers here only translate. `textDocument/codeAction`, code lenses and hovers answer
from memory (pie_lsp.lsp.results); `workspace/executeCommand` runs `pie.optimize`,
`pie.checkSpeedup`, `pie.saveBaseline` and `pie.applyResult`, long ones as cancellable
jobs (pie_lsp.lsp.jobs) with `$/progress`. Results reach the editor as
`workspace/applyEdit`, never by writing the user's file. See docs/ARCHITECTURE.md.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import sys
from collections.abc import Awaitable, Callable, Hashable, Sequence
from pathlib import Path
from typing import Any, TypeVar, cast
from urllib.parse import unquote, urlparse

from attrs import frozen
from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.uris import to_fs_path
from pygls.workspace import TextDocument

from pie_lsp import __version__
from pie_lsp.cache import cache_dir
from pie_lsp.errors import PieError
from pie_lsp.lsp import presentation as show
from pie_lsp.lsp.jobs import Job, Jobs
from pie_lsp.lsp.logs import ServerLogs, log_path
from pie_lsp.lsp.progress import Progress
from pie_lsp.lsp.results import ResultStore, StoredResult, text_hash
from pie_lsp.lsp.worker import Worker
from pie_lsp.lsp.workspace_settings import Pipelines, WorkspaceSettings
from pie_lsp.pipeline import OptimizeResult, Pipeline, SpeedupResult
from pie_lsp.program import Program
from pie_lsp.settings import Settings
from pie_lsp.verify import TestSuite, find_tests

log = logging.getLogger("pie_lsp.server")
T = TypeVar("T")


@frozen
class Request:
    """The JSON-RPC request a command handler is serving."""

    id: Hashable | None
    work_done_token: types.ProgressToken | None


_REQUEST: contextvars.ContextVar[Request] = contextvars.ContextVar("pie_request")
_NO_REQUEST = Request(None, None)


class PieProtocol(LanguageServerProtocol):
    """pygls' protocol with the two hooks a cancellable command needs.

    pygls runs a command handler under an id of its own, so `$/cancelRequest` only cancels
    a wrapper future and the work goes on; the request's id and progress token are put in
    a context variable here (copied into the handler's task), and a cancel notification
    also cancels our job for that id."""

    def _handle_request(self, msg_id: Any, method_name: str, params: Any) -> None:
        token = getattr(params, "work_done_token", None)
        reset = _REQUEST.set(Request(msg_id, token))
        try:
            super()._handle_request(msg_id, method_name, params)
        finally:
            _REQUEST.reset(reset)

    def _handle_cancel_notification(self, msg_id: Any) -> None:
        super()._handle_cancel_notification(msg_id)
        server = cast(PieServer, self._server)
        if server.jobs.cancel_request(msg_id):
            log.info("cancelled the work of request %s", msg_id)


@frozen
class Snapshot:
    """A document's text as the editor had it when a command started."""

    uri: str
    path: Path
    text: str
    version: int | None
    sha: str


_MESSAGE_TYPES = {
    logging.ERROR: types.MessageType.Error,
    logging.WARNING: types.MessageType.Warning,
    logging.INFO: types.MessageType.Info,
}


class PieServer(LanguageServer):
    """The server's state: settings layers, pipelines, jobs and results in memory."""

    def __init__(self) -> None:
        super().__init__(
            "pie-lsp",
            __version__,
            protocol_cls=PieProtocol,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
        )
        self.settings = WorkspaceSettings()
        self.pipelines = Pipelines()
        self.worker = Worker()
        self.jobs = Jobs(Settings().effective_jobs())
        self.results = ResultStore()
        self.logs = ServerLogs(self._send_log)
        self.root: Path | None = None
        self.settings_ready = asyncio.Event()
        self._shown_settings_error: str | None = None
        self._hashes: dict[str, tuple[int | None, int, str]] = {}
        self._background: set[asyncio.Task[Any]] = set()

    # -- messages ------------------------------------------------------------------------
    def _send_log(self, level: int, text: str) -> None:
        if self.protocol.writer is None:
            return
        kind = _MESSAGE_TYPES.get(level, types.MessageType.Log)
        self.window_log_message(types.LogMessageParams(type=kind, message=text))

    def show(self, kind: types.MessageType, text: str) -> None:
        self.window_show_message(types.ShowMessageParams(type=kind, message=text))

    def show_error(self, exc: PieError, what: str) -> None:
        """One readable message; the long details go to the log."""
        text = f"PIE: {what}: {exc.message}"
        if exc.hint:
            text += f" — {exc.hint}"
        self.show(types.MessageType.Error, text)
        log.error("%s", text)
        if exc.details:
            log.info("details:\n%s", exc.details)

    # -- settings ------------------------------------------------------------------------
    def settings_for(self, folder: Path | None) -> Settings:
        settings, error = self.settings.resolve(folder)
        if error is not None:
            text = f"PIE: {error.message} — using the default settings ({error.hint})"
            log.warning("%s", text)
            if text != self._shown_settings_error:
                self._shown_settings_error = text
                self.show(types.MessageType.Error, text)
        elif folder == self.root:
            self._shown_settings_error = None
        return settings

    def refresh_settings(self) -> Settings:
        settings = self.settings_for(self.root)
        self.jobs.set_parallel(settings.effective_jobs())
        problem = self.logs.use_file(log_path(settings))
        if problem:
            log.warning("%s", problem)
        return settings

    async def pull_configuration(self) -> None:
        if not show.supports_configuration(self.client_capabilities):
            return
        try:
            values = await asyncio.wait_for(
                self.workspace_configuration_async(
                    types.ConfigurationParams(items=[types.ConfigurationItem(section="pie")])
                ),
                10,
            )
        except Exception as exc:  # a client error must not stop the server
            log.warning("workspace/configuration failed: %s", exc)
            return
        self.settings.set_configuration(values[0] if values else None)

    async def wait_settings(self) -> None:
        # `initialized` pulls the configuration; a command must not race it
        try:
            await asyncio.wait_for(self.settings_ready.wait(), 15)
        except TimeoutError:
            log.warning("no `initialized` from the client; using the settings known so far")

    # -- documents -----------------------------------------------------------------------
    def document(self, uri: str) -> TextDocument | None:
        return cast(dict[str, TextDocument], self.workspace.text_documents).get(unquote(uri))

    def hash_of(self, document: TextDocument) -> str:
        """The text's hash, computed once per version (code actions ask often)."""
        text = document.source
        known = self._hashes.get(document.uri)
        if known is not None and known[0] == document.version and known[1] == len(text):
            return known[2]
        sha = text_hash(text)
        self._hashes[document.uri] = (document.version, len(text), sha)
        return sha

    def forget(self, uri: str) -> None:
        self._hashes.pop(uri, None)

    def snapshot(self, uri: str, command: str) -> Snapshot:
        """The open C++ document `uri`, or a JSON-RPC error saying what is wrong."""
        document = self.document(uri)
        if document is None:
            raise JsonRpcInvalidParams(
                f"{command}: {uri} is not open in the editor; open the file first"
            )
        if urlparse(uri).scheme != "file" or to_fs_path(uri) is None:
            raise JsonRpcInvalidParams(
                f"{command}: {uri} is not a file on disk; save it first (its tests are "
                "looked for next to it)"
            )
        if not show.is_cpp(uri, document.language_id):
            raise JsonRpcInvalidParams(
                f"{command}: {Path(document.path).name} is not a C++ file "
                "(.cpp, .cc, .cxx, .hpp…); PIE optimizes C++ programs"
            )
        return Snapshot(
            uri,
            Path(str(to_fs_path(uri))),
            document.source,
            document.version,
            self.hash_of(document),
        )

    def current_matches(self, uri: str, sha: str) -> TextDocument | None:
        document = self.document(uri)
        if document is None or self.hash_of(document) != sha:
            return None
        return document

    def ready_edit(
        self, stored: StoredResult, version: int | None, *, for_action: bool
    ) -> types.WorkspaceEdit:
        caps = self.client_capabilities
        annotate = (
            show.code_action_honors_annotations(caps)
            if for_action
            else show.supports_annotations(caps)
        )
        return show.workspace_edit(
            stored.uri,
            version,
            stored.edits,
            show.apply_title(stored.result),
            document_changes=show.supports_document_changes(caps),
            annotate=annotate,
        )

    def refresh_lenses(self) -> None:
        if show.supports_lens_refresh(self.client_capabilities):
            self.workspace_code_lens_refresh(None)

    def stop_background(self) -> None:
        for task in list(self._background):
            task.cancel()

    def background(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    # -- jobs ----------------------------------------------------------------------------
    async def run_job(
        self,
        kind: str,
        snap: Snapshot,
        title: str,
        work: Callable[[Progress], Awaitable[T]],
    ) -> tuple[Job, Progress]:
        """Run `work` as the job (kind, document) with progress; returns when it ended."""
        request = _REQUEST.get(_NO_REQUEST)
        await self.wait_settings()
        progress = await Progress.start(self, request.work_done_token, title, "Starting…")
        job = self.jobs.submit(
            (kind, snap.uri),
            lambda: work(progress),
            request_id=request.id,
            token=progress.token,
            on_queued=lambda: progress.message("Waiting for other PIE work to finish…"),
        )
        log.info("%s %s started (request %s)", kind, snap.path.name, request.id)
        await job.wait()
        return job, progress

    def job_failure(self, job: Job, progress: Progress, what: str) -> dict[str, Any] | None:
        """The command's answer if the job did not produce a value, else None."""
        if job.task.cancelled():
            reason = job.stopped or "cancelled"
            words = {
                "cancelled": "Cancelled",
                "superseded": "Superseded by a newer request",
                "shutdown": "Stopped: the server is shutting down",
            }[reason]
            progress.end(words)
            log.info("%s: %s", what, words.lower())
            return {"status": reason}
        exc = job.task.exception()
        if exc is None:
            return None
        if isinstance(exc, PieError):
            progress.end(f"Failed: {exc.message}")
            self.show_error(exc, what)
            return {"status": "error", "error": exc.message, "hint": exc.hint}
        progress.end("Failed: internal error")
        log.error("%s failed", what, exc_info=exc)
        self.show(
            types.MessageType.Error,
            f"PIE: {what} failed with an internal error ({type(exc).__name__}: {exc}); "
            f"the details are in the log {self.logs.path}",
        )
        return {"status": "error", "error": f"internal error: {exc}"}

    async def prepare(self, snap: Snapshot) -> tuple[Settings, Pipeline, Program, TestSuite]:
        """Settings, pipeline, program (from the buffer) and tests for a document; the
        file reads (settings files, test folder) happen in a thread."""
        settings = await asyncio.to_thread(self.settings_for, snap.path.parent)
        pipeline = await self.pipelines.get(settings)

        def read() -> tuple[Program, TestSuite]:
            program = Program.from_text(snap.path, snap.text)
            tests = settings.tests.dir
            folder = (snap.path.parent / tests) if tests else None
            return program, find_tests(snap.path, folder)

        program, suite = await asyncio.to_thread(read)
        return settings, pipeline, program, suite

    # -- delivering ----------------------------------------------------------------------
    async def deliver(self, snap: Snapshot, result: OptimizeResult) -> dict[str, Any]:
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
            self.show_error(
                PieError(result.error or "failed", hint=result.hint, details=result.error_details),
                f"optimizing {name}",
            )
            answer.update(error=result.error, hint=result.hint)
            return answer
        edits: list[types.TextEdit] = []
        if result.status == "optimized" and result.optimized_source is not None:
            document = self.document(snap.uri)
            codec = document.position_codec if document else self.workspace.position_codec
            edits = show.text_edits(snap.text, result.optimized_source, codec)
        stored = self.results.add(snap.uri, snap.sha, result, edits)
        answer["resultId"] = stored.id
        self.refresh_lenses()
        if result.status != "optimized":
            self.show(types.MessageType.Info, f"PIE: {name}: {result.summary()}")
            return answer
        current = self.current_matches(snap.uri, snap.sha)
        if current is None:
            answer.update(applied=False, stale=True)
            self.show(
                types.MessageType.Warning,
                f"PIE: {name} changed while it was being optimized, so the "
                f"{result.speedup:.1f}× rewrite was not applied. It is offered again if the "
                "file returns to the text it was computed for; run Optimize program (PIE) "
                "for the current text.",
            )
            return answer
        answer.update(await self.apply(stored, current))
        return answer

    async def apply(self, stored: StoredResult, document: TextDocument) -> dict[str, Any]:
        title = show.apply_title(stored.result)
        if not show.supports_apply_edit(self.client_capabilities):
            self.show(
                types.MessageType.Info,
                f"PIE: ready — choose the code action “{title}” to apply it",
            )
            return {"applied": False}
        edit = self.ready_edit(stored, document.version, for_action=False)
        try:
            reply = await self.workspace_apply_edit_async(
                types.ApplyWorkspaceEditParams(edit=edit, label=title)
            )
        except Exception as exc:
            log.warning("workspace/applyEdit failed: %s", exc)
            reply = types.ApplyWorkspaceEditResult(applied=False, failure_reason=str(exc))
        if reply.applied:
            log.info("applied %s to %s", stored.id, document.filename)
            return {"applied": True}
        why = f" ({reply.failure_reason})" if reply.failure_reason else ""
        self.show(
            types.MessageType.Info,
            f"PIE: the rewrite was not applied{why}; it stays available as the code action "
            f"“{title}” while the file is unchanged",
        )
        return {"applied": False, "failureReason": reply.failure_reason}

    async def warm(self, uri: str) -> None:
        """Fill the memory store from the disk cache for a newly opened document, so a
        result computed in an earlier session shows at once (best effort, silent)."""
        document = self.document(uri)
        if document is None or not show.is_cpp(uri, document.language_id):
            return
        path = to_fs_path(uri)
        if path is None:
            return
        sha = self.hash_of(document)
        if self.results.for_text(uri, sha) is not None:
            return
        snap = Snapshot(uri, Path(path), document.source, document.version, sha)
        settings, error = self.settings.resolve(snap.path.parent)
        if error is not None or not settings.cache.enabled:
            return
        try:
            pipeline = await self.pipelines.get(settings)

            def lookup() -> Any:
                program = Program.from_text(snap.path, snap.text)
                folder = (snap.path.parent / settings.tests.dir) if settings.tests.dir else None
                suite = find_tests(snap.path, folder)
                return pipeline.cache.get(pipeline.result_key(program, suite))

            cached = await asyncio.to_thread(lookup)
        except PieError:
            return
        if isinstance(cached, OptimizeResult) and cached.original_source == snap.text:
            edits = []
            if cached.status == "optimized" and cached.optimized_source is not None:
                edits = show.text_edits(snap.text, cached.optimized_source, document.position_codec)
            self.results.add(uri, sha, cached, edits)
            log.info("%s: a cached result: %s", snap.path.name, cached.label())
            self.refresh_lenses()


# -- arguments -------------------------------------------------------------------------------


def _uri_argument(args: Sequence[Any], command: str) -> str:
    """The document URI of a command: `[uri]` or `[{"uri": uri}]`."""
    if not args:
        raise JsonRpcInvalidParams(f"{command}: missing argument: the document URI")
    first = args[0]
    if isinstance(first, dict):
        first = first.get("uri") or (first.get("textDocument") or {}).get("uri")
    if not isinstance(first, str) or not first:
        raise JsonRpcInvalidParams(
            f"{command}: the first argument must be the document URI (a string), not {args[0]!r}"
        )
    return first


# -- handlers --------------------------------------------------------------------------------


def create_server() -> PieServer:
    """A server with every handler registered."""
    server = PieServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: PieServer, params: types.InitializeParams) -> None:
        ls.settings.set_init_options(params.initialization_options)
        folders = params.workspace_folders or []
        root = folders[0].uri if folders else params.root_uri
        root_path = to_fs_path(root) if root else params.root_path
        ls.root = Path(root_path) if root_path else None
        settings, _ = ls.settings.resolve(ls.root)
        ls.logs.use_file(log_path(settings))
        log.info("pie-lsp %s for %s; log file %s", __version__, ls.root, ls.logs.path)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: PieServer, params: types.InitializedParams) -> None:
        await ls.pull_configuration()
        caps = ls.client_capabilities
        dynamic = caps.workspace and caps.workspace.did_change_configuration
        if dynamic and dynamic.dynamic_registration:
            # VS Code sends configuration changes only to servers that register for them
            registration = types.Registration(
                id="pie-lsp-configuration",
                method=types.WORKSPACE_DID_CHANGE_CONFIGURATION,
                register_options=types.DidChangeConfigurationRegistrationOptions(section="pie"),
            )
            try:
                await asyncio.wait_for(
                    ls.client_register_capability_async(
                        types.RegistrationParams(registrations=[registration])
                    ),
                    10,
                )
            except Exception as exc:
                log.info("client/registerCapability failed: %s", exc)
        ls.refresh_settings()
        ls.settings_ready.set()

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(
        ls: PieServer, params: types.DidChangeConfigurationParams
    ) -> None:
        if show.supports_configuration(ls.client_capabilities):
            await ls.pull_configuration()
        else:
            ls.settings.set_configuration(params.settings)
        ls.refresh_settings()
        log.info("settings changed")

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: PieServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.background(ls.warm(params.text_document.uri))

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: PieServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.forget(uri)
        for kind in ("optimize", "check"):
            job = ls.jobs.running((kind, uri))
            if job is not None and job.cancel("cancelled"):
                log.info("stopped %s of %s: the document was closed", kind, uri)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[show.KIND_REWRITE, show.KIND_SOURCE], resolve_provider=False
        ),
    )
    def code_action(ls: PieServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        uri = params.text_document.uri
        document = ls.document(uri)
        if document is None or not show.is_cpp(uri, document.language_id):
            return None
        stored = ls.results.for_text(uri, ls.hash_of(document))
        ready, apply_id = None, None
        if stored is not None and stored.result.status == "optimized" and stored.edits:
            if show.applies_rewrites_by_command(ls.client_capabilities):
                apply_id = stored.id
            else:
                ready = ls.ready_edit(stored, document.version, for_action=True)
        result = stored.result if stored is not None else None
        return show.code_actions(uri, ready, result, params.context.only, apply_id)

    @server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=False))
    def code_lens(ls: PieServer, params: types.CodeLensParams) -> list[types.CodeLens] | None:
        uri = params.text_document.uri
        document = ls.document(uri)
        if document is None:
            return None
        sha = ls.hash_of(document)
        stored = ls.results.for_text(uri, sha)
        return show.code_lenses(
            stored.id if stored else None,
            stored.result if stored else None,
            ls.results.speedup_for_text(uri, sha),
            uri,
        )

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: PieServer, params: types.HoverParams) -> types.Hover | None:
        uri = params.text_document.uri
        document = ls.document(uri)
        if document is None or params.position.line != 0:
            return None
        sha = ls.hash_of(document)
        stored = ls.results.for_text(uri, sha)
        text = show.hover_markdown(
            stored.result if stored else None, ls.results.speedup_for_text(uri, sha)
        )
        if text is None:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text))

    @server.feature(types.WINDOW_WORK_DONE_PROGRESS_CANCEL)
    def progress_cancel(ls: PieServer, params: types.WorkDoneProgressCancelParams) -> None:
        if ls.jobs.cancel_token(params.token):
            log.info("cancelled the work of progress %s", params.token)

    @server.feature(types.SHUTDOWN)
    async def shutdown(ls: PieServer, params: None) -> None:
        await ls.jobs.cancel_all("shutdown")
        ls.stop_background()
        await ls.pipelines.aclose(ls.worker)
        await asyncio.to_thread(ls.worker.stop)
        log.info("shut down")

    @server.command(show.OPTIMIZE)
    async def optimize(ls: PieServer, *args: Any) -> dict[str, Any]:
        snap = ls.snapshot(_uri_argument(args, show.OPTIMIZE), show.OPTIMIZE)

        async def work(progress: Progress) -> OptimizeResult:
            _, pipeline, program, suite = await ls.prepare(snap)
            report = ls.worker.call(asyncio.get_running_loop(), progress.step)
            return await ls.worker.run(lambda: pipeline.optimize(program, suite, report))

        job, progress = await ls.run_job(
            "optimize", snap, f"PIE: optimizing {snap.path.name}", work
        )
        failed = ls.job_failure(job, progress, f"optimizing {snap.path.name}")
        if failed is not None:
            return failed
        result: OptimizeResult = job.task.result()
        progress.end(result.label() if result.status != "error" else f"Failed: {result.error}")
        log.info("%s: %s (%.1f s)", snap.path.name, result.summary(), result.seconds)
        return await ls.deliver(snap, result)

    @server.command(show.CHECK_SPEEDUP)
    async def check_speedup(ls: PieServer, *args: Any) -> dict[str, Any]:
        from pie_lsp.baseline import resolve_baseline

        snap = ls.snapshot(_uri_argument(args, show.CHECK_SPEEDUP), show.CHECK_SPEEDUP)

        async def work(progress: Progress) -> SpeedupResult:
            settings, pipeline, current, suite = await ls.prepare(snap)
            name, text = await asyncio.to_thread(
                resolve_baseline, snap.path, None, cache_dir(settings.cache)
            )
            baseline = Program.from_text(snap.path, text)
            report = ls.worker.call(asyncio.get_running_loop(), progress.step)
            return await ls.worker.run(
                lambda: pipeline.check_speedup(baseline, current, suite, name, report)
            )

        job, progress = await ls.run_job(
            "check", snap, f"PIE: checking the speed of {snap.path.name}", work
        )
        failed = ls.job_failure(job, progress, f"checking the speed of {snap.path.name}")
        if failed is not None:
            return failed
        result: SpeedupResult = job.task.result()
        progress.end(result.label())
        ls.results.add_speedup(snap.uri, snap.sha, result)
        ls.refresh_lenses()
        text = f"PIE: {snap.path.name}: {result.label()}"
        if result.failures:
            text += f"; failing (not timed): {'; '.join(result.failures[:3])}"
        ls.show(types.MessageType.Warning if result.failures else types.MessageType.Info, text)
        log.info("%s", text)
        return {
            "status": "measured",
            "label": result.label(),
            "speedup": result.speedup,
            "baseline": result.baseline_name,
            "testsPassed": result.tests_passed,
            "testsTotal": result.tests_total,
        }

    @server.command(show.SAVE_BASELINE)
    async def save_baseline(ls: PieServer, *args: Any) -> dict[str, Any]:
        from pie_lsp.baseline import save_baseline as save

        snap = ls.snapshot(_uri_argument(args, show.SAVE_BASELINE), show.SAVE_BASELINE)
        await ls.wait_settings()
        settings = await asyncio.to_thread(ls.settings_for, snap.path.parent)
        try:
            target = await asyncio.to_thread(save, snap.path, snap.text, cache_dir(settings.cache))
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
        log.info("baseline of %s saved to %s", snap.path, target)
        return {"status": "saved", "path": str(target)}

    @server.command(show.APPLY_RESULT)
    async def apply_result(ls: PieServer, *args: Any) -> dict[str, Any]:
        if not args:
            raise JsonRpcInvalidParams(f"{show.APPLY_RESULT}: missing argument: the result id")
        first = args[0]
        if isinstance(first, str) and not first.startswith(("file:", "untitled:")):
            stored = ls.results.get(first)
            if stored is None:
                raise JsonRpcInvalidParams(
                    f"{show.APPLY_RESULT}: no result {first!r} (results are kept in memory "
                    "for this session only); run pie.optimize again"
                )
        else:
            uri = _uri_argument(args, show.APPLY_RESULT)
            document = ls.document(uri)
            if document is None:
                raise JsonRpcInvalidParams(f"{show.APPLY_RESULT}: {uri} is not open")
            stored = ls.results.for_text(uri, ls.hash_of(document))
            if stored is None:
                ls.show(
                    types.MessageType.Info,
                    "PIE: no result for the current text; run Optimize program (PIE)",
                )
                return {"applied": False}
        if stored.result.status != "optimized":
            ls.show(types.MessageType.Info, f"PIE: nothing to apply: {stored.result.summary()}")
            return {"applied": False}
        current = ls.current_matches(stored.uri, stored.text_sha)
        if current is None:
            ls.show(
                types.MessageType.Warning,
                f"PIE: the file changed since this result was computed; the "
                f"{stored.result.speedup:.1f}× rewrite was not applied. Run Optimize "
                "program (PIE) for the current text.",
            )
            return {"applied": False, "stale": True}
        return await ls.apply(stored, current)

    return server


def _parse_tcp(value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise PieError(
            f"--tcp {value!r}: expected HOST:PORT", hint="e.g. pie-lsp serve --tcp 127.0.0.1:2087"
        )
    return host.strip("[]") or "127.0.0.1", int(port)


def serve(tcp: str | None = None) -> int:
    """Run the server on stdio (what editors start) or on TCP; returns the exit code."""
    address = _parse_tcp(tcp) if tcp else None
    server = create_server()
    try:
        if address is not None:
            server.start_tcp(*address)
        else:
            # stdout carries the protocol: anything else printed there would corrupt it
            stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
            sys.stdout = sys.stderr
            server.start_io(stdin, stdout)
    finally:
        server.worker.stop()
        server.logs.close()
    return 0
