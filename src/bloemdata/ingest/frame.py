"""The page's frame: the section heading and the running footer, which belong to no statement."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_SECTION = re.compile(r"^(\d+(?:\.\d+)+)\s+(\S+)")


@dataclass(frozen=True)
class Frame:
    """Anchors of the heading (empty: none) and the footer (empty: not found)."""

    heading: str
    footer: str
    section: str | None = None  # the section number printed in the heading


def find_frame(lines: Sequence[str], page: int, titles: Iterable[tuple[str, str]] = ()) -> Frame:
    """Recognise the heading on the first line and the footer on the last non-empty one.

    The heading is a section number and title at the start of line 1: a known title (`titles`
    as (section_id, title)) when it is printed there, else the number and the title's words up
    to the first capitalised word after them (Dutch titles capitalise only their first word).
    The footer is the last non-empty line when it ends with the page number.
    """
    heading, section = _heading(lines, titles)
    return Frame(heading, _footer(lines, page), section)


def _heading(lines: Sequence[str], titles: Iterable[tuple[str, str]]) -> tuple[str, str | None]:
    if not lines:
        return "", None
    line = lines[0]
    for section, title in titles:
        printed = f"{section} {title}"
        if line.startswith(printed) and line[len(printed) : len(printed) + 1] in ("", " "):
            return f"1:0-{len(printed)}", section
    match = _SECTION.match(line)
    if not match:
        return "", None
    end = match.end()
    for word in re.finditer(r"\S+", line[end:]):
        if word.group(0)[:1].isupper():
            break
        end = match.end() + word.end()
    return f"1:0-{end}", match.group(1)


def _footer(lines: Sequence[str], page: int) -> str:
    for number in range(len(lines), 0, -1):
        text = lines[number - 1].rstrip()
        if not text.strip():
            continue
        if re.search(rf"(?:^|\s){page}$", text):
            start = len(text) - len(text.lstrip())
            return f"{number}:{start}-{len(text)}"
        return ""
    return ""
