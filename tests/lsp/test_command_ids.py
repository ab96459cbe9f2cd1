"""The command ids (pie_lsp.lsp.command_ids) are the ones the server runs, the ones its
argument checks know, and the ones the editor plugins call."""

from __future__ import annotations

from pathlib import Path

import pytest

from pie_lsp.lsp.arguments import EXPECTED
from pie_lsp.lsp.command_ids import COMMANDS
from pie_lsp.server import create_server

EDITORS = Path(__file__).resolve().parents[2] / "editors"


def test_the_server_runs_exactly_these_commands() -> None:
    server = create_server()
    assert set(server.protocol.fm.commands) == set(COMMANDS)
    assert len(set(COMMANDS)) == len(COMMANDS)


def test_every_command_says_what_argument_it_expects() -> None:
    assert set(EXPECTED) == set(COMMANDS)


@pytest.mark.parametrize("plugin", ["README.md", "nvim/lua/pie/init.lua", "vscode/src/commands.ts"])
def test_the_editor_plugins_name_the_same_ids(plugin: str) -> None:
    text = (EDITORS / plugin).read_text()
    # VS Code's extension runs pie.applyResult through the language client, unnamed
    expected = [c for c in COMMANDS if not (plugin.endswith(".ts") and c == "pie.applyResult")]
    missing = [
        command for command in expected if f'"{command}"' not in text and f"`{command}`" not in text
    ]
    assert missing == []
