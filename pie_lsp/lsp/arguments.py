"""The arguments of PIE's commands, as types pygls structures with the server's converter.

A command handler declares `target: DocumentArgument` and pygls (2.x) structures the
`workspace/executeCommand` argument into it with the cattrs converter made here, so
handlers never unpack `*args` by hand. The shapes editors send are kept: a document is
`uri`, `{"uri": uri}` or `{"textDocument": {"uri": uri}}`; `pie.applyResult` also takes a
stored result's id ("r3", from a code action or lens). A bad argument is a JSON-RPC
InvalidParams error saying what was expected.
"""

from __future__ import annotations

import reprlib
from collections.abc import Sequence
from typing import Any

import cattrs
from attrs import frozen
from pygls.protocol import default_converter

from pie_lsp.lsp.command_ids import APPLY_RESULT, CHECK_SPEEDUP, OPTIMIZE, PROFILE, SAVE_BASELINE
from pie_lsp.text import visible

# What each command's one argument is, for the error when it is missing (pygls would only
# say "Expected 1 arguments, got 0").
EXPECTED = {
    OPTIMIZE: "the document URI",
    CHECK_SPEEDUP: "the document URI",
    SAVE_BASELINE: "the document URI",
    APPLY_RESULT: "the result id",
    PROFILE: "the document URI",
}

_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 60


def _shown(value: Any) -> str:
    return visible(_REPR.repr(value))


@frozen
class DocumentArgument:
    """The open document a command acts on."""

    uri: str


@frozen
class ResultArgument:
    """What `pie.applyResult` applies: a stored result (`result_id`), or the result for a
    document's current text (`uri`); exactly one is set."""

    result_id: str | None = None
    uri: str | None = None


def _document(value: Any, _: type) -> DocumentArgument:
    uri = value
    if isinstance(value, dict):
        inner = value.get("textDocument")
        uri = value.get("uri") or (inner.get("uri") if isinstance(inner, dict) else None)
    if not isinstance(uri, str) or not uri:
        raise ValueError(
            f"the first argument must be the document URI (a string), not {_shown(value)}"
        )
    return DocumentArgument(uri)


def _result(value: Any, _: type) -> ResultArgument:
    if isinstance(value, str) and value and not value.startswith(("file:", "untitled:")):
        return ResultArgument(result_id=value)
    try:
        return ResultArgument(uri=_document(value, DocumentArgument).uri)
    except ValueError:
        raise ValueError(
            "the first argument must be a result id (from a code action or lens) or the "
            f"document URI, not {_shown(value)}"
        ) from None


def missing(command: str, arguments: Sequence[Any] | None) -> str | None:
    """The error text when `command` was sent without its argument."""
    what = EXPECTED.get(command)
    if what is None or arguments:
        return None
    return f"{command}: missing argument: {what}"


def converter() -> cattrs.Converter:
    """pygls' converter, able to structure the command arguments above."""
    made: cattrs.Converter = default_converter()  # type: ignore[no-untyped-call]
    made.register_structure_hook(DocumentArgument, _document)
    made.register_structure_hook(ResultArgument, _result)
    return made
