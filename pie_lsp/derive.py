"""Derived inputs: new test inputs made from the user's, on which the original is the oracle.

Three tests can pass by accident (or by design, when a model hard-codes them). Derived
inputs keep each test input's token shape and change what a correct program must not
depend on: numbers perturbed within the range the input shows, sizes shrunk (and grown, up
to the largest size among the tests) where a count token governs what follows, rows or
list elements reordered, and the letters of data words changed (same length, same
letters). A candidate must print on each what the original prints.

The input's structure is inferred, conservatively, because a derived input that breaks
the problem's constraints makes the original a bad oracle (correct rewrites differ from it
on invalid input, e.g. `cin` and `scanf` at end of file):
- a line of at most 4 integers is a header; each of its integers c >= 2 governs either the
  next line when it has exactly c tokens (a list) or the next c lines when they have one
  shape and the line after them another (rows); "c x1 .. xc" on one line is a list too;
- a column whose values lie in [0, V] for an earlier integer V and reach V/2 is an index
  into something of size V (vertices, positions): it is never perturbed, and neither its
  group nor the group counted by V changes size;
- other integers outside lists and rows are left alone (a scalar may be a count of
  something not recognised) unless they end the input alone (not the last of like rows);
- past the first line, a line shaped like the next one is a row, not a header;
- a word is data when it occurs once in the input (words that repeat are commands or
  names) and is long (8+), as long as a number on the line above says, or a grid row;
  characters that occur once in the input stay put;
- a column that is sorted stays sorted, distinct stays distinct, a permutation stays one,
  and columns ordered within every row (l <= r) stay ordered.
Everything is seeded from the input's hash: the same tests give the same derived inputs.
"""

from __future__ import annotations

import bisect
import collections
import functools
import random
import re
from collections.abc import Sequence

from attrs import define, evolve, field, frozen

from pie_lsp.cache import digest

_INT = re.compile(r"[-+]?\d{1,18}")
_FLOAT = re.compile(r"[-+]?\d+\.(\d+)")
KINDS = ("values", "reorder", "shrink", "grow")


@frozen
class DerivedInput:
    """One derived input and where it came from."""

    name: str  # "d7"
    source: str  # the test it was made from
    how: str  # "numbers perturbed", "sizes shrunk", ...
    data: bytes


def _is_int(token: str) -> bool:
    # a fast path of _INT (this runs on every token of every input, many times); "0110"
    # is a string of digits (a bit string, a matrix row), not a number
    body = token[1:] if token[:1] in ("+", "-") else token
    return (
        0 < len(body) <= 18
        and body.isascii()
        and body.isdigit()
        and (body[0] != "0" or len(body) == 1)
    )


@define
class _Group:
    """Tokens governed by a count: a list (one line) or rows (consecutive lines)."""

    kind: str  # list | inline | rows
    count_at: tuple[int, int]
    start: int  # first line of the elements
    length: int  # lines (rows) or 1
    resizable: bool = True

    def rows(self, lines: list[list[str]]) -> list[list[str]]:
        """Elements as rows of tokens (a list's elements are one-token rows)."""
        if self.kind == "rows":
            return [lines[i] for i in range(self.start, self.start + self.length)]
        tokens = lines[self.start][1:] if self.kind == "inline" else lines[self.start]
        return [[t] for t in tokens]

    def store(self, lines: list[list[str]], rows: list[list[str]]) -> None:
        if self.kind == "rows":
            lines[self.start : self.start + self.length] = rows
            self.length = len(rows)
        elif self.kind == "inline":
            lines[self.start] = [str(len(rows)), *(r[0] for r in rows)]
        else:
            lines[self.start] = [r[0] for r in rows]
        line, pos = self.count_at
        lines[line][pos] = str(len(rows))


def _shape(tokens: list[str]) -> str:
    return "".join("i" if _is_int(t) else "f" if _FLOAT.fullmatch(t) else "w" for t in tokens)


def _groups(lines: list[list[str]]) -> list[_Group]:
    groups: list[_Group] = []
    i = 0
    while i < len(lines):
        tokens = lines[i]
        if len(tokens) >= 3 and tokens[0].isdigit() and int(tokens[0]) == len(tokens) - 1:
            groups.append(_Group("inline", (i, 0), i, 1))
            i += 1
            continue
        after = i + 1
        # past the first line, a line shaped like the next one is more likely a row (an
        # edge "u v" of a block whose count was not recognised) than a header
        header = i == 0 or after >= len(lines) or _shape(lines[after]) != _shape(tokens)
        if header and 0 < len(tokens) <= 4 and all(_is_int(t) for t in tokens):
            for pos, token in enumerate(tokens):
                count = int(token)
                if count < 2 or after >= len(lines):
                    continue  # 1 is too ambiguous (one test case of several lines?)
                if len(lines[after]) == count:
                    groups.append(_Group("list", (i, pos), after, 1))
                    after += 1
                    continue
                end = after + count
                shape = _shape(lines[after])
                if (
                    end <= len(lines)
                    and all(_shape(lines[k]) == shape for k in range(after, end))
                    and (end == len(lines) or _shape(lines[end]) != shape)
                ):
                    groups.append(_Group("rows", (i, pos), after, count))
                    after = end
        i = after if after > i + 1 else i + 1
    return groups


def _columns(rows: list[list[str]]) -> list[list[int] | None]:
    """Integer values per column (None for a column that is not all integers)."""
    width = len(rows[0]) if rows else 0
    out: list[list[int] | None] = []
    if any(len(r) != width for r in rows):
        return [None] * width
    for c in range(width):
        out.append(_ints([r[c] for r in rows]))
    return out


_INT_RUN = re.compile(r"(?:[-+]?(?:0|[1-9]\d{0,17}) )*")


def _ints(values: list[str]) -> list[int] | None:
    """`values` as integers when every one is (one regex pass: this runs on every token)."""
    if _INT_RUN.fullmatch(" ".join(values) + " " if values else "") is None:
        return None
    return [int(v) for v in values]


@define
class _Plan:
    """What may change in one input."""

    lines: list[list[str]]
    groups: list[_Group]
    index_columns: set[tuple[int, int]]  # (group, column) never perturbed
    tail: list[int]  # token positions of the last line that may be perturbed
    # integers outside lists and rows ("k" of "n k"): a size never shrinks below one it
    # may bound (k <= n)
    scalars: list[int] = field(factory=list)


@functools.lru_cache(maxsize=32)
def _plan(text: str) -> _Plan:
    """What may change in `text` (cached: callers copy before changing anything)."""
    lines = [line.split() for line in text.splitlines()]
    groups = _groups(lines)
    counted = {g.count_at: n for n, g in enumerate(groups)}
    elements = {g.start + k for g in groups for k in range(g.length) if g.kind != "inline"}
    index_columns: set[tuple[int, int]] = set()
    # integers >= 2 of the header lines (not list or row elements), in line order; a
    # group's bounds are those above its first line. They are gathered by value as the
    # groups go down (a scan of every line above each group was quadratic: 20 s on an
    # input of thousands of one-line groups).
    headers = [
        (li, (li, p), int(t))
        for li in range(len(lines))
        if li not in elements
        for p, t in enumerate(lines[li])
        if _is_int(t) and int(t) >= 2
    ]
    above: dict[int, list[tuple[int, int]]] = collections.defaultdict(list)  # value: where
    values_above: list[int] = []  # the keys of `above`, sorted
    taken = 0
    for n in sorted(range(len(groups)), key=lambda n: groups[n].start):
        group = groups[n]
        while taken < len(headers) and headers[taken][0] < group.start:
            _, where, value = headers[taken]
            if value not in above:
                bisect.insort(values_above, value)
            above[value].append(where)
            taken += 1
        for c, values in enumerate(_columns(group.rows(lines))):
            if not values or min(values) < 0:
                continue
            top = max(values)
            first, last = (
                bisect.bisect_left(values_above, top),
                bisect.bisect_right(values_above, 2 * top),
            )
            for bound in values_above[first:last]:  # top <= bound <= 2 * top
                for where in above[bound]:
                    if where == group.count_at:
                        continue
                    index_columns.add((n, c))
                    group.resizable = False
                    if where in counted:
                        groups[counted[where]].resizable = False
    governed = {g.count_at[0] for g in groups} | {
        g.start + k for g in groups for k in range(g.length)
    }
    last = len(lines) - 1
    while last >= 0 and not lines[last]:
        last -= 1
    tail: list[int] = []
    # the numbers ending the input ("n", "a b"), unless their line is the last of rows as
    # long (the last edge of a graph, a matrix row) or they index into an earlier size
    previous = max((i for i in range(last) if lines[i]), default=-1)
    alone = previous < 0 or len(lines[previous]) != len(lines[last])
    if last >= 0 and last not in governed and alone:
        bounds = [int(t) for line in lines[:last] for t in line if _is_int(t) and int(t) >= 2]
        for p, t in enumerate(lines[last]):
            if _FLOAT.fullmatch(t) or (
                _is_int(t) and not any(0 <= int(t) <= b <= 2 * int(t) for b in bounds)
            ):
                tail.append(p)
    counts = {g.count_at for g in groups}
    scalars = [
        int(t)
        for i, line in enumerate(lines)
        if i not in elements
        for p, t in enumerate(line)
        if _is_int(t) and (i, p) not in counts
    ]
    return _Plan(lines, groups, index_columns, tail, scalars)


def _matrix(rows: list[list[str]]) -> bool:
    """Square rows of one word each ("0110", "NYYN"): an adjacency matrix, symmetric
    perhaps; its rows must not move, change or go."""
    return len(rows) > 1 and all(len(r) == 1 and len(r[0]) == len(rows) for r in rows)


def _column_like(values: list[str], size: int, rng: random.Random) -> list[str]:
    """`size` new values for one column within its range, keeping sortedness,
    distinctness and permutations (words are drawn from the column's own)."""
    ints = _ints(values)
    if ints is not None:
        lo, hi = min(ints), max(ints)
        distinct = len(set(ints)) == len(ints) and len(ints) > 1
        if distinct and hi - lo + 1 == len(ints):  # a permutation of lo..hi
            new = list(range(lo, lo + size))
            rng.shuffle(new)
        elif distinct and hi - lo + 1 >= size:
            new = rng.sample(range(lo, hi + 1), size)
        else:
            draw, span = rng.random, hi - lo + 1  # random() is C: 3x faster than randint
            new = [lo + int(draw() * span) for _ in range(size)]
        if len(ints) > 1 and ints == sorted(ints):
            new.sort()
        elif len(ints) > 1 and ints == sorted(ints, reverse=True):
            new.sort(reverse=True)
        return [str(v) for v in new]
    floats = [_FLOAT.fullmatch(v) for v in values]
    if all(floats):
        places = max(len(m.group(1)) for m in floats if m)
        nums = [float(v) for v in values]
        new_f = [rng.uniform(min(nums), max(nums)) for _ in range(size)]
        if len(nums) > 1 and nums == sorted(nums):
            new_f.sort()
        return [f"{v:.{places}f}" for v in new_f]
    if size == len(values):
        return values[:]  # words stay
    return [rng.choice(values) for _ in range(size)]


def _ordered_chains(rows: list[list[str]]) -> list[list[int]]:
    """Runs of adjacent integer columns ordered in every row (l <= r)."""
    columns = _columns(rows)
    chains: list[list[int]] = []
    for c in range(len(columns) - 1):
        a, b = columns[c], columns[c + 1]
        if a is not None and b is not None and all(x <= y for x, y in zip(a, b, strict=True)):
            if chains and chains[-1][-1] == c:
                chains[-1].append(c + 1)
            else:
                chains.append([c, c + 1])
    return chains


def _new_rows(
    rows: list[list[str]], size: int, fixed: set[int], rng: random.Random
) -> list[list[str]]:
    """`size` rows like `rows`, column by column (columns in `fixed` kept as they are)."""
    if not rows or any(len(r) != len(rows[0]) for r in rows):
        return rows
    out = [rows[k % len(rows)][:] for k in range(size)]
    for c in range(len(rows[0])):
        if c in fixed:
            continue
        for r, value in zip(out, _column_like([r[c] for r in rows], size, rng), strict=True):
            r[c] = value
    chains = _ordered_chains(rows)
    for row in out:
        for chain in chains:
            for c, v in zip(chain, sorted(int(row[c]) for c in chain), strict=True):
                row[c] = str(v)
    return out


def _is_sorted(rows: list[list[str]]) -> bool:
    columns = _columns(rows)
    return any(
        v is not None and len(set(v)) > 1 and (v == sorted(v) or v == sorted(v, reverse=True))
        for v in columns
    )


def _shrink(rows: list[list[str]], size: int, rng: random.Random) -> list[list[str]]:
    """`rows` with random rows dropped (order kept), permutations renumbered."""
    out = [rows[k][:] for k in sorted(rng.sample(range(len(rows)), size))]
    for c, values in enumerate(_columns(rows)):
        if (
            values
            and len(set(values)) == len(values) > 1
            and max(values) - min(values) + 1 == len(values)
        ):
            ranks = sorted(range(size), key=lambda k: int(out[k][c]))
            for rank, k in enumerate(ranks):
                out[k][c] = str(min(values) + rank)
    return out


@define
class _Seen:
    """Across all the tests: the largest size of each group (by position) and the range of
    each number ending the input (by token position)."""

    sizes: dict[int, int]
    tail: dict[int, tuple[int, int]]


def _seen(texts: Sequence[str]) -> _Seen:
    seen = _Seen({}, {})
    for text in texts:
        plan = _plan(text)
        for n, group in enumerate(plan.groups):
            seen.sizes[n] = max(seen.sizes.get(n, 0), len(group.rows(plan.lines)))
        last = [line for line in plan.lines if line]
        for p in plan.tail:
            if _is_int(last[-1][p]):
                value = int(last[-1][p])
                lo, hi = seen.tail.get(p, (value, value))
                seen.tail[p] = (min(lo, value), max(hi, value))
    return seen


def _derive_one(text: str, kind: str, seen: _Seen, rng: random.Random) -> tuple[str, str] | None:
    """(new text, how) for one kind of change, or None when the input does not allow it."""
    plan = _plan(text)
    plan = _Plan(
        [line[:] for line in plan.lines],
        [evolve(g) for g in plan.groups],
        plan.index_columns,
        plan.tail,
        plan.scalars,
    )
    lines = plan.lines
    changed = False
    how = ""
    # each group's index columns, gathered once (an input of thousands of one-line groups
    # made a scan per group quadratic: 30 s)
    index_columns: dict[int, set[int]] = collections.defaultdict(set)
    for g, c in plan.index_columns:
        index_columns[g].add(c)
    # groups are changed from the last one up, so earlier line numbers stay valid
    for n in reversed(range(len(plan.groups))):
        group = plan.groups[n]
        rows = group.rows(lines)
        indexed = index_columns.get(n, set())
        if kind == "values":
            new = _new_rows(rows, len(rows), indexed, rng)
            how = "numbers perturbed"
        elif kind == "reorder":
            # sorted data stays sorted; a list of indices may be positional (parents)
            if _is_sorted(rows) or (indexed and group.kind != "rows") or _matrix(rows):
                continue
            new = rows[:]
            rng.shuffle(new)
            how = "rows reordered" if group.kind == "rows" else "elements reordered"
        elif not group.resizable or _matrix(rows):
            continue
        elif kind == "shrink":
            floor = max([v for v in plan.scalars if v <= len(rows)] + [1, len(rows) // 4])
            if floor >= len(rows):
                continue
            new = _shrink(rows, rng.randint(floor, len(rows) - 1), rng)
            how = "sizes shrunk"
        else:
            top = seen.sizes.get(n, len(rows))
            if top <= len(rows):
                continue
            new = _new_rows(rows, rng.randint(len(rows) + 1, top), set(), rng)
            how = "sizes grown"
        if new != rows:
            group.store(lines, new)
            changed = True
    if kind == "values" and plan.tail:
        last = max(i for i, line in enumerate(lines) if line)
        for p in plan.tail:
            token = lines[last][p]
            if _is_int(token):
                lo, hi = seen.tail.get(p, (int(token), int(token)))
                if lo == hi and lo >= 4:
                    lo = lo // 2  # one value seen: smaller is almost always still valid
                lines[last][p] = str(rng.randint(lo, hi))
            else:
                lines[last][p] = _column_like([token], 1, rng)[0]
            changed = changed or lines[last][p] != token
        how = "numbers perturbed"
    if kind == "values" and _change_words(plan.lines, lines, text, rng):
        how = "numbers and letters changed" if changed and how else "letters changed"
        changed = True
    if not changed:
        return None
    ending = "\n" if text.endswith(("\n", "\r")) else ""
    return "\n".join(" ".join(line) for line in lines) + ending, how


def _change_words(
    before: list[list[str]], lines: list[list[str]], text: str, rng: random.Random
) -> bool:
    """Change the letters of data words in place (see the module's rules), each letter
    drawn from the word's own letters, keeping its length; a character that occurs once in
    the whole input (a maze's start "S") stays where it is. True if a word changed."""
    repeats = collections.Counter(t for line in before for t in line)
    once = {c for c, n in collections.Counter(text).items() if n == 1}
    changed = False

    def data(i: int, token: str) -> bool:
        # long, or as long as a number just above says, or a row of a grid
        if len(token) < 4 or repeats[token] != 1 or _shape([token]) != "w":
            return False
        if token.isdigit() or len(token) == sum(1 for line in before if len(line) == 1):
            return False  # a bit string, or a row of what may be a square matrix
        above = before[i - 1] if i > 0 else []
        grid = [before[k][0] for k in (i - 1, i + 1) if 0 <= k < len(before) and before[k]]
        return (
            len(token) >= 8
            or str(len(token)) in above
            or any(len(w) == len(token) and len(before[k]) == 1 for k, w in enumerate(grid))
        )

    for i, line in enumerate(lines):
        for p, token in enumerate(line):
            if not data(i, token):
                continue
            pool = [c for c in token if c not in once]
            if len(set(pool)) < 2:
                continue
            new = "".join(c if c in once else rng.choice(pool) for c in token)
            if new != token:
                line[p] = new
                changed = True
    return changed


def derive_inputs(tests: Sequence[tuple[str, bytes]], count: int) -> list[DerivedInput]:
    """Up to `count` distinct derived inputs from (test name, input) pairs, round-robin over
    the tests and the kinds of change; the same tests always give the same inputs."""
    texts = [(name, data.decode("utf-8", "replace")) for name, data in tests]
    if count <= 0 or not texts:
        return []
    seen = _seen([t for _, t in texts])
    known = {data for _, data in tests}
    out: list[DerivedInput] = []
    attempt = 0
    while len(out) < count and attempt < 4 * count + 8:
        name, text = texts[attempt % len(texts)]
        kind = KINDS[(attempt // len(texts)) % len(KINDS)]
        rng = random.Random(digest(text, kind, str(attempt)))
        attempt += 1
        made = _derive_one(text, kind, seen, rng)
        if made is None:
            continue
        data = made[0].encode()
        if data in known:
            continue
        known.add(data)
        out.append(DerivedInput(f"d{len(out) + 1}", name, made[1], data))
    return out
