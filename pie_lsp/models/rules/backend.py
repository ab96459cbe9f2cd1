"""The `rules` backend: runs the registered rules, checks their rewrites with libclang, and
assembles candidates (one per rule, and combinations)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Iterable, Sequence
from typing import Self

from attrs import define, field, frozen

from pie_lsp.models.base import (
    Candidate,
    Generation,
    ModelBackend,
    Outcome,
    Progress,
    Rejection,
)
from pie_lsp.models.rules.base import Rule
from pie_lsp.models.rules.code import Code
from pie_lsp.models.rules.edits import Rewrite, apply_edits, merge
from pie_lsp.models.rules.edits import kept as kept_rewrites
from pie_lsp.models.rules.registry import ALL_RULES, RULE_NAMES
from pie_lsp.program import Parsed, Program
from pie_lsp.settings import ModelSettings, Settings, SettingsError
from pie_lsp.text import times

# Bump when checking or combining rewrites changes what the backend proposes; each rule has
# its own version (Rule.version), part of the cache key of the programs it may apply to.
BACKEND_VERSION = 4  # 4: a combination names only the rules it applies


@frozen
class _Found:
    """The rewrites one rule found."""

    rule: Rule
    rewrites: tuple[Rewrite, ...]


@define
class _Search:
    """What one program's generation left for the search over combinations and for
    explaining a result: the rules checked, those whose rewrites compiled, the parse."""

    started: float
    checked: list[str]
    passed: list[_Found] = field(factory=list)
    checker: _Checker | None = None
    refined: bool = False


# Programs whose search state is kept (each holds a libclang translation unit).
_KEPT_SEARCHES = 4


class RulesBackend(ModelBackend):
    """Deterministic rewrites (see the rules above); works offline with no model."""

    name = "rules"
    starts_early = True  # libclang and the rules need nothing of the original's runs

    def __init__(self, model: ModelSettings, compiler: str, min_speedup: float) -> None:
        """A backend with its own settings (`pie.model`, its `rules` part), the compiler
        whose builtin headers libclang parses with (`pie.build.compiler`) and the speedup
        that counts as faster (`pie.min_speedup`, for `explain`)."""
        self.options = options = model.rules
        self.compiler = compiler
        self.min_speedup = min_speedup
        for setting, names in (("enabled", options.enabled), ("disabled", options.disabled)):
            unknown = sorted(set(names) - set(RULE_NAMES))
            if unknown:
                raise SettingsError(
                    f"pie.model.rules.{setting}: unknown rule(s) {', '.join(unknown)}",
                    hint=f"known rules: {', '.join(RULE_NAMES)}",
                )
        self.rules = [
            rule
            for rule in ALL_RULES
            if (not options.enabled or rule.name in options.enabled)
            and rule.name not in options.disabled
        ]
        self._searches: dict[str, _Search] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        """The backend with its parts of a whole settings tree."""
        return cls(settings.model, settings.build.compiler, settings.min_speedup)

    def config_digest(self) -> str:
        return self._digest(self.rules)

    def config_digest_for(self, program: Program) -> str:
        """Only the rules that may apply to this program count: changing or adding a rule
        keeps the cached results of programs it cannot touch."""
        return self._digest(self.applicable(program))

    def applicable(self, program: Program) -> list[Rule]:
        """The enabled rules whose patterns occur in the program's text."""
        return [rule for rule in self.rules if rule.may_apply(program.text)]

    def _digest(self, rules: Sequence[Rule]) -> str:
        options = self.options
        described = {
            "version": BACKEND_VERSION,
            "rules": [[rule.name, rule.version] for rule in rules],
            "enabled": sorted(options.enabled),
            "disabled": sorted(options.disabled),
            # a result cut by the budget is not the one a larger budget gives
            "search_seconds": options.search_seconds,
        }
        return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()

    async def generate(self, program: Program, samples: int, progress: Progress) -> Generation:
        """Every applicable rule's rewrite of `program`, alone and combined.

        Rules are deterministic, so `samples` is ignored: the same program always gives
        the same candidates. The libclang work runs in a thread to keep the event loop
        (the language server) responsive."""
        loop = asyncio.get_running_loop()

        def report(message: str) -> None:  # progress belongs to the event loop's thread
            loop.call_soon_threadsafe(progress, message)

        return await asyncio.to_thread(self._generate, program, report)

    def _generate(self, program: Program, progress: Progress) -> Generation:
        search = _Search(time.monotonic(), [rule.name for rule in self.applicable(program)])
        self._searches[_program_key(program)] = search
        while len(self._searches) > _KEPT_SEARCHES:
            del self._searches[next(iter(self._searches))]
        progress(f"rules: parsing {program.path.name}")
        parsed = Parsed(program, self.compiler)
        if parsed.errors:
            return Generation(
                notes=[
                    f"rules: libclang cannot parse the program ({parsed.errors[0]}), so no rule "
                    "was tried"
                ]
            )
        code = Code(parsed)
        found: list[_Found] = []
        failures: list[str] = []
        for rule in self.applicable(program):
            try:
                rewrites = rule.find(code)
            except Exception as exc:  # a bug in one rule must not cost the others
                failures.append(
                    f"rules: {rule.name} failed on this program "
                    f"({type(exc).__name__}: {exc}); please report it"
                )
                continue
            if rewrites:
                found.append(_Found(rule, tuple(rewrites)))
        del code  # its cursors die with the first reparse below
        if not found:
            return Generation(notes=failures)
        progress(f"rules: checking {len(found) + (len(found) > 1)} rewrites with libclang")
        search.checker = _Checker(parsed)
        generation = search.checker.run(found)
        search.passed = search.checker.passed
        generation.notes += failures
        return generation

    # -- the search over combinations ------------------------------------------------------
    async def refine(self, program: Program, outcomes: Sequence[Outcome]) -> Generation:
        """Once: the rules that were faster alone, best first, combined as growing prefixes
        (the two best, the three best...), each checked with libclang. Greedy by measured
        speedup, but every prefix is proposed at once so the pipeline verifies them in
        parallel; nothing, and a note saying so, when the time budget
        (model.rules.search_seconds, counted from the start of generation) is spent."""
        search = self._searches.get(_program_key(program))
        budget = self.options.search_seconds
        if search is None or search.refined or search.checker is None:
            return Generation()
        # once only; the translation unit is let go either way (it is large)
        search.refined, checker, search.checker = True, search.checker, None
        speedups = {o.origin: o.speedup for o in outcomes if o.status != "rejected"}
        helpful = sorted(
            (f for f in search.passed if (speedups.get(f"rules:{f.rule.name}") or 0.0) > 1.0),
            key=lambda f: -(speedups[f"rules:{f.rule.name}"] or 0.0),
        )
        prefixes = [helpful[:size] for size in range(2, len(helpful) + 1)]
        if not prefixes or budget <= 0:  # nothing to combine, or the search is turned off
            return Generation()
        elapsed = time.monotonic() - search.started
        if elapsed >= budget:
            return Generation(
                notes=[
                    f"rules: the search over combinations was cut: {len(helpful)} rules were "
                    f"faster alone, but the time budget model.rules.search_seconds = "
                    f"{budget:g} s was spent ({elapsed:.0f} s since generation began); raise "
                    "it to try their combinations (CLI: --set model.rules.search_seconds=60)"
                ]
            )
        return Generation(await asyncio.to_thread(checker.combinations, prefixes))

    # -- why nothing was found ---------------------------------------------------------------
    def explain(self, program: Program, outcomes: Sequence[Outcome]) -> list[str]:
        """Which rules were checked, which matched and what became of their rewrites, and
        the setting that brings in a model."""
        search = self._searches.get(_program_key(program))
        checked = search.checked if search is not None else [r.name for r in self.rules]
        others = (
            "; the others look for code this program does not contain"
            if len(checked) < len(ALL_RULES)
            else ""
        )
        lines = [
            f"Checked {len(checked)} of {len(ALL_RULES)} rules"
            + (f" ({', '.join(checked)})" if checked else "")
            + f"{others}."
        ]
        ours = [o for o in outcomes if o.origin.startswith("rules:")]

        def name(outcome: Outcome) -> str:
            rule = outcome.origin.removeprefix("rules:")
            return "all together" if rule == "all" else rule

        slow = [o for o in ours if o.status != "rejected" and o.speedup is not None]
        if slow:
            lines.append(
                f"Matched but not {times(self.min_speedup)} faster: "
                + ", ".join(f"{name(o)} ({times(o.speedup or 0.0)})" for o in slow)
                + "."
            )
        lines += [
            f"Matched but rejected: {name(o)} ({o.reason or 'rejected'})."
            for o in ours
            if o not in slow
        ]
        if not ours:
            lines.append("None of them matched.")
        lines.append(
            "A model backend may find more (algorithmic rewrites the rules do not attempt): "
            'set model.backend = "openai" (with model.openai.url) or "transformers".'
        )
        return lines


class _Checker:
    """Checks rules' rewrites with libclang and assembles the candidates."""

    def __init__(self, parsed: Parsed) -> None:
        self.parsed = parsed
        self.source = parsed.source
        # Errors the original has too (libclang may dislike a gcc header): not the rewrite's.
        self.baseline = set(parsed.errors_anywhere())
        self.passed: list[_Found] = []  # the rules whose rewrites compile alone
        # Every text checked so far and its new errors: a reparse costs about half a
        # second, and the combinations often repeat a text (rules:all, a refined rule).
        self.checked: dict[str, list[str]] = {}

    def check(self, texts: list[str]) -> list[list[str]]:
        """The new errors of each text, wherever reported (a rewrite can break a template
        it instantiates inside a system header). Each distinct text is parsed once."""
        new = [text for text in dict.fromkeys(texts) if text not in self.checked]
        for text, errors in zip(new, self.parsed.check_many_anywhere(new), strict=True):
            self.checked[text] = [e for e in errors if e not in self.baseline]
        return [self.checked[text] for text in texts]

    def text(self, rewrites: Iterable[Rewrite]) -> str:
        return apply_edits(self.source, merge(rewrites))

    def combined(self, found: Sequence[_Found]) -> str:
        return self.text(r for f in found for r in f.rewrites)

    @staticmethod
    def described(found: Sequence[_Found]) -> tuple[list[str], str]:
        """The rules that take part in `combined(found)` and what they do: a rule whose
        every rewrite overlaps an earlier rule's (see edits.kept) is not named."""
        taken = {id(r) for r in kept_rewrites(r for f in found for r in f.rewrites)}
        parts = [(f.rule, [r for r in f.rewrites if id(r) in taken]) for f in found]
        applied = [(rule, rewrites) for rule, rewrites in parts if rewrites]
        names = [rule.name for rule, _ in applied]
        return names, "; ".join(rule.describe(rewrites) for rule, rewrites in applied)

    def combinations(self, groups: Sequence[Sequence[_Found]]) -> list[Candidate]:
        """A candidate for each group of rules whose rewrites compile together."""
        texts = [self.combined(group) for group in groups]
        candidates = []
        for group, text, errors in zip(groups, texts, self.check(texts), strict=True):
            if not errors:
                names, description = self.described(group)
                candidates.append(Candidate("rules:" + "+".join(names), text, description))
        return _unique(candidates)

    def run(self, found: list[_Found]) -> Generation:
        """One candidate per rule whose rewrite compiles, and `rules:all` combining them.

        Every variant is checked in one reparse batch; a failing compile-checked rule is
        refined, and a failing combination is rebuilt greedily."""
        generation = Generation()
        combination = [self.combined(found)] if len(found) > 1 else []
        results = self.check([self.text(f.rewrites) for f in found] + combination)
        passed: list[_Found] = []
        for first_try, first_errors in zip(found, results, strict=False):
            item, errors = first_try, first_errors
            if errors and item.rule.compile_checked:
                item = self._refine(item, errors)
                errors = self.check([self.text(item.rewrites)])[0] if item.rewrites else errors
            if errors:
                generation.rejected.append(
                    Rejection(f"rules:{item.rule.name}", f"rewrite would not compile: {errors[0]}")
                )
                continue
            passed.append(item)
            self.passed.append(item)
            generation.candidates.append(
                Candidate(
                    f"rules:{item.rule.name}",
                    self.text(item.rewrites),
                    item.rule.describe(item.rewrites),
                )
            )
        if len(passed) > 1:
            combined_ok = (passed == found and not results[-1]) or not self.check(
                [self.combined(passed)]
            )[0]
            kept = passed if combined_ok else self._greedy(passed)
            if len(kept) > 1:
                generation.candidates.append(
                    Candidate("rules:all", self.combined(kept), self.described(kept)[1])
                )
            if not combined_ok:
                left_out = [f.rule.name for f in passed if f not in kept]
                generation.notes.append(
                    "rules: the rules' rewrites do not compile together; rules:all leaves "
                    f"out {', '.join(left_out)}"
                )
        generation.candidates = _unique(generation.candidates)
        return generation

    def _refine(self, item: _Found, errors: list[str]) -> _Found:
        """Keep the rewrites that compile: blame the ones whose lines hold an error, try
        each of those alone on top of the others, and drop those that fail."""
        lines = {int(e.split(":", 1)[0]) for e in errors if e.split(":", 1)[0].isdigit()}
        suspects = [
            r
            for r in item.rewrites
            if any(first <= line <= last for first, last in r.lines for line in lines)
        ]
        if not suspects:
            suspects = list(item.rewrites)
        rest = [r for r in item.rewrites if r not in suspects]
        variants = ([rest] if rest else []) + [[*rest, suspect] for suspect in suspects]
        results = self.check([self.text(v) for v in variants])
        if rest and results.pop(0):
            return _Found(item.rule, ())
        kept = rest + [s for s, errs in zip(suspects, results, strict=True) if not errs]
        return _Found(item.rule, tuple(r for r in item.rewrites if r in kept))

    def _greedy(self, passed: list[_Found]) -> list[_Found]:
        """Add rules one at a time, keeping each whose addition still compiles."""
        kept = [passed[0]]
        for item in passed[1:]:
            if not self.check([self.combined([*kept, item])])[0]:
                kept.append(item)
        return kept


def _program_key(program: Program) -> str:
    return hashlib.sha256(program.text.encode()).hexdigest()


def _unique(candidates: list[Candidate]) -> list[Candidate]:
    """The first candidate of each distinct text."""
    seen: set[str] = set()
    unique = []
    for candidate in candidates:
        if candidate.source not in seen:
            seen.add(candidate.source)
            unique.append(candidate)
    return unique
