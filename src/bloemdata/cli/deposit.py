"""Commands for citing: the deposit metadata (`.zenodo.json`) and the concept DOI."""

from __future__ import annotations

from pathlib import Path

import click

from bloemdata.cli.exits import COULD_NOT_RUN, INVALID, fail
from bloemdata.cli.options import PACKAGE_OPTION
from bloemdata.core.package import Package, write_descriptor
from bloemdata.versions.changelog import write_generated
from bloemdata.versions.doi import DOI_URL, NO_DOI, concept_doi, with_doi
from bloemdata.versions.history import load_history


@click.command(name="deposit")
@PACKAGE_OPTION
@click.option(
    "--check", is_flag=True, help="Write nothing; exit 1 if .zenodo.json is not up to date."
)
def deposit_command(package_path: Path, check: bool) -> None:
    """Write .zenodo.json, the deposit metadata Zenodo reads, from CITATION.cff and releases.json.

    Example: bloemdata deposit --check
    """
    # imported here: its YAML parser takes a tenth of a second, which every other command paid
    from bloemdata.publish import zenodo  # noqa: PLC0415

    root = Package.load(package_path).root
    path = root / zenodo.ZENODO
    text = zenodo.render(root)
    if check:
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current != text:
            fail(f"{path} is not up to date: run `bloemdata deposit`", INVALID)
        click.echo(f"{path} is up to date")
        return
    zenodo.write(root)
    click.echo(f"Wrote {path}")


@click.command(name="doi")
@click.argument("doi", required=False)
@PACKAGE_OPTION
def doi_command(doi: str | None, package_path: Path) -> None:
    """Show the concept DOI, or record DOI (as Zenodo minted it) in datapackage.json `id`.

    Recording also regenerates CITATION.cff (doi, identifiers) and .zenodo.json. No network:
    the DOI is taken as given, and never invented.

    Example: bloemdata doi 10.5281/zenodo.1234567
    """
    from bloemdata.publish import zenodo  # noqa: PLC0415 - as in deposit_command

    package = Package.load(package_path)
    if doi is None:
        current = concept_doi(package.descriptor)
        click.echo(f"{DOI_URL}{current}" if current else NO_DOI)
        return
    try:
        package.descriptor = with_doi(package.descriptor, doi)
    except ValueError as exc:
        fail(str(exc), COULD_NOT_RUN)
    write_descriptor(package)
    written = write_generated(package.root, package, load_history(package.root))
    zenodo.write(package.root)
    click.echo(
        f"Recorded {package.descriptor['id']} in datapackage.json; rewrote "
        f"{', '.join([*written, zenodo.ZENODO])}"
    )
