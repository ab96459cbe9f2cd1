"""The server's state and its messages to the editor; no LSP handler lives here.

`PieServer` holds what outlives one request: the settings layers, one pipeline per
distinct settings, the job queue, results in memory, the open documents' hashes and the
logs; and it says things to the editor (`show`, `show_error`, lens refreshes). The
handlers are in `pie_lsp.lsp.features`, a document's text and inputs for one request in
`pie_lsp.lsp.snapshots`, delivering results in `pie_lsp.lsp.delivery`; `pie_lsp.server`
puts them together.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import sys
from collections.abc import Awaitable, Generator, Hashable
from pathlib import Path
from typing import Any, BinaryIO, cast
from urllib.parse import unquote

from attrs import frozen
from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method
from pygls.workspace import TextDocument

from pie_lsp import __version__
from pie_lsp.errors import PieError
from pie_lsp.lsp import arguments, capabilities, framing
from pie_lsp.lsp.jobs import Jobs
from pie_lsp.lsp.logs import ServerLogs, log_path
from pie_lsp.lsp.results import ResultStore, text_hash
from pie_lsp.lsp.worker import Worker
from pie_lsp.lsp.workspace_settings import Pipelines, WorkspaceSettings
from pie_lsp.settings import Settings
from pie_lsp.text import visible

log = logging.getLogger(__name__)


@frozen
class Request:
    """The JSON-RPC request a command handler is serving."""

    id: Hashable | None
    work_done_token: types.ProgressToken | None


_REQUEST: contextvars.ContextVar[Request] = contextvars.ContextVar("pie_request")
_NO_REQUEST = Request(None, None)


def current_request() -> Request:
    """The request being served by the calling handler (ids None outside one)."""
    return _REQUEST.get(_NO_REQUEST)


class PieProtocol(LanguageServerProtocol):
    """pygls' protocol with the hooks PIE's commands need.

    pygls runs a command handler under an id of its own, so `$/cancelRequest` only cancels
    a wrapper future and the work goes on; the request's id and progress token are put in
    a context variable here (copied into the handler's task), and a cancel notification
    also cancels our job for that id. A command sent without its argument gets an error
    naming the argument (pygls only counts them)."""

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

    @lsp_method(types.WORKSPACE_EXECUTE_COMMAND)
    def lsp_workspace__execute_command(
        self, params: types.ExecuteCommandParams
    ) -> Generator[Any, Any, Any]:
        problem = arguments.missing(params.command, params.arguments)
        if problem is not None:
            raise JsonRpcInvalidParams(problem)
        return (yield from super().lsp_workspace__execute_command(params))


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
            converter_factory=arguments.converter,
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

    # -- transport: pygls' loops, reading through pie_lsp.lsp.framing ---------------------
    def start_io(self, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
        framing.serve_io(self, stdin or sys.stdin.buffer, stdout or sys.stdout.buffer)

    def start_tcp(self, host: str, port: int) -> None:
        framing.serve_tcp(self, host, port)

    # -- messages ------------------------------------------------------------------------
    def _send_log(self, level: int, text: str) -> None:
        if self.protocol.writer is None:
            return
        kind = _MESSAGE_TYPES.get(level, types.MessageType.Log)
        self.window_log_message(types.LogMessageParams(type=kind, message=visible(text)))

    def show(self, kind: types.MessageType, text: str) -> None:
        """A message the user sees; `text` may quote candidates, models and compilers, so
        its control characters are made visible."""
        self.window_show_message(types.ShowMessageParams(type=kind, message=visible(text)))

    def show_error(self, exc: PieError, what: str) -> None:
        """One readable message; the long details go to the log."""
        text = f"PIE: {what}: {exc.message}"
        if exc.hint:
            text += f" — {exc.hint}"
        self.show(types.MessageType.Error, text)
        log.error("%s", text)
        if exc.details:
            log.info("details:\n%s", exc.details)

    def refresh_lenses(self) -> None:
        if capabilities.lens_refresh(self.client_capabilities):
            self.workspace_code_lens_refresh(None)

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
        if not capabilities.configuration(self.client_capabilities):
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

    def current_matches(self, uri: str, sha: str) -> TextDocument | None:
        """The document, if it still has the text whose hash is `sha`."""
        document = self.document(uri)
        if document is None or self.hash_of(document) != sha:
            return None
        return document

    # -- background work -----------------------------------------------------------------
    def background(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def stop_background(self) -> None:
        for task in list(self._background):
            task.cancel()
