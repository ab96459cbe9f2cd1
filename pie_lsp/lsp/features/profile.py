"""The profile in the editor: `pie.profile`, and hints, lenses and hovers from its result.

`pie.profile` runs as a job like `pie.checkSpeedup` (cancellable, progress, one per
document) and computes the per-line profile of the document's text on its tests
(pie_lsp/profile/). Its result is kept in memory for that exact text; with the
`pie.profile.inline` setting on (off by default), inlay hints on the hottest lines
("38% · 1.2 M cycles"), a code lens on the hottest functions and a hover with a line's
breakdown answer from it. Those answers are dictionary lookups: nothing is computed on the
codeAction, lens, hint or hover path, and an edit of the text hides them until the next
profile.
"""

from __future__ import annotations

import logging
import weakref
from collections import OrderedDict
from typing import Any

from attrs import frozen
from lsprotocol import types
from pygls.workspace import TextDocument

from pie_lsp.lsp import command_ids
from pie_lsp.lsp.arguments import DocumentArgument
from pie_lsp.lsp.features.commands import prepare, run_job
from pie_lsp.lsp.progress import Progress
from pie_lsp.lsp.server import PieServer
from pie_lsp.lsp.snapshots import take
from pie_lsp.profile import (
    LineCost,
    Profile,
    Profiler,
    breakdown,
    cycles_text,
    hint_text,
)
from pie_lsp.settings import ProfileSettings

log = logging.getLogger(__name__)
_LIMIT = 64  # profiles kept per server (oldest dropped first)


@frozen
class StoredProfile:
    """A profile of one document text, with the settings it is shown with."""

    uri: str
    text_sha: str
    profile: Profile
    options: ProfileSettings


_STORES: weakref.WeakKeyDictionary[PieServer, OrderedDict[str, StoredProfile]] = (
    weakref.WeakKeyDictionary()
)


def _store(ls: PieServer) -> OrderedDict[str, StoredProfile]:
    return _STORES.setdefault(ls, OrderedDict())


def remember(ls: PieServer, stored: StoredProfile) -> None:
    store = _store(ls)
    store.pop(stored.uri, None)
    store[stored.uri] = stored
    while len(store) > _LIMIT:
        store.popitem(last=False)


def shown_for(ls: PieServer, document: TextDocument) -> StoredProfile | None:
    """The profile of the document's current text, when it is to be shown inline."""
    stored = _store(ls).get(document.uri)
    if stored is None or not stored.options.inline:
        return None
    if stored.text_sha != ls.hash_of(document):
        return None
    return stored


def hot_lines(stored: StoredProfile) -> list[LineCost]:
    return stored.profile.hot_lines(stored.options.lines, stored.options.min_share)


# -- the command ------------------------------------------------------------------------------


def answer(stored: StoredProfile) -> dict[str, Any]:
    """The command's answer: what the editors show (hints only with `inline` on)."""
    profile = stored.profile
    shown = hot_lines(stored) if stored.options.inline else []
    return {
        "status": "profiled",
        "label": profile.label,
        "totalCycles": profile.total_cycles,
        "estimateCycles": profile.estimate_cycles,
        "userShare": profile.user_share,
        "lines": [
            {
                "line": row.line - 1,  # 0-based, as LSP positions
                "share": row.cost.share,
                "cycles": row.cost.cycles,
                "function": row.function,
                "hint": hint_text(row),
                "detail": breakdown(row),
            }
            for row in profile.lines[: stored.options.lines]
        ],
        "hints": [{"line": row.line - 1, "text": hint_text(row)} for row in shown],
        "functions": [
            {"name": fn.name, "line": fn.line - 1, "share": fn.cost.share, "cycles": fn.cost.cycles}
            for fn in profile.functions[: stored.options.lines]
        ],
    }


def summary(name: str, profile: Profile) -> str:
    top = profile.lines[0] if profile.lines else None
    if top is None:
        return f"PIE: {name}: no cycles on its own lines ({profile.label})"
    return (
        f"PIE: {name}: line {top.line} takes {hint_text(top)} of {profile.tests} tests "
        f"({top.function}); {profile.user_share:.0%} of the cycles are on its own lines"
    )


async def profile_command(ls: PieServer, target: DocumentArgument) -> dict[str, Any]:
    from pie_lsp.lsp import delivery

    snap = take(ls, target.uri, command_ids.PROFILE)
    options: list[ProfileSettings] = []

    async def work(progress: Progress) -> Profile:
        settings, pipeline, job = await prepare(ls, snap)
        options.append(settings.profile)
        progress.message(f"Profiling {snap.path.name} on {len(job.suite)} tests…")
        profiler = Profiler.for_pipeline(pipeline)
        return await ls.worker.run(lambda: profiler.profile(job.program, job.suite))

    what = f"profiling {snap.path.name}"
    job, progress = await run_job(ls, "profile", snap, f"PIE: {what}", work)
    failed = delivery.failure(ls, job, progress, what)
    if failed is not None:
        return failed
    profile: Profile = job.task.result()
    stored = StoredProfile(snap.uri, snap.sha, profile, options[0])
    remember(ls, stored)
    text = summary(snap.path.name, profile)
    progress.end(text.removeprefix("PIE: "))
    ls.show(types.MessageType.Info, text)
    log.info("%s (%.1f s)", text, profile.seconds)
    if stored.options.inline:
        ls.refresh_lenses()
        if _inlay_refresh(ls):
            ls.workspace_inlay_hint_refresh(None)
    return answer(stored)


def _inlay_refresh(ls: PieServer) -> bool:
    workspace = ls.client_capabilities.workspace
    hints = workspace.inlay_hint if workspace is not None else None
    return bool(hints is not None and hints.refresh_support)


# -- answers from memory ----------------------------------------------------------------------


def inlay_hints(ls: PieServer, params: types.InlayHintParams) -> list[types.InlayHint] | None:
    document = ls.document(params.text_document.uri)
    stored = shown_for(ls, document) if document is not None else None
    if document is None or stored is None:
        return None
    lines = document.lines
    hints = []
    for row in hot_lines(stored):
        number = row.line - 1
        if not params.range.start.line <= number <= params.range.end.line or number >= len(lines):
            continue
        end = document.position_codec.client_num_units(lines[number].rstrip("\r\n"))
        hints.append(
            types.InlayHint(
                position=types.Position(number, end),
                label=hint_text(row),
                padding_left=True,
                tooltip=types.MarkupContent(types.MarkupKind.Markdown, breakdown(row)),
            )
        )
    return hints


def code_lenses(ls: PieServer, document: TextDocument) -> list[types.CodeLens]:
    """A lens on each hot function's definition (with `inline` on)."""
    stored = shown_for(ls, document)
    if stored is None:
        return []
    lenses = []
    for fn in stored.profile.functions[:3]:
        if fn.cost.share < stored.options.min_share:
            continue
        line = fn.line - 1
        title = f"PIE profile: {fn.cost.share:.0%} of the cycles · {cycles_text(fn.cost.cycles)}"
        lenses.append(
            types.CodeLens(
                range=types.Range(types.Position(line, 0), types.Position(line, 0)),
                command=types.Command(title, command_ids.PROFILE, arguments=[document.uri]),
            )
        )
    return lenses


def hover(ls: PieServer, document: TextDocument, line: int) -> types.Hover | None:
    """A hot line's breakdown (with `inline` on)."""
    stored = shown_for(ls, document)
    row = stored.profile.line(line + 1) if stored is not None else None
    if stored is None or row is None or row.cost.share < stored.options.min_share:
        return None
    text = f"**PIE profile, line {row.line}**\n\n" + breakdown(row).replace("\n", "\n\n")
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text))


def register(server: PieServer) -> None:
    server.command(command_ids.PROFILE)(profile_command)
    server.feature(types.TEXT_DOCUMENT_INLAY_HINT)(inlay_hints)
