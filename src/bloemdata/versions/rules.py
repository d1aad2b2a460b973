"""The release rules of `bloemdata release check`: the working tree against the last release.

A changed resource without a new version, a bump smaller than the changes need (found by diffing
against the release's files in git history), a reused statement id and a stale CHANGELOG or
CITATION are errors; the rules themselves are declared in `validation.checks.release`.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Any

from bloemdata.core.anchor import parse as parse_anchor
from bloemdata.core.errors import AnchorError
from bloemdata.core.package import Package
from bloemdata.validation.checks import release as rules
from bloemdata.validation.checks import uncoded
from bloemdata.validation.report import Problem, Report, Severity
from bloemdata.versions.change import Change, Diff, Kind, Level, level_rank
from bloemdata.versions.changelog import render_changelog, render_citation
from bloemdata.versions.diff import diff_packages
from bloemdata.versions.files import CHANGELOG, CITATION, RELEASES
from bloemdata.versions.git import open_version
from bloemdata.versions.history import History, Release, read_history
from bloemdata.versions.problem import problem
from bloemdata.versions.semver import bump_level, is_lower, next_versions, parse_version
from bloemdata.versions.snapshot import snapshot
from bloemdata.versions.trees import release_tree


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
                problem(
                    rules.VERSION_NOT_BUMPED,
                    name,
                    kind=kind,
                    name=name,
                    what=what,
                    last=last.version,
                    version=package.version,
                )
            )
    return problems


def _too_small(diff: Diff, actual: Level | None, old: str, new: str) -> list[Problem]:
    """One problem per kind of change that needs a bigger bump than old -> new."""
    by_kind: dict[Kind, list[Change]] = {}
    for change in diff.changes:
        if level_rank(change.level) > level_rank(actual):
            by_kind.setdefault(change.kind, []).append(change)
    problems = []
    for kind, changes in by_kind.items():
        items = ", ".join(c.item for c in changes[:5]) + (", ..." if len(changes) > 5 else "")
        level = changes[0].level
        problems.append(
            problem(
                rules.BUMP_TOO_SMALL,
                changes[0].resource,
                count=len(changes),
                kind=kind,
                items=items,
                level=level,
                least=next_versions(old)[level],
                old=old,
                new=new,
                step="no bump" if actual is None else f"a {actual} bump",
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
                problem(
                    rules.STATEMENT_ID_REUSED,
                    "statements",
                    number,
                    "statement_id",
                    statement=sid,
                    reason=reason,
                )
            )
        if row.get("status") == "withdrawn" and not (row.get("status_note") or "").strip():
            problems.append(
                problem(
                    rules.WITHDRAWN_WITHOUT_NOTE, "statements", number, "status_note", statement=sid
                )
            )
    return problems


def _generated_files(root: Path, package: Package, history: History) -> list[Problem]:
    problems = []
    for name, render in ((CHANGELOG, render_changelog), (CITATION, render_citation)):
        path = root / name
        if path.is_file() and path.read_text(encoding="utf-8") != render(package, history):
            problems.append(problem(rules.FILE_STALE, name, file=name))
    return problems


def check(root: Path | str, version: str | None = None, against: str | None = None) -> Report:
    """The release rules for the package at `root` (its own version, or `version` if given).

    `against` names the last release's files (a directory or git revision) when git history
    cannot provide them. A release history with a problem is reported and nothing else checked:
    it is what everything else is checked against.
    """
    root = Path(root)
    package = Package.load(root)
    version = version or package.version
    history, history_problems = read_history(root)
    report = Report(checked=[RELEASES])
    report.extend(history_problems)
    last = history.latest
    if any(p.severity is Severity.ERROR for p in history_problems):
        return report
    if last is None:
        report.add(problem(rules.HISTORY_MISSING))
        return report
    report.extend(_generated_files(root, package, history))
    report.extend(uncoded.release_problems(package))
    if parse_version(version) is None:
        report.add(problem(rules.VERSION_INVALID, subject="version", version=version))
        return report
    current = snapshot(package)
    with ExitStack() as stack:
        old = (
            stack.enter_context(open_version(against, root))[0]
            if against
            else stack.enter_context(release_tree(root, last))
        )
        report.extend(_reused_ids(package, history, old))
        following = next_versions(last.version)
        if version == last.version:
            report.extend(_unbumped(package, last, current))
        elif is_lower(version, last.version):
            report.add(problem(rules.VERSION_BEHIND, version=version, last=last.version))
        else:
            actual = bump_level(last.version, version)
            if version not in following.values():
                report.add(
                    problem(
                        rules.VERSION_SKIPPED,
                        last=last.version,
                        version=version,
                        following=", ".join(following.values()),
                    )
                )
            if old is None:
                report.add(problem(rules.TREE_UNAVAILABLE, last=last.version))
            else:
                diff = diff_packages(old, package, last.version, "working tree")
                report.extend(_too_small(diff, actual, last.version, version))
    return report
