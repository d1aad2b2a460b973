"""One row per coded statement (statement x coder x round) with a 0/1 column per code.

For spreadsheets and statistics packages: CSV, and an Excel workbook with a second sheet that maps
each column to its code. Code columns are the code ids with `_` for `-`, so that R, Stata and SPSS
accept them as variable names. The CSV keeps every text verbatim; in the workbook, text that
starts with `=`, `+`, `-` or `@` stays text and never becomes a formula (nor a link or number).
A table too long for one Excel worksheet gets no workbook (never a truncated one): only the CSV.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import xlsxwriter

from bloemdata.core.coded import CodedData
from bloemdata.core.package import Package

EXCEL_MAX_ROWS = 1_048_576  # rows of a worksheet, the header included
STREAM_ABOVE_ROWS = 100_000
CSV_FILE = "bloemdata-wide.csv"
XLSX_FILE = "bloemdata-wide.xlsx"
STATEMENT_FIELDS = (
    "statement_id",
    "coder_id",
    "round",
    "source_id",
    "page",
    "section_id",
    "position",
    "text",
    "text_en",
)


def column(code_id: str) -> str:
    """The column name of a code."""
    return code_id.replace("-", "_")


def table(data: CodedData) -> tuple[list[str], list[list[Any]]]:
    """Header and rows; a row per statement, coder and round with any coding."""
    codes = [c["code_id"] for c in data.codable_codes]
    applied: dict[tuple[str, str, int], set[str]] = {}
    for c in data.codings:
        applied.setdefault((c["statement_id"], c["coder_id"], c["round"]), set()).add(c["code_id"])
    coder_order = {c["coder_id"]: i for i, c in enumerate(data.coders)}
    # The units of each statement, found by one pass over the codings (not a scan per statement).
    units_of: dict[str, list[tuple[str, str, int]]] = {}
    for key in applied:
        units_of.setdefault(key[0], []).append(key)
    rows = []
    for statement in data.statements:
        units = sorted(
            units_of.get(statement["statement_id"], []),
            key=lambda key: (coder_order[key[1]], key[2]),
        )
        for key in units:
            base = [statement[f] for f in STATEMENT_FIELDS if f not in ("coder_id", "round")]
            row = [*base[:1], key[1], key[2], *base[1:]]
            rows.append(row + [int(code in applied[key]) for code in codes])
    return [*STATEMENT_FIELDS, *(column(c) for c in codes)], rows


def write(package: Package, outdir: Path, data: CodedData | None = None) -> list[Path]:
    """Write the files into `outdir` (`data`: the package's CodedData, if already loaded)."""
    data = data or CodedData.load(package)
    header, rows = table(data)
    csv_path = outdir / CSV_FILE
    with csv_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    if len(rows) >= EXCEL_MAX_ROWS:  # Excel would cut the sheet off: the CSV holds every row
        return [csv_path]
    return [csv_path, _write_xlsx(outdir / XLSX_FILE, data, header, rows)]


def _write_xlsx(path: Path, data: CodedData, header: list[str], rows: list[list[Any]]) -> Path:
    options = {
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
        # A large sheet is streamed row by row (strings inline, not shared): flat memory.
        "constant_memory": len(rows) > STREAM_ABOVE_ROWS,
    }
    workbook = xlsxwriter.Workbook(str(path), options)
    # A fixed creation date keeps the workbook byte-identical between builds of a release.
    created = (
        datetime.fromisoformat(data.created) if data.created else datetime(2000, 1, 1, tzinfo=UTC)
    )
    workbook.set_properties(
        {"title": f"bloemdata {data.version}: coded statements", "created": _naive(created)}
    )
    bold = workbook.add_format({"bold": True})
    sheet = workbook.add_worksheet("statements")
    sheet.write_row(0, 0, header, bold)
    for number, row in enumerate(rows, start=1):
        sheet.write_row(number, 0, row)
    sheet.freeze_panes(1, 1)
    sheet.autofilter(0, 0, len(rows), len(header) - 1)

    codes = workbook.add_worksheet("codes")
    fields = ("column", "code_id", "dimension", "label_en", "label_nl", "definition_en")
    codes.write_row(0, 0, fields, bold)
    for number, code in enumerate(data.codable_codes, start=1):
        codes.write_row(number, 0, [column(code["code_id"]), *(code[f] for f in fields[1:])])
    workbook.close()
    return path


def _naive(moment: datetime) -> datetime:
    """xlsxwriter wants a naive datetime; take UTC."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment
