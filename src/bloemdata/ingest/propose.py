"""Propose a page's statements from its raw text: de-interleave the two columns.

PDF extraction writes each printed row as one line: the left column's words, a space, the right
column's. A row where only one column has text is a line of its own, at offset 0 whichever
column it is in. Each line is read in turn, keeping the statements still open (at most one per
column, or one whose column cannot be told yet). A line is either one segment or split at a word
boundary into a left and a right segment; each segment continues an open statement or starts a
new one. The choice scores the evidence (`_attach`): a lowercase start continues, a word cut by
a hyphen must continue, a sentence end may close, a bullet (`a.`, `-`) follows a colon; a
capital after a word that ends no sentence marks the other column's start; a line longer than a
column holds two segments, a shorter one is split only on strong evidence; a line that does not
end its statement is about as wide as its column, and a word that would have fitted on a
statement's last line (greedy wrap, column widths measured in a first reading) does not continue
it. Ties go to the statement whose last line is fullest. The column width is the narrowest that
lets every line be read as at most two rows, with slack for a proportional font (a full row of
page 10 holds 46 to 65 characters).

Measured: 23 of page 10's 24 shipped statements proposed exactly; on generated pages of word
salad with page 10's geometry (tests/ingest/pages.py) about 69%: where a full row ends is
known only to a few characters, so the cut between two lowercase words of a joined line
is often a guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bloemdata.ingest.align import Token, tokenize
from bloemdata.ingest.frame import Frame, find_frame
from bloemdata.ingest.greedy import Paragraph, read_greedy
from bloemdata.ingest.reading import read
from bloemdata.ingest.wrap import Room

__all__ = ["Paragraph", "Proposal", "propose"]

# a row holds a few characters more or less than the column's width (a narrow window), or, in a
# proportional font, many more or less (46 to 65 on page 10: a wide one)
_NARROW, _WIDE = 4, 8
_ABOVE = 20  # the widest row may be this much wider than the narrowest reading needs
_CUT = re.compile(r"(?:\w-|^-)$")  # a word cut by a line-wrap hyphen (`signa-`, `wacht -`)
_HYPHENATES = 0.5  # how often such a typesetter cuts a long word that leaves room
_QUICK, _SHORTLIST = 3, 2  # the quick search's beam; how many rooms of each window to read


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
    body = [by_line[n] for n in sorted(by_line)]
    heading = heading_end > 0 and 1 in by_line
    # the column's room is not known: a quick narrow search tells the likely ones, a wide
    # search reads the page with each of them
    quick = sorted(
        _rooms(body),
        key=lambda room: read(body, room, heading=heading, beam_width=_QUICK).score,
        reverse=True,
    )
    shortlist = [r for r in quick if r.jitter == _NARROW][:_SHORTLIST]
    shortlist += [r for r in quick if r.jitter == _WIDE][:_SHORTLIST]
    best = max(
        (read(body, room, heading=heading) for room in shortlist),
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


def _rooms(body: list[list[Token]]) -> list[Room]:
    """The column widths worth trying: the widest row is at least the narrowest width that lets
    every line be read as at most two rows, and not much more."""
    need = 0
    for toks in body:
        best = toks[-1].end - toks[0].start
        for cut in range(1, len(toks)):
            part = max(toks[cut - 1].end - toks[0].start, toks[-1].end - toks[cut].start)
            best = min(best, part)
        need = max(need, best)
    # a page whose rows end in cut words was set by a typesetter that cuts long words
    cuts = any(_CUT.search(toks[-1].text) for toks in body)
    hyphenates = _HYPHENATES if cuts else 0.0
    return [
        Room(widest - jitter, jitter, hyphenates)
        for jitter in (_NARROW, _WIDE)
        for widest in range(need, need + _ABOVE + 1)
    ]
