"""The `bloemdata` command line: one `click` group, one module per family of commands.

Commands parse options, call one library function, print, and leave the exit code to
`bloemdata.cli.exits` (0 ok, 1 invalid data, 2 could not run). `COMMANDS` lists every command, as
Datasette's host lists its `DEFAULT_PLUGINS`: a new command is added there, not by an import.
"""

from __future__ import annotations

import click

from bloemdata import __version__
from bloemdata.cli import (
    coding,
    database,
    deposit,
    exports,
    importing,
    ingest,
    package,
    publish,
    validation,
    versions,
)
from bloemdata.cli.exits import BloemdataGroup

COMMANDS: tuple[click.Command, ...] = (
    package.refresh_command,
    package.dictionary_command,
    validation.validate_command,
    database.build_command,
    database.serve_command,
    exports.export_command,
    coding.reliability_command,
    importing.import_group,
    versions.release_group,
    versions.diff_command,
    versions.bundle_command,
    ingest.anchor_command,
    ingest.page_group,
    publish.publish_command,
    deposit.deposit_command,
    deposit.doi_command,
)


@click.group(cls=BloemdataGroup)
@click.version_option(__version__, prog_name="bloemdata")
def cli() -> None:
    """Maintain, validate and publish the bloemdata data package.

    Example: bloemdata refresh
    """


for _command in COMMANDS:
    cli.add_command(_command)
