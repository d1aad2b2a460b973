"""Commands on versions: the release history and rules, the diff, the citable bundle."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from bloemdata.cli.exits import BloemdataGroup, print_report
from bloemdata.cli.options import FORMAT_OPTION, PACKAGE_OPTION
from bloemdata.core.package import Package
from bloemdata.publish.bundle import build_bundle
from bloemdata.versions.changelog import write_generated
from bloemdata.versions.diff import diff_packages
from bloemdata.versions.files import RELEASES
from bloemdata.versions.git import open_version
from bloemdata.versions.history import load_history
from bloemdata.versions.record import record
from bloemdata.versions.render import RENDERERS
from bloemdata.versions.rules import check


@click.group(name="release", cls=BloemdataGroup)
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
    print_report(check(package_path, version=version, against=against), output_format)


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
    """Record VERSION: check the rules, set the version in datapackage.json, append it to
    releases.json, regenerate CHANGELOG.md and CITATION.cff (the data's files only: the tool's
    version in pyproject.toml is its own).

    Nothing is written when a rule is broken (exit 1).

    Example: bloemdata release record 1.1.0 --summary "Page 11 added"
    """
    report = record(
        package_path,
        version,
        summary=summary,
        notes=list(notes),
        on=on.date() if on else None,
        against=against,
    )
    if not report.valid:
        print_report(report, "text")
    click.echo(f"Recorded release {version} in {RELEASES}; wrote CHANGELOG.md, CITATION.cff.")


@release_group.command(name="regenerate")
@PACKAGE_OPTION
def release_regenerate_command(package_path: Path) -> None:
    """Write CHANGELOG.md and CITATION.cff from releases.json and datapackage.json.

    Example: bloemdata release regenerate
    """
    package = Package.load(package_path)
    written = write_generated(package.root, package, load_history(package.root))
    click.echo(f"Wrote {', '.join(written)}")


@click.command(name="diff")
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
        open_version(old, package_path) as (a, a_label),
        open_version(new, package_path) as (b, b_label),
    ):
        result = diff_packages(a, b, a_label, b_label)
    click.echo(RENDERERS[output_format](result), nl=False)


@click.command(name="bundle")
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
        print_report(report, "text")
    click.echo(f"Wrote {path}")
