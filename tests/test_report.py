"""The report stays small: repeated problems capped per rule and resource, cells quoted as excerpts.

The slow tests run `bloemdata validate` as a user would (frictionless included by default) on the
hostile packages of `bench/hostile.py`; they assert an ending (a generous guard, not a timing),
the exit code and the messages. The time and memory bounds are measured by `nox -s bench --
--hostile`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from bench import hostile

from bloemdata.core.package import Package
from bloemdata.validation.registry import RULES, all_rules
from bloemdata.validation.report import LIMIT, MESSAGE_LIMIT, RENDERERS, Problem, Report

BLOEMDATA = str(Path(sys.executable).parent / "bloemdata")
GUARD = 600  # seconds: against a hang only; the bench measures the bound
BOUND = 200_000  # bytes of a report that lists at most LIMIT problems per rule, in excerpts


def _report(count: int, message: str = "bad") -> Report:
    all_rules()
    report = Report()
    report.extend(
        RULES["blank-row"].problem("statements", row, line=row + 1) for row in range(count)
    )
    report.add(Problem("codes", 1, "code_id", "type-error", message))
    return report


def test_repeated_problems_are_counted_beyond_the_limit() -> None:
    report = _report(LIMIT + 250)
    listed = [p for p in report.problems if p.rule == "blank-row"]
    assert len(listed) == LIMIT
    assert report.error_count == LIMIT + 250 + 1
    assert report.valid is False
    data = report.to_dict()
    assert data["errors"] == LIMIT + 251
    (omitted,) = data["omitted"]
    assert (omitted["resource"], omitted["rule"], omitted["count"]) == (
        "statements",
        "blank-row",
        250,
    )
    for render in RENDERERS.values():
        assert "250 more error(s) of rule blank-row left out" in render(report)


def test_a_rule_left_out_at_the_source_is_counted() -> None:
    report = Report()
    report.extend(RULES["blank-row"].left_out("statements", 7))
    assert report.problems == []
    assert report.error_count == 7
    assert report.valid is False


@pytest.mark.parametrize("form", sorted(RENDERERS))
def test_a_huge_cell_is_quoted_as_an_excerpt_in_every_format(form: str) -> None:
    cell = "x" * 5_000_000
    report = _report(1, message=f"{cell!r} is not a valid integer")
    report.add(Problem(cell, None, cell, "type-error", cell))  # a huge name, too
    report.notes.append(cell)
    out = RENDERERS[form](report)
    assert len(out) < 10 * MESSAGE_LIMIT
    assert "(5,000,000 characters)" in out


def _validate(package: Path) -> tuple[int, str]:
    result = subprocess.run(
        [BLOEMDATA, "validate", "--package", str(package), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=GUARD,
        check=False,
    )
    assert "Traceback" not in result.stderr
    assert result.returncode == 1, result.stderr[-2000:]
    return result.returncode, result.stdout


def _problems(report: dict, rule: str) -> tuple[list[dict], int]:
    listed = [p for p in report["problems"] if p["rule"] == rule]
    (omitted,) = [o["count"] for o in report["omitted"] if o["rule"] == rule] or [0]
    return listed, omitted


@pytest.mark.slow
def test_two_million_blank_lines(package_copy: Path) -> None:
    before = (package_copy / hostile.TABLE).read_bytes().count(b"\n")
    hostile.blank_lines(package_copy)
    blank = (package_copy / hostile.TABLE).read_bytes().count(b"\n") - before
    code, out = _validate(package_copy)
    assert code == 1
    assert len(out) < BOUND
    listed, omitted = _problems(json.loads(out), "blank-row")
    assert len(listed) == LIMIT
    assert len(listed) + omitted == blank


@pytest.mark.slow
def test_a_header_of_100_000_columns(package_copy: Path) -> None:
    hostile.wide_header(package_copy)
    code, out = _validate(package_copy)
    assert code == 1
    assert len(out) < BOUND
    fields = len(Package.load(package_copy).schemas["statements"].fields)
    listed, omitted = _problems(json.loads(out), "header-extra")
    assert len(listed) == LIMIT
    assert len(listed) + omitted == 100_000 - fields


@pytest.mark.slow
def test_one_200_mb_line(package_copy: Path) -> None:
    hostile.long_line(package_copy)
    code, out = _validate(package_copy)
    assert code == 1
    assert len(out) < BOUND
    report = json.loads(out)
    assert report["problems"]
    assert all(len(p["message"]) <= MESSAGE_LIMIT + 40 for p in report["problems"])
