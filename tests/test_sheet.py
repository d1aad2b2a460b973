"""Coding sheets (issue 13): exported for a coder, filled as spreadsheets save them, imported."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from bloemdata.cli import cli
from bloemdata.coding.reliability import compute
from bloemdata.core.coded import CodedData
from bloemdata.core.package import Package
from bloemdata.core.sheet_layout import CODING_SHEET, FIXED, choice
from bloemdata.validation.validate import validate

from .refi_tools import plant
from .test_qdpx_import import coded_by, snapshot

CODER = "reviewer-1"


def export_sheet(root: Path, outdir: Path, coder: str = CODER) -> Path:
    result = CliRunner().invoke(
        cli, ["export", "sheet", "--coder", coder, "--package", str(root), "--output", str(outdir)]
    )
    assert result.exit_code == 0, result.output
    return outdir / f"bloemdata-coding-sheet-{coder}.xlsx"


def run(root: Path, *args: str):
    return CliRunner().invoke(cli, ["import", "sheet", *args, "--package", str(root)])


def fill(path: Path, data: CodedData, planted: dict[str, set[str]]) -> Path:
    """Fill the sheet as a coder does in a spreadsheet: a valence from the list, 1 elsewhere."""
    codes = {c["code_id"]: c for c in data.codes}
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[CODING_SHEET]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        sid = row[0].value
        for code in planted.get(sid, ()):
            if code.startswith("valence-"):
                row[header.index("valence")].value = choice(codes[code])
            else:
                column = next(i for i, h in enumerate(header) if h.endswith(f"[{code}]"))
                row[column].value = 1
        for cell in row[len(FIXED) :]:
            if cell.value is None and header[cell.column - 1] != "valence":
                cell.value = 0 if sid in planted else None
    workbook.save(path)
    return path


def as_csv(path: Path, out: Path, *, delimiter: str, encoding: str, newline: str) -> Path:
    """The coding sheet saved as CSV the way Excel does in a locale (Dutch: ';', Windows-1252)."""
    workbook = openpyxl.load_workbook(path, read_only=True)  # keeps the file open: closed below
    try:
        with out.open("w", encoding=encoding, newline="") as handle:
            writer = csv.writer(handle, delimiter=delimiter, lineterminator=newline)
            for row in workbook[CODING_SHEET].iter_rows(values_only=True):
                writer.writerow(["" if v is None else v for v in row])
    finally:
        workbook.close()
    return out


def test_the_sheet_offers_the_codebook(package_copy, tmp_path):
    data = CodedData.load(Package.load(package_copy))
    workbook = openpyxl.load_workbook(export_sheet(package_copy, tmp_path))
    sheet = workbook[CODING_SHEET]
    assert [r[0].value for r in sheet.iter_rows(min_row=2)] == [
        s["statement_id"] for s in data.statements
    ]
    assert sheet.protection.sheet  # texts locked, code cells open
    assert not sheet.cell(2, len(FIXED) + 1).protection.locked
    assert sheet.cell(2, 2).protection.locked
    lists = [v.formula1 for v in sheet.data_validations.dataValidation]
    valence = [choice(c) for c in data.codable_codes if c["dimension"] == "valence"]
    assert any(all(v in f for v in valence) for f in lists)
    codebook = workbook["codebook"]
    assert codebook.max_row - 1 == len(data.codable_codes)
    assert workbook["about"]["B1"].value == CODER


@pytest.mark.parametrize("form", ["xlsx", "csv-nl", "csv-utf8"])
def test_a_filled_sheet_comes_back(package_copy, tmp_path, form):
    data = CodedData.load(Package.load(package_copy))
    planted = plant(data)
    path = fill(export_sheet(package_copy, tmp_path), data, planted)
    args = [str(path)]
    if form == "csv-nl":
        path = as_csv(
            path, tmp_path / "sheet.csv", delimiter=";", encoding="cp1252", newline="\r\n"
        )
        args = [str(path), "--coder", CODER]
    elif form == "csv-utf8":
        path = as_csv(
            path, tmp_path / "sheet.csv", delimiter=",", encoding="utf-8-sig", newline="\n"
        )
        args = [str(path), "--coder", CODER]
    result = run(package_copy, *args)
    assert result.exit_code == 0, result.output
    expected = {(s, c, "1") for s, codes in planted.items() for c in codes}
    assert coded_by(package_copy, CODER) == expected
    assert validate(package_copy).valid
    assert any(f.value is not None for f in compute(CodedData.load(Package.load(package_copy))))
    before = snapshot(package_copy)
    again = run(package_copy, *args)
    assert again.exit_code == 0, again.output
    assert "nothing added" in again.output
    assert "ignored" not in result.output  # every column of the sheet is read
    assert snapshot(package_copy) == before


def test_problems_are_named_by_row_and_column_and_nothing_changes(package_copy, tmp_path):
    data = CodedData.load(Package.load(package_copy))
    path = fill(export_sheet(package_copy, tmp_path), data, plant(data))
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[CODING_SHEET]
    header = [c.value for c in sheet[1]]
    valence = header.index("valence") + 1
    sheet.cell(2, valence).value = "Heel goed"  # not a valence code
    sheet.cell(3, valence).value = None  # coded, but no valence
    sheet.cell(4, 2).value = sheet.cell(4, 2).value + " (ingekort)"  # an edited text
    sheet.cell(5, len(FIXED) + 1).value = 2  # not 0/1
    workbook.save(path)
    before = snapshot(package_copy)
    result = run(package_copy, str(path))
    assert result.exit_code == 1, result.output
    letter = openpyxl.utils.get_column_letter(valence)
    assert f"row 2, column {letter}: 'Heel goed' is not a valence code" in result.output
    assert f"row 3, column {letter}:" in result.output
    assert "has no valence" in result.output
    assert "row 4, column B: the text of" in result.output
    assert "row 5, column D: '2'" in result.output
    assert "Traceback" not in result.output
    assert snapshot(package_copy) == before


def test_an_empty_row_is_not_coded_and_not_an_error(package_copy, tmp_path):
    data = CodedData.load(Package.load(package_copy))
    planted = plant(data)
    left_out = sorted(planted)[-1]
    del planted[left_out]
    path = fill(export_sheet(package_copy, tmp_path), data, planted)
    result = run(package_copy, str(path))
    assert result.exit_code == 0, result.output
    assert "1 row(s) left empty: not coded" in result.output
    assert left_out not in {s for s, _, _ in coded_by(package_copy, CODER)}


def test_not_a_sheet_is_refused(package_copy, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("just notes\n", encoding="utf-8")
    before = snapshot(package_copy)
    result = run(package_copy, str(path), "--coder", CODER)
    assert result.exit_code == 2
    assert "coding sheet" in result.output
    assert snapshot(package_copy) == before
