"""Open and closed documents: an opened C++ file shows a result from an earlier session
at once (read from the disk cache in the background); closing one stops its work."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from lsprotocol import types
from pygls.uris import to_fs_path

from pie_lsp.errors import PieError
from pie_lsp.lsp import delivery
from pie_lsp.lsp.server import PieServer
from pie_lsp.lsp.snapshots import is_cpp
from pie_lsp.pipeline import OptimizeResult

log = logging.getLogger(__name__)


def did_open(ls: PieServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.background(warm(ls, params.text_document.uri))


def did_close(ls: PieServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.forget(uri)
    for kind in ("optimize", "check"):
        job = ls.jobs.running((kind, uri))
        if job is not None and job.cancel("cancelled"):
            log.info("stopped %s of %s: the document was closed", kind, uri)


async def warm(ls: PieServer, uri: str) -> None:
    """Fill the memory store from the disk cache for a newly opened document, so a
    result computed in an earlier session shows at once (best effort, silent)."""
    document = ls.document(uri)
    if document is None or not is_cpp(uri, document.language_id):
        return
    path = to_fs_path(uri)
    if path is None:
        return
    sha = ls.hash_of(document)
    if ls.results.for_text(uri, sha) is not None:
        return
    text, where = document.source, Path(path)
    # silent: a settings error is shown when the user asks for work, not on opening
    settings, error = ls.settings.resolve(where.parent)
    if error is not None or not settings.cache.enabled:
        return
    try:
        pipeline = await ls.pipelines.get(settings)

        def lookup() -> OptimizeResult | None:
            return pipeline.cached(pipeline.job_for(where, text))

        cached = await asyncio.to_thread(lookup)
    except PieError:
        return
    if cached is None or cached.original_source != text:
        return
    delivery.store(ls, uri, sha, text, cached)
    log.info("%s: a cached result: %s", where.name, cached.label())


def register(server: PieServer) -> None:
    server.feature(types.TEXT_DOCUMENT_DID_OPEN)(did_open)
    server.feature(types.TEXT_DOCUMENT_DID_CLOSE)(did_close)
