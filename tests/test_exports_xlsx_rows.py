"""A frame written by `RowsSheet.write_frame` is the workbook `write_row` writes, byte for byte."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from bloemdata.exports.xlsx_rows import RowsSheet

HOSTILE = [
    "plain",
    "",
    None,
    " leading space",
    "trailing tab\t",
    "line\nbreak",
    'quote " & <tag> >',
    "=SUM(A1)",
    "http://example.org/x",
    "1.10",
    "control \x00 \x07 \x1f chars",
    "_x0041_ already escaped",
    "<r>rich-looking</r>",
    "non-chars \ufffe \uffff",
    "emoji 🙂 and ĳ",
    "\u00a0no-break space\u00a0",
    "\u3000ideographic space",
    "\x1cfile separator",
    "\u0085next line",
    "\u180emongolian vowel separator",
    "\u200bzero width space",
    "trailing newline\n",
    "\ttab first",
    "_x005F_x0041_ twice",
    "vertical\x0btab",
    "x" * 16_384,
    "x" * 40_000,
    "🙂" * 17_000,
]


def frame(rows: int) -> pl.DataFrame:
    texts = [HOSTILE[i % len(HOSTILE)] for i in range(rows)]
    return pl.DataFrame(
        {
            "id": [f"S{i:05d}" for i in range(rows)],
            "text": texts,
            "round": [None if i % 7 == 3 else i % 3 for i in range(rows)],
            "again": [HOSTILE[(i * 5) % len(HOSTILE)] for i in range(rows)],
            "flag": pl.Series([i % 2 for i in range(rows)], dtype=pl.UInt8),
            "last": [None if i % 11 == 0 else "z" for i in range(rows)],
        }
    )


def workbook(path: Path, data: pl.DataFrame, *, by_frame: bool, constant_memory: bool) -> bytes:
    options = {
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
        "constant_memory": constant_memory,
    }
    book = xlsxwriter.Workbook(str(path), options)
    created = datetime(2024, 5, 1, 12, 0)  # noqa: DTZ001 - xlsxwriter wants it naive
    book.set_properties({"created": created})
    bold = book.add_format({"bold": True})
    sheet = book.add_worksheet("rows", worksheet_class=RowsSheet)
    sheet.write_row(0, 0, data.columns, bold)
    if by_frame:
        row = 1
        for part in data.iter_slices(13):  # slices that do not fall on the 16-row blocks
            row = sheet.write_frame(row, part)
    else:
        for number, values in enumerate(data.iter_rows(), start=1):
            sheet.write_row(number, 0, values)
    sheet.freeze_panes(1, 1)
    sheet.autofilter(0, 0, data.height, data.width - 1)
    other = book.add_worksheet("after")
    other.write_row(0, 0, ["plain", "more", "text"])
    book.close()
    return path.read_bytes()


@pytest.mark.parametrize("constant_memory", [False, True])
@pytest.mark.parametrize("rows", [0, 1, 40, 100])
def test_write_frame_equals_write_row(tmp_path, rows, constant_memory):
    data = frame(rows)
    expected = workbook(tmp_path / "a.xlsx", data, by_frame=False, constant_memory=constant_memory)
    written = workbook(tmp_path / "b.xlsx", data, by_frame=True, constant_memory=constant_memory)
    assert written == expected


def test_other_types_are_refused(tmp_path):
    book = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"))
    sheet = book.add_worksheet("rows", worksheet_class=RowsSheet)
    with pytest.raises(TypeError, match="Float64"):
        sheet.write_frame(0, pl.DataFrame({"x": [1.5]}))
    book.close()
