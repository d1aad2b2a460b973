"""The `bloemdata` command line. Commands parse options, call the library, print and exit.

Exit codes: 0 success, 1 the data is invalid, 2 the command could not run.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from bloemdata import __version__
from bloemdata.core.coded import CodedData
from bloemdata.core.errors import BloemdataError
from bloemdata.core.package import Package, refresh
from bloemdata.database.build import InvalidPackageError, build
from bloemdata.database.defaults import DOWNLOAD_WRITERS, EXTRA_TABLES
from bloemdata.database.layout import DEFAULT_OUTPUT
from bloemdata.exports import FORMATS, write_all
from bloemdata.exports import write as write_export
from bloemdata.exports.dictionary import render as render_dictionary
from bloemdata.publish.bundle import build_bundle
from bloemdata.site import serve as serving
from bloemdata.validation.report import RENDERERS as REPORT_RENDERERS
from bloemdata.validation.report import Report
from bloemdata.versions import diff as diff_module
from bloemdata.versions import release

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


@cli.command(name="build")
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
    try:
        writers = DOWNLOAD_WRITERS if exports else ()
        result = build(package_path, output, tables=EXTRA_TABLES, writers=writers)
    except InvalidPackageError as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(1) from exc
    rows = ", ".join(f"{name} {count}" for name, count in result.tables.items())
    click.echo(f"Wrote {result.database} ({rows}) and {result.downloads}/")


@cli.command(name="serve")
@PACKAGE_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
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
    try:
        site = serving.prepare(package_path, database, rebuild=not no_build)
    except InvalidPackageError as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(1) from exc
    click.echo(f"Serving {site.database} at http://{host}:{port}/ (Ctrl-C stops)", err=True)
    serving.run(serving.datasette_args(site, host, port))


@cli.command(name="export")
@click.argument("format_name", metavar="FORMAT", type=click.Choice([*FORMATS, "all"]))
@PACKAGE_OPTION
@click.option(
    "--output",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("dist") / "exports",
    show_default=True,
    help="Folder to write the files into (created if missing).",
)
def export_command(format_name: str, package_path: Path, output: Path) -> None:
    """Export the codebook and the codings for QDA software, Taguette and spreadsheets.

    FORMAT is qdc (REFI-QDA codebook), qdpx (REFI-QDA project), taguette (Taguette CSVs),
    wide (one row per coded statement with a 0/1 column per code, CSV and Excel) or all.

    Example: bloemdata export qdpx --output dist/exports
    """
    package = Package.load(package_path)
    if format_name == "all":
        paths = write_all(package, output)
    else:
        paths = write_export(package, format_name, output)
    for path in paths:
        click.echo(f"Wrote {path} ({path.stat().st_size} bytes)")


@cli.command(name="reliability")
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


# --- versions and releases (issue 6) -----------------------------------------------------------

FORMAT_OPTION = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)


def _exit_with_report(report: Report, output_format: str) -> None:
    """Print a report; exit 1 when it has errors."""
    click.echo(REPORT_RENDERERS[output_format](report), nl=False)
    if not report.valid:
        raise SystemExit(1)


@cli.group(name="release", cls=BloemdataGroup)
def release_group() -> None:
    """Release history (releases.json), semantic versioning for data, recording a release.

    Example: bloemdata release check
    """


@release_group.command(name="check")
@PACKAGE_OPTION
@click.option("--version", "version", help="Check as if datapackage.json had this version.")
@click.option(
    "--against",
    help="The last release's files (directory or git revision) if git cannot find them.",
)
@FORMAT_OPTION
def release_check_command(
    package_path: Path, version: str | None, against: str | None, output_format: str
) -> None:
    """Check the release rules: a changed resource or schema needs a new version, the bump must
    be as big as the changes need (major/minor/patch), statement ids are never reused.

    Exit 1 when a rule is broken.

    Example: bloemdata release check --format markdown
    """
    _exit_with_report(release.check(package_path, version=version, against=against), output_format)


@release_group.command(name="record")
@click.argument("version")
@PACKAGE_OPTION
@click.option("--summary", required=True, help="One line saying what the release is.")
@click.option("--note", "notes", multiple=True, help="A CHANGELOG line (repeatable).")
@click.option(
    "--date",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Release date (default: today, UTC).",
)
@click.option("--against", help="The last release's files (directory or git revision).")
def release_record_command(  # noqa: PLR0917 - one parameter per click option
    version: str,
    package_path: Path,
    summary: str,
    notes: tuple[str, ...],
    on: datetime | None,
    against: str | None,
) -> None:
    """Record VERSION: check the rules, set the version in datapackage.json, pyproject.toml and
    __init__.py, append it to releases.json, regenerate CHANGELOG.md and CITATION.cff.

    Nothing is written when a rule is broken (exit 1).

    Example: bloemdata release record 1.1.0 --summary "Page 11 added"
    """
    report = release.record(
        package_path,
        version,
        summary=summary,
        notes=list(notes),
        on=on.date() if on else None,
        against=against,
    )
    if not report.valid:
        _exit_with_report(report, "text")
    click.echo(
        f"Recorded release {version} in {release.RELEASES}; wrote CHANGELOG.md, CITATION.cff."
    )


@release_group.command(name="regenerate")
@PACKAGE_OPTION
def release_regenerate_command(package_path: Path) -> None:
    """Write CHANGELOG.md and CITATION.cff from releases.json and datapackage.json.

    Example: bloemdata release regenerate
    """
    package = Package.load(package_path)
    written = release.write_generated(package.root, package, release.load_history(package.root))
    click.echo(f"Wrote {', '.join(written)}")


@cli.command(name="diff")
@click.argument("old")
@click.argument("new", default=".")
@PACKAGE_OPTION
@FORMAT_OPTION
def diff_command(old: str, new: str, package_path: Path, output_format: str) -> None:
    """What changed from OLD to NEW (default: the working tree), and the version bump it needs.

    OLD and NEW are directories holding datapackage.json or git revisions (tags, commits);
    a revision is read at the place of --package in the repository.

    Example: bloemdata diff v1.0.0 HEAD --format markdown
    """
    with (
        diff_module.open_version(old, package_path) as (a, a_label),
        diff_module.open_version(new, package_path) as (b, b_label),
    ):
        result = diff_module.diff_packages(a, b, a_label, b_label)
    click.echo(diff_module.RENDERERS[output_format](result), nl=False)


@cli.command(name="bundle")
@PACKAGE_OPTION
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    default=Path("dist"),
    show_default=True,
    help="Folder to write bloemdata-X.Y.Z.zip into.",
)
def bundle_command(package_path: Path, output: Path) -> None:
    """Build the citable release bundle dist/bloemdata-X.Y.Z.zip of the recorded release.

    Data, schemas, raw text, SQLite database, data dictionary, exports, CITATION.cff, SHA256SUMS.

    Example: bloemdata bundle --output dist
    """
    path, report = build_bundle(package_path, output)
    if path is None:
        _exit_with_report(report, "text")
    click.echo(f"Wrote {path}")


@cli.command(name="validate")
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
    report = validate(package_path, frictionless=run_frictionless)
    click.echo(REPORT_RENDERERS[output_format](report), nl=False)
    if report.could_not_run:
        raise SystemExit(2)
    if not report.valid:
        raise SystemExit(1)
