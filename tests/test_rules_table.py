"""Table Schema patterns run on polars' linear-time regex engine; what it cannot run is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bench.hostile import catastrophic_pattern
from click.testing import CliRunner

from bloemdata.cli import cli
from bloemdata.validation.validate import validate


def _pattern(root: Path, pattern: str) -> None:
    path = root / "schemas" / "coders.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["fields"][1].setdefault("constraints", {})["pattern"] = pattern
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("(?=m)maint.*", "look-around"),
        ("(m)\\1aint.*", "backreferences"),
        ("(a{1000}){1000}", "size limit"),
        ("[", "unclosed"),
    ],
)
def test_a_pattern_the_engine_cannot_run_is_refused(
    package_copy: Path, pattern: str, reason: str
) -> None:
    _pattern(package_copy, pattern)
    result = CliRunner().invoke(
        cli, ["validate", "--package", str(package_copy), "--no-frictionless", "--format", "json"]
    )
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    report = json.loads(result.output)
    (problem,) = [p for p in report["problems"] if p["rule"] == "pattern-unsupported"]
    assert (problem["resource"], problem["field"]) == ("coders", "role")
    assert reason in problem["message"]


def test_a_catastrophic_pattern_runs_in_linear_time(package_copy: Path) -> None:
    """`^(a+)+$` on 34 `a`s and `!` never ends in a backtracking engine; polars answers."""
    catastrophic_pattern(package_copy)
    report = validate(package_copy, frictionless=False)
    (problem,) = [p for p in report.problems if p.rule == "pattern"]
    assert (problem.resource, problem.row, problem.field) == ("statements", 1, "status_note")
