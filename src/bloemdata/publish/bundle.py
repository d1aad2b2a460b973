"""The citable release bundle: `dist/bloemdata-X.Y.Z.zip`.

One folder `bloemdata-X.Y.Z/` holding datapackage.json, every resource (CSVs and raw page text) and
Table Schema at its descriptor path, the SQLite database, the data dictionary, the exports for
qualitative-analysis tools, README, CHANGELOG, releases.json, CITATION.cff and SHA256SUMS. Unzipped
anywhere, `frictionless validate datapackage.json` and `sha256sum -c SHA256SUMS` pass. Only a
recorded release whose files match its record is bundled; the same release gives the same bytes.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from pathlib import Path

from bloemdata.core.errors import BloemdataError
from bloemdata.core.package import DESCRIPTOR, Package, file_stats, package_file
from bloemdata.database.build import write_database
from bloemdata.database.defaults import EXTRA_TABLES
from bloemdata.exports import write_all as write_exports
from bloemdata.exports.dictionary import render as render_dictionary
from bloemdata.validation.checks.release import BUNDLE_NOT_RECORDED
from bloemdata.validation.report import Report, Severity
from bloemdata.versions.changelog import render_changelog, render_citation
from bloemdata.versions.files import CHANGELOG, CITATION, RELEASES
from bloemdata.versions.history import load_history, read_history
from bloemdata.versions.rules import check

SUMS = "SHA256SUMS"
DATABASE = "bloemdata.db"
DICTIONARY = "DATA_DICTIONARY.md"
EXPORTS = "exports"
README = "README.md"


def bundle_name(version: str) -> str:
    return f"bloemdata-{version}"


def stage(package: Package, target: Path) -> list[str]:
    """Write every file of the bundle into `target`; return their paths relative to it."""
    root = package.root
    history = load_history(root)
    copies = [DESCRIPTOR, RELEASES, README]
    copies += [package.resource(n)["path"] for n in package.resource_names]
    copies += sorted(
        {r["schema"] for r in package.descriptor["resources"] if isinstance(r.get("schema"), str)}
    )
    for relative in dict.fromkeys(copies):
        # only regular files inside the package (a symlink out of it is refused); README is
        # optional (a package folder outside the repository)
        source = package_file(root, relative)
        if source is not None:
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, destination)
    generated = {
        CHANGELOG: render_changelog(package, history),
        CITATION: render_citation(package, history),
        DICTIONARY: render_dictionary(package),
    }
    for name, text in generated.items():
        (target / name).write_text(text, encoding="utf-8", newline="\n")
    write_database(package, target / DATABASE, tables=EXTRA_TABLES)
    write_exports(package, target / EXPORTS)
    files = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    sums = "".join(f"{_sha256(target / f)}  {f}\n" for f in files)
    (target / SUMS).write_text(sums, encoding="utf-8", newline="\n")
    return [*files, SUMS]


def build_bundle(root: Path | str = ".", outdir: Path | str = "dist") -> tuple[Path | None, Report]:
    """Validate the package and the release rules, then write `outdir/bloemdata-X.Y.Z.zip`.

    Nothing is written when the report has errors. The bundle promises that `frictionless
    validate` passes on it, so frictionless runs whatever the package's size. A package that
    cannot be read as described is reported as such (`could_not_run`), without release checks.
    """
    # imported here: the validator loads polars, pandera and frictionless (slow for other commands)
    from bloemdata.validation.validate import validate  # noqa: PLC0415

    package = Package.load(root)
    report = validate(package.root, frictionless=True)
    if report.could_not_run:
        return None, report
    try:
        report.extend(check(package.root).problems)
    except BloemdataError:
        if report.valid:
            raise
        # the release rules read the data the validator already found invalid: invalid (1),
        # as `validate` and `build` say, not "could not run"
        report.notes.append("release rules not checked: the package is invalid")
        return None, report
    history, problems = read_history(package.root)  # its problems are in the report already
    release = history.get(package.version)
    if release is None and not any(p.severity is Severity.ERROR for p in problems):
        report.add(BUNDLE_NOT_RECORDED.problem(RELEASES, source="bundle", version=package.version))
    if not report.valid or release is None:
        return None, report
    name = bundle_name(package.version)
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    output = outdir / f"{name}.zip"
    partial = output.with_name(output.name + ".partial")
    # Fixed timestamps (the release date) so the same release gives the same zip.
    year, month, day = (int(part) for part in release.date.split("-"))
    stamp = (year, month, day, 0, 0, 0)
    with tempfile.TemporaryDirectory(prefix="bloemdata-bundle-") as tmp:
        staging = Path(tmp) / name
        staging.mkdir()
        files = stage(package, staging)
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for relative in files:
                info = zipfile.ZipInfo(f"{name}/{relative}", date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, (staging / relative).read_bytes())
    partial.replace(output)
    return output, report


def _sha256(path: Path) -> str:
    """The hex digest SHA256SUMS lists (`sha256sum`'s format, without the `sha256:` prefix)."""
    return file_stats(path)[1].removeprefix("sha256:")
