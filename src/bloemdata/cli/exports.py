"""The export command: REFI-QDA, Taguette, wide tables."""

from __future__ import annotations

from pathlib import Path

import click

from bloemdata.cli.options import PACKAGE_OPTION
from bloemdata.core.package import Package
from bloemdata.exports import FORMATS, write_all
from bloemdata.exports import write as write_export


@click.command(name="export")
@click.argument("format_name", metavar="FORMAT", type=click.Choice([*FORMATS, "all"]))
@PACKAGE_OPTION
@click.option(
    "--output",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("dist") / "exports",
    show_default=True,
    help="Folder to write the files into (created if missing).",
)
def export_command(format_name: str, package_path: Path, output: Path) -> None:
    """Export the codebook and the codings for QDA software, Taguette and spreadsheets.

    FORMAT is qdc (REFI-QDA codebook), qdpx (REFI-QDA project), taguette (Taguette CSVs),
    wide (one row per coded statement with a 0/1 column per code, CSV and Excel) or all.

    Example: bloemdata export qdpx --output dist/exports
    """
    package = Package.load(package_path)
    if format_name == "all":
        paths = write_all(package, output)
    else:
        paths = write_export(package, format_name, output)
    for path in paths:
        click.echo(f"Wrote {path} ({path.stat().st_size} bytes)")
