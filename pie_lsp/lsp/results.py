"""Results kept in memory, keyed by (document, hash of the exact text they were made for).

`textDocument/codeAction`, code lenses and hovers answer from here only: a dictionary
lookup, never a compile, a model call, a simulation or a disk read. Entries are bounded
(oldest dropped first) so a long session does not grow without limit.
"""

from __future__ import annotations

import hashlib
import itertools
from collections import OrderedDict

from attrs import define, field
from lsprotocol import types

from pie_lsp.pipeline import OptimizeResult, SpeedupResult


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@define
class StoredResult:
    """An optimization result for one document text, with its edit ready to send."""

    id: str
    uri: str
    text_sha: str
    result: OptimizeResult
    # the edit from the text it was computed for to the optimized program
    edits: list[types.TextEdit] = field(factory=list)


class ResultStore:
    """Optimization and check-speedup results for exact document texts."""

    def __init__(self, limit: int = 256) -> None:
        self.limit = limit
        self._ids = itertools.count(1)
        self._by_id: OrderedDict[str, StoredResult] = OrderedDict()
        self._by_text: dict[tuple[str, str], str] = {}
        # ids replaced by a newer result for the same text: a lens or code action the editor
        # still shows names them (e.g. the cached result found on open, then a run's)
        self._replaced: OrderedDict[str, tuple[str, str]] = OrderedDict()
        self._speedups: OrderedDict[tuple[str, str], SpeedupResult] = OrderedDict()

    def add(
        self, uri: str, text_sha: str, result: OptimizeResult, edits: list[types.TextEdit]
    ) -> StoredResult:
        stored = StoredResult(f"r{next(self._ids)}", uri, text_sha, result, edits)
        old = self._by_text.get((uri, text_sha))
        if old is not None:
            self._by_id.pop(old, None)
            self._replaced[old] = (uri, text_sha)
            while len(self._replaced) > self.limit:
                self._replaced.popitem(last=False)
        self._by_id[stored.id] = stored
        self._by_text[(uri, text_sha)] = stored.id
        while len(self._by_id) > self.limit:
            _, dropped = self._by_id.popitem(last=False)
            if self._by_text.get((dropped.uri, dropped.text_sha)) == dropped.id:
                del self._by_text[(dropped.uri, dropped.text_sha)]
        return stored

    def get(self, result_id: str) -> StoredResult | None:
        """The result `result_id` names, or the newer one for the same text that replaced it."""
        stored = self._by_id.get(result_id)
        if stored is None and result_id in self._replaced:
            return self.for_text(*self._replaced[result_id])
        return stored

    def for_text(self, uri: str, text_sha: str) -> StoredResult | None:
        result_id = self._by_text.get((uri, text_sha))
        return self._by_id.get(result_id) if result_id is not None else None

    def add_speedup(self, uri: str, text_sha: str, result: SpeedupResult) -> None:
        self._speedups[(uri, text_sha)] = result
        self._speedups.move_to_end((uri, text_sha))
        while len(self._speedups) > self.limit:
            self._speedups.popitem(last=False)

    def speedup_for_text(self, uri: str, text_sha: str) -> SpeedupResult | None:
        return self._speedups.get((uri, text_sha))
