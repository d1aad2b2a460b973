"""`bloemdata validate`: the real package is clean; one report, three formats, three exit codes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from bloemdata.cli import cli
from bloemdata.validation import validate as validate_module
from bloemdata.validation.frictionless_worker import frictionless_problems, new_problems
from bloemdata.validation.report import Report
from bloemdata.validation.validate import validate


def _invoke(*args: str):
    return CliRunner().invoke(cli, ["validate", *args])


def test_real_package_is_clean(root, package):
    report = validate(root, frictionless=True)
    assert isinstance(report, Report)
    assert report.problems == []
    assert report.valid
    assert not report.could_not_run
    assert set(report.checked) >= set(package.resource_names)


def test_real_package_passes_frictionless_too(root):
    assert frictionless_problems(root / "datapackage.json") == []


@pytest.mark.parametrize("output_format", ["text", "json", "markdown"])
def test_cli_on_the_real_package(root, output_format):
    result = _invoke("--package", str(root), "--format", output_format)
    assert result.exit_code == 0, result.output
    if output_format == "json":
        data = json.loads(result.output)
        assert data["valid"] is True
        assert data["problems"] == []
    elif output_format == "text":
        assert result.output.startswith("VALID: 0 error(s), 0 warning(s)")
    else:
        assert result.output.startswith("**VALID: 0 error(s), 0 warning(s)**")


def _plant_two_errors(plant):
    plant.cell("statements", 3, "page", "1x")
    plant.cell("codings", 4, "code_id", "topic-nonexistent")


def test_planted_errors_in_every_format(plant):
    _plant_two_errors(plant)
    text = _invoke("--package", str(plant.root))
    assert text.exit_code == 1
    assert text.output.startswith("INVALID")
    assert "type-error" in text.output
    assert "run `bloemdata refresh`" in text.output
    data = json.loads(_invoke("--package", str(plant.root), "--format", "json").output)
    assert data["valid"] is False
    found = {(p["resource"], p["row"], p["field"], p["rule"]) for p in data["problems"]}
    assert ("statements", 3, "page", "type-error") in found
    assert ("codings", 4, "code_id", "foreign-key") in found
    markdown = _invoke("--package", str(plant.root), "--format", "markdown")
    assert markdown.exit_code == 1
    assert "### `statements`" in markdown.output
    assert "| error | 3 | page | `type-error` |" in markdown.output


def test_frictionless_duplicates_are_dropped(plant):
    _plant_two_errors(plant)
    report = validate(plant.root, frictionless=True)
    # frictionless finds the type error, the foreign key it breaks and the stale hashes too
    cells = [(p.resource, p.row) for p in report.problems if p.row is not None]
    assert cells.count(("statements", 3)) == 1
    assert cells.count(("codings", 4)) == 1
    assert all(p.source == "bloemdata" for p in report.problems)


def test_frictionless_finds_what_the_fast_path_does_not(plant):
    """Frictionless' problems that the fast path did not report come through; echoes do not."""
    plant.cell("statements", 3, "page", "1x")
    theirs = frictionless_problems(plant.root / "datapackage.json")
    assert ("statements", 3, "page", "type-error") in {
        (p.resource, p.row, p.field, p.rule) for p in theirs
    }
    assert new_problems(theirs, []) == theirs
    ours = validate(plant.root, frictionless=False).problems
    assert new_problems(theirs, ours) == []


def test_frictionless_is_skipped_above_the_threshold(root, monkeypatch):
    monkeypatch.setattr(validate_module, "FRICTIONLESS_MAX_BYTES", 10)
    report = validate(root)
    assert report.valid
    assert any("frictionless not run" in note for note in report.notes)
    forced = validate(root, frictionless=True)
    assert not any("frictionless not run" in note for note in forced.notes)


def test_no_frictionless_option(root):
    result = _invoke("--package", str(root), "--no-frictionless")
    assert result.exit_code == 0
    assert "frictionless not run: `--no-frictionless`" in result.output
    assert "forces" not in result.output


def test_frictionless_note_says_why_it_did_not_run(plant):
    """A user who passed --frictionless is not told to pass it: a file could not be read."""
    (plant.root / "datapackage" / "codes.csv").unlink()
    for option in ("--frictionless", "--no-frictionless", None):
        result = _invoke("--package", str(plant.root), *([option] if option else []))
        note = next(line for line in result.output.splitlines() if "frictionless not run" in line)
        if option == "--no-frictionless":
            assert "`--no-frictionless`" in note
        else:
            assert "cannot be read" in note
            assert "bytes" not in note
            assert "--frictionless" not in note


def test_frictionless_note_above_the_threshold(root, monkeypatch):
    monkeypatch.setattr(validate_module, "FRICTIONLESS_MAX_BYTES", 10)
    (note,) = [n for n in validate(root).notes if "frictionless not run" in n]
    assert "`--frictionless` runs it anyway" in note


def test_warnings_alone_exit_zero(plant):
    rows = [r for r in plant.rows("codings") if r["code_id"] != "actor-ngos"]
    plant.write("codings", rows)
    plant.cell("codes", plant.row_of("codes", "code_id", "actor-ngos"), "example_statement_id", "")
    from bloemdata.core.package import Package, refresh

    refresh(Package.load(plant.root))
    result = _invoke("--package", str(plant.root), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["valid"], data["errors"], data["warnings"]) == (True, 0, 1)


def test_descriptor_file_path_is_accepted(root):
    assert validate(root / "datapackage.json", frictionless=False).valid


def test_missing_descriptor_is_a_report_not_an_exception(tmp_path):
    report = validate(tmp_path / "nowhere")
    assert report.could_not_run
    assert not report.valid
    assert [p.rule for p in report.problems] == ["descriptor-missing"]


@pytest.mark.parametrize(
    ("output_format", "start"),
    [("text", "COULD NOT RUN: 1 error(s)"), ("markdown", "**COULD NOT RUN: 1 error(s)")],
)
def test_could_not_run_says_so_and_exits_2(tmp_path, output_format, start):
    result = _invoke("--package", str(tmp_path), "--format", output_format)
    assert result.exit_code == 2
    assert result.output.startswith(start)
    assert "descriptor-missing" in result.output
    assert "fix datapackage.json first" in result.output  # the note on what was skipped
