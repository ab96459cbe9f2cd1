"""Rewrites aimed at the hot code: a prompt's `{hotspots}` text (and `aim`, which profiles
the original for it before generation), and which hot lines each of the embedded rules'
rewrites touches."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Iterable
from typing import Any

from attrs import evolve, frozen

from pie_lsp.errors import PieError
from pie_lsp.profile.pricing import Profile, _bare_name
from pie_lsp.profile.profiler import Profiler
from pie_lsp.program import Program

log = logging.getLogger(__name__)


def hotspots_text(profile: Profile, source: str, lines: int = 3, min_share: float = 0.05) -> str:
    """What a prompt's `{hotspots}` says (pie_lsp/models/prompts.py): the hottest function
    and its hottest lines with their shares, or "" when the profile has no lines."""
    if not profile.lines or not profile.functions:
        return ""
    text = source.splitlines()
    hottest = profile.functions[0]
    rows = [r for r in profile.lines[:lines] if r.cost.share >= min_share] or [profile.lines[0]]
    out = [
        f"Most of its run time ({hottest.cost.share:.0%}, estimated on a simulated Skylake) "
        f"is in {hottest.name}; the hottest lines:"
    ]
    for row in rows:
        code = text[row.line - 1].strip() if 0 < row.line <= len(text) else ""
        out.append(f"- line {row.line} ({row.cost.share:.0%}): {code}")
    return "\n".join(out) + "\n"


def touched_lines(original: str, rewritten: str) -> set[int]:
    """The 1-based lines of `original` a rewrite replaces or deletes; an insertion touches
    the line it follows (a statement added before a loop is about that loop's neighbour)."""
    import difflib

    old, new = original.splitlines(), rewritten.splitlines()
    touched: set[int] = set()
    for tag, a0, a1, _, _ in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag in ("replace", "delete"):
            touched.update(range(a0 + 1, a1 + 1))
        elif tag == "insert" and a0 > 0:
            touched.add(a0)
    return touched


@frozen
class AimedRewrite:
    """A rewrite the embedded rules offer, and the hot lines it changes."""

    origin: str
    description: str
    hot_lines: tuple[int, ...]  # hottest first
    share: float  # of the program's cycles on those lines


def aimed(
    profile: Profile, original: str, rewrites: Iterable[tuple[str, str, str]]
) -> list[AimedRewrite]:
    """Which hot lines each (origin, description, source) rewrite touches, the rewrites
    touching the most cycles first. Changing a function's definition line (its parameters)
    touches the lines that call it too: a by-value parameter's copy is made, and charged,
    at the call."""
    text = original.splitlines()
    out = []
    for origin, description, source in rewrites:
        touched = touched_lines(original, source)
        for fn in profile.functions:
            name = _bare_name(fn.name)
            if fn.line in touched and name:
                calls = re.compile(rf"\b{re.escape(name)}\s*\(")
                touched |= {i + 1 for i, line in enumerate(text) if calls.search(line)}
        rows = [row for row in profile.lines if row.line in touched]
        out.append(
            AimedRewrite(
                origin, description, tuple(r.line for r in rows), sum(r.cost.share for r in rows)
            )
        )
    return sorted(out, key=lambda r: (-r.share, r.origin))


async def rules_rewrites(settings: Any, program: Program) -> list[tuple[str, str, str]]:
    """The embedded rules' rewrites of a program (libclang, no model, nothing run)."""
    from pie_lsp.models import make_backend

    rules = evolve(settings, model=evolve(settings.model, backend="rules"))
    backend = make_backend(rules)
    try:
        generated = await backend.generate(program, rules.model.samples, lambda _: None)
    finally:
        await backend.aclose()
    return [(c.origin, c.description, c.source) for c in generated.candidates]


# A marker no real hotspots text holds: set while probing whether a prompt shows them.
_PROBE = "\0pie-hotspots\0"


def wants_hotspots(backend: Any, program: Program) -> bool:
    """Whether `backend`'s prompt for `program` shows where the time goes: a sampling
    backend's template with `{hotspots}`, or `pie.model.prompt.hotspots` on. Asked of the
    prompt itself, so every backend and template answers the same way."""
    from pie_lsp.models.prompts import HOTSPOTS
    from pie_lsp.models.sampling import SamplingBackend

    if not isinstance(backend, SamplingBackend):
        return False
    token = HOTSPOTS.set(_PROBE)
    try:
        prompt = backend.prompt_for(program)
    except PieError:  # a backend that cannot build a prompt says so when it generates
        return False
    finally:
        HOTSPOTS.reset(token)
    return _PROBE in prompt.text


async def aim(pipeline: Any, job: Any, progress: Callable[[str], None]) -> list[str]:
    """Before generation: when the backend's prompt shows where the time goes, or the
    program is longer than `pie.model.prompt.focus_lines`, profile the original on the
    job's tests (cached) and set, for the rest of the run, `HOTSPOTS` (its hottest function
    and lines) and `FOCUS` (a long program's hottest function, pie_lsp/models/focus.py);
    else set them empty. Notes for the result: why not, when the profile failed (the run
    goes on with the whole program and no hot lines)."""
    from pie_lsp.models.focus import FOCUS, focus_on
    from pie_lsp.models.prompts import HOTSPOTS
    from pie_lsp.models.sampling import SamplingBackend

    HOTSPOTS.set("")
    FOCUS.set(None)
    program = job.program
    limit = pipeline.settings.model.prompt.focus_lines
    focusing = (
        isinstance(pipeline.backend, SamplingBackend)
        and limit > 0
        and len(program.text.splitlines()) > limit
    )
    showing = wants_hotspots(pipeline.backend, program)
    if not (showing or focusing):
        return []
    progress("Profiling the original for the prompt (its hottest lines)…")
    try:
        profile = await Profiler.for_pipeline(pipeline).profile(program, job.suite)
    except PieError as exc:
        log.warning("no hotspots for %s: %s", program.path, exc.message)
        return [f"the prompt names no hot lines: profiling the original failed: {exc.message}"]
    if showing:
        HOTSPOTS.set(hotspots_text(profile, program.text))
    if focusing and profile.functions:
        hottest = profile.functions[0]
        focus = await asyncio.to_thread(
            focus_on, program.text, _bare_name(hottest.name), hottest.line
        )
        FOCUS.set(focus)
        if focus is not None:
            return [
                f"the model was shown only {focus.name} ({hottest.cost.share:.0%} of the "
                f"estimated cycles): the program is longer than {limit} lines "
                "(pie.model.prompt.focus_lines)"
            ]
    return []
