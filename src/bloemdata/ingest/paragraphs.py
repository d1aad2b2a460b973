"""The statements file: one statement per paragraph, paragraphs separated by a blank line."""

from __future__ import annotations

import re

_BLANK = re.compile(r"\n[ \t]*\n")


def read_paragraphs(text: str) -> list[str]:
    """Paragraphs of a text, each with its lines joined by one space (an editor may wrap them)."""
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    return [
        " ".join(line.strip() for line in block.split("\n") if line.strip())
        for block in _BLANK.split(text)
        if block.strip()
    ]


def write_paragraphs(paragraphs: list[str]) -> str:
    """The inverse of `read_paragraphs` for one-line paragraphs."""
    return "\n\n".join(paragraphs) + "\n"
