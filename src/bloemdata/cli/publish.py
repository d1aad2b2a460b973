"""Commands that publish: the deployable public instance, deposit metadata and the DOI."""

from __future__ import annotations

from pathlib import Path

import click

from bloemdata.cli.options import PACKAGE_OPTION


@click.command(name="publish")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@PACKAGE_OPTION
@click.option(
    "--project",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder with pyproject.toml and uv.lock to take the locked requirements from "
    "(default: the package's folder).",
)
def publish_command(directory: Path, package_path: Path, project: Path | None) -> None:
    """Write a self-contained deployment of the public Datasette instance to DIRECTORY.

    Validates and builds the package, then writes the database, metadata, inspect data,
    templates, plugins, downloads, requirements.txt (Datasette and its plugins, locked with
    hashes), start.sh (honours HOST and PORT), a Dockerfile, an operator README and SHA256SUMS.
    Replaces DIRECTORY only if it is empty or an untouched earlier deployment.

    Example: bloemdata publish dist/deploy
    """
    # imported here: the deployment loads the site (Datasette's settings, YAML), not light
    from bloemdata.publish.deploy import publish  # noqa: PLC0415

    deployment = publish(package_path, directory, project)
    click.echo(
        f"Wrote {deployment.path}/ ({len(deployment.files)} files, version "
        f"{deployment.version}); run it with `sh {deployment.path}/start.sh` after installing "
        f"its requirements.txt, or build its Dockerfile"
    )
