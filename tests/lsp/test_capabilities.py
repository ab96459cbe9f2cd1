"""What the server reads from the client's capabilities, for the capabilities VS Code and
Neovim really send (pytest-lsp's recorded presets) and for a client that sends nothing."""

from __future__ import annotations

from lsprotocol import types
from pytest_lsp import client_capabilities

from pie_lsp.lsp import capabilities as can


def test_capabilities_of_real_clients() -> None:
    vscode = client_capabilities("visual-studio-code")
    neovim = client_capabilities("neovim")
    assert can.change_annotations(vscode) and can.document_changes(vscode)
    assert not can.code_action_annotations(vscode)  # VS Code 1.65 says so
    assert can.lens_refresh(vscode) and can.configuration_registration(vscode)
    assert not can.document_changes(neovim) and not can.change_annotations(neovim)
    for caps in (vscode, neovim):
        assert can.apply_edit(caps) and can.progress(caps) and can.configuration(caps)


def test_a_client_that_says_nothing_gets_the_plainest_behaviour() -> None:
    empty = types.ClientCapabilities()
    probes = [
        can.document_changes,
        can.change_annotations,
        can.code_action_annotations,
        can.rewrites_by_command,
        can.apply_edit,
        can.progress,
        can.configuration,
        can.configuration_registration,
        can.lens_refresh,
    ]
    assert [probe.__name__ for probe in probes if probe(empty)] == []


def test_annotations_need_document_changes() -> None:
    # change annotations ride on documentChanges: without them the plain `changes` map is sent
    caps = types.ClientCapabilities(
        workspace=types.WorkspaceClientCapabilities(
            workspace_edit=types.WorkspaceEditClientCapabilities(
                change_annotation_support=types.ChangeAnnotationsSupportOptions()
            )
        )
    )
    assert not can.change_annotations(caps)


def test_the_ready_rewrite_as_a_command_only_for_clients_that_ask() -> None:
    asks = types.ClientCapabilities(experimental={"pieApplyByCommand": True})
    assert can.rewrites_by_command(asks)
    assert not can.rewrites_by_command(client_capabilities("visual-studio-code"))
    assert not can.rewrites_by_command(types.ClientCapabilities(experimental=[]))
    assert not can.rewrites_by_command(
        types.ClientCapabilities(experimental={"pieApplyByCommand": "yes"})
    )
