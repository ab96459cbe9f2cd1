"""A document as one request sees it: the text when the request started (the pipeline
makes the job, program and tests, from it: `Pipeline.job_for`).

A command works on a snapshot, never on the live buffer: the user may keep typing, and
the result is delivered only if the buffer still has the snapshot's text.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlparse

from attrs import frozen
from pygls.exceptions import JsonRpcInvalidParams
from pygls.uris import to_fs_path

from pie_lsp.lsp.server import PieServer
from pie_lsp.program import CPP_SUFFIXES

CPP_LANGUAGE_IDS = frozenset({"cpp", "c++", "cuda-cpp", "objective-cpp"})


def is_cpp(uri: str, language_id: str | None = None) -> bool:
    """Whether PIE answers for this document: a C++ file suffix, or no suffix and a
    language the editor calls C++ (an unsaved buffer)."""
    suffix = PurePosixPath(unquote(urlparse(uri).path)).suffix.lower()
    if suffix in CPP_SUFFIXES:
        return True
    return language_id is not None and language_id.lower() in CPP_LANGUAGE_IDS and not suffix


@frozen
class Snapshot:
    """A document's text as the editor had it when a command started."""

    uri: str
    path: Path
    text: str
    version: int | None
    sha: str


def take(ls: PieServer, uri: str, command: str) -> Snapshot:
    """The open C++ document `uri` now, or a JSON-RPC error saying what is wrong."""
    document = ls.document(uri)
    if document is None:
        raise JsonRpcInvalidParams(
            f"{command}: {uri} is not open in the editor; open the file first"
        )
    if urlparse(uri).scheme != "file" or to_fs_path(uri) is None:
        raise JsonRpcInvalidParams(
            f"{command}: {uri} is not a file on disk; save it first (its tests are "
            "looked for next to it)"
        )
    if not is_cpp(uri, document.language_id):
        raise JsonRpcInvalidParams(
            f"{command}: {Path(document.path).name} is not a C++ file "
            "(.cpp, .cc, .cxx, .hpp…); PIE optimizes C++ programs"
        )
    path = Path(str(to_fs_path(uri)))
    if not path.is_file():  # opened under a name not written yet (`code new.cpp`)
        raise JsonRpcInvalidParams(
            f"{command}: {path.name} is not saved yet; save it first (its tests are looked "
            "for next to it)"
        )
    return Snapshot(
        uri,
        path,
        document.source,
        document.version,
        ls.hash_of(document),
    )
