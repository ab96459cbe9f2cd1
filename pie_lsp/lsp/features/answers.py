"""codeAction, codeLens and hover: answered from the results in memory only (a dictionary
lookup by the document's exact text), never a compile, a model call or a simulation, so
they stay instant however often the editor asks."""

from __future__ import annotations

import re

from lsprotocol import types

from pie_lsp.lsp import capabilities, delivery
from pie_lsp.lsp import presentation as show
from pie_lsp.lsp.features import profile
from pie_lsp.lsp.server import PieServer
from pie_lsp.lsp.snapshots import is_cpp

# A line that defines or declares main (not a comment): where the lightbulb offers PIE.
_MAIN = re.compile(r"^(?![ \t]*//)[^\n]*\bmain[ \t]*\(", re.MULTILINE)


def main_line(text: str) -> int | None:
    """The 0-based line of the first `main(` outside a line comment, if any."""
    found = _MAIN.search(text)
    return None if found is None else text.count("\n", 0, found.start())


def offered_here(params: types.CodeActionParams, text: str) -> bool:
    """Whether PIE's whole-program actions belong in this request. VS Code asks on every
    cursor move to fill the lightbulb (trigger kind Automatic): answered only on the first
    line and on main's, as clangd offers its tweaks only where they apply. Explicit requests
    (Ctrl+., the Refactor menu, Neovim's code_action, a requested kind) get them anywhere."""
    context = params.context
    if context.trigger_kind != types.CodeActionTriggerKind.Automatic or context.only:
        return True
    lines = {0, main_line(text)}
    return any(
        line is not None and params.range.start.line <= line <= params.range.end.line
        for line in lines
    )


def code_action(ls: PieServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
    uri = params.text_document.uri
    document = ls.document(uri)
    if document is None or not is_cpp(uri, document.language_id):
        return None
    if not offered_here(params, document.source):
        return None
    stored = ls.results.for_text(uri, ls.hash_of(document))
    ready, apply_id = None, None
    if stored is not None and stored.result.status == "optimized" and stored.edits:
        if capabilities.rewrites_by_command(ls.client_capabilities):
            apply_id = stored.id
        else:
            ready = delivery.ready_edit(ls, stored, document.version, for_action=True)
    result = stored.result if stored is not None else None
    return show.code_actions(uri, ready, result, params.context.only, apply_id)


def code_lens(ls: PieServer, params: types.CodeLensParams) -> list[types.CodeLens] | None:
    uri = params.text_document.uri
    document = ls.document(uri)
    if document is None:
        return None
    sha = ls.hash_of(document)
    stored = ls.results.for_text(uri, sha)
    lenses = show.code_lenses(
        stored.id if stored else None,
        stored.result if stored else None,
        ls.results.speedup_for_text(uri, sha),
        uri,
        main_line(document.source) if capabilities.optimize_lens(ls.client_capabilities) else None,
    )
    hot = profile.code_lenses(ls, document)  # a profile's hot functions, when shown inline
    return [*(lenses or []), *hot] if hot else lenses


def hover(ls: PieServer, params: types.HoverParams) -> types.Hover | None:
    uri = params.text_document.uri
    document = ls.document(uri)
    if document is None:
        return None
    if params.position.line != 0:
        return profile.hover(ls, document, params.position.line)
    sha = ls.hash_of(document)
    stored = ls.results.for_text(uri, sha)
    text = show.hover_markdown(
        stored.result if stored else None, ls.results.speedup_for_text(uri, sha)
    )
    if text is None:
        return None
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text))


def register(server: PieServer) -> None:
    server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[show.KIND_REWRITE, show.KIND_SOURCE], resolve_provider=False
        ),
    )(code_action)
    server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=False))(
        code_lens
    )
    server.feature(types.TEXT_DOCUMENT_HOVER)(hover)
