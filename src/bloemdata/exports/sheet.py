"""A coding sheet for a coder without QDA software: `.xlsx` with drop-downs and 0/1 columns.

Sheet `coding`: one row per current statement (`core.sheet_layout`), its id and texts locked
(the sheet is protected without a password, only the code cells are open), the valence column a
drop-down (Excel data validation) of its codes, the 0/1 columns limited to 0 and 1. Sheet
`codebook`: every code with its definitions and include/exclude rules in both languages. Sheet
`about`: the coder the sheet is for and the package version, read back by `bloemdata import sheet`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import xlsxwriter

from bloemdata.core.coded import CodedData
from bloemdata.core.package import Package
from bloemdata.core.sheet_layout import (
    ABOUT_SHEET,
    CODEBOOK_SHEET,
    CODER_KEY,
    CODING_SHEET,
    FIXED,
    SINGLE_CODE_DIMENSIONS,
    VERSION_KEY,
    choice,
    code_header,
)

CODEBOOK_FIELDS = (
    "code_id",
    "dimension",
    "label_en",
    "label_nl",
    "definition_en",
    "include_en",
    "exclude_en",
    "definition_nl",
    "include_nl",
    "exclude_nl",
)


def filename(coder_id: str) -> str:
    return f"bloemdata-coding-sheet-{coder_id}.xlsx"


def write(package: Package, outdir: Path, coder_id: str, data: CodedData | None = None) -> Path:
    """Write the coding sheet for `coder_id` into `outdir`; return its path."""
    data = data or CodedData.load(package)
    path = outdir / filename(coder_id)
    workbook = xlsxwriter.Workbook(
        str(path),
        {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    created = (
        datetime.fromisoformat(data.created) if data.created else datetime(2000, 1, 1, tzinfo=UTC)
    )
    workbook.set_properties(
        {
            "title": f"bloemdata {data.version}: coding sheet for {coder_id}",
            "created": created.astimezone(UTC).replace(tzinfo=None),
        }
    )
    bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    locked = workbook.add_format({"text_wrap": True, "valign": "top", "locked": True})
    open_cell = workbook.add_format({"locked": False, "valign": "top", "bg_color": "#FFF9E5"})

    sheet = workbook.add_worksheet(CODING_SHEET)
    columns: list[tuple[str, list[str] | None]] = []  # header, drop-down choices (None: 0/1)
    for dimension in data.dimensions:
        codes = [c for c in data.codable_codes if c["dimension"] == dimension]
        if not codes:
            continue
        if dimension in SINGLE_CODE_DIMENSIONS:
            columns.append((dimension, [choice(c) for c in codes]))
        else:
            columns += [(code_header(c), None) for c in codes]
    sheet.write_row(0, 0, [*FIXED, *(h for h, _ in columns)], bold)
    last = len(data.statements)
    for number, s in enumerate(data.statements, start=1):
        sheet.write_string(number, 0, s["statement_id"], locked)
        sheet.write_string(number, 1, s["text"], locked)
        sheet.write_string(number, 2, s["text_en"], locked)
        for offset in range(len(columns)):
            sheet.write_blank(number, len(FIXED) + offset, None, open_cell)
    for offset, (_, choices) in enumerate(columns):
        col = len(FIXED) + offset
        validation = {
            "validate": "list",
            "source": choices if choices else ["0", "1"],
            "error_title": "Not a code",
            "error_message": "Choose from the list (see the codebook sheet)."
            if choices
            else "1 if the code applies, 0 or empty if not.",
        }
        sheet.data_validation(1, col, last, col, validation)
        sheet.set_column(col, col, 24 if choices else 12)
    sheet.set_column(0, 0, 12)
    sheet.set_column(1, 2, 60)
    sheet.freeze_panes(1, 1)
    sheet.protect(
        "", {"format_columns": True, "format_rows": True, "autofilter": True, "sort": False}
    )

    codebook = workbook.add_worksheet(CODEBOOK_SHEET)
    codebook.write_row(0, 0, CODEBOOK_FIELDS, bold)
    for number, code in enumerate(data.codable_codes, start=1):
        codebook.write_row(number, 0, [code[f] or "" for f in CODEBOOK_FIELDS], locked)
    codebook.set_column(0, len(CODEBOOK_FIELDS) - 1, 30)
    codebook.freeze_panes(1, 1)

    about = workbook.add_worksheet(ABOUT_SHEET)
    about.write_row(0, 0, [CODER_KEY, coder_id])
    about.write_row(1, 0, [VERSION_KEY, data.version])
    how = (
        "Code each statement in the coding sheet: one valence from the list, 1 for every other "
        "code that applies. Do not edit the texts. Return the file; the maintainer runs "
        "`bloemdata import sheet`."
    )
    about.write_row(2, 0, ["how", how])
    workbook.close()
    return path
