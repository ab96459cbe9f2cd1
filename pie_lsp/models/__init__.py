"""Model backends: where candidate programs come from (rules, OpenAI-compatible, local)."""

from __future__ import annotations

from pie_lsp.models.base import (
    Candidate,
    Generation,
    ModelBackend,
    Outcome,
    Progress,
    Rejection,
)
from pie_lsp.settings import Settings

__all__ = [
    "Candidate",
    "Generation",
    "ModelBackend",
    "Outcome",
    "Progress",
    "Rejection",
    "make_backend",
]


def make_backend(settings: Settings) -> ModelBackend:
    """The backend the settings name, with its parts of the tree (`from_settings`)."""
    backend = settings.model.backend
    if backend == "rules":
        from pie_lsp.models.rules import RulesBackend

        return RulesBackend.from_settings(settings)
    if backend == "openai":
        from pie_lsp.models.openai import OpenAIBackend

        return OpenAIBackend.from_settings(settings)
    if backend == "transformers":
        # torch and transformers are imported on first use, not here
        from pie_lsp.models.transformers import TransformersBackend

        return TransformersBackend.from_settings(settings)
    from pie_lsp.errors import ModelError

    raise ModelError(
        f"unknown model backend {backend!r}",
        hint="set pie.model.backend to rules, openai or transformers",
    )
