"""The validate command."""

from __future__ import annotations

from pathlib import Path

import click

from bloemdata.cli.exits import print_report
from bloemdata.cli.options import PACKAGE_OPTION
from bloemdata.validation.report import RENDERERS as REPORT_RENDERERS


@click.command(name="validate")
@PACKAGE_OPTION
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(REPORT_RENDERERS)),
    default="text",
    show_default=True,
    help="text: a table per resource; json: for machines; markdown: for CI summaries.",
)
@click.option(
    "--frictionless/--no-frictionless",
    "run_frictionless",
    default=None,
    help="Also run the frictionless validator (default: when the package is at most 5 MB).",
)
@click.option("--list-rules", is_flag=True, help="Print every rule (Markdown table) and exit.")
def validate_command(
    package_path: Path, output_format: str, run_frictionless: bool | None, list_rules: bool
) -> None:
    """Check the package: files, schemas (Pandera), text, provenance, coding, docs, frictionless.

    Exit 0 when valid (warnings allowed), 1 when there are errors, 2 when it cannot run (no or
    broken datapackage.json, a file that cannot be read, bad arguments).

    Example: bloemdata validate --format markdown
    """
    # imported here: polars, pandera and frictionless take a second to import
    from bloemdata.validation.registry import rules_markdown  # noqa: PLC0415
    from bloemdata.validation.validate import validate  # noqa: PLC0415

    if list_rules:
        click.echo(rules_markdown(), nl=False)
        return
    print_report(validate(package_path, frictionless=run_frictionless), output_format)
