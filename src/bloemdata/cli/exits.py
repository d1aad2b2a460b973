"""The one place that turns outcomes into exit codes: 0 ok, 1 invalid data, 2 could not run.

A `Report` with errors is invalid data (1), one that could not run (2); the library's own errors
(`BloemdataError`) are "could not run" (2), except those that carry a report of invalid data
(`InvalidPackageError`: 1) and an import whose file was read but cannot be taken
(`InvalidInputError`: 1, its problems listed). Commands leave `SystemExit` to this module.

The same input exits the same in every command (tests/test_hostile_inputs.py): a file whose
content is not UTF-8 or not CSV, or a remote path, is invalid data (1); a file that is not there
or a descriptor that cannot be loaded, could not run (2). `build` and `bundle` consult the
validator's report before calling a read error "could not run".
"""

from __future__ import annotations

from typing import Any, NoReturn

import click

from bloemdata.core.errors import BloemdataError, InvalidInputError
from bloemdata.validation.report import RENDERERS as REPORT_RENDERERS
from bloemdata.validation.report import Report

OK, INVALID, COULD_NOT_RUN = 0, 1, 2


def code_for(report: Report) -> int:
    """The exit code of a report: 2 when it could not run, 1 with errors, else 0."""
    if report.could_not_run:
        return COULD_NOT_RUN
    return OK if report.valid else INVALID


def code_for_error(exc: BloemdataError) -> int:
    """Invalid data when the error carries a report of it (e.g. a refused build), else 2."""
    if isinstance(exc, InvalidInputError):
        return INVALID
    report = getattr(exc, "report", None)
    return code_for(report) if isinstance(report, Report) else COULD_NOT_RUN


def fail(message: str, code: int) -> NoReturn:
    """Print `Error: message` to stderr and exit with `code`."""
    click.echo(f"Error: {message}", err=True)
    raise SystemExit(code)


def print_report(report: Report, output_format: str = "text") -> None:
    """Print a report; exit with its code when it is not 0."""
    click.echo(REPORT_RENDERERS[output_format](report), nl=False)
    code = code_for(report)
    if code != OK:
        raise SystemExit(code)


class BloemdataGroup(click.Group):
    """A group that turns the library's own errors into a message and their exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BloemdataError as exc:
            click.echo(f"Error: {exc}", err=True)
            for problem in getattr(exc, "problems", []):
                click.echo(f"  - {problem}", err=True)
            ctx.exit(code_for_error(exc))
