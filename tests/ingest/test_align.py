"""Alignment: page 10 re-derived from its raw text and shipped texts; generated pages recovered."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from hypothesis import given, settings

from bloemdata.cli import cli
from bloemdata.core.anchor import resolve, split_lines
from bloemdata.ingest.align import NotFoundError, align, align_page
from bloemdata.ingest.frame import find_frame
from tests.ingest.pages import pages, seeded


def _held(package):
    """Every page held, with its statements in position order."""
    statements = package.rows("statements")
    for row in package.rows("pages"):
        mine = [
            s for s in statements if (s["source_id"], s["page"]) == (row["source_id"], row["page"])
        ]
        mine.sort(key=lambda s: int(s["position"]))
        yield row, split_lines(package.text(row["resource"])), mine


def test_page_rederived_exactly_from_raw_text_and_shipped_texts(package):
    checked = 0
    for row, lines, statements in _held(package):
        aligned = align_page(
            lines, [s["text"] for s in statements], [row["heading_anchor"], row["footer_anchor"]]
        )
        assert not aligned.not_found
        assert not aligned.claimed_twice
        assert aligned.uncovered == []
        got = [(p.anchor, p.column, str(p.position)) for p in aligned.placed]
        assert got == [(s["anchor"], s["column"], s["position"]) for s in statements]
        checked += len(statements)
    assert checked == len(package.rows("statements"))


def test_heading_and_footer_recognised_as_shipped(package):
    titles = [(r["section_id"], r["title_nl"]) for r in package.rows("sections")]
    for row, lines, _ in _held(package):
        for known in (titles, []):  # with the sections table and without it
            frame = find_frame(lines, int(row["page"]), known)
            assert (frame.heading, frame.footer) == (row["heading_anchor"], row["footer_anchor"])


def test_anchor_command_prints_each_shipped_anchor(package, root):
    runner = CliRunner()
    for row, _, statements in _held(package):
        for statement in statements:
            result = runner.invoke(cli, ["anchor", str(root / row["path"]), statement["text"]])
            assert result.exit_code == 0, result.output
            assert result.output == statement["anchor"] + "\n"


def test_anchor_command_names_the_first_word_not_found(package, root):
    row, lines, statements = next(_held(package))
    words = statements[0]["text"].split()
    text = " ".join([*words[:3], "walvis", *words[3:]])
    result = CliRunner().invoke(cli, ["anchor", str(root / row["path"]), text])
    assert result.exit_code == 1
    assert "word 4 'walvis'" in result.output
    with pytest.raises(NotFoundError) as caught:
        align(lines, " ".join(reversed(words)))  # every word there, not in order
    assert caught.value.word_index > 0


def test_hyphen_joins_both_spellings():
    lines = ["Wij hebben wacht -", "lijsten en signa-", "leren."]
    assert align(lines, "Wij hebben wachtlijsten en signaleren.").anchor == "1:0-18~2:0-17~3:0-6"
    assert resolve(lines, "1:0-18~2:0-17~3:0-6") == "Wij hebben wachtlijsten en signaleren."


@settings(derandomize=True)
@given(pages)
def test_generated_pages_recover_every_anchor(page):
    lines = split_lines(page.raw)
    aligned = align_page(lines, page.texts, [page.heading, page.footer])
    assert [p.anchor for p in aligned.placed] == page.anchors
    assert aligned.uncovered == []


def test_generator_renders_true_anchors():
    """The generator's own record is right: each true anchor rebuilds its text."""
    for seed in range(20):
        page = seeded(seed)
        lines = split_lines(page.raw)
        assert [resolve(lines, a) for a in page.anchors] == page.texts
