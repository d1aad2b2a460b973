"""Commands that add a page: the anchor of a text, a proposal of a page's statements, `page add`."""

from __future__ import annotations

from pathlib import Path

import click

from bloemdata.cli.exits import COULD_NOT_RUN, INVALID, BloemdataGroup, fail
from bloemdata.cli.options import PACKAGE_OPTION
from bloemdata.core.anchor import split_lines
from bloemdata.ingest.add import PageRefusedError, add_page
from bloemdata.ingest.align import NotFoundError, align

RAW_PAGE = click.argument("raw_page", type=click.Path(path_type=Path, dir_okay=False))


def _lines(raw_page: Path) -> list[str]:
    try:
        return split_lines(raw_page.read_bytes().decode("utf-8"))
    except OSError as exc:
        fail(f"{raw_page}: cannot read the raw page: {exc.strerror or exc}", COULD_NOT_RUN)
    except UnicodeDecodeError as exc:
        fail(f"{raw_page}: the raw page is not UTF-8 (byte {exc.start})", INVALID)


@click.command(name="anchor")
@RAW_PAGE
@click.argument("text")
def anchor_command(raw_page: Path, text: str) -> None:
    """Print the anchor that rebuilds TEXT exactly from RAW_PAGE.

    Fragments go down the page; a line-wrap hyphen is repaired with `~`; the other column's
    words are skipped. Exit 1 when the words cannot be found in order, naming the first that
    cannot.

    Example: bloemdata anchor page-10.txt "Awareness bij partners wordt groter."
    """
    lines = _lines(raw_page)
    try:
        found = align(lines, text)
    except NotFoundError as exc:
        placed = " ".join(text.split()[: exc.found])
        after = f" after {placed!r}" if placed else ""
        fail(
            f"word {exc.word_index + 1} {exc.word!r} is not on the page{after} ({raw_page})",
            INVALID,
        )
    click.echo(found.anchor)


@click.group(name="page", cls=BloemdataGroup)
def page_group() -> None:
    """Add a page of the anthology: propose its statements, review them, add them.

    Example: bloemdata page propose page-11.txt --page 11 --output proposal/
    """


@page_group.command(name="propose")
@RAW_PAGE
@click.option("--page", "page", type=int, required=True, help="Printed page number (footer).")
@click.option(
    "--output",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Folder for the editable statements (.txt) and the review page (.html).",
)
@PACKAGE_OPTION
def propose_command(raw_page: Path, page: int, output: Path, package_path: Path) -> None:
    """Propose a page's statements from its raw text: columns de-interleaved, heading and
    footer recognised.

    Writes page-pNNN.txt (one statement per paragraph, blank-line separated, page order: edit
    it, then `page add`) and page-pNNN.html (the raw page, each statement in its own colour).

    Example: bloemdata page propose page-11.txt --page 11 --output proposal/
    """
    from bloemdata.ingest.propose import propose  # noqa: PLC0415
    from bloemdata.ingest.review import write_proposal  # noqa: PLC0415

    lines = _lines(raw_page)
    proposal = propose(lines, page, _titles(package_path))
    txt, html = write_proposal(output, raw_page, page, lines, proposal)
    click.echo(f"Proposed {len(proposal.statements)} statements: {txt}")
    click.echo(f"Review page: {html}")
    if proposal.frame.heading:
        click.echo(f"Heading: {proposal.frame.heading}")
    click.echo(f"Footer: {proposal.frame.footer or 'not found'}")


def _titles(package_path: Path) -> list[tuple[str, str]]:
    """Known section titles, to recognise a heading; none when there is no package."""
    from bloemdata.core.errors import BloemdataError  # noqa: PLC0415
    from bloemdata.core.package import Package  # noqa: PLC0415

    try:
        rows = Package.load(package_path).rows("sections")
    except BloemdataError:
        return []
    return [(r["section_id"], r["title_nl"]) for r in rows]


@page_group.command(name="add")
@RAW_PAGE
@click.option("--page", "page", type=int, required=True, help="Printed page number (footer).")
@click.option("--section", required=True, help="Section id of the statements (sections.csv).")
@click.option(
    "--statements",
    "statements_path",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="The statements, one per paragraph (blank-line separated), as `page propose` writes.",
)
@click.option(
    "--translations",
    "translations_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="English translations, one paragraph per statement in the same order "
    "(needed while statements.text_en is required).",
)
@click.option("--source", "source_id", help="Source id (default: the package's only source).")
@click.option(
    "--section-title-en",
    help="English title of a section the page's heading starts (adds it to sections.csv).",
)
@PACKAGE_OPTION
def add_command(  # noqa: PLR0917 - one parameter per click option
    raw_page: Path,
    page: int,
    section: str,
    statements_path: Path,
    translations_path: Path | None,
    source_id: str | None,
    section_title_en: str | None,
    package_path: Path,
) -> None:
    """Add a page: align each statement to the raw page, assign ids, columns and positions,
    copy the raw page in byte for byte, append to statements.csv and pages.csv, refresh.

    Refuses the whole page (exit 1, nothing written) when a statement's words are not on the
    page in order, when two statements claim a word, when the page is already held or when the
    raw page is not UTF-8. Lists the page's words that no statement covers.

    Example: bloemdata page add p11.txt --page 11 --section 1.1 --statements nl --translations en
    """
    try:
        added = add_page(
            package_path, raw_page, page, section, statements_path,
            translations_path=translations_path, source_id=source_id,
            section_title_en=section_title_en,
        )  # fmt: skip
    except PageRefusedError as exc:
        fail(str(exc), INVALID)
    click.echo(
        f"Added page {page} ({added.path}): {len(added.statement_ids)} statements "
        f"{added.statement_ids[0]} to {added.statement_ids[-1]}"
    )
    click.echo(f"Heading: {added.heading or 'none'}; footer: {added.footer}")
    if added.section_added:
        click.echo(f"Added section {section} to sections.csv")
    if added.uncovered:
        click.echo(f"Words of the page in no statement ({len(added.uncovered)}):")
        for line, word in added.uncovered:
            click.echo(f"  line {line}: {word}")
    click.echo("The new statements are not coded yet: `bloemdata validate` lists them.")
