"""The settings of a workspace, from their layers, and one pipeline per distinct settings.

Layers, later winning: defaults < `.pie-lsp.toml` or pyproject's `[tool.pie-lsp]` (found
from the document's folder upwards) < `initializationOptions` < `workspace/configuration`
section `pie` (or what `workspace/didChangeConfiguration` pushed, for clients that do not
answer configuration requests). Settings that cannot be used give defaults plus the
error, so the server keeps working and the user is told which key is wrong.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pie_lsp.errors import PieError
from pie_lsp.lsp.worker import Worker
from pie_lsp.pipeline import Pipeline
from pie_lsp.settings import Settings, SettingsError, load, unstructure


def _editor_layer(raw: Any, where: str) -> dict[str, Any]:
    """An editor's layer: the `pie` object itself or an object holding it under `pie`."""
    if raw is None or raw == []:  # Lua's empty table arrives as []
        return {}
    if not isinstance(raw, Mapping):
        raise SettingsError(
            f"{where} must be an object of pie-lsp settings, not {type(raw).__name__}",
            hint='send settings as an object, e.g. {"simulator": {"backend": "estimate"}}',
        )
    inner = raw.get("pie")
    if isinstance(inner, Mapping):
        return dict(inner)
    return dict(raw)


class WorkspaceSettings:
    """The editor's layers of one server; the file layer is read per document."""

    def __init__(self) -> None:
        self.init_options: dict[str, Any] = {}
        self.configuration: dict[str, Any] = {}
        self._layer_error: SettingsError | None = None
        self._init_error: SettingsError | None = None

    def set_init_options(self, raw: Any) -> None:
        try:
            self.init_options, self._init_error = _editor_layer(raw, "initializationOptions"), None
        except SettingsError as exc:
            self.init_options, self._init_error = {}, exc

    def set_configuration(self, raw: Any) -> None:
        try:
            self.configuration = _editor_layer(raw, "the pie configuration section")
            self._layer_error = None
        except SettingsError as exc:
            self.configuration, self._layer_error = {}, exc

    def resolve(self, folder: Path | None) -> tuple[Settings, SettingsError | None]:
        """The settings for documents in `folder`; on any error, defaults and the error."""
        shape_error = self._init_error or self._layer_error
        if shape_error is not None:
            return Settings(), shape_error
        try:
            return load(folder, self.init_options, self.configuration), None
        except SettingsError as exc:
            return Settings(), exc


def settings_key(settings: Settings) -> str:
    return json.dumps(unstructure(settings), sort_keys=True)


class Pipelines:
    """One `Pipeline` per distinct settings, all sharing one semaphore per parallelism
    (so several documents' work together stays within `jobs` processes)."""

    def __init__(self) -> None:
        self._pipelines: dict[str, Pipeline] = {}
        self._slots: dict[int, asyncio.Semaphore] = {}
        self._lock = asyncio.Lock()

    def slots(self, jobs: int) -> asyncio.Semaphore:
        if jobs not in self._slots:
            self._slots[jobs] = asyncio.Semaphore(jobs)
        return self._slots[jobs]

    async def get(self, settings: Settings) -> Pipeline:
        """The pipeline for `settings`, made on first use (raises PieError when a needed
        tool is missing). Made in a thread: it runs the compiler to learn its version."""
        key = settings_key(settings)
        async with self._lock:
            pipeline = self._pipelines.get(key)
            if pipeline is None:
                slots = self.slots(settings.effective_jobs())
                pipeline = await asyncio.to_thread(Pipeline, settings, slots=slots)
                self._pipelines[key] = pipeline
            return pipeline

    def cached(self, settings: Settings) -> Pipeline | None:
        return self._pipelines.get(settings_key(settings))

    async def aclose(self, worker: Worker | None = None) -> None:
        """Close every pipeline (`Pipeline.aclose`: its backend and cache), on `worker`'s
        loop, where their clients were used."""
        pipelines = list(self._pipelines.values())
        self._pipelines.clear()
        for pipeline in pipelines:
            with contextlib.suppress(PieError):
                if worker is not None:
                    await worker.run(pipeline.aclose)
                else:
                    await pipeline.aclose()
