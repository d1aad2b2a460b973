"""Reliability shown (issue 13): the dashboard chart, only with figures, and the release notes."""

from __future__ import annotations

import sqlite3

from click.testing import CliRunner

from bloemdata.cli import cli
from bloemdata.core.package import Package
from bloemdata.site.metadata import dashboard
from bloemdata.versions.changelog import reliability_notes

from .test_reliability import add_second_coder


def test_no_reliability_chart_while_one_coder(package):
    assert "reliability" not in dashboard(package)["charts"]


def test_the_chart_shows_every_dimensions_alpha_with_its_interval(package_copy, tmp_path):
    add_second_coder(package_copy)
    runner = CliRunner()
    result = runner.invoke(cli, ["reliability", "--package", str(package_copy), "--write"])
    assert result.exit_code == 0, result.output
    database = tmp_path / "bloemdata.db"
    result = runner.invoke(
        cli, ["build", "--package", str(package_copy), "--output", str(database)]
    )
    assert result.exit_code == 0, result.output
    board = dashboard(Package.load(package_copy))
    assert ["reliability", "reliability"] in board["layout"]
    with sqlite3.connect(database) as db:
        db.row_factory = sqlite3.Row
        rows = db.execute(board["charts"]["reliability"]["query"]).fetchall()
        dimensions = {r[0] for r in db.execute("select distinct dimension from codes")}
    assert {r["figure"].split(": ")[1].split(" (")[0] for r in rows} == dimensions
    assert all(r["ci_low"] <= r["value"] <= r["ci_high"] for r in rows)
    assert {r["statistic"] for r in rows} == {
        "krippendorff-alpha-nominal",
        "krippendorff-alpha-masi",
    }


def test_release_notes_report_each_dimensions_alpha(package_copy):
    assert reliability_notes(Package.load(package_copy)) == []  # one coder: nothing to report
    add_second_coder(package_copy)
    result = CliRunner().invoke(cli, ["reliability", "--package", str(package_copy), "--write"])
    assert result.exit_code == 0, result.output
    package = Package.load(package_copy)
    (note,) = reliability_notes(package)
    assert note.startswith("Inter-coder reliability, round 1, 2 coders")
    dimensions = {r["dimension"] for r in package.rows("codes")}
    for dimension in dimensions:
        assert f"{dimension} (" in note
    valence = next(
        r
        for r in package.rows("reliability")
        if r["dimension"] == "valence" and not r["code_id"] and r["statistic"].endswith("nominal")
    )
    assert f"valence (category) {float(valence['value']):.3f} [" in note
    assert "topic (MASI, sets of codes)" in note
