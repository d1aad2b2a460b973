"""Generated two-column pages, rendered into raw text the way PDF extraction interleaves them.

A page is bands of two columns laid out by greedy word wrap, long words cut by a line-wrap
hyphen (`signa-` or `wacht -`). Each printed row has a height (y); rows of the two columns at
the same y become one extracted line (left words, one space, right words), rows at different y
lines of their own, at offset 0, in y order: the interleaving of the source's page 10. A band
may hold one column only (one-column lines), the first row may carry the section heading, the
last line is the running footer. The true anchor of every statement is recorded as the text is
rendered.

Kept as on page 10 (`datapackage/sources/bloemlezing-p010.txt`), neither easier nor harder:
both columns have one width (page 10: about 60 characters each; here drawn per page between
45 and 65), and each row holds a few characters more or less than that width (`JITTER`: page
10 is set in a proportional font, its full rows hold 46 to 65 characters), so a row's length
only roughly tells a full row from a paragraph's last one. No padding puts the right column at
a fixed offset: extraction joins the rows with one space, as on page 10, so the right column
starts wherever the left row ends. Statements are sentences of random words (a capital first,
a full stop last): only line geometry, never meaning, can tell a sentence end from a
statement end or a column split.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from hypothesis import strategies as st

from bloemdata.core.anchor import Fragment, format_anchor

WORDS = [
    "aandacht",
    "aanpak",
    "arbeidsuitbuiting",
    "bewustzijn",
    "bij",
    "criminele",
    "de",
    "door",
    "een",
    "en",
    "gemeenten",
    "groter",
    "het",
    "hulp",
    "in",
    "is",
    "jongeren",
    "kwetsbare",
    "laag",
    "meer",
    "meldingen",
    "mensenhandel",
    "minder",
    "niet",
    "nog",
    "om",
    "onderwijs",
    "op",
    "partners",
    "preventie",
    "professionals",
    "samenleving",
    "signalen",
    "slachtoffers",
    "sociale",
    "steeds",
    "sterk",
    "te",
    "toename",
    "uitbuiting",
    "van",
    "veel",
    "voor",
    "wel",
    "worden",
    "zorg",
    "ondersteuning",
    "gesignaleerd",
    "verantwoordelijkheid",
    "samenwerking",
    "ketenpartners",
    "wachtlijsten",
    "jeugdzorg",
    "bereidheid",
    "signalerende",
    "bewustwording",
    "mogelijkheden",
    "programma’s",
    "scholen",
    "gemeentelijke",
]
JITTER = 4  # a proportional font: a full row of page 10 holds 52 to 65 characters
FOOTER = "bloemlezing - programma samen tegen mensenhandel"


@dataclass
class Generated:
    """A rendered page: its raw text, statements (page order) and their true anchors."""

    raw: str
    page: int
    texts: list[str]
    anchors: list[str]
    heading: str = ""
    footer: str = ""
    section: str | None = None


@dataclass
class _Statement:
    text: str
    pieces: list[tuple[str, bool]] = field(default_factory=list)  # (row text, ends hyphenated)


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(3, 14))]
    words[0] = words[0][0].upper() + words[0][1:]
    if len(words) > 5 and rng.random() < 0.3:
        k = rng.randint(2, len(words) - 2)
        words[k] += ","
    return " ".join(words) + "."


def _statement(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.choice((1, 1, 1, 2, 2, 3))))


def _wrap(text: str, width: int, rng: random.Random, hyphenate: float) -> list[tuple[str, bool]]:
    """Greedy word wrap; a word that does not fit may be cut by a line-wrap hyphen."""
    rows: list[tuple[str, bool]] = []
    line = ""
    words = text.split()
    i = 0
    room_of_row = width  # drawn anew at the start of each row
    while i < len(words):
        word = words[i]
        candidate = f"{line} {word}" if line else word
        if not line:
            room_of_row = width + rng.randint(-JITTER, JITTER)
        if len(candidate) <= room_of_row:
            line = candidate
            i += 1
            continue
        room = room_of_row - len(line) - (1 if line else 0)
        alpha = word.isalpha() and word.islower()
        if alpha and len(word) >= 8 and room >= 6 and rng.random() < hyphenate:
            spaced = rng.random() < 0.2
            cut = rng.randint(3, min(len(word) - 3, room - (3 if spaced else 2)))
            head = word[:cut] + (" -" if spaced else "-")
            rows.append((f"{line} {head}" if line else head, True))
            words[i] = word[cut:]
            line = ""
            continue
        if not line:  # a word longer than the column: a row of its own
            rows.append((word, False))
            i += 1
            continue
        rows.append((line, False))
        line = ""
    if line:
        rows.append((line, False))
    return rows


def generate(rng: random.Random, page: int = 11) -> Generated:  # noqa: PLR0915
    """One page (see the module): the randomness all comes from `rng`."""
    hyphenate = rng.choice((0.0, 0.5, 0.9))
    # rows: (y, column, text, statement index, ends hyphenated)
    rows: list[tuple[float, int, str, int | None, bool]] = []
    statements: list[_Statement] = []
    y = 0.0
    heading = ""
    section = None
    width_l = width_r = rng.randint(45, 65)  # page 10: both columns about 60 characters
    if rng.random() < 0.7:
        section = f"{rng.randint(1, 9)}.{rng.randint(1, 12)}"
        title = rng.choice(("Aandacht/betrokkenheid", "Samenwerking", "Signalering en melding"))
        heading = f"{section} {title}"
        rows.append((0.0, 0, heading, None, False))
    for band in range(rng.randint(1, 3)):
        two = band == 0 or rng.random() < 0.7
        columns = (0, 1) if two else (0,)
        ends = []
        for column in columns:
            cy = y + (1.0 if column == 0 and heading and band == 0 else 0.0)
            shifted = False
            for _ in range(rng.randint(1, 4)):
                text = _statement(rng)
                index = len(statements)
                statements.append(_Statement(text))
                width = width_l if column == 0 else width_r
                for row, hyph in _wrap(text, width, rng, hyphenate):
                    rows.append((cy, column, row, index, hyph))
                    cy += 1.0
                # space between paragraphs: none, a blank row, or (right column) half a row,
                # which interleaves the columns' rows as separate lines until the next half row
                gap = rng.choice((0.0, 0.0, 0.0, 1.0))
                if column == 1 and (shifted or rng.random() < 0.15):
                    gap += 0.5
                    shifted = not shifted
                cy += gap
            ends.append(cy)
        y = max(ends) + 1.0
    # extraction: rows at one y make one line, left words first
    by_y: dict[float, list[tuple[int, str, int | None, bool]]] = {}
    for ry, column, text, index, hyph in rows:
        by_y.setdefault(round(ry, 3), []).append((column, text, index, hyph))
    lines: list[str] = []
    fragments: dict[int, list[Fragment]] = {}
    for ry in sorted(by_y):
        line = ""
        for column, text, index, hyph in sorted(by_y[ry], key=lambda r: r[0]):
            start = len(line) + (1 if line else 0)
            line = f"{line} {text}" if line else text
            if index is not None:
                join = "~" if hyph else ";"
                fragments.setdefault(index, []).append(
                    Fragment(len(lines) + 1, start, start + len(text), join)
                )
            del column
        if rng.random() < 0.3:
            line += " "  # extraction leaves trailing spaces on some lines
        lines.append(line)
    footer_text = f"{FOOTER} {page}"
    lines.append(footer_text)
    anchors = []
    for index in range(len(statements)):
        frags = fragments[index]
        frags[-1] = Fragment(frags[-1].line, frags[-1].start, frags[-1].end, None)
        anchors.append(format_anchor(frags))
    order = sorted(
        range(len(statements)), key=lambda i: (fragments[i][0].line, fragments[i][0].start)
    )
    return Generated(
        raw="\n".join(lines) + "\n",
        page=page,
        texts=[statements[i].text for i in order],
        anchors=[anchors[i] for i in order],
        heading=f"1:0-{len(heading)}" if heading else "",
        footer=f"{len(lines)}:0-{len(footer_text)}",
        section=section,
    )


def seeded(seed: int, page: int = 11) -> Generated:
    """The page of a seed: the same on every run (a test sample, not cryptography)."""
    return generate(random.Random(seed), page)  # noqa: S311


pages = st.builds(generate, st.randoms(use_true_random=False))
