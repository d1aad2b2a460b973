"""The benchmark generator: packages valid by both validators; a seed fixes the bytes."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import frictionless
from bench.generate import MAX_PAGES, MAX_PER_PAGE, generate, page_counts
from click.testing import CliRunner

from bloemdata.cli import cli


def _files(root: Path) -> dict[str, bytes]:
    files = sorted(p for p in root.rglob("*") if p.is_file())
    return {str(p.relative_to(root)): p.read_bytes() for p in files}


def test_generated_package_is_valid_for_bloemdata_and_frictionless(tmp_path: Path) -> None:
    result = generate(tmp_path / "pkg", 120, seed=7)
    assert result.statements == 120
    assert result.pages == 5  # 25 statements a page

    run = CliRunner().invoke(
        cli, ["validate", "--package", str(result.path), "--frictionless", "--format", "json"]
    )
    assert run.exit_code == 0, run.output

    report = frictionless.validate(str(result.path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_codings_follow_the_coding_rules(tmp_path: Path) -> None:
    result = generate(tmp_path / "pkg", 40, seed=3)
    data = result.path / "datapackage"
    with (data / "codes.csv").open(encoding="utf-8", newline="") as handle:
        codes = list(csv.DictReader(handle))
    with (data / "codings.csv").open(encoding="utf-8", newline="") as handle:
        codings = list(csv.DictReader(handle))
    dimension = {c["code_id"]: c["dimension"] for c in codes}
    per_statement = Counter((c["statement_id"], dimension[c["code_id"]]) for c in codings)
    statements = {c["statement_id"] for c in codings}
    assert len(statements) == 40
    assert all(per_statement[(s, "valence")] == 1 for s in statements)
    assert all(per_statement[(s, "topic")] >= 1 for s in statements)
    codable = {c["code_id"] for c in codes if c["codable"] == "true"}
    assert {c["code_id"] for c in codings} == codable


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    a = _files(generate(tmp_path / "a", 60, seed=11).path)
    b = _files(generate(tmp_path / "b", 60, seed=11).path)
    c = _files(generate(tmp_path / "c", 60, seed=12).path)
    assert a == b
    assert a.keys() == c.keys()
    assert a["datapackage/statements.csv"] != c["datapackage/statements.csv"]


def test_one_million_fits_the_statement_ids() -> None:
    # `BL-p` + 3-digit page + 2-3 digit number: at most 999 pages of 999 statements.
    counts = page_counts(1_000_000)
    assert len(counts) == MAX_PAGES
    assert set(counts) == {MAX_PER_PAGE}
    assert page_counts(1_000) == [25] * 40
    assert sum(page_counts(100_000)) == 100_000
    assert max(page_counts(100_000)) <= MAX_PER_PAGE
