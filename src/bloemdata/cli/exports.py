"""The export command: REFI-QDA, Taguette, wide tables."""

from __future__ import annotations

import re
from pathlib import Path

import click

from bloemdata.cli.exits import fail
from bloemdata.cli.options import PACKAGE_OPTION
from bloemdata.core.package import Package
from bloemdata.exports import FORMATS, write_all
from bloemdata.exports import write as write_export

CODER_ID = re.compile(r"^[a-z]+-[0-9]+$")


@click.command(name="export")
@click.argument("format_name", metavar="FORMAT", type=click.Choice([*FORMATS, "all", "sheet"]))
@PACKAGE_OPTION
@click.option(
    "--output",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("dist") / "exports",
    show_default=True,
    help="Folder to write the files into (created if missing).",
)
@click.option(
    "--coder",
    "coder_id",
    default=None,
    help="For FORMAT sheet: the pseudonymous coder id the coding sheet is for (e.g. reviewer-1).",
)
def export_command(
    format_name: str, package_path: Path, output: Path, coder_id: str | None
) -> None:
    """Export the codebook and the codings for QDA software, Taguette and spreadsheets.

    FORMAT is qdc (REFI-QDA codebook), qdpx (REFI-QDA project), taguette (Taguette CSVs),
    wide (one row per coded statement with a 0/1 column per code, CSV and Excel) or all; sheet
    writes a coding sheet (.xlsx) for one coder, read back by `bloemdata import sheet`.

    Example: bloemdata export qdpx --output dist/exports
    """
    package = Package.load(package_path)
    if format_name == "sheet":
        # imported here: xlsxwriter takes a quarter of a second, which every other command paid
        from bloemdata.exports import sheet  # noqa: PLC0415

        if not coder_id or not CODER_ID.match(coder_id):
            fail("export sheet needs --coder CODER_ID: a role and a number, e.g. reviewer-1", 2)
        output.mkdir(parents=True, exist_ok=True)
        paths = [sheet.write(package, output, coder_id)]
    elif format_name == "all":
        paths = write_all(package, output)
    else:
        paths = write_export(package, format_name, output)
    for path in paths:
        click.echo(f"Wrote {path} ({path.stat().st_size} bytes)")
