"""Taguette CSV export (issue 7): codebook and highlights per coder."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from click.testing import CliRunner

from bloemdata.cli import cli
from bloemdata.core.package import Package
from bloemdata.exports.taguette import CODEBOOK, HIGHLIGHTS

from .test_reliability import SECOND, add_second_coder


def export(package_root: Path, outdir: Path) -> None:
    result = CliRunner().invoke(
        cli, ["export", "taguette", "--package", str(package_root), "--output", str(outdir)]
    )
    assert result.exit_code == 0, result.output


def read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def test_codebook_has_tag_and_description_per_codable_code(root, package, tmp_path):
    export(root, tmp_path)
    header, rows = read(tmp_path / CODEBOOK)
    assert header == ["tag", "description"]
    codes = [c for c in package.typed_rows("codes") if c["codable"]]
    assert [r["tag"] for r in rows] == [c["code_id"] for c in codes]
    for row, code in zip(rows, codes, strict=True):
        assert code["label_en"] in row["description"]
        assert code["definition_en"] in row["description"]


def test_highlights_equal_the_codings(root, package, tmp_path):
    export(root, tmp_path)
    header, rows = read(tmp_path / HIGHLIGHTS.format(coder="maintainer-1"))
    assert header == ["id", "document", "tag", "content"]
    statements = {s["statement_id"]: s for s in package.rows("statements")}
    assert Counter((r["id"], r["tag"]) for r in rows) == Counter(
        (c["statement_id"], c["code_id"]) for c in package.rows("codings")
    )
    for row in rows:
        statement = statements[row["id"]]
        assert row["content"] == statement["text"]
        assert row["document"] == f"{statement['source_id']} p. {statement['page']}"


def test_a_file_per_coder(package_copy, tmp_path):
    add_second_coder(package_copy, statements=5)  # fewer than all: the second file is smaller
    export(package_copy, tmp_path)
    codings = Package.load(package_copy).rows("codings")
    for coder in ("maintainer-1", SECOND):
        _, rows = read(tmp_path / HIGHLIGHTS.format(coder=coder))
        assert len(rows) == sum(c["coder_id"] == coder for c in codings)
    _, second = read(tmp_path / HIGHLIGHTS.format(coder=SECOND))
    assert len({r["id"] for r in second}) == 5


def test_a_later_round_replaces_the_coders_earlier_one(package_copy, tmp_path):
    path = package_copy / "datapackage" / "codings.csv"
    with path.open("a", encoding="utf-8") as f:
        f.write("BL-p010-01,valence-mixed,maintainer-1,2,1.0.0\n")
    export(package_copy, tmp_path)
    _, rows = read(tmp_path / HIGHLIGHTS.format(coder="maintainer-1"))
    assert [r["tag"] for r in rows if r["id"] == "BL-p010-01"] == ["valence-mixed"]
    statements = Package.load(package_copy).rows("statements")
    assert len({r["id"] for r in rows}) == sum(s["status"] == "current" for s in statements)
