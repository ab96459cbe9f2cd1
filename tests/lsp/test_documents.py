"""Opening a document shows a result computed earlier (by the CLI's path, here) from the
disk cache, for exactly its text and its settings; closing one stops its work. The real
pipeline (g++, tests, valgrind estimate) makes the earlier result; the server is
initialized without a loop or a client."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from lsprotocol import types

from pie_lsp.lsp.features import documents
from pie_lsp.lsp.results import StoredResult
from pie_lsp.lsp.server import PieServer
from pie_lsp.pipeline import Pipeline
from pie_lsp.settings import Settings

from ..conftest import DOUBLER, write_program
from .test_answers import started


@pytest.fixture
def server(tmp_path: Path) -> Iterator[PieServer]:
    made = started(types.ClientCapabilities(), tmp_path)
    made.settings.set_init_options(
        {"cache": {"dir": str(tmp_path / "cache")}, "simulator": {"backend": "estimate"}}
    )
    yield made
    made.logs.close()


def opened(ls: PieServer, path: Path, text: str) -> str:
    uri = path.as_uri()
    ls.workspace.put_text_document(types.TextDocumentItem(uri, "cpp", 1, text))
    return uri


def stored_for(ls: PieServer, uri: str) -> StoredResult | None:
    document = ls.document(uri)
    assert document is not None
    return ls.results.for_text(uri, ls.hash_of(document))


async def test_a_cached_result_shows_when_its_text_is_opened(
    server: PieServer, tmp_path: Path
) -> None:
    path = write_program(tmp_path / "p", DOUBLER, {"1": ("1\n2\n", "2\n4\n")})
    settings = Settings()
    settings.cache.dir = str(tmp_path / "cache")
    settings.simulator.backend = "estimate"
    async with Pipeline(settings) as pipeline:
        job = pipeline.job_for(path)
        assert pipeline.cached(job) is None
        earlier = await pipeline.optimize(job)
        cached = pipeline.cached(job)
        assert cached is not None and cached.label() == earlier.label()
        assert pipeline.cached(pipeline.job_for(path, DOUBLER + "\n")) is None

    # another text of the same file: nothing to show
    uri = opened(server, path, DOUBLER + "// edited\n")
    await documents.warm(server, uri)
    assert stored_for(server, uri) is None

    uri = opened(server, path, DOUBLER)
    await documents.warm(server, uri)
    stored = stored_for(server, uri)
    assert stored is not None and stored.result.label() == earlier.label()
    await server.pipelines.aclose()


async def test_closing_a_document_stops_its_work(server: PieServer, tmp_path: Path) -> None:
    uri = (tmp_path / "a.cpp").as_uri()
    job = server.jobs.submit(("optimize", uri), asyncio.Event().wait)
    other = server.jobs.submit(("optimize", "file:///elsewhere.cpp"), asyncio.Event().wait)
    documents.did_close(server, types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri)))
    await job.wait()
    assert job.stopped == "cancelled" and not other.task.done()
    other.cancel("cancelled")
    await other.wait()
