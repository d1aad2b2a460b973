"""Commands on the coded data: inter-coder reliability."""

from __future__ import annotations

from pathlib import Path

import click

from bloemdata.cli.options import PACKAGE_OPTION
from bloemdata.core.coded import CodedData
from bloemdata.core.package import Package, refresh


@click.command(name="reliability")
@PACKAGE_OPTION
@click.option(
    "--write",
    "write_table",
    is_flag=True,
    help="Write the figures to the reliability resource and refresh its bytes/hash.",
)
def reliability_command(package_path: Path, write_table: bool) -> None:
    """Inter-coder agreement per dimension and per code, round by round.

    Krippendorff's alpha (nominal) over all coders and Cohen's kappa for each pair, only between
    coders who coded the same statements in the same round. With one coder it says so and prints
    no figure.

    Example: bloemdata reliability --write
    """
    from bloemdata.coding import reliability  # noqa: PLC0415 - numpy and krippendorff cost 0.2 s a command

    package = Package.load(package_path)
    data = CodedData.load(package)
    rounds = reliability.rounds(data)
    figures = reliability.compute(data)
    if figures:
        click.echo(reliability.render(figures, rounds))
    else:
        click.echo(reliability.explain(rounds))
    if write_table:
        path = reliability.write_table(package, figures)
        refresh(Package.load(package_path))
        click.echo(f"Wrote {path} ({len(figures)} rows) and refreshed datapackage.json.")
