"""The whole-page reading: rows of two columns, aligned or shifted, read at once."""

from __future__ import annotations

from bloemdata.ingest.propose import propose
from tests.ingest.pages import FOOTER

WIDTH = 40


def _wrap(text: str) -> list[str]:
    """Greedy wrap with every row's room exactly `WIDTH` (inside any window around it)."""
    rows, row = [], ""
    for word in text.split():
        if row and len(row) + 1 + len(word) > WIDTH:
            rows.append(row)
            row = word
        else:
            row = f"{row} {word}" if row else word
    return [*rows, row]


# long words only: moving a word across a cut changes a row by more than the room varies
LEFT = [
    (
        "Gemeenten signaleren arbeidsuitbuiting nadrukkelijker, professionals herkennen "
        "zodat slachtoffers eerder ondersteuning ontvangen van ketenpartners."
    ),
    ("Leerlingen ontvangen voorlichting over loverboys, mensenhandelaren en criminele uitbuiting."),
]
RIGHT = [
    "Professionals signaleren uitbuiting vaker.",
    (
        "Meldingen blijven achter doordat slachtoffers wantrouwig zijn tegenover "
        "hulpverleners, ondanks toenemende bereidheid."
    ),
]


def _page(lines: list[str]) -> list[str]:
    return [*lines, f"{FOOTER} 12"]


def test_rows_of_a_shifted_column_extracted_between_the_others_keep_their_statements():
    """The second right statement is set half a row lower: its rows and the left column's
    come out as lines of their own in turn, each at offset 0."""
    a, b = (_wrap(t) for t in LEFT)
    c, d = (_wrap(t) for t in RIGHT)
    assert len(c) == 2 and len(a) >= 4  # noqa: PT018 - the layout below needs these
    lines = [f"{a[0]} {c[0]}", f"{a[1]} {c[1]}"]
    left = a[2:] + b
    for n in range(max(len(left), len(d))):
        lines += [*left[n : n + 1], *d[n : n + 1]]
    proposal = propose(_page(lines), 12)
    assert sorted(proposal.statements) == sorted(LEFT + RIGHT)


def test_a_joined_line_is_cut_where_the_rows_on_both_sides_fit():
    """Two aligned columns: every line but the last ones holds a row of each."""
    a, c = _wrap(LEFT[0]), _wrap(RIGHT[1])
    lines = [f"{x} {y}" for x, y in zip(a, c, strict=False)]
    lines += a[len(c) :] + c[len(a) :]
    proposal = propose(_page(lines), 12)
    assert sorted(proposal.statements) == sorted([LEFT[0], RIGHT[1]])
