"""Wide table export (issue 7): one row per coded statement, a 0/1 column per code."""

from __future__ import annotations

import csv
import re
import zipfile
from collections import Counter
from pathlib import Path
from xml.sax.saxutils import escape

from click.testing import CliRunner

from bloemdata.cli import cli
from bloemdata.core.package import Package
from bloemdata.exports.wide import CSV_FILE, STATEMENT_FIELDS, XLSX_FILE, column

from .test_reliability import SECOND, add_second_coder


def export(package_root: Path, outdir: Path) -> None:
    result = CliRunner().invoke(
        cli, ["export", "wide", "--package", str(package_root), "--output", str(outdir)]
    )
    assert result.exit_code == 0, result.output


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_counts_equal_the_codings(root, package, tmp_path):
    export(root, tmp_path)
    rows = read(tmp_path / CSV_FILE)
    codings = package.rows("codings")
    codes = [c["code_id"] for c in package.typed_rows("codes") if c["codable"]]
    assert len(rows) == len({(c["statement_id"], c["coder_id"], c["round"]) for c in codings})
    per_code = Counter(c["code_id"] for c in codings)
    for code in codes:
        assert sum(int(r[column(code)]) for r in rows) == per_code[code], code
    assert sum(int(r[column(c)]) for r in rows for c in codes) == len(codings)
    assert all(r[column(c)] in {"0", "1"} for r in rows for c in codes)


def test_one_row_per_statement_with_its_text(root, package, tmp_path):
    export(root, tmp_path)
    rows = read(tmp_path / CSV_FILE)
    statements = {s["statement_id"]: s for s in package.rows("statements")}
    assert [r["statement_id"] for r in rows] == sorted(statements)
    for row in rows:
        assert row["text"] == statements[row["statement_id"]]["text"]
        assert row["section_id"] == statements[row["statement_id"]]["section_id"]


def test_rows_per_coder(package_copy, tmp_path):
    add_second_coder(package_copy)
    export(package_copy, tmp_path)
    rows = read(tmp_path / CSV_FILE)
    statements = Package.load(package_copy).rows("statements")
    statements = sum(s["status"] == "current" for s in statements)  # all coded by both
    assert Counter(r["coder_id"] for r in rows) == {"maintainer-1": statements, SECOND: statements}
    codings = Package.load(package_copy).rows("codings")
    second = [r for r in rows if r["coder_id"] == SECOND]
    assert sum(int(r["topic_signalling"]) for r in second) == 0
    assert sum(int(r["actor_society"]) for r in second) == sum(
        c["code_id"] == "actor-society" and c["coder_id"] == SECOND for c in codings
    )


def _sheet(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name).decode("utf-8")


def test_spreadsheet_text_never_becomes_a_formula(package_copy, tmp_path):
    path = package_copy / "datapackage" / "statements.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    dangerous = ['=HYPERLINK("http://x.example","y")', "+1+1", "-2", "@SUM(A1)"]
    for row, text in zip(rows, dangerous, strict=False):
        row["text"] = text
        row["text_en"] = "http://example.org/" + text
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    export(package_copy, tmp_path)
    sheet = _sheet(tmp_path / XLSX_FILE, "xl/worksheets/sheet1.xml")
    strings = _sheet(tmp_path / XLSX_FILE, "xl/sharedStrings.xml")
    assert "<f>" not in sheet
    assert "hyperlink" not in sheet.lower()
    for text in dangerous:
        assert f">{escape(text)}<" in strings, text
    # the 0/1 columns are numbers, not text
    assert re.search(r'<c r="[A-Z]+2"[^>]*><v>[01]</v></c>', sheet)
    # the CSV keeps the text verbatim
    assert [r["text"] for r in read(tmp_path / CSV_FILE)][:4] == dangerous


def test_workbook_maps_columns_to_codes_and_is_reproducible(root, package, tmp_path):
    export(root, tmp_path / "a")
    export(root, tmp_path / "b")
    a, b = tmp_path / "a" / XLSX_FILE, tmp_path / "b" / XLSX_FILE
    assert a.read_bytes() == b.read_bytes()
    assert (tmp_path / "a" / CSV_FILE).read_bytes() == (tmp_path / "b" / CSV_FILE).read_bytes()
    strings = _sheet(a, "xl/sharedStrings.xml")
    for code in (c for c in package.typed_rows("codes") if c["codable"]):
        assert f">{code['code_id']}<" in strings
        assert f">{column(code['code_id'])}<" in strings


def reference_rows(package: Package) -> list[list[str]]:
    """The table as the 1.x dict-based writer built it, from `Package.typed_rows`."""
    typed = {name: package.typed_rows(name) for name in ("statements", "codes", "coders")}
    statements = sorted(
        (s for s in typed["statements"] if s["status"] == "current"),
        key=lambda s: (s["source_id"], s["page"], s["position"], s["statement_id"]),
    )
    codes = [c["code_id"] for c in typed["codes"] if c["codable"]]
    coder_order = {c["coder_id"]: i for i, c in enumerate(typed["coders"])}
    applied: dict[tuple[str, str, int], set[str]] = {}
    for c in package.typed_rows("codings"):
        applied.setdefault((c["statement_id"], c["coder_id"], c["round"]), set()).add(c["code_id"])
    rows = [[*STATEMENT_FIELDS, *(column(c) for c in codes)]]
    for s in statements:
        units = sorted(
            (k for k in applied if k[0] == s["statement_id"]),
            key=lambda k: (coder_order[k[1]], k[2]),
        )
        for _, coder, round_ in units:
            values = {**s, "coder_id": coder, "round": round_}
            row = [values[f] for f in STATEMENT_FIELDS]
            rows.append(
                [str(v) for v in row]
                + [str(int(c in applied[(s["statement_id"], coder, round_)])) for c in codes]
            )
    return rows


def test_csv_equals_the_row_by_row_table(package_copy, tmp_path):
    add_second_coder(package_copy)
    export(package_copy, tmp_path)
    with (tmp_path / CSV_FILE).open(encoding="utf-8", newline="") as f:
        written = list(csv.reader(f))
    assert written == reference_rows(Package.load(package_copy))
