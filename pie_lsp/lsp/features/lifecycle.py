"""The session: `initialize` (the workspace root, the editor's first settings layer, the
log file), `initialized` (the configuration pulled, changes registered for), settings
changes, and `shutdown` (every job cancelled and its processes gone)."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from lsprotocol import types
from pygls.uris import to_fs_path

from pie_lsp import __version__
from pie_lsp.lsp import capabilities
from pie_lsp.lsp.logs import log_path
from pie_lsp.lsp.server import PieServer

log = logging.getLogger(__name__)


def initialize(ls: PieServer, params: types.InitializeParams) -> None:
    ls.settings.set_init_options(params.initialization_options)
    folders = params.workspace_folders or []
    root = folders[0].uri if folders else params.root_uri
    root_path = to_fs_path(root) if root else params.root_path
    ls.root = Path(root_path) if root_path else None
    settings, _ = ls.settings.resolve(ls.root)
    ls.logs.use_file(log_path(settings))
    log.info("pie-lsp %s for %s; log file %s", __version__, ls.root, ls.logs.path)


async def initialized(ls: PieServer, params: types.InitializedParams) -> None:
    await ls.pull_configuration()
    if capabilities.configuration_registration(ls.client_capabilities):
        registration = types.Registration(
            id="pie-lsp-configuration",
            method=types.WORKSPACE_DID_CHANGE_CONFIGURATION,
            register_options=types.DidChangeConfigurationRegistrationOptions(section="pie"),
        )
        try:
            await asyncio.wait_for(
                ls.client_register_capability_async(
                    types.RegistrationParams(registrations=[registration])
                ),
                10,
            )
        except Exception as exc:
            log.info("client/registerCapability failed: %s", exc)
    ls.refresh_settings()
    ls.settings_ready.set()


async def did_change_configuration(
    ls: PieServer, params: types.DidChangeConfigurationParams
) -> None:
    # a command sent after this notification waits for the new settings (wait_settings):
    # this task starts first, so it clears the event before the command can look
    ls.settings_ready.clear()
    try:
        if capabilities.configuration(ls.client_capabilities):
            await ls.pull_configuration()
        else:
            ls.settings.set_configuration(params.settings)
        ls.refresh_settings()
    finally:
        ls.settings_ready.set()
    log.info("settings changed")


async def shutdown(ls: PieServer, params: None) -> None:
    await ls.jobs.cancel_all("shutdown")
    ls.stop_background()
    await ls.pipelines.aclose(ls.worker)
    await asyncio.to_thread(ls.worker.stop)
    log.info("shut down")


def register(server: PieServer) -> None:
    server.feature(types.INITIALIZE)(initialize)
    server.feature(types.INITIALIZED)(initialized)
    server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)(did_change_configuration)
    server.feature(types.SHUTDOWN)(shutdown)
