"""Releases: the history as data (releases.json), semantic versioning for data, and recording.

`releases.json` (next to datapackage.json, outside it so recording a release changes no resource)
holds, for every release, its date, summary, row counts, the sha256 of each resource, a fingerprint
of each Table Schema and the statement ids it held. `check` compares the working tree with the last
release: a changed resource without a new version, a bump smaller than the changes need (found by
diffing against the release's files in git history) and a reused statement id are errors.
CHANGELOG.md and CITATION.cff are generated from the history and datapackage.json.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml

from bloemdata.core.anchor import parse as parse_anchor
from bloemdata.core.errors import AnchorError, DescriptorError
from bloemdata.core.package import (
    DESCRIPTOR,
    Package,
    file_stats,
    stale_resources,
    write_descriptor,
)
from bloemdata.core.schema import TableSchema
from bloemdata.validation.report import Problem, Report, Severity
from bloemdata.versions.diff import (
    Change,
    Diff,
    diff_packages,
    git_toplevel,
    level_rank,
    materialise,
    open_version,
    run_git,
)

RELEASES = "releases.json"
CHANGELOG = "CHANGELOG.md"
CITATION = "CITATION.cff"
SOURCE = "release"
_SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")
# Where the Python package repeats the version (relative to the repository root).
PYPROJECT = "pyproject.toml"
INIT = "src/bloemdata/__init__.py"
_PYPROJECT_VERSION = re.compile(r'^version = "([^"]*)"$', re.MULTILINE)
_INIT_VERSION = re.compile(r'^__version__ = "([^"]*)"$', re.MULTILINE)
LOCK = "uv.lock"
_LOCK_VERSION = re.compile(r'^name = "bloemdata"\nversion = "([^"]*)"$', re.MULTILINE)


# --- the history -------------------------------------------------------------------------------


@dataclass
class Release:
    """One recorded release: what it held, fingerprinted."""

    version: str
    date: str
    summary: str
    notes: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    resources: dict[str, str] = field(default_factory=dict)  # name -> sha256:<hex> of its file
    schemas: dict[str, str] = field(default_factory=dict)  # name -> sha256:<hex> of its schema
    statements: dict[str, list[str]] = field(default_factory=dict)  # current / withdrawn ids

    def ids(self) -> set[str]:
        return set(self.statements.get("current", [])) | set(self.statements.get("withdrawn", []))


@dataclass
class History:
    releases: list[Release] = field(default_factory=list)

    @property
    def latest(self) -> Release | None:
        return self.releases[-1] if self.releases else None

    def get(self, version: str) -> Release | None:
        return next((r for r in self.releases if r.version == version), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "description": (
                "Release history of the bloemdata package, written by `bloemdata release record`: "
                "for each version its date, summary, row counts, the sha256 of each resource file "
                "and of each Table Schema (canonical JSON), and the statement ids it held."
            ),
            "releases": [asdict(r) for r in self.releases],
        }


def load_history(root: Path) -> History:
    """Read releases.json; an absent file is an empty history."""
    path = root / RELEASES
    if not path.is_file():
        return History()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return History([Release(**entry) for entry in data["releases"]])
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise DescriptorError(f"{path}: cannot read the release history: {exc}") from exc


def save_history(root: Path, history: History) -> None:
    text = json.dumps(history.to_dict(), ensure_ascii=False, indent=2) + "\n"
    (root / RELEASES).write_text(text, encoding="utf-8", newline="\n")


# --- versions ----------------------------------------------------------------------------------


def parse_version(version: str) -> tuple[int, int, int] | None:
    match = _SEMVER.match(version)
    return (int(match[1]), int(match[2]), int(match[3])) if match else None


def bump_level(old: str, new: str) -> str | None:
    """The level of the step old -> new (None when equal); both must be valid and new >= old."""
    a, b = parse_version(old), parse_version(new)
    if a is None or b is None or b < a:
        raise ValueError(f"{old} -> {new} is not a step forward")
    if b[0] != a[0]:
        return "major"
    if b[1] != a[1]:
        return "minor"
    return "patch" if b[2] != a[2] else None


def next_versions(version: str) -> dict[str, str]:
    """The next major, minor and patch versions after `version`."""
    parsed = parse_version(version)
    if parsed is None:
        raise ValueError(f"{version!r} is not X.Y.Z")
    major, minor, patch = parsed
    return {
        "major": f"{major + 1}.0.0",
        "minor": f"{major}.{minor + 1}.0",
        "patch": f"{major}.{minor}.{patch + 1}",
    }


# --- fingerprints ------------------------------------------------------------------------------


def schema_fingerprint(schema: TableSchema) -> str:
    """sha256 of the schema as canonical JSON: formatting does not count, content does."""
    canonical = json.dumps(
        schema.descriptor, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def snapshot(package: Package) -> dict[str, Any]:
    """What a release records about the package (all but version, date and words)."""
    rows = {name: len(package.rows(name)) for name in package.table_names}
    resources = {name: file_stats(package.path_of(name))[1] for name in package.resource_names}
    schemas = {name: schema_fingerprint(s) for name, s in package.schemas.items()}
    statements: dict[str, list[str]] = {}
    if "statements" in package.table_names:
        for row in package.rows("statements"):
            statements.setdefault(row.get("status") or "current", []).append(row["statement_id"])
    return {"rows": rows, "resources": resources, "schemas": schemas, "statements": statements}


# --- finding a release's files in git history ----------------------------------------------------


def _candidate_commits(top: Path, relative: Path, version: str) -> list[str]:
    """Tags first (`vX.Y.Z`, `X.Y.Z`), then every commit that touched the descriptor or history."""
    commits = []
    for tag in (f"v{version}", version):
        done = run_git(top, "rev-parse", "--verify", "--quiet", f"refs/tags/{tag}^{{commit}}")
        if done.returncode == 0:
            commits.append(done.stdout.decode().strip())
    paths = [str(relative / DESCRIPTOR), str(relative / RELEASES)]
    done = run_git(top, "log", "--format=%H", "--", *paths)
    if done.returncode == 0:
        commits += done.stdout.decode().split()
    return list(dict.fromkeys(commits))


def _descriptor_matches(top: Path, commit: str, relative: Path, release: Release) -> bool:
    done = run_git(top, "show", f"{commit}:{(relative / DESCRIPTOR).as_posix()}")
    if done.returncode != 0:
        return False
    try:
        descriptor = json.loads(done.stdout)
        hashes = {r["name"]: r.get("hash") for r in descriptor["resources"]}
    except (ValueError, KeyError, TypeError):
        return False
    return descriptor.get("version") == release.version and hashes == release.resources


@contextmanager
def release_tree(root: Path, release: Release) -> Iterator[Package | None]:
    """The files of `release` from git history (verified by their hashes), or None if not found."""
    top = git_toplevel(root)
    if top is None:
        yield None
        return
    relative = root.resolve().relative_to(top.resolve())
    for commit in _candidate_commits(top, relative, release.version):
        if not _descriptor_matches(top, commit, relative, release):
            continue
        with tempfile.TemporaryDirectory(prefix="bloemdata-release-") as tmp:
            materialise(top, commit, Path(tmp))
            package = Package.load(Path(tmp) / relative)
            if _is_release(package, release):
                yield package
                return
    yield None


def _is_release(package: Package, release: Release) -> bool:
    current = snapshot(package)
    return (current["resources"], current["schemas"]) == (release.resources, release.schemas)


def history_diffs(root: Path) -> list[tuple[Diff, bool]]:
    """Diffs between consecutive releases found in git, then last release -> working tree.

    Each comes with whether its newer side is a recorded release.
    """
    history = load_history(root)
    working = Package.load(root)
    diffs: list[tuple[Diff, bool]] = []
    with ExitStack() as stack:
        trees = [stack.enter_context(release_tree(root, r)) for r in history.releases]
        if trees and trees[-1] is None and _is_release(working, history.releases[-1]):
            trees[-1] = working  # recorded, not yet committed: the working tree is the release
        pairs = zip(pairwise(trees), pairwise(history.releases), strict=True)
        for (a, b), (ra, rb) in pairs:
            if a is not None and b is not None:
                diffs.append((diff_packages(a, b, ra.version, rb.version), True))
        if trees and trees[-1] is not None:
            diff = diff_packages(trees[-1], working, history.releases[-1].version, "working tree")
            if diff.changes:
                diffs.append((diff, False))
    return diffs


# --- the rules ---------------------------------------------------------------------------------


def _problem(rule: str, message: str, resource: str = RELEASES, **kw: Any) -> Problem:
    return Problem(
        resource=resource,
        row=kw.get("row"),
        field=kw.get("field"),
        rule=rule,
        message=message,
        severity=kw.get("severity", Severity.ERROR),
        source=SOURCE,
    )


def _check_history(history: History) -> list[Problem]:
    problems = []
    previous: tuple[int, int, int] | None = None
    for release in history.releases:
        parsed = parse_version(release.version)
        if parsed is None:
            problems.append(
                _problem(
                    "release-version-invalid", f"recorded version {release.version!r} is not X.Y.Z"
                )
            )
            continue
        if previous is not None and parsed <= previous:
            problems.append(
                _problem(
                    "release-history-order",
                    f"release {release.version} is recorded after a version not lower than it",
                )
            )
        previous = parsed
    return problems


def _unbumped(package: Package, last: Release, current: dict[str, Any]) -> list[Problem]:
    """Every resource or schema that differs from the last release, which has the same version."""
    problems = []
    for kind, recorded, now in (
        ("resource", last.resources, current["resources"]),
        ("schema", last.schemas, current["schemas"]),
    ):
        for name in sorted(set(recorded) | set(now)):
            if recorded.get(name) == now.get(name):
                continue
            what = "added" if name not in recorded else "removed" if name not in now else "changed"
            problems.append(
                _problem(
                    "release-version-not-bumped",
                    f"{kind} {name!r} {what} since release {last.version}, but "
                    f"{DESCRIPTOR} still says version {package.version}: set a new version",
                    resource=name,
                )
            )
    return problems


def _too_small(diff: Diff, actual: str | None, old: str, new: str) -> list[Problem]:
    """One problem per kind of change that needs a bigger bump than old -> new."""
    by_kind: dict[str, list[Change]] = {}
    for change in diff.changes:
        if level_rank(change.level) > level_rank(actual):
            by_kind.setdefault(change.kind, []).append(change)
    problems = []
    for kind, changes in by_kind.items():
        items = ", ".join(c.item for c in changes[:5]) + (", ..." if len(changes) > 5 else "")
        level = changes[0].level
        problems.append(
            _problem(
                "release-bump-too-small",
                f"{len(changes)} {kind} change(s) ({items}) need a {level} release "
                f"(at least {next_versions(old)[level]}), but {old} -> {new} is "
                f"{'no bump' if actual is None else 'a ' + actual + ' bump'}",
                resource=changes[0].resource,
            )
        )
    return problems


def _anchor_lines(anchor: str) -> set[int]:
    try:
        return {f.line for f in parse_anchor(anchor)}
    except AnchorError:
        return set()


def _reused_ids(package: Package, history: History, old: Package | None) -> list[Problem]:
    if "statements" not in package.table_names:
        return []
    problems = []
    last = history.latest
    ever = set().union(*(r.ids() for r in history.releases)) if history.releases else set()
    withdrawn = {i for r in history.releases for i in r.statements.get("withdrawn", [])}
    old_rows = {r["statement_id"]: r for r in old.rows("statements")} if old else {}
    for number, row in enumerate(package.rows("statements"), start=1):
        sid = row["statement_id"]
        reason = None
        if last is not None and sid in ever and sid not in last.ids():
            reason = "it was released before and then removed"
        elif sid in withdrawn and row.get("status") != "withdrawn":
            reason = "it was withdrawn in an earlier release"
        elif sid in old_rows:
            before = old_rows[sid]
            moved = (before["source_id"], before["page"]) != (row["source_id"], row["page"])
            if moved or not _anchor_lines(before["anchor"]) & _anchor_lines(row["anchor"]):
                reason = "it now points to a different place in the source"
        if reason:
            problems.append(
                _problem(
                    "statement-id-reused",
                    f"statement id {sid} is reused: {reason}; give the statement a new id",
                    resource="statements",
                    row=number,
                    field="statement_id",
                )
            )
        if row.get("status") == "withdrawn" and not (row.get("status_note") or "").strip():
            problems.append(
                _problem(
                    "statement-withdrawn-without-note",
                    f"statement {sid} is withdrawn without a status_note saying why and when",
                    resource="statements",
                    row=number,
                    field="status_note",
                )
            )
    return problems


def _version_agreement(root: Path, version: str) -> list[Problem]:
    """pyproject.toml, uv.lock and __init__.py, where present, carry the package's version."""
    problems = []
    for relative, pattern in (
        (PYPROJECT, _PYPROJECT_VERSION),
        (LOCK, _LOCK_VERSION),
        (INIT, _INIT_VERSION),
    ):
        path = root / relative
        if not path.is_file():
            continue
        match = pattern.search(path.read_text(encoding="utf-8"))
        if match is None or match[1] != version:
            found = match[1] if match else "none"
            problems.append(
                _problem(
                    "release-version-mismatch",
                    f"{relative} has version {found}, {DESCRIPTOR} has {version}",
                    resource=relative,
                )
            )
    return problems


def _generated_files(root: Path, package: Package, history: History) -> list[Problem]:
    problems = []
    for name, render in ((CHANGELOG, render_changelog), (CITATION, render_citation)):
        path = root / name
        if path.is_file() and path.read_text(encoding="utf-8") != render(package, history):
            problems.append(
                _problem(
                    "release-file-stale",
                    f"{name} does not match {RELEASES} and {DESCRIPTOR}: "
                    "run `bloemdata release regenerate`",
                    resource=name,
                )
            )
    return problems


def check(root: Path | str, version: str | None = None, against: str | None = None) -> Report:
    """The release rules for the package at `root` (its own version, or `version` if given).

    `against` names the last release's files (a directory or git revision) when git history
    cannot provide them.
    """
    root = Path(root)
    package = Package.load(root)
    version = version or package.version
    history = load_history(root)
    report = Report(checked=[RELEASES])
    report.extend(_check_history(history))
    last = history.latest
    if last is None:
        report.add(_problem("release-history-missing", f"no release recorded in {RELEASES}"))
        return report
    report.extend(_version_agreement(root, package.version))
    report.extend(_generated_files(root, package, history))
    if parse_version(version) is None:
        report.add(_problem("release-version-invalid", f"version {version!r} is not X.Y.Z"))
        return report
    current = snapshot(package)
    with ExitStack() as stack:
        old = (
            stack.enter_context(open_version(against, root))[0]
            if against
            else stack.enter_context(release_tree(root, last))
        )
        report.extend(_reused_ids(package, history, old))
        if version == last.version:
            report.extend(_unbumped(package, last, current))
        elif parse_version(version) < parse_version(last.version):  # type: ignore[operator]
            report.add(
                _problem(
                    "release-version-behind",
                    f"version {version} is lower than the last release {last.version}",
                )
            )
        else:
            actual = bump_level(last.version, version)
            if version not in next_versions(last.version).values():
                report.add(
                    _problem(
                        "release-version-skipped",
                        f"{last.version} -> {version} skips versions; the next ones are "
                        + ", ".join(next_versions(last.version).values()),
                        severity=Severity.WARNING,
                    )
                )
            if old is None:
                report.add(
                    _problem(
                        "release-tree-unavailable",
                        f"the files of release {last.version} are not in git history, so the "
                        "size of the bump cannot be checked: pass --against DIR",
                        severity=Severity.WARNING,
                    )
                )
            else:
                diff = diff_packages(old, package, last.version, "working tree")
                report.extend(_too_small(diff, actual, last.version, version))
    return report


# --- recording a release and the files generated from it ---------------------------------------


def change_notes(diff: Diff) -> list[str]:
    """Plain CHANGELOG lines for a release: one per kind of change, naming up to 8 items."""
    notes = []
    by_kind: dict[str, list[Change]] = {}
    for change in diff.changes:
        by_kind.setdefault(change.kind, []).append(change)
    for kind in sorted(by_kind, key=lambda k: (-level_rank(by_kind[k][0].level), k)):
        changes = by_kind[kind]
        items = list(dict.fromkeys(c.item for c in changes))
        shown = ", ".join(f"`{i}`" for i in items[:8]) + (", ..." if len(items) > 8 else "")
        notes.append(f"{kind} ({changes[0].level}, {len(changes)}): {shown}")
    return notes


def set_version(root: Path, version: str) -> list[str]:
    """Write `version` into datapackage.json and, where present, pyproject.toml, uv.lock and
    __init__.py (the lock names the project's own version: left alone it goes stale)."""
    package = Package.load(root)
    package.descriptor["version"] = version
    write_descriptor(package)
    written = [DESCRIPTOR]
    for relative, pattern, line in (
        (PYPROJECT, _PYPROJECT_VERSION, f'version = "{version}"'),
        (LOCK, _LOCK_VERSION, f'name = "bloemdata"\nversion = "{version}"'),
        (INIT, _INIT_VERSION, f'__version__ = "{version}"'),
    ):
        path = root / relative
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            path.write_text(pattern.sub(line, text, count=1), encoding="utf-8", newline="\n")
            written.append(relative)
    return written


def record(
    root: Path | str,
    version: str,
    *,
    summary: str,
    notes: list[str] | None = None,
    on: date | None = None,
    against: str | None = None,
) -> Report:
    """Check, then set `version` everywhere, append it to releases.json and regenerate
    CHANGELOG.md and CITATION.cff. Nothing is written when the report is invalid."""
    root = Path(root)
    history = load_history(root)
    report = check(root, version=version, against=against)
    if history.get(version) is not None:
        report.add(_problem("release-already-recorded", f"version {version} is already recorded"))
    if not summary.strip():
        report.add(_problem("release-summary-missing", "a release needs a one-line summary"))
    # Staleness of CHANGELOG/CITATION is what recording fixes, so it does not block it.
    report.problems = [p for p in report.problems if p.rule != "release-file-stale"]
    # The release is found again in git by the hashes its descriptor records: they must be true.
    report.extend(
        _problem(
            "release-hash-stale",
            f"bytes/hash of {name!r} are stale: run `bloemdata refresh`",
            resource=name,
        )
        for name in stale_resources(Package.load(root))
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
    set_version(root, version)
    package = Package.load(root)
    when = (on or datetime.now(tz=UTC).date()).isoformat()
    history.releases.append(
        Release(version, when, summary.strip(), [*(notes or []), *auto], **snapshot(package))
    )
    save_history(root, history)
    write_generated(root, package, history)
    return report


def write_generated(root: Path, package: Package, history: History) -> list[str]:
    """Write CHANGELOG.md and CITATION.cff from the history and the descriptor."""
    (root / CHANGELOG).write_text(
        render_changelog(package, history), encoding="utf-8", newline="\n"
    )
    (root / CITATION).write_text(render_citation(package, history), encoding="utf-8", newline="\n")
    return [CHANGELOG, CITATION]


_CHANGELOG_HEAD = """\
# Changelog

All notable changes to the bloemdata data package, generated from `releases.json` by
`bloemdata release record` (do not edit by hand). Versions follow semantic versioning for data:
major when a field, code or statement id is removed, or a type, constraint or code definition
narrowed or changed; minor when statements, codes, fields or resources are added or a statement is
withdrawn; patch for corrections of text, translations or codings.
"""


def render_changelog(package: Package, history: History) -> str:  # noqa: ARG001 - one signature
    out = [_CHANGELOG_HEAD]
    for release in reversed(history.releases):
        out += [f"## {release.version} - {release.date}", "", release.summary, ""]
        out += [f"- {note}" for note in release.notes]
        rows = ", ".join(f"{n} {name}" for name, n in release.rows.items())
        out += [f"- Rows: {rows}.", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def render_citation(package: Package, history: History) -> str:
    """CITATION.cff for the last recorded release."""
    d = package.descriptor
    last = history.latest
    creators = [
        {"name": c["title"]}
        for c in d.get("contributors", [])
        if "creator" in c.get("roles", []) and c.get("title")
    ]
    licences = [lic["name"] for lic in d.get("licenses", []) if lic.get("name")]
    cff: dict[str, Any] = {
        "cff-version": "1.2.0",
        "message": "If you use this data, please cite the version you used as below.",
        "type": "dataset",
        "title": d.get("title", d.get("name", "")),
        "version": last.version if last else package.version,
        "authors": creators or [{"name": d.get("name", "")}],
        "abstract": d.get("description", ""),
        "keywords": list(d.get("keywords", [])),
    }
    if last is not None:
        cff["date-released"] = last.date
    if licences:
        cff["license"] = licences[0] if len(licences) == 1 else licences
    head = "# Generated from datapackage.json and releases.json by bloemdata; do not edit.\n"
    return head + yaml.safe_dump(cff, sort_keys=False, allow_unicode=True, width=100)
