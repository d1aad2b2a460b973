"""Align statement texts to a raw page: the anchor that rebuilds each text exactly.

A statement's words are found in order down the page as fragments (contiguous runs of words on
one line, each on a later line than the one before), joined by `;` (a space) or `~` (a line-wrap
hyphen removed, also as `wacht -`). Of all alignments the one with the fewest fragments wins, a
fragment in the middle of a line (neither starting nor ending it, so in no column) costing as much
as `_MID_LINE` fragments; ties go to the earliest words. Words already claimed (heading, footer,
other statements) are passed as `blocked` and never used.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bloemdata.core.anchor import (
    HYPHEN_JOIN,
    SPACE_JOIN,
    Fragment,
    format_anchor,
    parse,
    resolve,
)

_MID_LINE = 10  # a fragment that neither starts nor ends its line fits no column
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Token:
    """One whitespace-separated word of the raw page."""

    index: int
    line: int  # 1-based
    start: int
    end: int
    text: str
    first: bool  # nothing but spaces before it on its line
    last: bool  # nothing but spaces after it on its line


def tokenize(lines: Sequence[str]) -> list[Token]:
    """The words of a page, down the page, with where they stand."""
    tokens: list[Token] = []
    for number, line in enumerate(lines, start=1):
        matches = list(_WORD.finditer(line))
        for k, match in enumerate(matches):
            tokens.append(
                Token(
                    len(tokens),
                    number,
                    match.start(),
                    match.end(),
                    match.group(0),
                    k == 0,
                    k == len(matches) - 1,
                )
            )
    return tokens


def tokens_of(tokens: Sequence[Token], anchor: str) -> set[int]:
    """Indexes of the tokens an anchor's fragments cover (any overlap counts)."""
    covered: set[int] = set()
    by_line: dict[int, list[Token]] = {}
    for token in tokens:
        by_line.setdefault(token.line, []).append(token)
    for fragment in parse(anchor):
        for token in by_line.get(fragment.line, []):
            if token.start < fragment.end and fragment.start < token.end:
                covered.add(token.index)
    return covered


class NotFoundError(ValueError):
    """The words of a text cannot be found on the page in order."""

    def __init__(self, word_index: int, word: str, found: int) -> None:
        self.word_index = word_index
        self.word = word
        self.found = found  # how many words from the start could be placed
        super().__init__(f"word {word_index + 1} {word!r} is not on the page in order")


@dataclass
class Alignment:
    """Where a text stands: its anchor, fragments and the tokens it covers."""

    anchor: str
    fragments: list[Fragment]
    tokens: list[int] = field(default_factory=list)
    cost: float = 0.0  # fragments, a fragment in no column counting as `_MID_LINE`


@dataclass(frozen=True)
class _Step:
    """How a word was matched: tokens used, and whether it ends on a hyphen join."""

    tokens: tuple[int, ...]  # the tokens on the first line (the last one, or two, for a split)
    rest: int | None = None  # for a split word: the token continuing it on a later line


def align(
    lines: Sequence[str],
    text: str,
    blocked: Iterable[int] = (),
    tokens: Sequence[Token] | None = None,
) -> Alignment:
    """The anchor that rebuilds `text` exactly from `lines`; NotFoundError if there is none."""
    tokens = list(tokens) if tokens is not None else tokenize(lines)
    words = text.split()
    if not words:
        raise NotFoundError(0, "", 0)
    solver = _Solver(tokens, words, set(blocked))
    alignment = solver.solve()
    rebuilt = resolve(list(lines), alignment.anchor)
    if rebuilt != text:  # spacing inside a line differs from the text's single spaces
        raise NotFoundError(*_first_mismatch(words, rebuilt.split()))
    return alignment


def _first_mismatch(words: list[str], got: list[str]) -> tuple[int, str, int]:
    for i, word in enumerate(words):
        if i >= len(got) or got[i] != word:
            return i, word, i
    return len(words) - 1, words[-1], len(words) - 1


class _Solver:
    """Dynamic programming over (word, last token, fragment starts its line)."""

    def __init__(self, tokens: list[Token], words: list[str], blocked: set[int]) -> None:
        self.tokens = tokens
        self.words = words
        self.blocked = blocked
        self.by_text: dict[str, list[int]] = {}
        for t in tokens:
            if t.index not in blocked:
                self.by_text.setdefault(t.text, []).append(t.index)
        self.lines = max((t.line for t in tokens), default=0)

    def _free(self, k: int) -> bool:
        return 0 <= k < len(self.tokens) and k not in self.blocked

    def _same_line_next(self, j: int) -> int | None:
        k = j + 1
        if self._free(k) and self.tokens[k].line == self.tokens[j].line:
            return k
        return None

    def _splits(self, word: str, k: int) -> list[tuple[tuple[int, ...], str]]:
        """Ways `word` starts at token k and is hyphen-split: (tokens on this line, the rest)."""
        t = self.tokens[k]
        out: list[tuple[tuple[int, ...], str]] = []
        if t.text.endswith("-") and len(t.text) > 1:
            head = t.text[:-1]
            if word.startswith(head) and len(word) > len(head):
                out.append(((k,), word[len(head) :]))
        nxt = self._same_line_next(k)
        if (
            nxt is not None
            and self.tokens[nxt].text == "-"
            and word.startswith(t.text)
            and len(word) > len(t.text)
        ):
            out.append(((k, nxt), word[len(t.text) :]))
        return out

    def _starting(self, piece: str, hyphen_ends: list[int], before_dash: list[int]) -> list[int]:
        """Tokens that can begin `piece`: equal to it, or the head of a hyphen-cut part of it."""
        found = set(self.by_text.get(piece, []))
        found.update(k for k in hyphen_ends if piece.startswith(self.tokens[k].text[:-1]))
        found.update(k for k in before_dash if piece.startswith(self.tokens[k].text))
        return sorted(found)

    def solve(self) -> Alignment:  # noqa: PLR0915 - one DP, read top to bottom
        words, tokens = self.words, self.tokens
        n = len(words)
        inf = float("inf")
        # best[i][(j, starts)] = (cost to place words[i:], choice) given word i-1 ended at j
        best: list[dict[tuple[int, bool], tuple[float, tuple]]] = [{} for _ in range(n + 1)]
        # open_cost[i]: list over lines L of (cost, choice) for opening word i on a line > L
        open_from: list[list[tuple[float, tuple]] | None] = [None] * (n + 1)

        hyphen_ends = [t.index for t in tokens if t.text.endswith("-") and self._free(t.index)]
        before_dash = [
            t.index
            for t in tokens
            if self._free(t.index)
            and (k := self._same_line_next(t.index)) is not None
            and tokens[k].text == "-"
        ]

        def close_pen(j: int, starts: bool) -> int:
            return _MID_LINE if not starts and not tokens[j].last else 0

        def state_cost(i: int, j: int, starts: bool) -> float:
            return best[i].get((j, starts), (inf, ()))[0]

        def word_from(i: int, k: int, starts: bool) -> tuple[float, tuple]:
            """Cost of placing word i with its first piece at token k, fragment started `starts`."""
            return piece_from(i, words[i], k, starts, 0)

        def piece_from(i: int, rest: str, k: int, starts: bool, depth: int) -> tuple[float, tuple]:
            """Cost of placing what is left of word i (`rest`) from token k on."""
            options: list[tuple[float, tuple]] = []
            if tokens[k].text == rest:
                options.append((state_cost(i + 1, k, starts), ("word", k)))
            if depth < 2:  # a word cut twice (three lines) at most
                for used, tail in self._splits(rest, k):
                    end = used[-1]
                    for k2 in self._starting(tail, hyphen_ends, before_dash):
                        if tokens[k2].line > tokens[end].line:
                            cost, sub = piece_from(i, tail, k2, tokens[k2].first, depth + 1)
                            cost += 1 + close_pen(end, starts)
                            options.append((cost, ("split", k, end, sub)))
            return min(options, key=lambda o: o[0]) if options else (inf, ())

        # state values for word i are needed for j that can end word i-1: compute lazily
        # backwards over i, for every token (pages are small: a few hundred words).
        free = [t.index for t in tokens if self._free(t.index)]

        def states(i: int) -> list[tuple[int, bool]]:
            # word i-1 ends on a token equal to it, or on the rest of a hyphen-split word
            prev = words[i - 1]
            return [(j, s) for j in free if prev.endswith(tokens[j].text) for s in (True, False)]

        for i in range(n, -1, -1):
            if i == n:
                for j, s in states(i):
                    best[i][(j, s)] = (close_pen(j, s), ("end",))
                continue
            word = words[i]
            # opening word i as a new fragment at k: candidates
            candidates = self._starting(word, hyphen_ends, before_dash)
            per_line: dict[int, tuple[float, tuple]] = {}
            for k in candidates:
                value = word_from(i, k, tokens[k].first)
                line = tokens[k].line
                if value[0] < per_line.get(line, (inf, ()))[0]:
                    per_line[line] = value
            # suffix minimum over lines: best opening on a line > L (earliest line wins ties)
            suffix: list[tuple[float, tuple]] = [(inf, ())] * (self.lines + 2)
            for line in range(self.lines, -1, -1):
                here = per_line.get(line + 1, (inf, ()))
                suffix[line] = here if here[0] <= suffix[line + 1][0] else suffix[line + 1]
            open_from[i] = suffix
            if i == 0:
                continue
            for j, s in states(i):
                options: list[tuple[float, tuple]] = []
                nxt = self._same_line_next(j)
                if nxt is not None:
                    cost, choice = word_from(i, nxt, s)
                    options.append((cost, ("cont", choice)))
                cost, choice = suffix[tokens[j].line]
                options.append((1 + close_pen(j, s) + cost, ("new", choice)))
                best[i][(j, s)] = min(options, key=lambda o: o[0])
        self._best = best
        start = open_from[0][0] if open_from[0] else (inf, ())
        if start[0] == inf:
            raise NotFoundError(*self._longest_prefix())
        alignment = self._trace(start[1])
        alignment.cost = start[0] + 1
        return alignment

    def _trace(self, choice: tuple) -> Alignment:
        tokens = self.tokens
        fragments: list[list] = []  # [line, start, end, join]
        used: list[int] = []

        def place(choice: tuple, *, new_fragment: bool) -> tuple[int, bool]:
            kind = choice[0]
            if kind == "word":
                k = choice[1]
                if new_fragment:
                    fragments.append([tokens[k].line, tokens[k].start, tokens[k].end, None])
                else:
                    fragments[-1][2] = tokens[k].end
                used.append(k)
                return k, (tokens[k].first if new_fragment else self._starts)
            _, k, end, sub = choice
            if new_fragment:
                fragments.append([tokens[k].line, tokens[k].start, tokens[end].end, None])
            else:
                fragments[-1][2] = tokens[end].end
            fragments[-1][3] = HYPHEN_JOIN
            used.extend(range(k, end + 1))
            return place(sub, new_fragment=True)

        self._starts = True
        j, starts = place(choice, new_fragment=True)
        self._starts = starts
        for i in range(1, len(self.words)):
            _, step = self._best_choice(i, j, starts)
            kind, inner = step
            if kind == "new":
                if fragments[-1][3] is None:
                    fragments[-1][3] = SPACE_JOIN
                j, starts = place(inner, new_fragment=True)
            else:
                j, starts = place(inner, new_fragment=False)
            self._starts = starts
        frags = [
            Fragment(line, start, end, join if n < len(fragments) - 1 else None)
            for n, (line, start, end, join) in enumerate(fragments)
        ]
        return Alignment(format_anchor(frags), frags, used)

    def _best_choice(self, i: int, j: int, starts: bool) -> tuple[float, tuple]:
        return self._best[i][(j, starts)]

    def _longest_prefix(self) -> tuple[int, str, int]:
        """The first word that cannot follow the words before it (for the message)."""
        low, high = 0, len(self.words) - 1  # words[:low] can be placed, words[:high + 1] cannot
        while low < high:
            mid = (low + high + 1) // 2
            try:
                _Solver(self.tokens, self.words[:mid], self.blocked).solve()
            except NotFoundError:
                high = mid - 1
            else:
                low = mid
        return low, self.words[low], low


@dataclass
class Placed:
    """One statement of a page, aligned: its anchor, printed column and position on the page."""

    text: str
    anchor: str
    fragments: list[Fragment]
    tokens: list[int]
    column: str = "unknown"
    position: int = 0


@dataclass
class PageAlignment:
    """All statements of a page aligned, or why not."""

    placed: list[Placed]
    not_found: list[tuple[int, NotFoundError]]  # (statement number, 0-based) that cannot be placed
    claimed_twice: list[tuple[int, int, str]]  # (earlier, later, word): words two statements need
    uncovered: list[tuple[int, str]]  # (line, word) of the body in no statement


def align_page(
    lines: Sequence[str], texts: Sequence[str], excluded: Iterable[str]
) -> PageAlignment:
    """Align every text to the page, each to words no earlier text (nor heading, footer) took.

    A text that fits only on words another text took is reported as claimed twice, naming both.
    Columns and positions are derived from the anchors (`columns`, `positions`).
    """
    tokens = tokenize(lines)
    frame_tokens: set[int] = set()
    for anchor in excluded:
        if anchor:
            frame_tokens |= tokens_of(tokens, anchor)
    found: dict[int, Alignment] = {}
    not_found: list[tuple[int, NotFoundError]] = []
    twice: list[tuple[int, int, str]] = []

    def owners() -> dict[int, int]:
        return {k: n for n, a in found.items() for k in a.tokens}

    for number, text in enumerate(texts):
        try:
            found[number] = align(lines, text, frame_tokens | owners().keys(), tokens)
        except NotFoundError as exc:
            try:  # on words another statement took?
                alone = align(lines, text, frame_tokens, tokens)
            except NotFoundError:
                not_found.append((number, exc))
                continue
            if not _take(lines, texts, tokens, frame_tokens, found, number, alone):
                owner = owners()
                clash = next(k for k in alone.tokens if k in owner)
                twice.append((owner[clash], number, tokens[clash].text))
    # a text aligned worse than alone may have lost its words to a text with other choices
    alone_cache: dict[int, Alignment] = {}
    for _ in range(len(texts)):
        improved = False
        for number in list(found):
            if number not in alone_cache:
                alone_cache[number] = align(lines, texts[number], frame_tokens, tokens)
            alone = alone_cache[number]
            if alone.cost < found[number].cost:
                improved |= _take(lines, texts, tokens, frame_tokens, found, number, alone)
        if not improved:
            break
    placed = [Placed(texts[n], a.anchor, a.fragments, a.tokens) for n, a in sorted(found.items())]
    if not not_found and not twice:
        columns(placed, tokens)
        positions(placed)
    taken = frame_tokens | owners().keys()
    uncovered = [(t.line, t.text) for t in tokens if t.index not in taken]
    return PageAlignment(placed, not_found, twice, uncovered)


def _take(  # noqa: PLR0917 - the page, the texts and the alignments so far
    lines: Sequence[str],
    texts: Sequence[str],
    tokens: list[Token],
    frame: set[int],
    found: dict[int, Alignment],
    number: int,
    alignment: Alignment,
) -> bool:
    """Give text `number` its `alignment`, re-aligning the texts that held its words; keep the
    change only if they all still fit and the page's total cost falls (or the text was unplaced).
    """
    wanted = set(alignment.tokens)
    holders = [n for n, a in found.items() if n != number and wanted & set(a.tokens)]
    trial = {n: a for n, a in found.items() if n not in holders and n != number}
    trial[number] = alignment
    for holder in holders:
        blocked = frame | {k for a in trial.values() for k in a.tokens}
        try:
            trial[holder] = align(lines, texts[holder], blocked, tokens)
        except NotFoundError:
            return False
    before = sum(found[n].cost for n in [*holders, number] if n in found)
    after = sum(trial[n].cost for n in [*holders, number])
    if number in found and after >= before:
        return False
    found.clear()
    found.update(trial)
    return True


def columns(placed: list[Placed], tokens: Sequence[Token]) -> None:
    """The printed column of each statement, from where its fragments stand.

    A fragment with words before it on its line is in the right column, one with words after it
    in the left. A statement of whole lines takes the column opposite a statement whose lines
    it interleaves with; with none, its column cannot be told (`unknown`).
    """
    by_line: dict[int, list[Token]] = {}
    for token in tokens:
        by_line.setdefault(token.line, []).append(token)
    for p in placed:
        sides = set()
        for fragment in p.fragments:
            on_line = by_line.get(fragment.line, [])
            if any(t.end <= fragment.start for t in on_line):
                sides.add("right")
            if any(t.start >= fragment.end for t in on_line):
                sides.add("left")
        p.column = sides.pop() if len(sides) == 1 else "unknown"
    spans = [(p.fragments[0].line, p.fragments[-1].line) for p in placed]
    for n, p in enumerate(placed):
        if p.column != "unknown":
            continue
        first, last = spans[n]
        for m, other in enumerate(placed):
            if (
                m != n
                and other.column != "unknown"
                and spans[m][0] <= last
                and first <= spans[m][1]
            ):
                p.column = "left" if other.column == "right" else "right"
                break


def positions(placed: list[Placed]) -> None:
    """Order on the page: by the first fragment's line, then left before right (its offset)."""
    order = sorted(
        range(len(placed)),
        key=lambda n: (placed[n].fragments[0].line, placed[n].fragments[0].start),
    )
    for rank, n in enumerate(order, start=1):
        placed[n].position = rank
