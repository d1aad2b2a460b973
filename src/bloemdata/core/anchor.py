"""Source anchors: where a statement's fragments stand in the raw page text.

Notation (documented in schemas/statements.json): fragments ``line:start-end`` (line 1-based,
start/end 0-based Unicode code-point offsets into that line, end exclusive). ``;`` joins two
fragments with one space; ``~`` joins them after removing the line-wrap hyphen at the end of
the first fragment (and one space before it, as in ``wacht -`` / ``lijsten``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bloemdata.core.errors import AnchorError

_FRAGMENT = re.compile(r"([0-9]+):([0-9]+)-([0-9]+)")
# The whole anchor (Python's `re` and polars' regex read it alike: the screen uses it too).
ANCHOR_PATTERN = r"^[0-9]+:[0-9]+-[0-9]+(?:[;~][0-9]+:[0-9]+-[0-9]+)*$"
_ANCHOR = re.compile(ANCHOR_PATTERN)

SPACE_JOIN = ";"
HYPHEN_JOIN = "~"


@dataclass(frozen=True)
class Fragment:
    """One contiguous piece of a raw line; `join` says how it joins the next (None at the end)."""

    line: int
    start: int
    end: int
    join: str | None = None

    def __str__(self) -> str:
        return f"{self.line}:{self.start}-{self.end}{self.join or ''}"


def parse(anchor: str) -> list[Fragment]:
    """Parse an anchor string into fragments; raise AnchorError if it is malformed."""
    if not _ANCHOR.match(anchor):
        raise AnchorError(
            f"anchor {anchor!r} does not follow 'line:start-end' joined by ';' or '~'"
        )
    fragments: list[Fragment] = []
    pos = 0
    for match in _FRAGMENT.finditer(anchor):
        line, start, end = (int(g) for g in match.groups())
        if line < 1 or end <= start:
            raise AnchorError(
                f"anchor {anchor!r}: fragment {match.group(0)!r} is empty or before line 1"
            )
        pos = match.end()
        join = anchor[pos] if pos < len(anchor) else None
        fragments.append(Fragment(line, start, end, join))
    return fragments


def format_anchor(fragments: list[Fragment]) -> str:
    """The inverse of `parse`."""
    return "".join(str(f) for f in fragments)


def split_lines(raw: str) -> list[str]:
    """Lines of a raw page as the anchors count them (a final newline does not start a line)."""
    lines = raw.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def fragment_text(lines: list[str], fragment: Fragment) -> str:
    """The raw text a fragment covers; AnchorError if it lies outside the page."""
    if fragment.line > len(lines):
        raise AnchorError(f"fragment {fragment} points past the last line ({len(lines)})")
    line = lines[fragment.line - 1]
    if fragment.end > len(line):
        raise AnchorError(f"fragment {fragment} points past the end of line {fragment.line}")
    return line[fragment.start : fragment.end]


def resolve(lines: list[str], anchor: str) -> str:
    """Rebuild a statement's text from the raw lines by the two documented join rules."""
    text = ""
    join: str | None = None
    for fragment in parse(anchor):
        piece = fragment_text(lines, fragment)
        if not text:
            text = piece
        elif join == HYPHEN_JOIN:
            if not text.endswith("-"):
                raise AnchorError(
                    f"'~' after a fragment that does not end in a hyphen: {text[-20:]!r}"
                )
            text = text[:-1].rstrip(" ") + piece
        else:
            text = f"{text} {piece}"
        join = fragment.join
    return text
