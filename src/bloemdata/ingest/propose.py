"""Propose a page's statements from its raw text: de-interleave the two columns.

PDF extraction writes each printed row as one line: the left column's words, a space, the right
column's. A row where only one column has text is a line of its own, at offset 0 whichever
column it is in. The page is read as a whole (`reading`): the most likely reading of every line
(one row, or a left and a right row cut at a word boundary; each row going on with its column's
open statement or starting one) under greedy word wrap with an unknown room per row (`wrap`:
a row that its statement continues had no room for the next word, a row whose room is known
only to a few characters), the cues of written text (a lowercase word goes on a sentence, a
word cut by a hyphen goes on, a bullet follows a colon) and the columns' alignment (paragraph
spacing shifts a column only where a statement starts). The column's width is not known: a
quick search over the widths the lines allow picks the likely ones, a wide search reads the page
with each. When no narrow window (a row holds 4 characters more or less than the width) fits
the rows, as in page 10's proportional font (its full rows hold 46 to 65 characters), the
likelihood cannot tell the cuts apart and the line-by-line reader (`greedy`) reads the page.

Measured: 23 of page 10's 24 shipped statements proposed exactly (the greedy reader); on 150
generated pages of word salad with page 10's geometry (tests/ingest/pages.py) 1,130 of 1,363
(83%; the line-by-line reader alone: 936, 69%). What bounds the rest: on most pages with an
error the true reading is less likely under the model than the one proposed (a full row ending
a sentence may end its statement or not; a short word fits the cut of a joined line either
way), so a better search would not find it; see the module `reading`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bloemdata.ingest.align import Token, tokenize
from bloemdata.ingest.frame import Frame, find_frame
from bloemdata.ingest.greedy import Paragraph, read_greedy
from bloemdata.ingest.reading import Line, read
from bloemdata.ingest.wrap import Room

__all__ = ["Paragraph", "Proposal", "propose"]

# a row holds a few characters more or less than the column's width (a narrow window), or, in a
# proportional font, many more or less (46 to 65 on page 10: a wide one)
_NARROW, _WIDE = 4, 8
_ABOVE = 20  # the widest row may be this much wider than the narrowest reading needs, or more
_CUT = re.compile(r"(?:\w-|^-)$")  # a word cut by a line-wrap hyphen (`signa-`, `wacht -`)
_HYPHENATES = 0.5  # how often such a typesetter cuts a long word that leaves room
_QUICK, _STEP, _SHORTLIST = 3, 3, 2  # the quick search: its beam, every how many widths it
# tries first, how many rooms of each window it leaves for the wide search


@dataclass
class Proposal:
    """The proposed statements in page order, with the frame (heading, footer) recognised."""

    frame: Frame
    paragraphs: list[Paragraph]

    @property
    def statements(self) -> list[str]:
        return [p.text() for p in self.paragraphs]


def propose(lines: Sequence[str], page: int, titles: Iterable[tuple[str, str]] = ()) -> Proposal:
    """Propose the statements of a raw page (see the module)."""
    frame = find_frame(lines, page, titles)
    skip_line = int(frame.footer.split(":")[0]) if frame.footer else 0
    heading_end = int(frame.heading.split("-")[1]) if frame.heading else 0
    by_line: dict[int, list[Token]] = {}
    for token in tokenize(lines):
        if token.line == skip_line or (token.line == 1 and token.end <= heading_end):
            continue
        by_line.setdefault(token.line, []).append(token)
    body = [Line(by_line[n], index) for index, n in enumerate(sorted(by_line))]
    heading = heading_end > 0 and 1 in by_line
    rooms = _likely_rooms(body, heading=heading) if body else []
    best = max(
        (read(body, room, heading=heading) for room in rooms),
        key=lambda reading: reading.score,
        default=None,
    )
    if best is None or best.room.jitter > _NARROW:
        # no narrow window explains the rows (a proportional font, as on page 10): the
        # likelihood cannot tell the cuts apart, the line-by-line reader's cues can
        paragraphs = read_greedy(lines, by_line, heading_end)
    else:
        paragraphs = []
        for sid, rows in best.rows.items():
            paragraph = Paragraph(best.sides[sid])
            for line, start, end in rows:
                paragraph.segments.append((line, start, end))
                paragraph.pieces.append(lines[line - 1][start:end])
            paragraphs.append(paragraph)
    ordered = sorted(paragraphs, key=lambda p: (p.segments[0][0], p.segments[0][1]))
    return Proposal(frame, ordered)


def _likely_rooms(body: list[Line], *, heading: bool) -> list[Room]:
    """The rooms worth a wide search: a quick narrow search over every third width of each
    window, then over the neighbours of the best ones, keeps the likeliest of each window."""
    rooms = _rooms(body)
    scores: dict[Room, float] = {}

    def likeliest(jitter: int) -> list[Room]:
        tried = [room for room in rooms if room.jitter == jitter and room in scores]
        return sorted(tried, key=scores.__getitem__, reverse=True)[:_SHORTLIST]

    def quick(candidates: Iterable[Room]) -> None:
        for room in candidates:
            if room not in scores:
                scores[room] = read(body, room, heading=heading, beam_width=_QUICK).score

    quick(rooms[::_STEP])
    for jitter in (_NARROW, _WIDE):
        for room in likeliest(jitter):
            quick(r for r in rooms if r.jitter == jitter and abs(r.width - room.width) < _STEP)
    return likeliest(_NARROW) + likeliest(_WIDE)


def _rooms(body: list[Line]) -> list[Room]:
    """The column widths worth trying: the widest row is at least the narrowest width that lets
    every line be read as at most two rows, and at most a line, twice that width (narrow rows
    cut short lines in two as well as wide ones do) or a few dozen characters more."""
    need = longest = 0
    for line in body:
        toks = line.tokens
        best = toks[-1].end - toks[0].start
        for cut in range(1, len(toks)):
            part = max(toks[cut - 1].end - toks[0].start, toks[-1].end - toks[cut].start)
            best = min(best, part)
        need = max(need, best)
        longest = max(longest, toks[-1].end - toks[0].start)
    top = max(need + _ABOVE, min(longest, 2 * need, need + 2 * _ABOVE))
    # a page whose rows end in cut words was set by a typesetter that cuts long words
    cuts = any(_CUT.search(line.tokens[-1].text) for line in body)
    hyphenates = _HYPHENATES if cuts else 0.0
    return [
        Room(widest - jitter, jitter, hyphenates)
        for jitter in (_NARROW, _WIDE)
        for widest in range(need, top + 1)
    ]
