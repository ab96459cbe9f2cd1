"""End-to-end fixtures: `pie-lsp serve` started as a subprocess (as an editor starts it) and
driven by pytest-lsp's client with the capabilities of VS Code or Neovim."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any, Union

import cattrs
import pytest
from lsprotocol import types
from pygls.workspace import TextDocument
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import make_test_lsp_client

from ..conftest import EXAMPLES

CONVERTER: cattrs.Converter
SERVER = [sys.executable, "-m", "pie_lsp", "serve"]
CLIENTS = ["visual-studio-code", "neovim"]

# A program whose one test takes ~0.4 s natively, so ~20 s or more under valgrind: long
# enough to cancel while compilers, tests and simulators are running.
SPIN = """#include <iostream>
using namespace std;
int main() {
    long long n;
    cin >> n;
    volatile long long x = 0;
    for (long long i = 0; i < n; i++) x = x + 1;
    cout << x << endl;
    return 0;
}
"""
SPIN_TESTS = {"1": ("300000000\n", "300000000\n")}


class Session:
    """A started server with a client that records what the server sends it."""

    def __init__(self, client: LanguageClient, preset: str) -> None:
        self.client = client
        self.preset = preset
        self.edits: list[types.ApplyWorkspaceEditParams] = []
        self.lens_refreshes = 0
        self.registrations: list[types.RegistrationParams] = []
        self.versions: dict[str, int] = {}
        self.apply_answer = True
        self.initialize_result: types.InitializeResult | None = None
        self.closed = False  # shut down and exited by the test itself

    @property
    def messages(self) -> list[types.ShowMessageParams]:
        return self.client.messages

    def message_texts(self, kind: types.MessageType | None = None) -> list[str]:
        return [m.message for m in self.messages if kind is None or m.type == kind]

    def open(self, path: Path, text: str | None = None, language: str = "cpp") -> str:
        uri = path.as_uri()
        self.versions[uri] = 1
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                types.TextDocumentItem(
                    uri=uri,
                    language_id=language,
                    version=1,
                    text=path.read_text() if text is None else text,
                )
            )
        )
        return uri

    def change(self, uri: str, text: str) -> int:
        """Replace the whole buffer (a full-text change); returns the new version."""
        self.versions[uri] += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=uri, version=self.versions[uri]
                ),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        return self.versions[uri]

    async def code_actions(
        self, uri: str, only: list[str] | None = None
    ) -> list[types.CodeAction | types.Command]:
        found = await self.client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri),
                range=types.Range(types.Position(3, 0), types.Position(3, 0)),
                context=types.CodeActionContext(diagnostics=[], only=only),
            )
        )
        return list(found or [])

    async def titles(self, uri: str) -> list[str]:
        return [a.title for a in await self.code_actions(uri)]

    async def lenses(self, uri: str) -> list[types.CodeLens]:
        found = await self.client.text_document_code_lens_async(
            types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri))
        )
        return list(found or [])

    async def hover(self, uri: str, line: int = 0) -> str | None:
        found = await self.client.text_document_hover_async(
            types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(line, 2))
        )
        if found is None:
            return None
        assert isinstance(found.contents, types.MarkupContent)
        return found.contents.value

    def execute(
        self,
        command: str,
        *arguments: Any,
        msg_id: str | None = None,
        token: str | None = None,
    ) -> asyncio.Future[Any]:
        """Send workspace/executeCommand now; the future resolves with the answer."""
        params = types.ExecuteCommandParams(
            command=command, arguments=list(arguments), work_done_token=token
        )
        if token is not None:
            self.client.progress_reports.setdefault(token, [])
        protocol: Any = self.client.protocol  # pytest-lsp's methods are not annotated
        sent: Awaitable[Any] = protocol.send_request_async(
            types.WORKSPACE_EXECUTE_COMMAND, params, msg_id=msg_id
        )
        return asyncio.ensure_future(sent)

    def progress(self) -> list[Any]:
        """Every progress value received, in order, for all tokens."""
        return [value for values in self.client.progress_reports.values() for value in values]

    def progress_for(self, kind: type[Any]) -> list[Any]:
        return [value for value in self.progress() if isinstance(value, kind)]


def apply_edits(text: str, edits: list[types.TextEdit], encoding: str) -> str:
    """Apply LSP text edits the way an editor does, with pygls' own document model."""
    from pygls.workspace.position_codec import PositionCodec

    document = TextDocument("file:///x.cpp", text, position_codec=PositionCodec(encoding))
    # edits of one request never overlap; apply from the end so ranges stay valid
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character))[::-1]:
        document.apply_change(
            types.TextDocumentContentChangePartial(range=edit.range, text=edit.new_text)
        )
    return document.source


def edits_of(edit: types.WorkspaceEdit, uri: str) -> list[types.TextEdit]:
    if edit.changes is not None:
        return list(edit.changes[uri])
    assert edit.document_changes is not None
    (change,) = edit.document_changes
    assert isinstance(change, types.TextDocumentEdit)
    assert change.text_document.uri == uri
    edits = []
    for e in change.edits:
        assert not isinstance(e, types.SnippetTextEdit)
        edits.append(types.TextEdit(range=e.range, new_text=e.new_text))
    return edits


def position_encoding(preset: str) -> str:
    # what pygls chooses from the preset's general.positionEncodings (utf-16 by default)
    general = client_capabilities(preset).general
    encodings = (general.position_encodings if general else None) or ["utf-16"]
    return str(encodings[0])


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache for a module's tests where reuse does not change what is tested (the
    second client then gets the first one's results at once)."""
    return tmp_path_factory.mktemp("lsp-cache")


def copy_example(name: str, folder: Path) -> Path:
    shutil.copytree(EXAMPLES / name, folder / name)
    return folder / name / "slow.cpp"


StartSession = Callable[..., Awaitable[Session]]


def _command_or_code_action(value: Any, _: type) -> types.Command | types.CodeAction:
    # lsprotocol 2025.0.0 reads any object with a "command" key as a Command, although a
    # CodeAction's "command" is an object and a Command's is a string; editors do not
    # have this problem, so the test client is corrected here.
    if isinstance(value.get("command"), str):
        return CONVERTER.structure(value, types.Command)
    return CONVERTER.structure(value, types.CodeAction)


def make_client() -> LanguageClient:
    client = make_test_lsp_client()
    global CONVERTER
    CONVERTER = client.protocol._converter
    CONVERTER.register_structure_hook(
        Union[types.Command, types.CodeAction],  # noqa: UP007 - the exact type lsprotocol registers
        _command_or_code_action,
    )
    return client


@pytest.fixture(params=CLIENTS)
async def start_session(
    request: pytest.FixtureRequest, private_tmp: Path
) -> AsyncIterator[StartSession]:
    """start_session(root, init_options=..., configuration=...) starts a server for the
    client preset of this test's parameter; every started server is shut down after."""
    preset: str = request.param
    sessions: list[Session] = []

    async def start(
        root: Path,
        init_options: Any = None,
        configuration: dict[str, Any] | None = None,
    ) -> Session:
        env = {**os.environ, "TMPDIR": str(private_tmp)}
        client = make_client()
        config = ClientServerConfig(
            server_command=SERVER, server_env=env, client_factory=lambda: client
        )
        session = Session(client, preset)

        def apply_edit(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
            session.edits.append(params)
            return types.ApplyWorkspaceEditResult(applied=session.apply_answer)

        def lens_refresh(params: None) -> None:
            session.lens_refreshes += 1

        def register(params: types.RegistrationParams) -> None:
            session.registrations.append(params)

        # requests the server makes of an editor, which pytest-lsp does not answer itself
        features: Any = client
        features.feature(types.WORKSPACE_APPLY_EDIT)(apply_edit)
        features.feature(types.WORKSPACE_CODE_LENS_REFRESH)(lens_refresh)
        features.feature(types.CLIENT_REGISTER_CAPABILITY)(register)

        if configuration is not None:
            client.set_configuration(configuration, section="pie")
        await config.start()
        sessions.append(session)
        session.initialize_result = await client.initialize_session(
            types.InitializeParams(
                capabilities=client_capabilities(preset),
                root_uri=root.as_uri(),
                workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
                initialization_options=init_options,
            )
        )
        return session

    start.preset = preset  # type: ignore[attr-defined]
    yield start
    for session in sessions:
        try:
            if not session.closed:
                await asyncio.wait_for(session.client.shutdown_session(), 30)
        finally:
            stoppable: Any = session.client
            await stoppable.stop()


def options(cache: Path, **more: Any) -> dict[str, Any]:
    """initializationOptions for a test: its cache, the deterministic estimate."""
    return {"cache": {"dir": str(cache)}, "simulator": {"backend": "estimate"}, **more}
