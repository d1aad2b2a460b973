"""The `bloemdata` command line. Commands parse options, call the library, print and exit.

Exit codes: 0 success, 1 the data is invalid, 2 the command could not run.
"""

from __future__ import annotations

from pathlib import Path

import click

from bloemdata import __version__
from bloemdata.dictionary import render as render_dictionary
from bloemdata.errors import BloemdataError
from bloemdata.package import Package, refresh

PACKAGE_OPTION = click.option(
    "--package",
    "package_path",
    type=click.Path(path_type=Path),
    default=Path(),
    show_default=True,
    help="Folder holding datapackage.json (or the descriptor itself).",
)


class BloemdataGroup(click.Group):
    """A group that turns the library's own errors into a message and exit code 2."""

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except BloemdataError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(2)


@click.group(cls=BloemdataGroup)
@click.version_option(__version__, prog_name="bloemdata")
def cli() -> None:
    """Maintain, validate and publish the bloemdata data package.

    Example: bloemdata refresh
    """


@cli.command(name="refresh")
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


@cli.command(name="dictionary")
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
