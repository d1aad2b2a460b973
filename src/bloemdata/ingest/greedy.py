"""The line-by-line reader: each line read in turn, never revisited, with hand-tuned scores.

Used when the page's rows do not fit a narrow room window (`propose`): a proportional font as
on page 10, where the likelihood of `reading` cannot tell cuts apart. The statements still open
(at most one per column, or one whose column cannot be told yet) are kept; a line is one segment
or split at a word boundary into a left and a right segment; each segment continues an open
statement or starts a new one. The choice scores the evidence (`_attach`): a lowercase start
continues, a word cut by a hyphen must continue, a sentence end may close, a bullet follows a
colon; a capital after a word that ends no sentence marks the other column's start; a line
longer than a column holds two segments, a shorter one is split only on strong evidence; a line
that does not end its statement is about as wide as its column, and a word that would have
fitted on a statement's last line (column widths measured in a first reading) does not continue
it. Ties go to the statement whose last line is fullest. The column width is the narrowest that
lets every line be read as at most two rows, with slack for a proportional font.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from bloemdata.ingest.align import Token

_TERMINAL = re.compile(r"[.!?…][’”'\")»]*$")
_BULLET = re.compile(r"^(?:[a-z]\.|[a-z]\)|\d+[.)]|[-•–*])$")
_SPLIT_SHORT = -2.5  # a line that fits one column is split only on strong evidence
_SLACK = 1.1  # a proportional font: full rows vary a few characters
_WRAP_SLACK = 0.15  # a proportional font: a row may end this much short of the widest
_FULLNESS = 0.5  # weight of the tie-break: the fuller last line continues


@dataclass
class Paragraph:
    """A proposed statement: its segments (line, start, end) down the page."""

    side: str  # "L", "R" or "?" (a line of its own: column not known yet)
    segments: list[tuple[int, int, int]] = field(default_factory=list)
    pieces: list[str] = field(default_factory=list)
    bullets: bool = False

    @property
    def last(self) -> str:
        return self.pieces[-1] if self.pieces else ""

    @property
    def state(self) -> str:
        last = self.last
        if last.endswith("-") and not last.endswith("--"):
            return "hyphen"
        if last.endswith(":"):
            return "colon"
        if _TERMINAL.search(last):
            return "ended"
        return "mid"

    def text(self) -> str:
        out = ""
        for piece in self.pieces:
            if not out:
                out = piece
            elif out.endswith("-") and len(out) > 1:
                out = out[:-1].rstrip(" ") + piece
            else:
                out = f"{out} {piece}"
        return out


def read_greedy(
    lines: Sequence[str], by_line: dict[int, list[Token]], heading_end: int
) -> list[Paragraph]:
    """The statements of a page's body, line by line (see the module)."""
    width = _column_width(lines, by_line)
    # two readings: the first measures each column's width, the second uses it to tell whether
    # a line ended its statement (the next word would have fitted) or was full
    reader = _read(lines, by_line, width, heading_end, None)
    widths = {
        side: max(
            (e - s for p in reader.paragraphs if p.side == side for _, s, e in p.segments),
            default=width,
        )
        for side in "LR"
    }
    return _read(lines, by_line, width, heading_end, widths).paragraphs


def _read(
    lines: Sequence[str],
    by_line: dict[int, list[Token]],
    width: float,
    heading_end: int,
    widths: dict[str, float] | None,
) -> _Reader:
    reader = _Reader(lines, width, widths)
    for number in sorted(by_line):
        reader.read(by_line[number], starts_after_other=number == 1 and heading_end > 0)
    return reader


def _column_width(lines: Sequence[str], by_line: dict[int, list[Token]]) -> float:
    """The narrowest column width that lets every line be read as at most two column rows.

    Every printed row is at most a column wide, and a line holds at most one row of each
    column, so the width is at least the smallest of a line's longest part over its word
    boundaries; full rows make it about that. A little slack covers a proportional font.
    """
    del lines
    need = 0
    for toks in by_line.values():
        whole = toks[-1].end - toks[0].start
        best = whole
        for cut in range(1, len(toks)):
            part = max(toks[cut - 1].end - toks[0].start, toks[-1].end - toks[cut].start)
            best = min(best, part)
        need = max(need, best)
    return need * _SLACK


def _kind(first: str) -> str:
    if _BULLET.match(first):
        return "bullet"
    letter = next((c for c in first if c.isalpha()), "")
    return "cont" if letter.islower() else "new"


def _attach(paragraph: Paragraph, kind: str) -> float:
    """How well a segment starting with a word of `kind` continues `paragraph`."""
    state = paragraph.state
    table = {
        "hyphen": {"cont": 4.0, "new": 1.0, "bullet": -3.0},
        "mid": {"cont": 3.0, "new": -1.0, "bullet": -2.0},
        "colon": {"cont": 2.0, "new": 1.0, "bullet": 3.0},
        "ended": {"cont": -2.0, "new": -1.0, "bullet": 3.0 if paragraph.bullets else -2.0},
    }
    return table[state][kind]


_START = {"new": 1.0, "bullet": -1.0, "cont": -3.0}
_UNFED = {"hyphen": -3.0, "mid": -1.0, "colon": -1.0, "ended": 0.0}


class _Reader:
    def __init__(
        self, lines: Sequence[str], width: float, widths: dict[str, float] | None = None
    ) -> None:
        self.lines = lines
        self.width = width
        self.widths = widths
        self.paragraphs: list[Paragraph] = []
        self.open: list[Paragraph] = []
        self.total = 0.0  # the sum of the chosen readings' scores

    def _fullness(self, paragraph: Paragraph) -> float:
        line, start, end = paragraph.segments[-1]
        del line
        return _FULLNESS * min(1.0, (end - start) / self.width) if self.width else 0.0

    def _options(self, segment: list[Token], sides: str, taken: set[int]) -> list[tuple]:
        """(score, paragraph index or None for new) for one segment on the given sides."""
        kind = _kind(segment[0].text)
        options: list[tuple] = [(_START[kind], None)]
        for n, paragraph in enumerate(self.open):
            if n in taken or (paragraph.side != "?" and paragraph.side not in sides):
                continue
            score = _attach(paragraph, kind) + self._wrap(paragraph, segment[0].text)
            if kind == "cont":
                score += self._fullness(paragraph)
            options.append((score, n))
        return options

    def _wrap(self, paragraph: Paragraph, first: str) -> float:
        """Greedy wrap: a word that would have fitted on the paragraph's last line is not its
        continuation."""
        if self.widths is None or paragraph.state == "hyphen":
            return 0.0
        if paragraph.side in self.widths:
            width = self.widths[paragraph.side]
        else:
            width = max(self.widths.values())
        _, start, end = paragraph.segments[-1]
        if end - start + 1 + len(first) <= width * (1 - _WRAP_SLACK):
            return -2.5
        return 0.0

    def _short(self, segment: list[Token]) -> float:
        """A line that does not end its statement is about as wide as its column."""
        last = segment[-1].text
        if _TERMINAL.search(last) or last.endswith("-"):
            return 0.0
        return -3.0 * max(0.0, 1 - (segment[-1].end - segment[0].start) / self.width) ** 2

    @staticmethod
    def _capitals(segment: list[Token]) -> float:
        """A capital after a word that ends no sentence is most often the other column's start."""
        return -2.0 * sum(
            1
            for before, word in itertools.pairwise(segment)
            if _kind(word.text) == "new"
            and not _TERMINAL.search(before.text)
            and not before.text.endswith(":")
        )

    def _unfed(self, fed: set[int]) -> float:
        return sum(_UNFED[p.state] for n, p in enumerate(self.open) if n not in fed)

    def read(self, tokens: list[Token], *, starts_after_other: bool) -> None:
        length = tokens[-1].end - tokens[0].start
        best: tuple | None = None
        if length <= self.width or len(tokens) == 1:
            sides = "R" if starts_after_other else "LR?"
            for score, target in self._options(tokens, sides, set()):
                total = score + self._short(tokens) + self._capitals(tokens)
                total += self._unfed({target} if target is not None else set())
                if best is None or total > best[0]:
                    best = (total, [(tokens, target, "R" if starts_after_other else "?")])
        for cut in range(1, len(tokens)):
            left, right = tokens[:cut], tokens[cut:]
            if max(left[-1].end - left[0].start, right[-1].end - right[0].start) > self.width:
                continue
            bonus = _SPLIT_SHORT if length <= self.width else 0.0
            bonus += self._short(left) + self._short(right)
            bonus += self._capitals(left) + self._capitals(right)
            if left[-1].text.endswith("-") and left[-1].text not in {"-", "–"}:
                bonus += 1.0
            if _TERMINAL.search(left[-1].text) and _kind(right[0].text) == "new":
                bonus += 0.5
            for lscore, ltarget in self._options(left, "L", set()):
                taken = {ltarget} if ltarget is not None else set()
                for rscore, rtarget in self._options(right, "R", taken):
                    fed = taken | ({rtarget} if rtarget is not None else set())
                    total = bonus + lscore + rscore + self._unfed(fed)
                    if best is None or total > best[0]:
                        best = (total, [(left, ltarget, "L"), (right, rtarget, "R")])
        if best is None:  # too long for any split into two columns: read it whole
            best = (0.0, [(tokens, None, "?")])
        self.total += best[0]
        self._apply(best[1])

    def _apply(self, choice: list[tuple]) -> None:
        targets = [self.open[t] if t is not None else None for _, t, _ in choice]
        still_open = list(self.open)
        for (segment, _, side), target in zip(choice, targets, strict=True):
            line = segment[0].line
            start, end = segment[0].start, segment[-1].end
            piece = self.lines[line - 1][start:end]
            paragraph = target
            if paragraph is None:
                paragraph = Paragraph(side)
                self.paragraphs.append(paragraph)
                still_open.append(paragraph)
            elif paragraph.side == "?" and side != "?":
                paragraph.side = side
            if _kind(segment[0].text) == "bullet":
                paragraph.bullets = True
            paragraph.segments.append((line, start, end))
            paragraph.pieces.append(piece)
            if len(choice) == 2 and paragraph.side == "?":
                paragraph.side = side
        # a column holds one open statement: a newer one on a side closes the older
        newest: dict[str, Paragraph] = {}
        for paragraph in still_open:
            if paragraph.side in ("L", "R"):
                newest[paragraph.side] = paragraph
        keep = [p for p in still_open if p.side == "?" or newest.get(p.side) is p]
        # paragraphs on their own lines ("?"): keep the newest only
        unknown = [p for p in keep if p.side == "?"]
        self.open = [p for p in keep if p.side != "?" or p is (unknown[-1] if unknown else None)]
