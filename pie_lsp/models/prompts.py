"""Prompt templates: PIE's performance-conditioned format, retrieval few-shot, and chat.

Templates are text files in `model/prompts/` (or any file the settings name) with the
placeholders `{program}` (required), `{score}`, `{examples}` and `{hotspots}` (where the
program's time goes, from its profile: `pie_lsp.profile.hotspots_text`; empty without
one); other braces are left alone, so a template may contain C++.
Next to a template `NAME.txt` may live:
- `NAME.example.txt`: how one retrieved example is written (`{slow}` and `{fast}`, no
  other placeholder); examples replace `{examples}`, joined by blank lines and followed by
  one, the most similar last (nearest the program). Without it, fewshot's format is used;
- `NAME.system.txt`: the system message when the template is sent to a chat API.
A placeholder in the wrong file is an error naming the fix, not text sent to the model.

`pie-conditioned` is exactly the format PIE's performance-conditioned checkpoints
(`pie-conditioned-*`) were trained on (plain completion, no chat template, the tag at score
10/10 at inference); `pie-plain` is PIE's prompt without the tag, which its unconditioned
checkpoints (`pie-hq-selfplay-*`, `pie-all-uncon-*`) were trained on. PIE trained on programs
of at most 1,500 characters; a longer program is sent whole, with a note in the result.
"""

from __future__ import annotations

import contextvars
import hashlib
import re
from pathlib import Path

from attrs import frozen

from pie_lsp.assets import asset
from pie_lsp.errors import ModelError
from pie_lsp.models.focus import FOCUS
from pie_lsp.settings import OpenAIApi, PromptSettings

BUILTIN = ("pie-conditioned", "pie-plain", "fewshot", "chat")
# PIE's checkpoints trained without the performance tag: their names contain one of these.
_UNCONDITIONED = re.compile(r"hq-selfplay|uncon", re.IGNORECASE)
PIE_TRAINING_LIMIT = 1500

# Where a plain completion of each built-in template should stop: the next section a base
# model would invent. (OpenAI-compatible servers accept up to 4 stop strings.)
_STOPS: dict[str, tuple[str, ...]] = {
    "pie-conditioned": ("\n###", "\n# slower version"),
    "pie-plain": ("\n###", "\n# slower version"),
    "fewshot": ("\n# slower version", "\n# optimized version", "\n###"),
    "chat": (),
}

_PLACEHOLDER = re.compile(r"\{(program|score|examples|hotspots|slow|fast)\}")
_TEMPLATE_PLACEHOLDERS = ("program", "score", "examples", "hotspots")
_EXAMPLE_PLACEHOLDERS = ("slow", "fast")

# Where the program's time goes (`pie_lsp.profile.hotspots_text`) for the prompts built while
# it is set: the pipeline profiles the original once and sets it for its run
# (`pie_lsp.profile.aimed.aim`), so every backend's prompts fill `{hotspots}`, feedback
# rounds' included, without each backend passing it along.
HOTSPOTS: contextvars.ContextVar[str] = contextvars.ContextVar("pie_hotspots", default="")


def fill(template: str, values: dict[str, str]) -> str:
    """Replace the known placeholders present in `values`; leave every other brace."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


@frozen
class Template:
    """A prompt template and its optional example and system parts."""

    name: str
    text: str
    example: str | None = None
    system: str | None = None
    stop: tuple[str, ...] = ()

    @property
    def uses_examples(self) -> bool:
        return "{examples}" in self.text

    def digest(self) -> str:
        h = hashlib.sha256()
        for part in (self.name, self.text, self.example or "", self.system or "", *self.stop):
            h.update(part.encode())
            h.update(b"\0")
        return h.hexdigest()


@frozen
class Prompt:
    """A filled prompt, ready for a completion or chat request."""

    template: str
    text: str  # the completion prompt, or the user message for chat
    system: str | None = None
    stop: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()  # ids of the retrieved pairs, in prompt order
    # earlier chat turns, (role, content), between the system message and `text` (a
    # feedback round: the first request and the model's answer to it)
    history: tuple[tuple[str, str], ...] = ()

    def messages(self) -> list[dict[str, str]]:
        """The chat form of the prompt."""
        messages = [{"role": "system", "content": self.system}] if self.system else []
        turns = [{"role": role, "content": content} for role, content in self.history]
        return [*messages, *turns, {"role": "user", "content": self.text}]


def resolve_name(setting: str, api: OpenAIApi, model: str = "") -> str:
    """The template a setting means: "auto" is chat for chat models; for plain completions
    pie-plain for PIE's unconditioned checkpoints (by their name), else pie-conditioned."""
    if setting == "auto":
        if api == "chat":
            return "chat"
        return "pie-plain" if _UNCONDITIONED.search(model) else "pie-conditioned"
    return setting


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelError(
            f"cannot read prompt template {path}: {exc}",
            hint="fix the file or set pie.model.prompt.template to a built-in template",
        ) from exc


def load_template(name: str) -> Template:
    """A built-in template by name, or a template file by path (read each time: a few
    small files, and an edited template takes effect at once)."""
    if name in BUILTIN:
        main = asset("model", "prompts", f"{name}.txt")
        stop = _STOPS[name]
    else:
        main = Path(name).expanduser()
        stop = ()
        if not main.is_file():
            raise ModelError(
                f"prompt template {name!r} is neither a built-in template nor a file",
                hint="set pie.model.prompt.template to auto, pie-conditioned, pie-plain, "
                "fewshot, chat or the path of a template file",
            )
    text = _read(main)
    if text is None:
        raise ModelError(
            f"prompt template {main} is missing", hint="reinstall pie-lsp (its model/ assets)"
        )
    if "{program}" not in text:
        raise ModelError(
            f"prompt template {main} has no {{program}} placeholder",
            hint="put {program} where the program goes",
        )
    stem = main.with_suffix("")
    example_path = stem.with_name(stem.name + ".example.txt")
    example = _read(example_path)
    _check_placeholders(main, text, example_path, example)
    return Template(
        name=name,
        text=text,
        example=example,
        system=_read(stem.with_name(stem.name + ".system.txt")),
        stop=stop,
    )


def _check_placeholders(main: Path, text: str, example_path: Path, example: str | None) -> None:
    """A placeholder a file cannot use would reach the model as literal text: refuse it."""
    for found in _PLACEHOLDER.findall(text):
        if found not in _TEMPLATE_PLACEHOLDERS:
            raise ModelError(
                f"prompt template {main} uses {{{found}}}, which only an example file may use",
                hint=f"write {{examples}} where the retrieved examples go, and {{slow}} and "
                f"{{fast}} in {example_path}",
            )
    if example is None:
        return
    for found in _PLACEHOLDER.findall(example):
        if found not in _EXAMPLE_PLACEHOLDERS:
            raise ModelError(
                f"example template {example_path} uses {{{found}}}, which only the prompt "
                "template may use",
                hint=f"an example template has only {{slow}} and {{fast}}; put {{{found}}} "
                f"in {main}",
            )
    for needed in _EXAMPLE_PLACEHOLDERS:
        if f"{{{needed}}}" not in example:
            raise ModelError(
                f"example template {example_path} has no {{{needed}}} placeholder",
                hint="put {slow} where the slower version goes and {fast} where its "
                "optimized version goes",
            )


def template_for(settings: PromptSettings, api: OpenAIApi, model: str = "") -> Template:
    return load_template(resolve_name(settings.template, api, model))


def _check(settings: PromptSettings) -> None:
    if not 1 <= settings.score <= 10:
        raise ModelError(
            f"pie.model.prompt.score is {settings.score}; PIE's tags run from 1 to 10",
            hint="set pie.model.prompt.score = 10 (PIE asks for 10/10 at inference)",
        )
    if settings.few_shot < 0:
        raise ModelError(
            f"pie.model.prompt.few_shot is {settings.few_shot}",
            hint="set it to 0 (no examples) or more",
        )


def build_prompt(
    program: str,
    settings: PromptSettings,
    api: OpenAIApi,
    model: str = "",
    hotspots: str | None = None,
) -> Prompt:
    """The prompt for `program` under the settings, for a completions or chat API and the
    named model (which picks the PIE template under "auto"); `hotspots` (by default what
    `HOTSPOTS` holds) fills a template's `{hotspots}` (the hot function and lines,
    `pie_lsp.profile.hotspots_text`); with `settings.hotspots` on, a template without the
    placeholder gets them before its text."""
    from pie_lsp.models import retrieval

    _check(settings)
    template = template_for(settings, api, model)
    if hotspots is None:
        hotspots = HOTSPOTS.get()
    body = program.rstrip() if program.strip() else program
    focus = FOCUS.get()
    if focus is not None and program == focus.original:  # a long program: its hot function
        body = focus.function.rstrip()
    examples: list[retrieval.Pair] = []
    rendered = ""
    if template.uses_examples and settings.few_shot > 0:
        # most similar last, nearest the program (PIE's retrieval prompts)
        examples = list(reversed(retrieval.similar(program, settings.few_shot)))
        example_format = template.example or load_template("fewshot").example or ""
        # blank lines between examples and before the program, whether or not the
        # example file ends with a newline
        parts = [
            fill(example_format, {"slow": p.slow.rstrip(), "fast": p.fast.rstrip()}).rstrip("\n")
            for p in examples
        ]
        rendered = "\n\n".join(parts) + "\n\n" if parts else ""
    text = fill(
        template.text,
        {
            "program": body,
            "score": str(settings.score),
            "examples": rendered,
            "hotspots": hotspots,
        },
    )
    if hotspots and settings.hotspots and "{hotspots}" not in template.text:
        text = f"About the program below. {hotspots}\n{text}"
    if focus is not None and program == focus.original:
        text = (
            f"Below is only the function {focus.name} of a longer program, where most of its "
            f"time goes. Answer with that one function rewritten (same name and signature), "
            f"not a whole program.\n\n{text}"
        )
    notes: list[str] = []
    if template.name in ("pie-conditioned", "pie-plain") and len(program) > PIE_TRAINING_LIMIT:
        notes.append(
            f"program is {len(program):,} characters; PIE's models were trained on programs "
            f"up to {PIE_TRAINING_LIMIT:,} — results may be weaker"
        )
    return Prompt(
        template=template.name,
        text=text,
        system=template.system.strip() if api == "chat" and template.system else None,
        stop=tuple(settings.stop) or template.stop,
        notes=tuple(notes),
        examples=tuple(p.id for p in examples),
    )


def prompt_digest(settings: PromptSettings, api: OpenAIApi, model: str = "") -> str:
    """Changes whenever the prompt a program would get changes (for cache keys)."""
    from pie_lsp.models import retrieval

    template = template_for(settings, api, model)
    parts = [template.digest(), str(settings.score), str(settings.few_shot), *settings.stop]
    if template.uses_examples and settings.few_shot > 0:
        parts.append(retrieval.corpus_digest())
    if settings.hotspots:  # off: the digest it always had
        parts.append("hotspots")
    if settings.focus_lines > 0:
        parts.append(f"focus {settings.focus_lines}")
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()
