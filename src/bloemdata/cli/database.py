"""Commands that build and serve the database."""

from __future__ import annotations

from pathlib import Path

import click

from bloemdata.cli.options import PACKAGE_OPTION
from bloemdata.database.layout import DEFAULT_OUTPUT


@click.command(name="build")
@PACKAGE_OPTION
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_OUTPUT,
    show_default=True,
    help="The SQLite database to write; downloads go to `downloads/` beside it.",
)
@click.option(
    "--exports",
    is_flag=True,
    help="Also write the exports (REFI-QDA, Taguette, wide CSV/Excel) into downloads/exports/ "
    "(`bloemdata serve` does).",
)
def build_command(package_path: Path, output: Path, exports: bool) -> None:
    """Build the SQLite database Datasette serves (refuses an invalid package).

    Tables typed from the Table Schemas, keys, indexes, trigram full-text search and derived
    tables; the release's files are copied for download beside the database. The exports are
    a separate, slower step: `--exports` (or `bloemdata serve`, or `bloemdata export`).

    Example: bloemdata build --output dist/bloemdata.db
    """
    # imported here, as in every command: the build, its writers and the site are not light
    from bloemdata.database.build import build  # noqa: PLC0415
    from bloemdata.database.defaults import DOWNLOAD_WRITERS, EXTRA_TABLES  # noqa: PLC0415

    writers = DOWNLOAD_WRITERS if exports else ()
    result = build(package_path, output, tables=EXTRA_TABLES, writers=writers)
    rows = ", ".join(f"{name} {count}" for name, count in result.tables.items())
    click.echo(f"Wrote {result.database} ({rows}) and {result.downloads}/")


@click.command(name="serve")
@PACKAGE_OPTION
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Interface to listen on (0.0.0.0: a public bind, with the same settings as a deployment).",
)
@click.option("--port", default=8001, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--database",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_OUTPUT,
    show_default=True,
    help="The database to build and serve (its folder gets metadata and downloads).",
)
@click.option("--no-build", is_flag=True, help="Serve the database already built; skip validation.")
def serve_command(package_path: Path, host: str, port: int, database: Path, no_build: bool) -> None:
    """Validate, build (with the exports for download) and serve the package in Datasette
    (read-only, with a SQL time limit).

    Example: bloemdata serve --port 8001
    """
    from bloemdata.site import serve as serving  # noqa: PLC0415 - as in build_command

    site = serving.prepare(package_path, database, rebuild=not no_build)
    click.echo(f"Serving {site.database} at http://{host}:{port}/ (Ctrl-C stops)", err=True)
    serving.run(serving.datasette_args(site, host, port))
