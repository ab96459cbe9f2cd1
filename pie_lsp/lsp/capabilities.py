"""What the client said it can do, read with pygls' `get_capability`.

One predicate per behaviour the server adapts (how an edit is shaped, whether progress,
configuration pulls and lens refreshes may be sent), so the handlers ask a question
rather than walk the capabilities tree.
"""

from __future__ import annotations

from lsprotocol.types import ClientCapabilities
from pygls.capabilities import get_capability


def document_changes(caps: ClientCapabilities) -> bool:
    return get_capability(caps, "workspace.workspace_edit.document_changes", False)


def change_annotations(caps: ClientCapabilities) -> bool:
    """Change annotations in a `workspace/applyEdit` (they need `documentChanges`)."""
    support = get_capability(caps, "workspace.workspace_edit.change_annotation_support")
    return document_changes(caps) and support is not None


def code_action_annotations(caps: ClientCapabilities) -> bool:
    """Change annotations honoured in a code action's own edit too."""
    honored = get_capability(caps, "text_document.code_action.honors_change_annotations", False)
    return change_annotations(caps) and honored


def rewrites_by_command(caps: ClientCapabilities) -> bool:
    """The client asked (`experimental.pieApplyByCommand`, as the Neovim plugin does) for the
    ready rewrite as the `pie.applyResult` command rather than as a code action's edit: it
    previews and confirms annotated `workspace/applyEdit`s, but would apply a code action's
    edit unasked."""
    experimental = get_capability(caps, "experimental")
    return isinstance(experimental, dict) and experimental.get("pieApplyByCommand") is True


def optimize_lens(caps: ClientCapabilities) -> bool:
    """The client asked (`experimental.pieOptimizeLens`, as the Neovim plugin does) for a
    code lens that starts PIE on main's line while there is no result, so that PIE is seen
    before its first run."""
    experimental = get_capability(caps, "experimental")
    return isinstance(experimental, dict) and experimental.get("pieOptimizeLens") is True


def apply_edit(caps: ClientCapabilities) -> bool:
    return get_capability(caps, "workspace.apply_edit", False)


def progress(caps: ClientCapabilities) -> bool:
    return get_capability(caps, "window.work_done_progress", False)


def configuration(caps: ClientCapabilities) -> bool:
    return get_capability(caps, "workspace.configuration", False)


def configuration_registration(caps: ClientCapabilities) -> bool:
    """VS Code sends configuration changes only to servers that register for them."""
    return get_capability(caps, "workspace.did_change_configuration.dynamic_registration", False)


def lens_refresh(caps: ClientCapabilities) -> bool:
    return get_capability(caps, "workspace.code_lens.refresh_support", False)
