"""Commands that bring a coder's work back into the package: REFI-QDA projects, coding sheets."""

from __future__ import annotations

from pathlib import Path

import click

from bloemdata.cli.exits import fail
from bloemdata.cli.options import PACKAGE_OPTION
from bloemdata.core.coded import CodedData
from bloemdata.core.package import Package

ROUND_OPTION = click.option(
    "--round",
    "round_number",
    type=click.IntRange(1, 99),
    default=None,
    help="Coding round to record the codings in (default: the coder's next round; 1 for a new "
    "coder, comparable with the first coder's round 1).",
)
SKIP_OPTION = click.option(
    "--skip-unmapped",
    is_flag=True,
    help="Import the codings that map and report the rest, instead of refusing the whole file "
    "when a selection, code or row does not map to this package.",
)
DRY_RUN_OPTION = click.option(
    "--dry-run", is_flag=True, help="Read, map and print the summary; write nothing."
)


@click.group(name="import")
def import_group() -> None:
    """Add a coder's codings from QDA software or a coding sheet to codings.csv.

    Example: bloemdata import qdpx coded.qdpx --coder "Jan Jansen=reviewer-1"
    """


@import_group.command(name="qdpx")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--coder",
    "coders",
    multiple=True,
    metavar="NAME=CODER_ID",
    help="Map a user of the project (name, id or GUID) to a pseudonymous coder id such as "
    "reviewer-1; repeat for each user who coded. The name never enters the package.",
)
@ROUND_OPTION
@SKIP_OPTION
@DRY_RUN_OPTION
@PACKAGE_OPTION
def qdpx_command(
    file: Path,
    *,
    coders: tuple[str, ...],
    round_number: int | None,
    skip_unmapped: bool,
    dry_run: bool,
    package_path: Path,
) -> None:
    """Import the codings of a REFI-QDA project (.qdpx) from QualCoder, ATLAS.ti, MAXQDA, NVivo.

    Selections map to statements by where they lie in our transcript (exported with `bloemdata
    export qdpx`), codes by our GUIDs, code ids or labels. Validated before anything is written;
    importing the same file twice adds nothing.

    Example: bloemdata import qdpx coded.qdpx --coder "Jan Jansen=reviewer-1"
    """
    from bloemdata.coding import apply, qdpx_import, summary  # noqa: PLC0415 - lxml, polars

    package = Package.load(package_path)
    data = CodedData.load(package)
    imported = qdpx_import.read_project(file, data, qdpx_import.parse_coders(coders))
    if not skip_unmapped:
        qdpx_import.refuse_skips(imported)
    how = "a REFI-QDA project"
    if dry_run:
        applied = apply.Applied(apply.plan(data, imported.codings, round_number))
    else:
        applied = apply.apply(package, imported.codings, round_number, how)
    click.echo(
        summary.render(
            str(file),
            applied,
            reading=imported.describe_reading(),
            checked=imported.checked,
            skipped=imported.skipped,
            examples=imported.examples,
            dry_run=dry_run,
        )
    )


@import_group.command(name="sheet")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--coder",
    "coder_id",
    default=None,
    help="The coder id the sheet holds codings of (default: the one in the sheet's about sheet; "
    "a CSV needs it).",
)
@ROUND_OPTION
@DRY_RUN_OPTION
@PACKAGE_OPTION
def sheet_command(
    file: Path, *, coder_id: str | None, round_number: int | None, dry_run: bool, package_path: Path
) -> None:
    """Import a filled coding sheet (.xlsx from `bloemdata export sheet`, or a CSV saved from it).

    Every problem is reported with sheet, row and column; nothing is imported when there is one.
    Validated before anything is written; importing the same sheet twice adds nothing.

    Example: bloemdata import sheet bloemdata-coding-sheet-reviewer-1.xlsx
    """
    from bloemdata.coding import apply, sheet_import, summary  # noqa: PLC0415 - openpyxl, polars
    from bloemdata.coding.qdpx_import import CODER_ID  # noqa: PLC0415

    package = Package.load(package_path)
    data = CodedData.load(package)
    imported = sheet_import.read_sheet(file, data, coder_id)
    if not CODER_ID.match(imported.coder):
        fail(f"{imported.coder!r} is not a coder id: a role and a number, e.g. reviewer-1", 1)
    codings = {imported.coder: imported.codings}
    if dry_run:
        applied = apply.Applied(apply.plan(data, codings, round_number))
    else:
        applied = apply.apply(package, codings, round_number, "a coding sheet")
    text = summary.render(str(file), applied, dry_run=dry_run)
    notes = list(imported.notes)
    if imported.uncoded:
        notes.append(f"{imported.uncoded} row(s) left empty: not coded")
    click.echo(text + "".join(f"\n  note: {n}" for n in notes))
