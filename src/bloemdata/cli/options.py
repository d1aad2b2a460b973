"""Options several commands share."""

from __future__ import annotations

from pathlib import Path

import click

PACKAGE_OPTION = click.option(
    "--package",
    "package_path",
    type=click.Path(path_type=Path),
    default=Path(),
    show_default=True,
    help="Folder holding datapackage.json (or the descriptor itself).",
)

FORMAT_OPTION = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
