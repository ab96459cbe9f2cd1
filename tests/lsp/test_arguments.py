"""Command arguments: every shape the editors send is structured into the handler's typed
argument by pygls with the server's converter, and a bad or missing argument is an
InvalidParams error saying what was expected (checked through the server's real
`workspace/executeCommand` handler, without a loop or a client)."""

from __future__ import annotations

from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from pie_lsp.lsp.arguments import DocumentArgument, ResultArgument
from pie_lsp.server import create_server

URI = "file:///w/a.cpp"


def structured(command: str, arguments: list[Any] | None) -> tuple[Any, ...]:
    """The arguments pygls would call `command`'s handler with."""
    server = create_server()
    try:
        steps = server.protocol.lsp_workspace__execute_command(
            types.ExecuteCommandParams(command=command, arguments=arguments)
        )
        _handler, args, _kwargs = next(steps)
        return tuple(args)
    finally:
        server.logs.close()


def rejected(command: str, arguments: list[Any] | None) -> str:
    with pytest.raises(JsonRpcInvalidParams) as raised:
        structured(command, arguments)
    assert raised.value.code == -32602
    return str(raised.value)


@pytest.mark.parametrize(
    "argument", [URI, {"uri": URI}, {"textDocument": {"uri": URI}}, {"uri": URI, "x": 1}]
)
@pytest.mark.parametrize(
    "command", ["pie.optimize", "pie.checkSpeedup", "pie.saveBaseline", "pie.profile"]
)
def test_every_shape_of_a_document_argument(command: str, argument: Any) -> None:
    assert structured(command, [argument]) == (DocumentArgument(URI),)


def test_apply_takes_a_result_id_or_a_document() -> None:
    assert structured("pie.applyResult", ["r7"]) == (ResultArgument(result_id="r7"),)
    assert structured("pie.applyResult", [URI]) == (ResultArgument(uri=URI),)
    assert structured("pie.applyResult", [{"uri": URI}]) == (ResultArgument(uri=URI),)
    assert structured("pie.applyResult", ["untitled:1"]) == (ResultArgument(uri="untitled:1"),)


@pytest.mark.parametrize("arguments", [None, []])
def test_a_missing_argument_is_named(arguments: list[Any] | None) -> None:
    assert "pie.optimize: missing argument: the document URI" in rejected("pie.optimize", arguments)
    assert "pie.applyResult: missing argument: the result id" in rejected(
        "pie.applyResult", arguments
    )


@pytest.mark.parametrize(
    "bad", [42, "", None, {"uri": 3}, {"textDocument": "x"}, {"textDocument": {}}, [URI]]
)
def test_a_bad_document_argument_says_what_was_expected(bad: Any) -> None:
    text = rejected("pie.optimize", [bad])
    assert "the first argument must be the document URI (a string)" in text
    assert rejected("pie.applyResult", [bad]).count("a result id") == 1


def test_a_hostile_argument_is_shown_short_and_visible() -> None:
    text = rejected("pie.optimize", [{"uri": 1, "note": "\x1b[2J" + "x" * 10_000}])
    assert "\x1b" not in text and "\\x1b" in text
    assert len(text) < 400


def test_extra_arguments_are_refused() -> None:
    assert "Expected 1 arguments, got 2" in rejected("pie.optimize", [URI, URI])


def test_an_unknown_command() -> None:
    assert "'pie.frobnicate' is not defined" in rejected("pie.frobnicate", [URI])
