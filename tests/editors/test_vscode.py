"""The VS Code extension's contract with the server (its own logic is unit-tested under Node
by editors/vscode/test.sh): the `pie.*` settings in package.json cannot drift from the
server's settings tree, what the extension sends is what the server accepts, and the server
offers the commands the extension's palette sends, answering as the extension reads it."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import make_test_lsp_client

from pie_lsp.settings import Settings, SettingsError, field_docs, structure

from ..conftest import DOUBLER, REPO, write_program

VSCODE = REPO / "editors" / "vscode"
SYNC = VSCODE / "scripts" / "sync_settings.py"


def package() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((VSCODE / "package.json").read_text())
    return data


def properties(pkg: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for group in pkg["contributes"]["configuration"]:
        out.update(group["properties"])
    return out


def client_only() -> set[str]:
    return set(json.loads((VSCODE / "client-settings.json").read_text()))


def sync(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SYNC), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def nested(flat: dict[str, Any]) -> dict[str, Any]:
    """`pie.model.openai.url: v` → {"model": {"openai": {"url": v}}}: the shape the extension
    sends (editors/vscode/src/settings.ts serverSettings)."""
    tree: dict[str, Any] = {}
    for key, value in flat.items():
        *parents, leaf = key.removeprefix("pie.").split(".")
        node = tree
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return tree


def test_package_json_matches_the_settings_tree() -> None:
    done = sync("--check")
    assert done.returncode == 0, done.stderr
    props = properties(package())
    server = {key: prop for key, prop in props.items() if key not in client_only()}
    # grouped in sections in package.json; "order" keeps the tree's order inside VS Code
    in_order = sorted(server, key=lambda key: server[key]["order"])
    assert in_order == [row[0] for row in field_docs()]
    for key, _type, default, doc in field_docs():
        assert server[key]["default"] == default, key
        assert server[key]["description"] == doc, key
    assert server["pie.model.backend"]["enum"] == ["rules", "openai", "transformers"]
    assert server["pie.tests.dir"]["type"] == ["string", "null"]
    assert server["pie.model.openai.headers"]["additionalProperties"] == {"type": "string"}
    assert client_only() == {"pie.interpreter", "pie.serverPath", "pie.trace.server"}
    assert client_only() <= set(props)


def _set_default(props: dict[str, Any]) -> None:
    props["pie.tests.timeout"]["default"] = 99


def _drop(props: dict[str, Any]) -> None:
    del props["pie.model.openai.apiKeyEnv"]


def _invent(props: dict[str, Any]) -> None:
    props["pie.model.openai.apiKey"] = {"type": "string", "default": ""}


def _narrow_enum(props: dict[str, Any]) -> None:
    props["pie.simulator.backend"]["enum"] = ["auto", "gem5"]


@pytest.mark.parametrize(
    ("section", "mutate", "named"),
    [
        ("PIE: Tests", _set_default, "pie.tests.timeout.default: package.json has 99"),
        ("PIE: Model", _drop, "missing in package.json: pie.model.openai.apiKeyEnv"),
        ("PIE: Model", _invent, "not a pie-lsp setting: pie.model.openai.apiKey"),
        ("PIE: Simulator", _narrow_enum, "pie.simulator.backend.enum"),
    ],
)
def test_drift_is_caught_and_named(
    tmp_path: Path, section: str, mutate: Callable[[dict[str, Any]], None], named: str
) -> None:
    pkg = package()
    (group,) = [g for g in pkg["contributes"]["configuration"] if g["title"] == section]
    mutate(group["properties"])
    copy = tmp_path / "package.json"
    copy.write_text(json.dumps(pkg, indent=2))
    done = sync("--check", "--package-json", str(copy))
    assert done.returncode == 1
    assert named in done.stderr
    assert "sync_settings.py` to regenerate" in done.stderr
    # regenerating fixes it, and leaves everything but the settings alone
    assert sync("--package-json", str(copy)).returncode == 0
    assert sync("--check", "--package-json", str(copy)).returncode == 0
    assert json.loads(copy.read_text()) == package()


def test_what_the_extension_sends_is_what_the_server_accepts() -> None:
    props = properties(package())
    server_keys = [key for key in props if key not in client_only()]
    # every contributed setting, set to its contributed default, gives the default settings
    every = nested({key: props[key]["default"] for key in server_keys})
    assert structure(every) == Settings()
    # and a user's choices land on the right fields
    chosen = structure(
        nested(
            {
                "pie.model.backend": "openai",
                "pie.model.openai.apiKeyEnv": "VLLM_KEY",
                "pie.simulator.gem5.prefix": ["docker", "run"],
                "pie.jobs": 1,
            }
        )
    )
    assert chosen.model.backend == "openai"
    assert chosen.model.openai.api_key_env == "VLLM_KEY"
    assert chosen.simulator.gem5.prefix == ["docker", "run"]
    assert chosen.jobs == 1
    # why the extension strips its own settings: the server rejects unknown keys
    for key in client_only():
        snake = re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), key.split(".")[1])
        with pytest.raises(SettingsError, match=re.escape(snake)):
            structure(nested({key: "x"}))


def palette_server_commands() -> list[str]:
    """The server commands the palette sends (editors/vscode/src/commands.ts)."""
    source = (VSCODE / "src" / "commands.ts").read_text()
    return re.findall(r'server: "(pie\.[A-Za-z]+)"', source)


@pytest.fixture
async def vscode_session(
    tmp_path: Path,
) -> AsyncIterator[tuple[LanguageClient, types.InitializeResult]]:
    """`pie-lsp serve` driven with VS Code's capabilities and the extension's
    initializationOptions (only the settings the user set, nested, camelCase)."""
    client = make_test_lsp_client()
    config = ClientServerConfig(
        server_command=[sys.executable, "-m", "pie_lsp", "serve"],
        server_env={**os.environ},
        client_factory=lambda: client,
    )
    client.set_configuration(
        nested({"pie.simulator.backend": "estimate", "pie.tests.timeout": 20}), section="pie"
    )
    await config.start()
    result = await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=tmp_path.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="w")],
            initialization_options=nested({"pie.cache.dir": str(tmp_path / "cache")}),
        )
    )
    yield client, result
    await asyncio.wait_for(client.shutdown_session(), 30)
    stoppable: Any = client  # pytest-lsp's stop() is untyped
    await stoppable.stop()


async def test_the_server_serves_the_palette_commands(
    vscode_session: tuple[LanguageClient, types.InitializeResult], tmp_path: Path
) -> None:
    client, initialized = vscode_session
    commands = palette_server_commands()
    assert {"pie.optimize", "pie.checkSpeedup", "pie.saveBaseline"} <= set(commands)
    provider = initialized.capabilities.execute_command_provider
    assert provider is not None
    assert set(commands) <= set(provider.commands)
    path = write_program(tmp_path / "p", DOUBLER, {"1": ("1\n", "2\n")})
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "cpp", 1, DOUBLER))
    )
    # the palette sends [documentUri]; the answer carries the `status` the status bar reads
    answer: Any = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="pie.saveBaseline", arguments=[uri])
    )
    assert answer["status"] == "saved"
    assert Path(answer["path"]).read_text() == DOUBLER
    assert Path(answer["path"]).is_relative_to(tmp_path / "cache")  # initializationOptions used
    # the settings the extension sent were accepted: no error was shown
    assert not [m for m in client.messages if m.type == types.MessageType.Error]
