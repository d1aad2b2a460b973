"""Where a selection lies: offset readings, and which statement's text it falls inside.

Tools count selection offsets differently: QualCoder and our export in Unicode code points, NVivo
in UTF-16 code units with CRLF as two. A selection is turned into a stretch of the source's text
with its line ends made LF (our transcript's), under each reading; the import then takes the
reading under which most selections fall inside one statement.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

CODE_POINTS = "Unicode code points"
UTF16 = "UTF-16 code units (CRLF counts 2)"
CODE_POINTS_LF = "Unicode code points, CRLF counted as one"
READINGS = (CODE_POINTS, UTF16, CODE_POINTS_LF)  # in order of preference when they tie


@dataclass(frozen=True)
class SourceText:
    """A source's text as stored and as compared (line ends LF), with what maps one to the other."""

    raw: str
    text: str  # CRLF and lone CR made LF
    _cr: list[int]  # code-point indices in `raw` of each CR dropped (the CR of a CRLF)
    _astral: list[int]  # UTF-16 index in `raw` where each character outside the BMP starts

    @classmethod
    def of(cls, raw: str) -> SourceText:
        dropped = [i for i, ch in enumerate(raw) if ch == "\r" and raw[i + 1 : i + 2] == "\n"]
        text = raw.replace("\r\n", "\n").replace("\r", "\n")
        astral: list[int] = []
        extra = 0
        for i, ch in enumerate(raw):
            if ord(ch) > 0xFFFF:
                astral.append(i + extra)
                extra += 1
        return cls(raw, text, dropped, astral)

    def span(self, reading: str, start: int, end: int) -> tuple[int, int] | None:
        """(start, end) in `text` under `reading`; None when it does not fit the text."""
        a, b = self._index(reading, start), self._index(reading, end)
        if a is None or b is None or a > b:
            return None
        return a, b

    def _index(self, reading: str, offset: int) -> int | None:
        if offset < 0:
            return None
        if reading == CODE_POINTS_LF:
            return offset if offset <= len(self.text) else None
        index = offset
        if reading == UTF16:
            before = bisect.bisect_left(self._astral, offset)  # pairs starting before offset
            if before and self._astral[before - 1] + 1 == offset:
                return None  # between the two halves of a surrogate pair
            index = offset - before
        if index > len(self.raw):
            return None
        return index - bisect.bisect_left(self._cr, index)


@dataclass(frozen=True)
class Spans:
    """Statements' texts in one source's `text`, sorted by start."""

    starts: list[int]
    ends: list[int]
    ids: list[str]
    by_id: dict[str, tuple[int, int]]

    @classmethod
    def of(cls, spans: dict[str, tuple[int, int]]) -> Spans:
        ordered = sorted((s, e, sid) for sid, (s, e) in spans.items())
        return cls(
            [s for s, _, _ in ordered],
            [e for _, e, _ in ordered],
            [i for *_, i in ordered],
            dict(spans),
        )

    def exact(self, text: str, statement: str, start: int, end: int) -> bool:
        """Whether the stretch is the statement's whole text (whitespace at its ends aside)."""
        return trim(text, start, end) == self.by_id.get(statement)

    def locate(self, text: str, start: int, end: int) -> tuple[str | None, str]:
        """The statement a stretch lies inside (whitespace at its ends aside), or why none."""
        start, end = trim(text, start, end)
        if start >= end:
            return None, "selects no text"
        first = bisect.bisect_right(self.ends, start)  # spans ending after start
        touched = []
        for i in range(first, len(self.starts)):
            if self.starts[i] >= end:
                break
            touched.append(i)
        if not touched:
            return None, "lies outside every statement"
        if len(touched) > 1:
            names = ", ".join(self.ids[i] for i in touched[:4])
            more = f" and {len(touched) - 4} more" if len(touched) > 4 else ""
            return None, f"spans several statements ({names}{more})"
        i = touched[0]
        if self.starts[i] <= start and end <= self.ends[i]:
            return self.ids[i], ""
        return None, f"reaches outside statement {self.ids[i]}"


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """The stretch without whitespace at its ends."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def at_word_edges(text: str, start: int, end: int) -> bool:
    """Whether the stretch neither starts nor ends inside a word."""
    inside_at_start = 0 < start < len(text) and text[start - 1].isalnum() and text[start].isalnum()
    inside_at_end = 0 < end < len(text) and text[end - 1].isalnum() and text[end].isalnum()
    return not inside_at_start and not inside_at_end


def find_statements(text: str, statements: dict[str, str]) -> dict[str, tuple[int, int]]:
    """Where each statement's text stands in a source that is not one of our transcripts.

    First after its id on the line before (our transcript's layout, kept by tools that reformat
    the header), else where its text occurs exactly once in the source. A text that occurs
    twice is not placed: a selection there could be either statement.
    """
    spans: dict[str, tuple[int, int]] = {}
    for sid, body in statements.items():
        if not body:
            continue
        at = text.find(f"{sid}\n{body}")
        if at >= 0:
            start = at + len(sid) + 1
            spans[sid] = (start, start + len(body))
            continue
        at = text.find(body)
        if at >= 0 and text.find(body, at + 1) < 0:
            spans[sid] = (at, at + len(body))
    return spans
