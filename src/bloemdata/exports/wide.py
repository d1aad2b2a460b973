"""One row per coded statement (statement x coder x round) with a 0/1 column per code.

For spreadsheets and statistics packages: CSV, and an Excel workbook with a second sheet that maps
each column to its code. Code columns are the code ids with `_` for `-`, so that R, Stata and SPSS
accept them as variable names. The CSV keeps every text verbatim; in the workbook, text that
starts with `=`, `+`, `-` or `@` stays text and never becomes a formula (nor a link or number).
A table too long for one Excel worksheet gets no workbook (never a truncated one): only the CSV.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from bloemdata.core.coded import CodedData
from bloemdata.core.package import Package
from bloemdata.exports.rows import SLICE_ROWS, write_rows

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


def units(data: CodedData) -> pl.DataFrame:
    """A row per statement, coder and round with any coding, in table order: the statement's
    place in `data.statement_frame`, coder, round and the 0/1 code columns (no texts: they are
    taken a slice at a time by `slices`)."""
    codes = [c["code_id"] for c in data.codable_codes]
    coder_order = pl.DataFrame(
        {"coder_id": [c["coder_id"] for c in data.coders], "coder_order": range(len(data.coders))}
    )
    statements = data.statement_frame.select("statement_id").with_row_index("statement_order")
    return (
        data.coding_frame.group_by("statement_id", "coder_id", "round")
        .agg(pl.col("code_id"))
        .join(statements, on="statement_id")
        .join(coder_order, on="coder_id")
        .sort("statement_order", "coder_order", "round")
        .select(
            "statement_order",
            "coder_id",
            "round",
            *(pl.col("code_id").list.contains(c).cast(pl.UInt8).alias(column(c)) for c in codes),
        )
    )


def slices(data: CodedData, table: pl.DataFrame) -> Iterator[pl.DataFrame]:
    """The table's rows with every column of `header`, a slice at a time."""
    for part in table.iter_slices(SLICE_ROWS):
        texts = data.statement_frame[part["statement_order"]]
        yield pl.concat([texts, part.drop("statement_order")], how="horizontal").select(
            header(data)
        )


def header(data: CodedData) -> list[str]:
    return [*STATEMENT_FIELDS, *(column(c["code_id"]) for c in data.codable_codes)]


def table(data: CodedData) -> tuple[list[str], list[list[Any]]]:
    """Header and rows (as lists); `frame` is the table the files are written from."""
    rows = [list(row) for part in slices(data, units(data)) for row in part.iter_rows()]
    return header(data), rows


def write(package: Package, outdir: Path, data: CodedData | None = None) -> list[Path]:
    """Write the files into `outdir` (`data`: the package's CodedData, if already loaded)."""
    data = data or CodedData.load(package)
    rows = units(data)
    csv_path = write_rows(outdir / CSV_FILE, header(data), slices(data, rows))
    if rows.height >= EXCEL_MAX_ROWS:  # Excel would cut the sheet off: the CSV holds every row
        return [csv_path]
    return [csv_path, _write_xlsx(outdir / XLSX_FILE, data, header(data), rows)]


def _write_xlsx(path: Path, data: CodedData, names: list[str], rows: pl.DataFrame) -> Path:
    import xlsxwriter  # noqa: PLC0415 - only here: `bloemdata validate` starts faster without it

    from bloemdata.exports.xlsx_rows import RowsSheet  # noqa: PLC0415 - imports xlsxwriter

    options = {
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
        # A large sheet is streamed row by row (strings inline, not shared): flat memory.
        "constant_memory": rows.height > STREAM_ABOVE_ROWS,
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
    # Written a frame at a time (`xlsx_rows`): the same bytes as `write_row` per row, ~10x faster.
    sheet = workbook.add_worksheet("statements", worksheet_class=RowsSheet)
    sheet.write_row(0, 0, names, bold)
    number = 1
    for part in slices(data, rows):
        number = sheet.write_frame(number, part)
    sheet.freeze_panes(1, 1)
    sheet.autofilter(0, 0, rows.height, len(names) - 1)

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
