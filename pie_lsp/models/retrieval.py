"""Retrieval of the few-shot examples most similar to a program (PIE's dynamic few-shot).

The corpus is `model/fewshot/`: one folder per slow→fast pair (slow.cpp, fast.cpp, and an
input.txt on which both print the same output), indexed by `pairs.toml`. A pair's slow
version is compared with the user's program by BM25 over C++ tokens: identifiers,
keywords and operators, plus adjacent-token bigrams so that patterns such as `<< endl`,
`s = s +` or `pow (` count as units. Comments, literals' contents and numbers are dropped,
and `std::` prefixes too (most contest code says `using namespace std`). On top of BM25, a
pair gains a bonus for each known slowdown (`SIGNATURES`: a copied container, unsynced
cin, endl, pow, ...) that the user's program shows and the pair's fast version fixes, so
the pair that teaches the relevant fix is not drowned by lexical look-alikes.

The tokens come from the regex lexer in `completion.py`, not libclang: it needs no
headers and never fails on broken code, indexes the whole corpus in milliseconds, and
BM25 only needs the token stream, which a lexer gives exactly (benchmarks/retrieval.py
measures the cost and how often the right pair comes first).
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import math
import re
import tomllib
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from attrs import frozen

from pie_lsp.assets import asset
from pie_lsp.errors import ModelError
from pie_lsp.models.completion import code_tokens

# BM25's usual constants: term-frequency saturation and length normalisation.
_K1 = 1.2
_B = 0.75


@frozen
class Pair:
    """One slow→fast example."""

    id: str
    category: str
    summary: str
    slow: str
    fast: str
    input: str


def terms(text: str) -> list[str]:
    """The retrieval terms of C++ text: code tokens (literals reduced to their kind) and
    bigrams of adjacent tokens."""
    tokens: list[str] = []
    code = code_tokens(text)
    for index, token in enumerate(code):
        # `std::vector` and `vector` (after `using namespace std`) are the same term
        if token.text == "std" and index + 1 < len(code) and code[index + 1].text == "::":
            continue
        if token.text == "::" and index > 0 and code[index - 1].text == "std":
            continue
        if token.kind in ("string", "char", "number", "unterminated"):
            tokens.append(f"<{token.kind}>")
        else:
            tokens.append(token.text)
    bigrams = [f"{a} {b}" for a, b in itertools.pairwise(tokens)]
    return tokens + bigrams


# Slowdowns the token stream shows only diffusely: without them, the many I/O tokens of a
# contest program outweigh the one parameter that copies a vector. Matched on the
# space-joined terms (`std::` dropped); a pair whose fast version fixes one the program
# shows gains SIGNATURE_BONUS, in units of the best lexical score.
SIGNATURES: dict[str, re.Pattern[str]] = {
    "@copied-container": re.compile(
        r"[(,] (?!const )(vector|string|map|set|unordered_map|deque) (< [^()&]*? > )?\w+ [,)]"
    ),
    "@unsynced-cin": re.compile(r"^(?!.*sync_with_stdio).*\bcin >>"),
    "@endl": re.compile(r"<< endl\b"),
    "@pow": re.compile(r"\bpow \("),
    "@strlen-bound": re.compile(r"for \( [^;]*; [^;]*\b(strlen|size) \("),
    "@string-concat": re.compile(r"\b(\w+) = \1 \+"),
    "@ordered-map": re.compile(r"\bmap <"),
    "@recursion-no-memo": re.compile(r"\breturn (\w+) \( [^;]*\) [+*] \1 \("),
}
SIGNATURE_BONUS = 0.5


def signatures(text: str) -> frozenset[str]:
    """The known slowdowns a program shows (names of SIGNATURES)."""
    joined = " ".join(t for t in terms(text) if " " not in t)
    return frozenset(name for name, pattern in SIGNATURES.items() if pattern.search(joined))


def corpus_dir() -> Path:
    return asset("model", "fewshot")


@functools.cache
def load_corpus(directory: Path | None = None) -> tuple[Pair, ...]:
    """Every pair listed in `pairs.toml`, in its order."""
    folder = directory or corpus_dir()
    index = folder / "pairs.toml"
    try:
        with index.open("rb") as handle:
            listed = tomllib.load(handle).get("pair", [])
        return tuple(
            Pair(
                id=entry["id"],
                category=entry["category"],
                summary=entry["summary"],
                slow=(folder / entry["id"] / "slow.cpp").read_text(),
                fast=(folder / entry["id"] / "fast.cpp").read_text(),
                input=(folder / entry["id"] / "input.txt").read_text(),
            )
            for entry in listed
        )
    except (OSError, KeyError, TypeError, tomllib.TOMLDecodeError) as exc:
        raise ModelError(
            f"the few-shot corpus in {folder} is unreadable: {exc}",
            hint="reinstall pie-lsp, or set pie.model.prompt.few_shot = 0",
        ) from exc


class Index:
    """A BM25 index over the slow versions of a corpus."""

    def __init__(self, pairs: Sequence[Pair]) -> None:
        self.pairs = tuple(pairs)
        self._docs = [Counter(terms(pair.slow)) for pair in self.pairs]
        # what each pair demonstrates: the slowdowns its fast version no longer shows
        self._fixes = [signatures(pair.slow) - signatures(pair.fast) for pair in self.pairs]
        self._lengths = [sum(doc.values()) for doc in self._docs]
        self._average = sum(self._lengths) / len(self._lengths) if self._lengths else 0.0
        frequency: Counter[str] = Counter()
        for doc in self._docs:
            frequency.update(doc.keys())
        count = len(self._docs)
        # BM25+-style idf that stays positive for terms in most documents
        self._idf = {
            term: math.log(1 + (count - df + 0.5) / (df + 0.5)) for term, df in frequency.items()
        }

    def scores(self, text: str) -> list[float]:
        """The BM25 score of every pair's slow version for the query `text`."""
        query = Counter(terms(text))
        result: list[float] = []
        for doc, length in zip(self._docs, self._lengths, strict=True):
            norm = _K1 * (1 - _B + _B * length / self._average) if self._average else _K1
            score = 0.0
            for term in query:
                tf = doc.get(term)
                if tf:
                    score += self._idf[term] * tf * (_K1 + 1) / (tf + norm)
            result.append(score)
        return result

    def ranking_scores(self, text: str) -> list[float]:
        """What `search` ranks by: BM25 relative to the best match, plus a bonus for each
        known slowdown of `text` that the pair shows how to fix."""
        lexical = self.scores(text)
        best = max(lexical, default=0.0) or 1.0
        mine = signatures(text)
        return [
            score / best + SIGNATURE_BONUS * len(mine & theirs)
            for score, theirs in zip(lexical, self._fixes, strict=True)
        ]

    def search(self, text: str, k: int) -> list[Pair]:
        """The `k` pairs most similar to `text`, most similar first (ties: corpus order)."""
        if k <= 0:
            return []
        scores = self.ranking_scores(text)
        order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
        return [self.pairs[i] for i in order[:k]]


@functools.cache
def default_index() -> Index:
    return Index(load_corpus())


def similar(text: str, k: int) -> list[Pair]:
    """The `k` corpus pairs most similar to the program `text`, most similar first."""
    return default_index().search(text, k)


@functools.cache
def corpus_digest() -> str:
    """Changes whenever any pair changes (part of the model backends' cache keys)."""
    h = hashlib.sha256()
    for pair in load_corpus():
        for part in (pair.id, pair.slow, pair.fast):
            h.update(part.encode())
            h.update(b"\0")
    return h.hexdigest()
