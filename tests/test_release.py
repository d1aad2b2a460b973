"""Release rules: each one catches its violation in a temporary git repository with two releases."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date

import pytest
import yaml
from click.testing import CliRunner

import bloemdata
from bloemdata.cli import cli
from bloemdata.core.package import Package
from bloemdata.versions.release import (
    bump_level,
    check,
    load_history,
    next_versions,
    record,
    render_changelog,
    render_citation,
)
from tests.gitrepo import commit, make_repo, plant_changes, read_rows, set_version, write_rows


@pytest.fixture
def repo(root, tmp_path):
    """Release 1.0.0 committed (no tag: the release is found in history by its hashes)."""
    return make_repo(root, tmp_path / "repo")


@pytest.fixture
def two_releases(repo):
    """1.0.0, then the planted changes recorded and committed as 1.1.0."""
    plant_changes(repo)
    report = record(repo, "1.1.0", summary="Planted changes.", on=date(2026, 12, 1))
    assert report.valid, report.problems
    commit(repo, "release 1.1.0")
    return repo


def rules(report):
    return {p.rule for p in report.errors}


def run_check(repo, *args):
    return CliRunner().invoke(cli, ["release", "check", "--package", str(repo), *args])


# --- the real repository -----------------------------------------------------------------------


def test_real_package_passes_release_check(root):
    report = check(root)
    assert report.valid, [p.message for p in report.errors]


def test_version_agrees_everywhere(root, package):
    pyproject = (root / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^version = "([^"]+)"$', pyproject, re.MULTILINE)[1] == package.version
    assert bloemdata.__version__ == package.version
    lock = (root / "uv.lock").read_text(encoding="utf-8")
    assert f'name = "bloemdata"\nversion = "{package.version}"\n' in lock


def test_changelog_and_citation_are_generated(root, package):
    history = load_history(root)
    assert (root / "CHANGELOG.md").read_text(encoding="utf-8") == render_changelog(package, history)
    citation = (root / "CITATION.cff").read_text(encoding="utf-8")
    assert citation == render_citation(package, history), "run `bloemdata release regenerate`"
    cff = yaml.safe_load(citation)
    assert cff["cff-version"] == "1.2.0"
    assert cff["version"] == history.latest.version
    assert cff["date-released"] == history.latest.date
    assert cff["authors"]
    assert cff["title"] == package.descriptor["title"]


def test_history_records_every_resource_and_schema(root, package):
    latest = load_history(root).latest
    assert set(latest.resources) == set(package.resource_names)
    assert set(latest.schemas) == set(package.schemas)
    assert latest.rows["statements"] == len(package.rows("statements"))


# --- versions ----------------------------------------------------------------------------------


def test_bump_levels():
    assert bump_level("1.2.3", "2.0.0") == "major"
    assert bump_level("1.2.3", "1.3.0") == "minor"
    assert bump_level("1.2.3", "1.2.4") == "patch"
    assert bump_level("1.2.3", "1.2.3") is None
    assert next_versions("1.2.3") == {"major": "2.0.0", "minor": "1.3.0", "patch": "1.2.4"}
    with pytest.raises(ValueError, match="not a step forward"):
        bump_level("1.2.3", "1.2.2")


# --- every rule catches its violation ----------------------------------------------------------


def test_unchanged_release_is_valid(repo):
    result = run_check(repo)
    assert result.exit_code == 0, result.output


def test_changed_resource_without_bump(repo):
    rows = read_rows(repo, "statements")
    rows[0]["text_en"] += " (corrected)"
    write_rows(repo, "statements", rows)
    result = run_check(repo)
    assert result.exit_code == 1
    assert "release-version-not-bumped" in result.output
    assert "resource 'statements' changed since release 1.0.0" in result.output


def test_changed_schema_without_bump(repo):
    path = repo / "schemas" / "coders.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["fields"][2]["description"] = "What the coder did."
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    report = check(repo)
    assert rules(report) == {"release-version-not-bumped"}
    assert "schema 'coders' changed" in report.errors[0].message


def test_too_small_bump_names_the_change(repo):
    plant_changes(repo)
    set_version(repo, "1.0.1")
    result = run_check(repo)
    assert result.exit_code == 1
    assert "release-bump-too-small" in result.output
    assert "1 statement-added change(s) (BL-p010-25) need a minor release" in result.output
    assert "1 statement-withdrawn change(s) (BL-p010-03)" in result.output
    set_version(repo, "1.1.0")
    assert run_check(repo).exit_code == 0


def test_patch_is_enough_for_corrections(repo):
    rows = read_rows(repo, "statements")
    rows[0]["text"] = rows[0]["text"].replace("grotere", "grote")
    rows[1]["text_en"] = rows[1]["text_en"].replace("growing", "increasing")
    write_rows(repo, "statements", rows)
    set_version(repo, "1.0.1")
    assert check(repo).valid


@pytest.mark.parametrize(
    ("edit", "kind"),
    [
        ("delete-statement", "statement-removed"),
        ("remove-field", "field-removed"),
        ("change-definition", "code-meaning-changed"),
        ("narrow-enum", "constraint-narrowed"),
    ],
)
def test_major_changes_need_a_major_bump(repo, edit, kind):
    if edit == "delete-statement":
        write_rows(repo, "statements", read_rows(repo, "statements")[:-1])
    elif edit == "change-definition":
        codes = read_rows(repo, "codes")
        codes[1]["definition_en"] = "Something else entirely."
        write_rows(repo, "codes", codes)
    else:
        path = repo / "schemas" / "coders.json"
        schema = json.loads(path.read_text(encoding="utf-8"))
        if edit == "remove-field":
            schema["fields"][2]["name"] = "what"  # a rename is a removal
        else:
            schema["fields"][1]["constraints"]["enum"] = ["maintainer", "reviewer"]
        path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    set_version(repo, "1.1.0")
    report = check(repo)
    assert "release-bump-too-small" in rules(report)
    assert any(kind in p.message and "major" in p.message for p in report.errors)
    set_version(repo, "2.0.0")
    assert "release-bump-too-small" not in rules(check(repo))


def test_withdrawn_id_is_never_reused(two_releases):
    rows = read_rows(two_releases, "statements")
    reused = next(r for r in rows if r["statement_id"] == "BL-p010-03")
    reused.update(status="current", status_note="")
    write_rows(two_releases, "statements", rows)
    set_version(two_releases, "2.0.0")
    report = check(two_releases)
    assert rules(report) == {"statement-id-reused"}
    assert "withdrawn in an earlier release" in report.errors[0].message


def test_removed_id_is_never_reused(two_releases):
    rows = read_rows(two_releases, "statements")
    write_rows(two_releases, "statements", [r for r in rows if r["statement_id"] != "BL-p010-24"])
    set_version(two_releases, "2.0.0")
    assert check(two_releases).valid  # deleting a row is allowed as a major change
    record(two_releases, "2.0.0", summary="Deleted BL-p010-24.")
    commit(two_releases, "release 2.0.0")
    write_rows(two_releases, "statements", rows)  # BL-p010-24 comes back
    set_version(two_releases, "2.1.0")
    report = check(two_releases)
    assert rules(report) == {"statement-id-reused"}
    assert "released before and then removed" in report.errors[0].message


def test_id_pointing_elsewhere_is_reused(repo):
    rows = read_rows(repo, "statements")
    rows[0]["anchor"] = rows[-1]["anchor"]
    write_rows(repo, "statements", rows)
    set_version(repo, "1.0.1")
    report = check(repo)
    assert rules(report) == {"statement-id-reused"}
    assert "points to a different place" in report.errors[0].message


def test_withdrawal_needs_a_note(repo):
    rows = read_rows(repo, "statements")
    rows[4]["status"] = "withdrawn"
    write_rows(repo, "statements", rows)
    set_version(repo, "1.1.0")
    assert rules(check(repo)) == {"statement-withdrawn-without-note"}


@pytest.mark.parametrize(
    ("version", "rule"),
    [("0.9.0", "release-version-behind"), ("1.1", "release-version-invalid")],
)
def test_bad_versions(repo, version, rule):
    set_version(repo, version)
    assert rule in rules(check(repo))


def test_skipping_a_version_is_a_warning(repo):
    set_version(repo, "1.3.0")
    report = check(repo)
    assert report.valid
    assert {p.rule for p in report.warnings} == {"release-version-skipped"}


def test_python_version_must_agree(repo):
    (repo / "pyproject.toml").write_text('[project]\nversion = "0.1.0"\n', encoding="utf-8")
    assert rules(check(repo)) == {"release-version-mismatch"}


def test_stale_changelog_is_an_error(repo):
    (repo / "CHANGELOG.md").write_text("# Changelog\n", encoding="utf-8")
    assert rules(check(repo)) == {"release-file-stale"}


def test_without_git_the_bump_is_unchecked_unless_against(repo, tmp_path):
    plain = tmp_path / "plain"
    shutil.copytree(repo, plain, ignore=shutil.ignore_patterns(".git"))
    plant_changes(plain)
    set_version(plain, "1.0.1")
    report = check(plain)
    assert report.valid
    assert {p.rule for p in report.warnings} == {"release-tree-unavailable"}
    assert "release-bump-too-small" in rules(check(plain, against=str(repo)))


def test_no_history_is_an_error(package_copy):
    assert rules(check(package_copy)) == {"release-history-missing"}


# --- recording ---------------------------------------------------------------------------------


def test_record_writes_history_version_changelog_citation(two_releases):
    history = load_history(two_releases)
    assert [r.version for r in history.releases] == ["1.0.0", "1.1.0"]
    latest = history.latest
    assert latest.date == "2026-12-01"
    assert latest.statements["withdrawn"] == ["BL-p010-03"]
    assert any(n.startswith("statement-added (minor, 1): `BL-p010-25`") for n in latest.notes)
    assert Package.load(two_releases).version == "1.1.0"
    changelog = (two_releases / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.index("## 1.1.0 - 2026-12-01") < changelog.index("## 1.0.0")
    assert yaml.safe_load((two_releases / "CITATION.cff").read_text())["version"] == "1.1.0"
    assert check(two_releases).valid


def test_record_refuses_too_small_bump_and_writes_nothing(repo):
    plant_changes(repo)
    before = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts}
    args = ["release", "record", "1.0.1", "--summary", "x", "--package", str(repo)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert "release-bump-too-small" in result.output
    after = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts}
    assert after == before


def test_record_command(repo):
    plant_changes(repo)
    args = ["release", "record", "1.1.0", "--summary", "Planted.", "--date", "2026-12-02"]
    result = CliRunner().invoke(cli, [*args, "--package", str(repo)])
    assert result.exit_code == 0, result.output
    assert load_history(repo).latest.date == "2026-12-02"
    again = CliRunner().invoke(cli, [*args, "--package", str(repo)])
    assert again.exit_code == 1
    assert "release-version-not-bumped" not in again.output
    assert "release-already-recorded" in again.output


def test_record_sets_the_version_everywhere(root, repo):
    init = repo / "src" / "bloemdata" / "__init__.py"
    init.parent.mkdir(parents=True)
    for source, target in (
        (root / "pyproject.toml", repo / "pyproject.toml"),
        (root / "uv.lock", repo / "uv.lock"),
        (root / "src" / "bloemdata" / "__init__.py", init),
    ):
        target.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    commit(repo, "python project files")
    plant_changes(repo)
    assert record(repo, "1.1.0", summary="Planted.").valid
    for path in (repo / "pyproject.toml", repo / "uv.lock", init):
        assert '"1.1.0"' in path.read_text(encoding="utf-8"), path
    assert check(repo).valid
