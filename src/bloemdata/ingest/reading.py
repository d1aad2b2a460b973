"""The most likely reading of a page's lines as rows of two columns: a beam search.

A reading says, for every extracted line, whether it is one column's row or a left and a right
row joined (and where the cut is), and for every row whether it goes on with its column's open
statement or starts a new one. Its score is a log-likelihood: greedy wrap with an unknown room
per row (`wrap.Room`) for every row of every statement, times the cues of written text (`_CONT`,
`_START`, `_CLOSE`: a lowercase word goes on a sentence, a capital after a sentence end starts
one, a word cut by a hyphen goes on, a bullet starts a row of its own after a colon), times the
columns' alignment (`_shifts`: joined rows are aligned; paragraph spacing shifts a column only
where a statement starts; a statement's rows are its column's consecutive rows). The search
keeps the best `BEAM` readings after each line; readings that leave the same open rows behind
have the same future, so only the better of them is kept (Viterbi).

What bounds it, measured on the 150 generated pages of tests/ingest/test_propose.py (233
statements not proposed exactly, on 104 pages): for 224 of them, on 98 pages, the true reading
scores below the proposal under this model, so no search would find it (a full row that ends a
sentence may end its statement or not; a short word fits either side of a joined line's cut;
the text is random words): it is less likely by a factor of 2.3 on the median page, by less
than 1.6 on 35 of them. 7 are search errors (the truth scores higher at a width next to the
ones tried), 2 are on a page read line by line (`greedy`).
"""

from __future__ import annotations

import heapq
import itertools
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass

from bloemdata.ingest.align import Token
from bloemdata.ingest.wrap import CUTTABLE, Room

BEAM = 16
TERMINAL = re.compile(r"[.!?…][’”'\")»]*$")
_BULLET = re.compile(r"^(?:[a-z]\.|[a-z]\)|\d+[.)]|[-•–*])$")
_RARE, _VERY_RARE, _NEVER = math.log(0.1), math.log(0.01), math.log(1e-4)
# log P(a row whose first word is of a kind goes on a statement whose last row ends so)
_CONT = {
    "hyphen": {"cont": 0.0, "new": _RARE, "bullet": _NEVER},
    "mid": {"cont": 0.0, "new": _RARE, "bullet": _VERY_RARE},
    "colon": {"cont": 0.0, "new": math.log(0.5), "bullet": 0.0},
    "ended": {"cont": _RARE, "new": 0.0, "bullet": _VERY_RARE},
}
_START = {"new": 0.0, "bullet": math.log(0.2), "cont": _VERY_RARE}
_CLOSE = {"ended": 0.0, "colon": _VERY_RARE, "mid": _VERY_RARE, "hyphen": _NEVER}
# a sentence end at a row's end: the statement ends there more often than it goes on
_ENDS, _GOES_ON = math.log(0.6), math.log(0.4)

# paragraph spacing shifts a column's rows against the other's now and then (`_shifts`); a
# statement's rows that are not the column's consecutive rows are a typesetting accident
_SHIFT, _KEEP, _APART = math.log(0.2), math.log(0.8), math.log(1e-3)
# an open statement: (id, its last row's length, how that row ends, bulleted, line index)
Open = tuple[int, int, str, bool, int]
# one row of a reading: (statement id, column "L" or "R", line, start, end)
Row = tuple[int, str, int, int, int]
# the trail of a reading: (previous trail, the rows of one line, what they added to the score)
Trail = tuple["Trail | None", tuple[Row, ...], float] | None


def kind(word: str) -> str:
    """How a word opens a row: a bullet, a capital ("new") or a lowercase ("cont")."""
    if _BULLET.match(word):
        return "bullet"
    letter = next((c for c in word if c.isalpha()), "")
    return "cont" if letter.islower() else "new"


def ending(word: str) -> str:
    """How a row ending in `word` leaves its statement."""
    if word.endswith("-") and not word.endswith("--"):
        return "hyphen"
    if word.endswith(":"):
        return "colon"
    return "ended" if TERMINAL.search(word) else "mid"


@dataclass
class Reading:
    """A finished reading: its log-likelihood and each statement's rows down the page."""

    room: Room
    score: float
    rows: dict[int, list[tuple[int, int, int]]]
    sides: dict[int, str]
    gains: list[float]  # what each line added to the score


class Line:
    """One line's words, with what a segment of them costs in itself."""

    def __init__(self, tokens: list[Token], index: int) -> None:
        self.tokens = tokens
        self.index = index
        self.number = tokens[0].line
        self.kinds = [kind(t.text) for t in tokens]
        self.ends = [ending(t.text) for t in tokens]
        # cost of words i-1, i in one row of one statement: what the cues say of the pair
        # (a dash inside a row is a dash or a line-wrap hyphen, not a bullet; a word cut by a
        # line-wrap hyphen ends its row)
        self.inner = [0.0]
        for i in range(1, len(tokens)):
            inside = "cont" if self.kinds[i] == "bullet" else self.kinds[i]
            cut = self.ends[i - 1] == "hyphen" and self.kinds[i] != "bullet"
            pair = _VERY_RARE if cut else _CONT[self.ends[i - 1]][inside]
            self.inner.append(self.inner[-1] + pair)
        self._readings: dict[tuple[int, bool], list[tuple[tuple, tuple | None]]] = {}

    def segment(self, i: int, j: int) -> tuple:
        """Words i..j as a row: (start, end, length, what its words cost, how it ends, how it
        opens, its first word's length, whether a typesetter would cut that word)."""
        first = self.tokens[i].text
        start, end = self.tokens[i].start, self.tokens[j - 1].end
        cuttable = first.isalpha() and first.islower() and len(first) >= CUTTABLE
        cost = self.inner[j - 1] - self.inner[i]
        return (start, end, end - start, cost, self.ends[j - 1], self.kinds[i], len(first),
                cuttable)  # fmt: skip

    def readings(self, room: Room, *, only_right: bool) -> list[tuple[tuple, tuple | None]]:
        """The ways to read the line: (whole or left segment, right segment or None); a
        segment wider than the widest row is no row."""
        key = (room.width + room.jitter, only_right)
        if key in self._readings:
            return self._readings[key]
        n = len(self.tokens)
        whole = self.segment(0, n)
        out: list[tuple[tuple, tuple | None]] = []
        if only_right or room.fits(whole[2]) or n == 1:
            out.append((whole, None))
        for cut in range(1, 1 if only_right else n):
            left, right = self.segment(0, cut), self.segment(cut, n)
            if (room.fits(left[2]) or cut == 1) and (room.fits(right[2]) or cut == n - 1):
                out.append((left, right))
        self._readings[key] = out = out or [(whole, None)]  # wider than two rows: not ours
        return out


def read(lines: list[Line], room: Room, *, heading: bool, beam_width: int = BEAM) -> Reading:
    """The best reading of `lines` with rows of `room` (`heading`: line 1 starts with one)."""
    counter = itertools.count(1)
    beam: list[tuple[float, Open | None, Open | None, bool, Trail]] = [
        (0.0, None, None, False, None)
    ]
    for line in lines:
        number = line.index
        only_right = heading and not number
        readings = line.readings(room, only_right=only_right)
        found: dict[tuple, tuple[float, Open | None, Open | None, bool, Trail]] = {}

        def keep(
            total: float, left: Open | None, right: Open | None, shifted: bool, trail: Trail
        ) -> None:
            key = (_future(left, number), _future(right, number), shifted)  # noqa: B023
            if key not in found or found[key][0] < total:  # noqa: B023
                found[key] = (total, left, right, shifted, trail)  # noqa: B023

        for score, left, right, shifted, trail in beam:
            for first, second in readings:
                if second is None:
                    for side in ("R",) if only_right else ("R", "L"):
                        statement = right if side == "R" else left
                        for gain, opened, pause in _segment(line, first, room, statement, counter):
                            row: tuple[Row, ...] = ((opened[0], side, line.number, *first[:2]),)
                            new_left, new_right = (left, opened) if side == "R" else (opened, right)
                            for now, shift in _shifts(shifted, (pause,), joined=False):
                                step = gain + shift
                                keep(score + step, new_left, new_right, now, (trail, row, step))
                    continue
                rights = _segment(line, second, room, right, counter)
                for lgain, lopen, lpause in _segment(line, first, room, left, counter):
                    for rgain, ropen, rpause in rights:
                        rows = (
                            (lopen[0], "L", line.number, *first[:2]),
                            (ropen[0], "R", line.number, *second[:2]),
                        )
                        for now, shift in _shifts(shifted, (lpause, rpause), joined=True):
                            step = lgain + rgain + shift
                            keep(score + step, lopen, ropen, now, (trail, rows, step))
        beam = heapq.nlargest(beam_width, found.values(), key=lambda s: s[0])
    best: tuple[float, Trail] | None = None
    for score, left, right, _, trail in beam:
        total = score + sum(_close(o, room) for o in (left, right) if o is not None)
        if best is None or total > best[0]:
            best = (total, trail)
    assert best is not None  # noqa: S101 - every line has a reading, so the beam is never empty
    return _unwind(room, best[0], best[1])


def _future(statement: Open | None, number: int) -> tuple | None:
    """What of an open statement the rest of the reading depends on."""
    if statement is None:
        return None
    return (statement[1], statement[2], statement[3], min(number - statement[4], 3))


def _close(statement: Open, room: Room) -> float:
    return _CLOSE[statement[2]] + room.last(statement[1])


def _shifts(
    shifted: bool, pauses: tuple[int | None, ...], *, joined: bool
) -> list[tuple[bool, float]]:
    """Whether the columns' rows are shifted by part of a row after this line, and its cost.

    Paragraph spacing may shift a column's rows against the other's, so that their rows are
    extracted as lines of their own in turn: only where a statement starts (a pause of None).
    Joined rows are not shifted. Within a statement a column's rows are consecutive: the next
    line, or, shifted, the line after the other column's row.
    """
    out = []
    starts = None in pauses
    for now in (shifted, not shifted) if starts else (shifted,):
        if joined and now:
            continue
        cost = (_SHIFT if now != shifted else _KEEP) if starts else 0.0
        for pause in pauses:
            if pause is not None and pause > (1 if now else 0):
                cost += _APART
        out.append((now, cost))
    return out


def _segment(
    line: Line, segment: tuple, room: Room, statement: Open | None, counter: Iterator[int]
) -> list[tuple[float, Open, int | None]]:
    """The ways a segment goes on `statement` or starts a new one: (gain, open after, the lines
    since the statement's last row or None for a new one)."""
    length, inner, after, opens, first, cuttable = segment[2:]
    out: list[tuple[float, Open, int | None]] = []
    if statement is not None:
        sid, before, state, bullets, at = statement
        gain = inner + _CONT[state][opens]
        if opens == "bullet" and state == "ended" and bullets:
            gain -= _CONT[state]["bullet"]
        if opens == "bullet":  # a bullet starts a row of its own
            gain += room.last(before)
        elif state == "hyphen":
            gain += room.cut(before, first)
        else:
            gain += room.full(before, first, cuttable=cuttable)
        if state == "ended":
            gain += _GOES_ON
        bulleted = bullets or opens == "bullet"
        out.append((gain, (sid, length, after, bulleted, line.index), line.index - at - 1))
    gain = inner + _START[opens]
    if statement is not None:
        gain += _close(statement, room) + (_ENDS if statement[2] == "ended" else 0.0)
    out.append((gain, (next(counter), length, after, opens == "bullet", line.index), None))
    return out


def _unwind(room: Room, score: float, trail: Trail) -> Reading:
    rows: dict[int, list[tuple[int, int, int]]] = {}
    sides: dict[int, str] = {}
    lines = []
    gains = []
    while trail is not None:
        trail, step, gain = trail
        lines.append(step)
        gains.append(gain)
    for step in reversed(lines):
        for sid, side, line, start, end in step:
            rows.setdefault(sid, []).append((line, start, end))
            sides.setdefault(sid, side)
    return Reading(room, score, rows, sides, gains[::-1])
