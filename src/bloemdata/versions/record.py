"""`bloemdata release record`: check, then write the release into the data's own files.

The data's version lives in datapackage.json and is recorded in releases.json; CHANGELOG.md and
CITATION.cff are generated from them. The tool's version (pyproject.toml) is not the data's: a
data release does not touch it, nor uv.lock.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from bloemdata.core.package import Package, stale_resources, write_descriptor
from bloemdata.validation.checks import release as rules
from bloemdata.validation.report import Report
from bloemdata.versions.changelog import change_notes, reliability_notes, write_generated
from bloemdata.versions.diff import diff_packages
from bloemdata.versions.history import Release, read_history, save_history
from bloemdata.versions.problem import problem
from bloemdata.versions.rules import check
from bloemdata.versions.snapshot import snapshot
from bloemdata.versions.trees import release_tree


def record(
    root: Path | str,
    version: str,
    *,
    summary: str,
    notes: list[str] | None = None,
    on: date | None = None,
    against: str | None = None,
) -> Report:
    """Check, then set `version` in datapackage.json, append it to releases.json and regenerate
    CHANGELOG.md and CITATION.cff. Nothing is written when the report is invalid."""
    root = Path(root)
    report = check(root, version=version, against=against)
    history, _ = read_history(root)  # its problems are in the report
    if history.get(version) is not None:
        report.add(problem(rules.ALREADY_RECORDED, version=version))
    if not summary.strip():
        report.add(problem(rules.SUMMARY_MISSING))
    # Staleness of CHANGELOG/CITATION is what recording fixes, so it does not block it.
    report.problems = [p for p in report.problems if p.rule != rules.FILE_STALE.id]
    # The release is found again in git by the hashes its descriptor records: they must be true.
    report.extend(
        problem(rules.HASH_STALE, name, name=name) for name in stale_resources(Package.load(root))
    )
    if not report.valid:
        return report
    package = Package.load(root)
    auto: list[str] = []
    last = history.latest
    if last is not None:
        with release_tree(root, last) as old:
            if old is not None:
                auto = change_notes(diff_packages(old, package, last.version, version))
    package.descriptor["version"] = version
    write_descriptor(package)
    package = Package.load(root)
    when = (on or datetime.now(tz=UTC).date()).isoformat()
    history.releases.append(
        Release(
            version,
            when,
            summary.strip(),
            [*(notes or []), *auto, *reliability_notes(package)],
            **snapshot(package),
        )
    )
    save_history(root, history)
    write_generated(root, package, history)
    return report
