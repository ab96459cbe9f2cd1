"""`$/progress` for one job: begin (cancellable), a report per pipeline step, end.

Every text goes through `text.visible`: steps and failures quote compiler and candidate output.

The token is the one the client sent with the request (`workDoneToken`) or, for clients
that support server-initiated progress, one created with `window/workDoneProgress/create`.
Clients without either get no progress, only the final message.
"""

from __future__ import annotations

import asyncio
import logging
import uuid

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from pie_lsp.lsp import capabilities
from pie_lsp.lsp.presentation import percentage
from pie_lsp.pipeline import Step
from pie_lsp.text import visible

log = logging.getLogger(__name__)

# A client that never answers the create request must not hold up the work.
_CREATE_TIMEOUT = 10.0


class Progress:
    """The progress of one job as the editor sees it."""

    def __init__(self, server: LanguageServer, token: types.ProgressToken | None) -> None:
        self.server = server
        self.token = token
        self.percent = 0
        self.ended = False

    @classmethod
    async def start(
        cls, server: LanguageServer, given: types.ProgressToken | None, title: str, message: str
    ) -> Progress:
        token = given
        if token is None and capabilities.progress(server.client_capabilities):
            token = f"pie-{uuid.uuid4().hex[:12]}"
            try:
                await asyncio.wait_for(
                    server.work_done_progress.create_async(token), _CREATE_TIMEOUT
                )
            except Exception as exc:  # the client refused or timed out: work without it
                log.info("no progress shown: window/workDoneProgress/create failed: %s", exc)
                token = None
        progress = cls(server, token)
        if token is not None:
            server.work_done_progress.begin(
                token,
                types.WorkDoneProgressBegin(
                    title=visible(title), cancellable=True, message=visible(message), percentage=0
                ),
            )
        return progress

    def message(self, text: str) -> None:
        if self.token is not None and not self.ended:
            self.server.work_done_progress.report(
                self.token,
                types.WorkDoneProgressReport(message=visible(text), percentage=self.percent),
            )

    def step(self, step: Step) -> None:
        """A pipeline step (the pipeline's Reporter)."""
        # never let the bar run backwards: steps of parallel candidates interleave
        self.percent = max(self.percent, min(99, percentage(step)))
        self.message(step.message)

    def end(self, text: str) -> None:
        if self.token is None or self.ended:
            return
        self.ended = True
        self.server.work_done_progress.end(
            self.token, types.WorkDoneProgressEnd(message=visible(text))
        )
        # pygls keeps a future per token; drop it so the table does not grow
        self.server.work_done_progress.tokens.pop(self.token, None)
