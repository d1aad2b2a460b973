"""Proposals: page 10 against the shipped statements; generated pages; the review page."""

from __future__ import annotations

from click.testing import CliRunner
from hypothesis import given, settings
from lxml import html as lxml_html

from bloemdata.cli import cli
from bloemdata.core.anchor import split_lines
from bloemdata.ingest.align import align_page
from bloemdata.ingest.paragraphs import read_paragraphs
from bloemdata.ingest.propose import propose
from bloemdata.ingest.review import render
from tests.ingest.pages import pages, seeded

SAMPLE = 150  # generated pages measured for the accuracy figure (about 1,300 statements)
# measured 1,130 of 1,363 (0.83) on this sample (the line-by-line reader: 936): not the 95%
GENERATED_FLOOR = 0.82


def _page10(package):
    row = package.rows("pages")[0]
    lines = split_lines(package.text(row["resource"]))
    texts = [
        s["text"]
        for s in package.rows("statements")
        if (s["source_id"], s["page"]) == (row["source_id"], row["page"])
    ]
    return row, lines, texts


def _exact(proposed: list[str], truth: list[str]) -> int:
    return len(set(proposed) & set(truth))


def test_page10_proposed_as_shipped(package):
    row, lines, texts = _page10(package)
    proposal = propose(lines, int(row["page"]))
    exact = _exact(proposal.statements, texts)
    print(f"page {row['page']}: {exact} of {len(texts)} statements proposed exactly")  # noqa: T201
    assert exact / len(texts) >= 0.9
    assert (proposal.frame.heading, proposal.frame.footer) == (
        row["heading_anchor"],
        row["footer_anchor"],
    )


def test_proposal_accuracy_on_generated_pages():
    exact = total = 0
    for seed in range(SAMPLE):
        page = seeded(seed)
        exact += _exact(propose(split_lines(page.raw), page.page).statements, page.texts)
        total += len(page.texts)
    print(f"generated: {exact} of {total} statements proposed exactly")  # noqa: T201
    assert exact / total >= GENERATED_FLOOR


@settings(derandomize=True)
@given(pages)
def test_proposal_holds_every_word_of_the_body_once(page):
    """Whatever the split, no word is dropped or doubled: `page add` accepts the proposal."""
    lines = split_lines(page.raw)
    proposal = propose(lines, page.page)
    assert proposal.frame.footer == page.footer
    aligned = align_page(lines, proposal.statements, [proposal.frame.heading, page.footer])
    assert not aligned.not_found
    assert not aligned.claimed_twice
    assert aligned.uncovered == []


def test_propose_command_writes_editable_text_and_review_page(package, root, tmp_path):
    row, lines, _ = _page10(package)
    result = CliRunner().invoke(
        cli,
        ["page", "propose", str(root / row["path"]), "--page", row["page"], "--output",
         str(tmp_path), "--package", str(root)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    page = int(row["page"])
    proposal = propose(lines, page)
    txt = tmp_path / f"page-p{page:03d}.txt"
    assert read_paragraphs(txt.read_text(encoding="utf-8")) == proposal.statements
    doc = lxml_html.fromstring((tmp_path / f"page-p{page:03d}.html").read_bytes())
    assert [li.text_content() for li in doc.xpath("//ol/li")] == proposal.statements
    # every character of the raw page is shown, in order, line by line
    pre = doc.xpath("//pre")[0]
    for extra in pre.xpath(".//sup | .//span[@class='n']"):
        extra.drop_tree()
    assert [line[1:] for line in pre.text_content().split("\n")] == lines
    spans = doc.xpath("//pre/span[contains(@class, 's ')]")
    assert {s.get("class").split()[1] for s in spans} == {
        f"s{n}" for n in range(1, len(proposal.statements) + 1)
    }


def test_review_page_marks_words_in_no_statement():
    lines = ["Een zin hier.", "bloemlezing - programma samen tegen mensenhandel 3"]
    proposal = propose(lines, 3)
    proposal.paragraphs.clear()  # as if nothing were proposed
    doc = lxml_html.fromstring(render("p3.txt", 3, lines, proposal))
    assert [s.text_content() for s in doc.xpath("//span[@class='none']")] == ["Een zin hier."]
    assert [s.text_content() for s in doc.xpath("//span[@class='frame']")] == [lines[1]]
