"""The statements are a faithful transcription of the raw page (issue 2's transcription tests)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bloemdata.core.package import Package
from bloemdata.validation.transcription import screen as transcription_screen
from bloemdata.validation.transcription.check import (
    _excluded_frame,
    _statements_frame,
    check_package,
)


def _edit_statement(pkg: Path, statement_id: str, **changes: str) -> None:
    path = pkg / "datapackage" / "statements.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["statement_id"] == statement_id:
            row.update(changes)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _kinds(pkg: Path) -> set[tuple[str, str | None]]:
    return {(f.kind, f.statement_id) for f in check_package(Package.load(pkg))}


def test_real_package_is_a_faithful_transcription(package):
    assert check_package(package) == []


def test_every_statement_rebuilds_from_its_anchor_and_reads_in_order(package):
    from bloemdata.core.anchor import parse, resolve

    lines = package.page_lines()
    for row in package.rows("statements"):
        page = lines[(row["source_id"], int(row["page"]))]
        assert resolve(page, row["anchor"]) == row["text"], row["statement_id"]
        numbers = [f.line for f in parse(row["anchor"])]
        assert numbers == sorted(set(numbers)), row["statement_id"]


def test_page_body_words_are_all_in_exactly_one_statement(package):
    """Count the words: page body words = statement words + the hyphenation joins."""
    lines = next(iter(package.page_lines().values()))
    body = lines[1:-1]
    heading_rest = lines[0].split(" ", 2)[2]  # the first line also holds a statement's start
    body_words = len(heading_rest.split()) + sum(len(line.split()) for line in body)
    rows = package.rows("statements")
    statement_words = sum(len(r["text"].split()) for r in rows)
    joins = sum(r["anchor"].count("~") for r in rows)
    dangling_hyphens = sum(1 for line in body for w in line.split() if w == "-")
    assert body_words == statement_words + joins + dangling_hyphens


def test_dropped_word_is_caught(package_copy):
    text = "Awareness bij partners groter."
    _edit_statement(package_copy, "BL-p010-10", text=text)
    assert ("text-matches-anchor", "BL-p010-10") in _kinds(package_copy)


def test_dropped_word_with_shortened_anchor_is_caught(package_copy):
    _edit_statement(
        package_copy, "BL-p010-10", text="Awareness bij partners wordt", anchor="15:0-28"
    )
    kinds = _kinds(package_copy)
    assert ("page-covered-once", None) in kinds
    assert ("statement-boundary", "BL-p010-10") in kinds


def test_doubled_word_is_caught(package_copy):
    _edit_statement(
        package_copy, "BL-p010-12", text="Centraal en en decentraal steeds verder uit elkaar."
    )
    assert ("text-matches-anchor", "BL-p010-12") in _kinds(package_copy)


def test_word_left_in_neighbouring_statement_is_caught(package_copy):
    # "tot meer meldingen vanuit de samenleving." (line 5) moved from statement 02 to 03
    _edit_statement(
        package_copy,
        "BL-p010-02",
        text="Er is een toename van maatschappelijk bewustzijn van arbeidsuitbuiting en ernstige "
        "benadeling. Dit leidt echter niet",
        anchor="3:0-52;4:0-63",
    )
    _edit_statement(
        package_copy,
        "BL-p010-03",
        text="Als het wel herkend wordt, weet men niet waar advies moet worden ingewonnen. "
        "tot meer meldingen vanuit de samenleving.",
        anchor="3:53-110;4:64-82;5:0-41",
    )
    # line 5 stands alone, so geometry cannot tell; the cut-off sentence gives it away
    assert ("statement-boundary", "BL-p010-02") in _kinds(package_copy)


def test_word_in_two_statements_is_caught(package_copy):
    _edit_statement(
        package_copy,
        "BL-p010-11",
        anchor="16:0-53;17:0-8",
        text="Veel aandacht preventie/zelfreflectie. Minder begrip. Centraal",
    )
    kinds = _kinds(package_copy)
    assert ("page-covered-once", None) in kinds


@pytest.mark.parametrize(
    ("anchor", "kind"),
    [("15:0-36~16:0-5", "anchor-invalid"), ("15:0-99", "anchor-invalid"), ("x", "anchor-invalid")],
)
def test_broken_anchor_is_caught(package_copy, anchor, kind):
    _edit_statement(package_copy, "BL-p010-10", anchor=anchor)
    assert (kind, "BL-p010-10") in _kinds(package_copy)


def test_unrepaired_hyphenation_is_caught(package_copy):
    _edit_statement(
        package_copy,
        "BL-p010-07",
        text="Steeds meer publieke en private partijen nodig om te signa- leren (bijv. scholen).",
    )
    assert ("text-matches-anchor", "BL-p010-07") in _kinds(package_copy)


def test_screen_flags_nothing_on_a_clean_package(package):
    """False suspects cost the reference's 50 µs each: a clean package must have none."""
    rows = package.rows("pages")
    texts = {(r["source_id"], int(r["page"])): package.text(r["resource"]) for r in rows}
    suspects = transcription_screen.screen(
        _statements_frame(package), _excluded_frame(rows), transcription_screen.page_lines(texts)
    )
    assert suspects == (set(), set())
