"""Release rules: each one catches its violation in a temporary git repository with two releases."""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from datetime import date
from importlib import metadata

import pytest
import yaml
from click.testing import CliRunner

import bloemdata
from bloemdata.cli import cli
from bloemdata.core.package import Package
from bloemdata.versions.changelog import render_changelog, render_citation
from bloemdata.versions.history import load_history
from bloemdata.versions.record import record
from bloemdata.versions.rules import check
from bloemdata.versions.semver import bump_level, next_versions
from tests.conftest import ROOT
from tests.gitrepo import (
    ADDED,
    BASE,
    LAST,
    MAJOR,
    MAJOR_THEN_MINOR,
    MINOR,
    PATCH,
    SKIPPED_MINOR,
    WITHDRAWN,
    commit,
    make_repo,
    plant_changes,
    read_rows,
    set_version,
    write_rows,
)


@pytest.fixture
def repo(root, tmp_path):
    """Release BASE committed (no tag: the release is found in history by its hashes)."""
    return make_repo(root, tmp_path / "repo")


@pytest.fixture
def two_releases(repo):
    """BASE, then the planted changes recorded and committed as MINOR."""
    plant_changes(repo)
    report = record(repo, MINOR, summary="Planted changes.", on=date(2026, 12, 1))
    assert report.valid, report.problems
    commit(repo, f"release {MINOR}")
    return repo


def rules(report):
    return {p.rule for p in report.errors}


def run_check(repo, *args):
    return CliRunner().invoke(cli, ["release", "check", "--package", str(repo), *args])


# --- the real repository -----------------------------------------------------------------------


def test_real_package_passes_release_check(root):
    report = check(root)
    assert report.valid, [p.message for p in report.errors]


def test_the_tool_has_one_source_of_its_version(root):
    """pyproject.toml; `bloemdata.__version__` is read from the installed metadata, not repeated."""
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert bloemdata.__version__ == metadata.version("bloemdata") == pyproject["project"]["version"]
    init = (root / "src" / "bloemdata" / "__init__.py").read_text(encoding="utf-8")
    assert not re.search(r"__version__\s*=\s*[\"'][0-9]+\.[0-9]+", init)  # no second copy
    lock = (root / "uv.lock").read_text(encoding="utf-8")  # uv keeps it in step, not bloemdata
    assert f'name = "bloemdata"\nversion = "{bloemdata.__version__}"\n' in lock


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
    assert f"resource 'statements' changed since release {BASE}" in result.output


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
    set_version(repo, PATCH)
    result = run_check(repo)
    assert result.exit_code == 1
    assert "release-bump-too-small" in result.output
    assert f"1 statement-added change(s) ({ADDED}) need a minor release" in result.output
    assert f"1 statement-withdrawn change(s) ({WITHDRAWN})" in result.output
    set_version(repo, MINOR)
    assert run_check(repo).exit_code == 0


def test_patch_is_enough_for_corrections(repo):
    rows = read_rows(repo, "statements")
    rows[0]["text"] = rows[0]["text"].replace("grotere", "grote")
    rows[1]["text_en"] = rows[1]["text_en"].replace("growing", "increasing")
    write_rows(repo, "statements", rows)
    set_version(repo, PATCH)
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
    set_version(repo, MINOR)
    report = check(repo)
    assert "release-bump-too-small" in rules(report)
    assert any(kind in p.message and "major" in p.message for p in report.errors)
    set_version(repo, MAJOR)
    assert "release-bump-too-small" not in rules(check(repo))


def test_withdrawn_id_is_never_reused(two_releases):
    rows = read_rows(two_releases, "statements")
    reused = next(r for r in rows if r["statement_id"] == WITHDRAWN)
    reused.update(status="current", status_note="")
    write_rows(two_releases, "statements", rows)
    set_version(two_releases, MAJOR)
    report = check(two_releases)
    assert rules(report) == {"statement-id-reused"}
    assert "withdrawn in an earlier release" in report.errors[0].message


def test_removed_id_is_never_reused(two_releases):
    rows = read_rows(two_releases, "statements")
    write_rows(two_releases, "statements", [r for r in rows if r["statement_id"] != LAST])
    set_version(two_releases, MAJOR)
    assert check(two_releases).valid  # deleting a row is allowed as a major change
    record(two_releases, MAJOR, summary=f"Deleted {LAST}.")
    commit(two_releases, f"release {MAJOR}")
    write_rows(two_releases, "statements", rows)  # LAST comes back
    set_version(two_releases, MAJOR_THEN_MINOR)
    report = check(two_releases)
    assert rules(report) == {"statement-id-reused"}
    assert "released before and then removed" in report.errors[0].message


def test_id_pointing_elsewhere_is_reused(repo):
    rows = read_rows(repo, "statements")
    rows[0]["anchor"] = rows[-1]["anchor"]
    write_rows(repo, "statements", rows)
    set_version(repo, PATCH)
    report = check(repo)
    assert rules(report) == {"statement-id-reused"}
    assert "points to a different place" in report.errors[0].message


def test_withdrawal_needs_a_note(repo):
    rows = read_rows(repo, "statements")
    rows[4]["status"] = "withdrawn"
    write_rows(repo, "statements", rows)
    set_version(repo, MINOR)
    assert rules(check(repo)) == {"statement-withdrawn-without-note"}


@pytest.mark.parametrize(
    ("version", "rule"),
    [("0.9.0", "release-version-behind"), ("1.1", "release-version-invalid")],
)
def test_bad_versions(repo, version, rule):
    set_version(repo, version)
    assert rule in rules(check(repo))


def test_skipping_a_version_is_a_warning(repo):
    set_version(repo, SKIPPED_MINOR)
    report = check(repo)
    assert report.valid
    assert {p.rule for p in report.warnings} == {"release-version-skipped"}


def test_the_tool_version_is_not_the_data_version(repo):
    """pyproject.toml versions the tool: a data release neither reads nor checks it."""
    (repo / "pyproject.toml").write_text('[project]\nversion = "0.1.0"\n', encoding="utf-8")
    assert check(repo).valid


def test_stale_changelog_is_an_error(repo):
    (repo / "CHANGELOG.md").write_text("# Changelog\n", encoding="utf-8")
    assert rules(check(repo)) == {"release-file-stale"}


def test_without_git_the_bump_is_unchecked_unless_against(repo, tmp_path):
    plain = tmp_path / "plain"
    shutil.copytree(repo, plain, ignore=shutil.ignore_patterns(".git"))
    plant_changes(plain)
    set_version(plain, PATCH)
    report = check(plain)
    assert report.valid
    assert {p.rule for p in report.warnings} == {"release-tree-unavailable"}
    assert "release-bump-too-small" in rules(check(plain, against=str(repo)))


@pytest.mark.parametrize("command", ["check", "record"])
def test_unreadable_file_exits_2_without_traceback(repo, command):
    """A file the descriptor names cannot be read: the check could not run (2), it did not fail."""
    package = Package.load(repo)
    page = next(n for n in package.resource_names if n not in package.schemas)
    package.path_of(page).unlink()
    args = ["release", command, *([PATCH, "--summary", "x"] if command == "record" else [])]
    result = CliRunner().invoke(cli, [*args, "--package", str(repo)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "cannot read" in result.output
    assert page in result.output


def test_no_history_is_an_error(package_copy):
    assert rules(check(package_copy)) == {"release-history-missing"}


# --- recording ---------------------------------------------------------------------------------


def test_record_writes_history_version_changelog_citation(two_releases):
    history = load_history(two_releases)
    shipped = [r.version for r in load_history(ROOT).releases]
    assert [r.version for r in history.releases] == [*shipped, MINOR]
    latest = history.latest
    assert latest.date == "2026-12-01"
    assert latest.statements["withdrawn"] == [WITHDRAWN]
    assert any(n.startswith(f"statement-added (minor, 1): `{ADDED}`") for n in latest.notes)
    assert Package.load(two_releases).version == MINOR
    changelog = (two_releases / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.index(f"## {MINOR} - 2026-12-01") < changelog.index(f"## {BASE}")
    assert yaml.safe_load((two_releases / "CITATION.cff").read_text())["version"] == MINOR
    assert check(two_releases).valid


def test_record_refuses_too_small_bump_and_writes_nothing(repo):
    plant_changes(repo)
    before = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts}
    args = ["release", "record", PATCH, "--summary", "x", "--package", str(repo)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert "release-bump-too-small" in result.output
    after = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts}
    assert after == before


def test_record_command(repo):
    plant_changes(repo)
    args = ["release", "record", MINOR, "--summary", "Planted.", "--date", "2026-12-02"]
    result = CliRunner().invoke(cli, [*args, "--package", str(repo)])
    assert result.exit_code == 0, result.output
    assert load_history(repo).latest.date == "2026-12-02"
    again = CliRunner().invoke(cli, [*args, "--package", str(repo)])
    assert again.exit_code == 1
    assert "release-version-not-bumped" not in again.output
    assert "release-already-recorded" in again.output


def test_record_edits_only_data_files(root, repo):
    """The tool's files (pyproject.toml, uv.lock, __init__.py) are not the data's: left alone."""
    init = repo / "src" / "bloemdata" / "__init__.py"
    init.parent.mkdir(parents=True)
    tool_files = {
        repo / "pyproject.toml": root / "pyproject.toml",
        repo / "uv.lock": root / "uv.lock",
        init: root / "src" / "bloemdata" / "__init__.py",
    }
    for target, source in tool_files.items():
        target.write_bytes(source.read_bytes())
    commit(repo, "python project files")
    before = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts}
    plant_changes(repo)
    planted = {p: p.read_bytes() for p in before}
    assert record(repo, MINOR, summary="Planted.").valid
    changed = {
        p.relative_to(repo).as_posix()
        for p in repo.rglob("*")
        if p.is_file() and ".git" not in p.parts and p.read_bytes() != planted.get(p)
    }
    assert changed == {"datapackage.json", "releases.json", "CHANGELOG.md", "CITATION.cff"}
    assert all(path.read_bytes() == before[path] for path in tool_files)
    assert Package.load(repo).version == MINOR
    assert check(repo).valid


# --- a malformed release history is reported, never a traceback --------------------------------


def _entry(**changes):
    def edit(data):
        entry = data["releases"][0]
        entry.update(changes)
        for key in [k for k, v in changes.items() if v is None]:
            del entry[key]
        return data

    return edit


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (_entry(version="1.0"), ("release-version-invalid", 1, "version")),
        (_entry(version=100), ("release-entry-invalid", 1, "version")),
        (_entry(date="1 December 2026"), ("release-date-invalid", 1, "date")),
        (_entry(date="2026-02-30"), ("release-date-invalid", 1, "date")),
        (_entry(date=None), ("release-entry-invalid", 1, "date")),
        (_entry(summary=["x"]), ("release-entry-invalid", 1, "summary")),
        (_entry(notes="x"), ("release-entry-invalid", 1, "notes")),
        (_entry(rows={"statements": "24"}), ("release-entry-invalid", 1, "rows")),
        (_entry(statements={"current": "BL-p010-01"}), ("release-entry-invalid", 1, "statements")),
        (_entry(extra=1), ("release-entry-invalid", 1, "extra")),
        (lambda _: {"releases": [5]}, ("release-entry-invalid", 1, None)),
        (lambda _: {"releases": {"1.0.0": {}}}, ("release-history-invalid", None, "releases")),
        (lambda _: [], ("release-history-invalid", None, None)),
        (lambda _: "{", ("release-history-invalid", None, None)),
    ],
)
def test_malformed_history_is_a_problem_not_a_traceback(repo, edit, expected):
    path = repo / "releases.json"
    data = edit(json.loads(path.read_text(encoding="utf-8")))
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    result = run_check(repo, "--format", "json")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    found = {
        (p["rule"], p["row"], p["field"])
        for p in json.loads(result.output)["problems"]
        if p["resource"] == "releases.json"
    }
    assert expected in found
    text = run_check(repo).output
    assert "releases.json" in text
    if expected[1] is not None:
        assert f"entry {expected[1]}" in text


def test_every_bad_entry_is_reported_at_once(two_releases):
    path = two_releases / "releases.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["releases"][0]["version"] = "one"
    del data["releases"][1]["summary"]
    path.write_text(json.dumps(data), encoding="utf-8")
    report = check(two_releases)
    assert {(p.rule, p.row, p.field) for p in report.errors} >= {
        ("release-version-invalid", 1, "version"),
        ("release-entry-invalid", 2, "summary"),
    }
