"""Commands on the package's own files: refresh `bytes`/`hash`, the data dictionary."""

from __future__ import annotations

from pathlib import Path

import click

from bloemdata.cli.options import PACKAGE_OPTION
from bloemdata.core.package import Package, refresh
from bloemdata.exports.dictionary import render as render_dictionary


@click.command(name="refresh")
@PACKAGE_OPTION
def refresh_command(package_path: Path) -> None:
    """Write the current `bytes` and `hash` of every resource into datapackage.json.

    Run it after editing a CSV or a raw page; nothing else in the descriptor changes.

    Example: bloemdata refresh --package .
    """
    package = Package.load(package_path)
    changed = refresh(package)
    if changed:
        click.echo(f"Refreshed bytes/hash of: {', '.join(changed)}")
    else:
        click.echo("All bytes/hash values are up to date.")


@click.command(name="dictionary")
@PACKAGE_OPTION
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    default=Path("DATA_DICTIONARY.md"),
    show_default=True,
    help="Where to write the Markdown; '-' prints it.",
)
def dictionary_command(package_path: Path, output: Path) -> None:
    """Generate the data dictionary (every resource, field, constraint and code) from the schemas.

    Example: bloemdata dictionary --output DATA_DICTIONARY.md
    """
    text = render_dictionary(Package.load(package_path))
    if str(output) == "-":
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8", newline="\n")
        click.echo(f"Wrote {output}")
