"""bloemdata diff: planted changes reported exactly, between git revisions and directories."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest
from click.testing import CliRunner

from bloemdata.cli import cli
from bloemdata.core.package import Package
from bloemdata.core.schema import schema_from_descriptor
from bloemdata.database.build import write_database
from bloemdata.database.changes import CHANGES, CHANGES_COLUMNS, CHANGES_SCHEMA
from bloemdata.versions.diff import diff_packages, schema_changes, word_diff
from bloemdata.versions.record import record
from bloemdata.versions.render import render_words
from tests.gitrepo import (
    ADDED,
    BASE,
    CORRECTED,
    DUPLICATED,
    LAST,
    MINOR,
    WITHDRAWN,
    commit,
    git,
    make_repo,
    plant_changes,
    set_version,
)

PLANTED = {
    ("statement-changed", CORRECTED, "text", "patch"),
    ("statement-withdrawn", WITHDRAWN, "status", "minor"),
    ("statement-added", ADDED, "text", "minor"),
    ("coding-removed", f"{DUPLICATED} / valence-mixed / maintainer-1 / 1", None, "patch"),
    ("coding-added", f"{DUPLICATED} / valence-bottleneck / maintainer-1 / 1", None, "patch"),
}


def _added_codings(root) -> int:
    """ADDED is coded like LAST (see plant_changes)."""
    return sum(r["statement_id"] == LAST for r in Package.load(root).rows("codings"))


@pytest.fixture
def repo(root, tmp_path):
    """Release BASE (tagged vBASE), then a commit with the planted changes as MINOR."""
    repo = make_repo(root, tmp_path / "repo")
    git(repo, "tag", f"v{BASE}")
    plant_changes(repo)
    set_version(repo, MINOR)
    commit(repo, "planted changes")
    return repo


def _kinds(diff):
    return {(c.kind, c.item, c.field, c.level) for c in diff.changes}


def test_diff_reports_planted_changes_exactly(root, repo, tmp_path):
    old = tmp_path / "old"
    git(repo, "worktree", "add", "-q", str(old), f"v{BASE}")
    diff = diff_packages(Package.load(old), Package.load(repo))
    added_codings = {c for c in _kinds(diff) if c[0] == "coding-added" and ADDED in c[1]}
    assert len(added_codings) == _added_codings(root) > 0
    assert _kinds(diff) - added_codings == PLANTED
    assert diff.required_level == "minor"
    text = next(c for c in diff.changes if c.kind == "statement-changed")
    assert render_words(text.words) == (
        "Ondanks de [-grotere-] {+groter wordende+} aandacht voor mensenhandel, wordt het door "
        "sociale professionals nog altijd niet genoeg herkend."
    )
    withdrawn = next(c for c in diff.changes if c.kind == "statement-withdrawn")
    assert f"duplicate of {DUPLICATED}" in withdrawn.message


def test_diff_command_between_revisions(repo):
    runner = CliRunner()
    args = ["diff", f"v{BASE}", "HEAD", "--package", str(repo)]
    text = runner.invoke(cli, args)
    assert text.exit_code == 0, text.output
    assert "needs at least a minor version bump" in text.output
    assert "[-grotere-] {+groter wordende+}" in text.output
    markdown = runner.invoke(cli, [*args, "--format", "markdown"])
    assert "~~grotere~~ **groter wordende**" in markdown.output
    data = json.loads(runner.invoke(cli, [*args, "--format", "json"]).output)
    assert data["required_bump"] == "minor"
    assert data["old"]["version"] == BASE
    assert data["new"]["version"] == MINOR
    assert data["counts"]["statement-withdrawn"] == 1


def test_diff_of_directories(repo, tmp_path):
    old = tmp_path / "old"
    git(repo, "worktree", "add", "-q", str(old), f"v{BASE}")
    result = CliRunner().invoke(cli, ["diff", str(old), str(repo), "--format", "json"])
    assert result.exit_code == 0
    kinds = {(c["kind"], c["item"]) for c in json.loads(result.output)["changes"]}
    assert ("statement-added", ADDED) in kinds


def test_diff_of_equal_versions_is_empty(package_copy, tmp_path):
    other = tmp_path / "other"
    shutil.copytree(package_copy, other)
    result = CliRunner().invoke(cli, ["diff", str(package_copy), str(other)])
    assert result.exit_code == 0
    assert "0 change(s); no changes" in result.output


@pytest.mark.parametrize("revision", ["v9.9.9", "no-such-branch", "--output=x"])
def test_missing_revision_exits_2_without_traceback(repo, revision):
    args = ["diff", "--package", str(repo), "--", revision, "HEAD"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert "is neither a directory nor a git revision" in result.output
    assert "Traceback" not in result.output


def test_unreadable_version_exits_2_without_traceback(package_copy, tmp_path):
    other = tmp_path / "other"
    shutil.copytree(package_copy, other)
    package = Package.load(other)
    page = next(n for n in package.resource_names if n not in package.schemas)
    package.path_of(page).unlink()
    result = CliRunner().invoke(cli, ["diff", str(package_copy), str(other)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"cannot read {page!r}" in result.output


def test_outside_git_a_revision_is_refused(package_copy):
    result = CliRunner().invoke(cli, ["diff", "HEAD", str(package_copy), "--package", "/"])
    assert result.exit_code == 2
    assert "not in a git repository" in result.output


def test_word_diff_keeps_every_word():
    ops = word_diff("een twee drie vier", "een drie vier vijf")
    assert ops == (("equal", "een"), ("delete", "twee"), ("equal", "drie vier"), ("insert", "vijf"))


def _schema(**constraints):
    field = {"name": "x", "type": "string", "description": "x", "constraints": constraints}
    return schema_from_descriptor({"fields": [field], "primaryKey": ["x"]})


@pytest.mark.parametrize(
    ("old", "new", "kind", "level"),
    [
        ({}, {"required": True}, "constraint-narrowed", "major"),
        ({"required": True}, {}, "constraint-widened", "minor"),
        ({"enum": ["a", "b"]}, {"enum": ["a"]}, "constraint-narrowed", "major"),
        ({"enum": ["a"]}, {"enum": ["a", "b"]}, "constraint-widened", "minor"),
        ({"maxLength": 10}, {"maxLength": 5}, "constraint-narrowed", "major"),
        ({"maxLength": 5}, {"maxLength": 10}, "constraint-widened", "minor"),
        ({"minLength": 1}, {"minLength": 2}, "constraint-narrowed", "major"),
        ({"pattern": "^a$"}, {"pattern": "^[ab]$"}, "constraint-narrowed", "major"),
    ],
)
def test_constraint_changes_are_classified(old, new, kind, level):
    (change,) = schema_changes("t", _schema(**old), _schema(**new))
    assert (change.kind, change.level) == (kind, level)


def test_field_removed_and_added():
    old = schema_from_descriptor({"fields": [{"name": "a"}, {"name": "b"}]})
    new = schema_from_descriptor({"fields": [{"name": "a"}, {"name": "c", "type": "integer"}]})
    kinds = {(c.kind, c.item, c.level) for c in schema_changes("t", old, new)}
    assert kinds == {("field-removed", "b", "major"), ("field-added", "c", "minor")}


def test_changes_table_holds_unreleased_changes(root, repo):
    db = repo / "changes.db"
    written = write_database(Package.load(repo), db, tables=[CHANGES])["changes"]
    with sqlite3.connect(db) as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(changes)")]
        rows = conn.execute(
            "SELECT from_version, to_version, released, kind, item, word_diff FROM changes"
        ).fetchall()
    conn.close()
    assert columns == list(CHANGES_COLUMNS)
    assert written == len(rows) == len(PLANTED) + _added_codings(root)
    assert {r[:3] for r in rows} == {(BASE, MINOR, 0)}
    text = next(r for r in rows if r[3] == "statement-changed")
    assert "[-grotere-] {+groter wordende+}" in text[5]


def test_every_changes_column_is_described():
    assert [f.name for f in CHANGES_SCHEMA.fields] == list(CHANGES_COLUMNS)
    assert all(f.description for f in CHANGES_SCHEMA.fields)


def test_changes_table_of_a_release_recorded_but_not_committed(root, tmp_path):
    """The release session builds the bundle before the commit: the release is the work tree."""
    repo = make_repo(root, tmp_path / "repo")
    plant_changes(repo)
    assert record(repo, MINOR, summary="Planted.").valid
    db = tmp_path / "changes.db"
    written = write_database(Package.load(repo), db, tables=[CHANGES])["changes"]
    with sqlite3.connect(db) as conn:
        pairs = set(conn.execute("SELECT from_version, to_version, released FROM changes"))
    conn.close()
    assert written == len(PLANTED) + _added_codings(root)
    assert pairs == {(BASE, MINOR, 1)}


def test_a_pattern_widened_by_an_alternative_is_minor():
    old = schema_from_descriptor({"fields": [{"name": "a", "constraints": {"pattern": "^(x|y)$"}}]})
    new = schema_from_descriptor(
        {"fields": [{"name": "a", "constraints": {"pattern": "^(x|y|z)$"}}]}
    )
    [change] = schema_changes("t", old, new)
    assert (change.kind, change.level) == ("constraint-widened", "minor")
    [back] = schema_changes("t", new, old)
    assert (back.kind, back.level) == ("constraint-narrowed", "major")
