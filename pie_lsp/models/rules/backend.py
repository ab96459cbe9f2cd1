"""The `rules` backend: runs the registered rules, checks their rewrites with libclang, and
assembles candidates (one per rule, and combinations)."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Iterable, Sequence

from attrs import frozen

from pie_lsp.models.base import Candidate, Generation, ModelBackend, Progress, Rejection
from pie_lsp.models.rules.base import Rule
from pie_lsp.models.rules.code import Code
from pie_lsp.models.rules.edits import Rewrite, apply_edits, merge
from pie_lsp.models.rules.registry import ALL_RULES, RULE_NAMES
from pie_lsp.program import Parsed, Program
from pie_lsp.settings import Settings, SettingsError

# Bump when checking or combining rewrites changes what the backend proposes; each rule has
# its own version (Rule.version), part of the cache key of the programs it may apply to.
BACKEND_VERSION = 3


@frozen
class _Found:
    """The rewrites one rule found."""

    rule: Rule
    rewrites: tuple[Rewrite, ...]


class RulesBackend(ModelBackend):
    """Deterministic rewrites (see the rules above); works offline with no model."""

    name = "rules"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        options = settings.model.rules
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
        options = self.settings.model.rules
        described = {
            "version": BACKEND_VERSION,
            "rules": [[rule.name, rule.version] for rule in rules],
            "enabled": sorted(options.enabled),
            "disabled": sorted(options.disabled),
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
        progress(f"rules: parsing {program.path.name}")
        parsed = Parsed(program, self.settings.build.compiler)
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
            checked = "; ".join(f"{rule.name} ({rule.summary})" for rule in self.rules)
            return Generation(
                notes=[f"no rule applies: checked {checked or 'no rules'}", *failures]
            )
        progress(f"rules: checking {len(found) + (len(found) > 1)} rewrites with libclang")
        generation = _Checker(parsed).run(found)
        generation.notes += failures
        return generation


class _Checker:
    """Checks rules' rewrites with libclang and assembles the candidates."""

    def __init__(self, parsed: Parsed) -> None:
        self.parsed = parsed
        self.source = parsed.source
        # Errors the original has too (libclang may dislike a gcc header): not the rewrite's.
        self.baseline = set(parsed.errors_anywhere())

    def check(self, texts: list[str]) -> list[list[str]]:
        """The new errors of each text, wherever reported (a rewrite can break a template
        it instantiates inside a system header)."""
        return [
            [e for e in errors if e not in self.baseline]
            for errors in self.parsed.check_many_anywhere(texts)
        ]

    def text(self, rewrites: Iterable[Rewrite]) -> str:
        return apply_edits(self.source, merge(rewrites))

    def combined(self, found: Sequence[_Found]) -> str:
        return self.text(r for f in found for r in f.rewrites)

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
                    Candidate(
                        "rules:all",
                        self.combined(kept),
                        "; ".join(f.rule.describe(f.rewrites) for f in kept),
                    )
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


def _unique(candidates: list[Candidate]) -> list[Candidate]:
    """The first candidate of each distinct text."""
    seen: set[str] = set()
    unique = []
    for candidate in candidates:
        if candidate.source not in seen:
            seen.add(candidate.source)
            unique.append(candidate)
    return unique
