"""Execution feedback for a model: what happened to its candidates, as a prompt.

After a round, each candidate is an `Attempt`: its code and a verdict with the facts a
model can act on — the compiler's message, the test it failed and the first line that
differed, that it timed out, or, for a correct one, its speedup on every test and which
tests take most of its time. `feedback_prompt` turns the attempts into the next request:
over the completion API with `model/prompts/feedback.txt` (attempts written with
`feedback.attempt.txt`), over the chat API as turns after the first request (system, the
first prompt, the model's answer, then `feedback-chat.txt` with the facts and the other
attempts). `crossover_prompt` asks for one program combining the two best correct
candidates (`crossover.txt`, `crossover-chat.txt`).

Everything an attempt carries comes from the candidate (its code, what it printed, what
the compiler said about it) and is hostile: it is cut to a bound, its control characters
are made visible (`pie_lsp.text.visible`), a code block gets a fence longer than any
backtick run inside it, and a completion prompt's `###` section markers are broken up, so
no candidate can end its section early or forge a "### Optimized Version:" of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Literal

from attrs import frozen

from pie_lsp.assets import asset
from pie_lsp.errors import ModelError
from pie_lsp.models.prompts import Prompt
from pie_lsp.settings import OpenAIApi
from pie_lsp.text import visible

if TYPE_CHECKING:
    from pie_lsp.measure import TestTiming

Verdict = Literal[
    "compile-error", "wrong-output", "timeout", "crash", "rejected", "not-faster", "faster"
]

MAX_DETAIL = 600  # characters of a compiler message or a failure shown to the model
MAX_CODE = 12_000  # a longer candidate is described, not repeated
MAX_ATTEMPTS = 4  # attempts shown in one feedback prompt
DOMINANT_SHARE = 0.5  # tests taking at least this share of the time together are named

# Where a completion of the feedback templates should stop (the next section).
FEEDBACK_STOP = ("\n###", "\n# slower version")

_PLACEHOLDER = re.compile(r"\{(program|attempts|number|code|facts)\}")


@frozen
class PerTest:
    """One test's time for the original and for a candidate, in seconds."""

    test: str
    original: float
    candidate: float

    @property
    def speedup(self) -> float | None:
        return self.original / self.candidate if self.candidate > 0 else None


@frozen
class Attempt:
    """A candidate and what happened to it, as the model will be told."""

    origin: str
    code: str
    verdict: Verdict
    detail: str = ""  # the compiler's message, the failing test and line, the reason
    speedup: float | None = None
    times: tuple[PerTest, ...] = ()

    @property
    def correct(self) -> bool:
        return self.verdict in ("faster", "not-faster")


def bound(text: str, limit: int = MAX_DETAIL) -> str:
    """Untrusted text made safe to show a model: control characters visible, at most
    `limit` characters (cut with a note saying how much was left out)."""
    shown = visible(text)
    if len(shown) <= limit:
        return shown
    return shown[:limit].rstrip() + f" … [{len(shown) - limit:,} more characters cut]"


# -- from the pipeline's verdicts ----------------------------------------------------------

_TEST_REASON = re.compile(r"^test (?P<test>\S+): (?P<why>.*)$", re.DOTALL)


def verdict_of(status: str, reason: str) -> Verdict:
    """The kind of failure a pipeline verdict ("test 2: wrong output, line 3: …",
    "does not compile: …") is, for a candidate with `status`."""
    if status == "faster":
        return "faster"
    if status == "not-faster":
        return "not-faster"
    if reason.startswith(("does not compile", "compilation timed out", "the compiler ")):
        return "compile-error"
    found = _TEST_REASON.match(reason)
    if found:
        why = found.group("why")
        if why.startswith("wrong output"):
            return "wrong-output"
        if why.startswith("timed out"):
            return "timeout"
        return "crash"
    if reason.startswith("derived input "):
        return "wrong-output"
    return "rejected"


def test_times(
    original: Iterable[TestTiming], candidate: Iterable[TestTiming]
) -> tuple[PerTest, ...]:
    """Per-test times of the original and a candidate, for the tests both have."""
    before = {t.test: t.seconds for t in original}
    return tuple(PerTest(t.test, before[t.test], t.seconds) for t in candidate if t.test in before)


def attempt(
    origin: str,
    source: str,
    status: str,
    reason: str,
    speedup: float | None = None,
    times: tuple[PerTest, ...] = (),
) -> Attempt:
    """An attempt from a pipeline candidate's fields (CandidateResult)."""
    return Attempt(origin, source, verdict_of(status, reason), reason, speedup, times)


# -- facts ---------------------------------------------------------------------------------


def _seconds(value: float) -> str:
    if value >= 1:
        return f"{value:.2f} s"
    if value >= 1e-3:
        return f"{value * 1e3:.2f} ms"
    return f"{value * 1e6:.1f} µs"


def dominant(times: Sequence[PerTest]) -> list[PerTest]:
    """The fewest tests that together take at least half the candidate's time (the ones
    worth speeding up), slowest first; [] with fewer than two tests."""
    total = sum(t.candidate for t in times)
    if len(times) < 2 or total <= 0:
        return []
    chosen: list[PerTest] = []
    for timing in sorted(times, key=lambda t: -t.candidate):
        chosen.append(timing)
        if sum(t.candidate for t in chosen) >= DOMINANT_SHARE * total:
            return chosen
    return chosen  # pragma: no cover - the loop always reaches half of the total


def facts(item: Attempt) -> str:
    """What happened to `item`, in sentences a model can act on (bounded, visible)."""
    detail = bound(item.detail)
    if item.verdict == "compile-error":
        message = bound(re.sub(r"^(does not compile|the compiler [^:]*)(: )?", "", item.detail))
        return f"It does not compile. The compiler said:\n{message}"
    if item.verdict in ("wrong-output", "timeout", "crash"):
        found = _TEST_REASON.match(item.detail)
        if item.verdict == "wrong-output" and found:
            why = bound(found.group("why").removeprefix("wrong output, "))
            test = bound(found.group("test"), 60)
            return f"It compiles but prints a wrong answer on test {test}: {why}."
        if item.verdict == "wrong-output":
            return f"It passes the tests but differs from the original on another input: {detail}."
        if item.verdict == "timeout" and found:
            return (
                f"It compiles but test {bound(found.group('test'), 60)} "
                f"{bound(found.group('why'))}: it is far slower than the original or never ends."
            )
        return f"It fails: {detail}."
    if item.verdict == "rejected":
        return f"It was rejected: {detail}."
    speedup = f"{item.speedup:.2f}×" if item.speedup else "no measurable"
    head = (
        f"It is correct and {speedup} faster than the original."
        if item.verdict == "faster"
        else f"It is correct but not fast enough to count: {speedup} the original's speed."
    )
    lines = [head]
    if item.times:
        per_test = "; ".join(
            f"test {bound(t.test, 60)}: {_seconds(t.original)} → {_seconds(t.candidate)}"
            + (f" ({t.speedup:.2f}×)" if t.speedup else "")
            for t in item.times[:12]
        )
        lines.append(f"Per test (original → this version): {per_test}.")
        heavy = dominant(item.times)
        if heavy:
            total = sum(t.candidate for t in item.times)
            share = sum(t.candidate for t in heavy) / total
            names = ", ".join(bound(t.test, 60) for t in heavy)
            tests = "Test {} takes" if len(heavy) == 1 else "Tests {} take"
            lines.append(
                f"{tests.format(names)} {share:.0%} of its time: a faster version must speed "
                "up what those inputs exercise."
            )
    return "\n".join(lines)


# -- templates -----------------------------------------------------------------------------


def load(name: str) -> str:
    """A built-in feedback template (`model/prompts/NAME.txt`)."""
    path = asset("model", "prompts", f"{name}.txt")
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelError(
            f"cannot read prompt template {path}: {exc}",
            hint="reinstall pie-lsp (its model/ assets)",
        ) from exc


def fill(template: str, values: dict[str, str]) -> str:
    """Replace the known placeholders in one pass (a value's braces are never read again)."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def fenced(code: str, language: str = "cpp") -> str:
    """`code` in a Markdown code block whose fence no backtick run inside can close."""
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{code.rstrip()}\n{fence}"


_SECTION = re.compile(r"^([ \t]*)###", re.MULTILINE)


def defused(text: str) -> str:
    """Untrusted text for a completion prompt: a line starting `###` (a section marker
    of PIE's format) gets a space after its first `#`, which C++ does not mind."""
    return _SECTION.sub(r"\1# ##", text)


def _code(item: Attempt, api: OpenAIApi) -> str:
    if len(item.code) > MAX_CODE:
        return f"(its code, {len(item.code):,} characters, is not repeated here)"
    code = visible(item.code).rstrip()
    return fenced(code) if api == "chat" else defused(code)


def shown(attempts: Sequence[Attempt]) -> list[Attempt]:
    """The attempts worth a model's attention, best first: correct ones by speedup, then
    failures, one per kind of failure first (a compile error, a wrong answer...)."""
    correct = sorted((a for a in attempts if a.correct), key=lambda a: -(a.speedup or 0.0))
    failed = [a for a in attempts if not a.correct]
    kinds: dict[str, Attempt] = {}
    for item in failed:
        kinds.setdefault(item.verdict, item)
    rest = [a for a in failed if a not in kinds.values()]
    return [*correct, *kinds.values(), *rest][:MAX_ATTEMPTS]


def _attempts_text(items: Sequence[Attempt], api: OpenAIApi, first: int) -> str:
    template = load("feedback-chat.attempt" if api == "chat" else "feedback.attempt")
    parts = []
    for number, item in enumerate(items, start=first):
        text = facts(item) if api == "chat" else defused(facts(item))
        parts.append(
            fill(template, {"number": str(number), "code": _code(item, api), "facts": text})
        )
    return "".join(f"{part.rstrip(chr(10))}\n\n" for part in parts)


def feedback_prompt(
    first: Prompt, program: str, attempts: Sequence[Attempt], api: OpenAIApi
) -> Prompt:
    """The next request after a round: `first` is the round's own prompt (whose system
    message and text a chat model saw), `attempts` what became of its candidates."""
    items = shown(attempts)
    if not items:
        raise ValueError("a feedback prompt needs at least one attempt")
    if api == "chat":
        lead, others = items[0], items[1:]
        text = fill(
            load("feedback-chat"),
            {"facts": facts(lead), "attempts": _attempts_text(others, api, 2).rstrip("\n")},
        )
        # no attempts to list: no blank line where they would be
        text = text.replace("\n\n\n", "\n\n")
        history = (("user", first.text), ("assistant", fenced(visible(lead.code).rstrip())))
        return Prompt(
            template="feedback-chat",
            text=text,
            system=first.system,
            history=history,
            stop=first.stop,
        )
    text = fill(
        load("feedback"),
        {"program": program.rstrip(), "attempts": _attempts_text(items, api, 1)},
    )
    return Prompt(template="feedback", text=text, stop=FEEDBACK_STOP)


def crossover_prompt(
    first: Prompt, program: str, attempts: Sequence[Attempt], api: OpenAIApi
) -> Prompt | None:
    """A request to combine the two best correct attempts, or None with fewer than two."""
    best = sorted((a for a in attempts if a.correct and a.speedup), key=lambda a: -(a.speedup or 0))
    if len(best) < 2:
        return None
    pair = best[:2]
    if api == "chat":
        text = fill(
            load("crossover-chat"),
            {
                "program": fenced(program.rstrip()),
                "attempts": _attempts_text(pair, api, 1).rstrip("\n"),
            },
        )
        return Prompt(template="crossover-chat", text=text, system=first.system, stop=first.stop)
    text = fill(
        load("crossover"), {"program": program.rstrip(), "attempts": _attempts_text(pair, api, 1)}
    )
    return Prompt(template="crossover", text=text, stop=FEEDBACK_STOP)


def templates_digest() -> str:
    """Changes when a feedback template changes (for cache keys)."""
    import hashlib

    h = hashlib.sha256()
    for name in (
        "feedback",
        "feedback.attempt",
        "feedback-chat",
        "feedback-chat.attempt",
        "crossover",
        "crossover-chat",
    ):
        h.update(load(name).encode())
        h.update(b"\0")
    return h.hexdigest()
