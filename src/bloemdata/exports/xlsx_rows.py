"""A worksheet that takes whole frames of rows: the XML xlsxwriter writes, a row at a time.

xlsxwriter spends some 5 µs of Python per cell (`write_row` dispatches each value, stores a tuple,
and at close renders an element per cell): 3.8M cells for the wide table at 100k statements,
38M at 1M. `RowsSheet.write_frame` writes the same rows as the same bytes with the work per cell
in polars (integer cells) or in one small function (string cells: xlsxwriter's own escaping,
truncation and shared-string table), and the row elements through xlsxwriter itself. Both of
xlsxwriter's modes are kept: shared strings (the rows are kept in a temporary file until the
sheet is assembled) and `constant_memory` (inline strings, written straight to its row file).
`tests/test_exports_xlsx_rows.py` writes hostile values both ways and compares the workbooks.

Only values xlsxwriter writes without a format: strings and integers (nulls and empty strings
are no cell, as in `write_row`), no cell, row or column formats on the rows written this way.
"""

from __future__ import annotations

import tempfile
from typing import IO, Any

import polars as pl
from xlsxwriter.utility import (
    _preserve_whitespace,
    _utf16_len,
    _utf16_truncate,
    xl_col_to_name,
)
from xlsxwriter.worksheet import Worksheet

SPAN_ROWS = 16  # xlsxwriter writes one `spans` per block of 16 rows
# A column's values (strings) and its cells as XML (None: rendered by `_string_cell`).
_Column = tuple[list[Any], list[str | None] | None]
# What xlsxwriter's `_escape_control_characters` replaces (after escaping `_xHHHH_` itself).
_CONTROL = [chr(c) for c in (*range(0x09), *range(0x0B, 0x20))]
_CONTROL_ESCAPES = [f"_x{ord(c):04X}_" for c in _CONTROL]
_CONTROL += ["\ufffe", "\uffff"]
_CONTROL_ESCAPES += ["_xFFFE_", "_xFFFF_"]


class RowsSheet(Worksheet):
    """A `Worksheet` (pass `worksheet_class=RowsSheet` to `add_worksheet`) with `write_frame`."""

    def __init__(self) -> None:
        super().__init__()
        self._rows: IO[str] | None = None  # rendered rows, shared-string mode
        self._first: int | None = None  # first row written by write_frame
        self._spans: dict[int, tuple[int, int]] = {}  # block -> (first, last) column

    def write_frame(self, row: int, frame: pl.DataFrame) -> int:
        """Write the frame's rows from `row` on, column 0 first, as `write_row` writes each row;
        return the row after the last. Rows already written with `write` must come before."""
        if row + frame.height > self.xls_rowmax:
            raise ValueError(f"{row + frame.height} rows do not fit in a worksheet")
        if self.row_info or self.col_info:
            raise ValueError("write_frame writes rows without row or column formats only")
        inline = self.xls_strmax if self.constant_memory else None
        columns, present = _columns(frame, row, inline)
        if self._first is None:
            self._start(row)
        for offset, (first, last) in enumerate(present.iter_rows()):
            if first is not None:  # else no cell: xlsxwriter writes no row either
                self._row(row + offset, columns, offset, (first, last))
        if frame.height and self.constant_memory:
            self.previous_row = row + frame.height - 1  # the rows are written: none is pending
        return row + frame.height

    def _row(
        self, number: int, columns: list[_Column], offset: int, bounds: tuple[int, int]
    ) -> None:
        first, last = bounds
        cells = []
        for index, (strings, rendered) in enumerate(columns):
            cell = rendered[offset] if rendered is not None else None
            if cell is not None:
                cells.append(cell)
                continue
            value = strings[offset]  # a shared string, or one that may have to be cut
            if value:
                cells.append(self._string_cell(f"{xl_col_to_name(index)}{number + 1}", value))
                if _too_long(value, self.xls_strmax):
                    last = index  # write_row stops at a string it had to cut
                    break
        self._check_dimensions(number, first)
        self._check_dimensions(number, last)
        if self._rows is not None:  # shared strings: the row element is written at close
            block = self._spans.get(number // SPAN_ROWS, (first, last))
            self._spans[number // SPAN_ROWS] = (min(block[0], first), max(block[1], last))
            self._rows.write(f"{number}\t{''.join(cells)}\n")
        else:
            self._write_row(number, None)
            self.fh.write("".join(cells))
            self._xml_end_tag("row")

    def _start(self, row: int) -> None:
        if self.table and max(self.table) >= row:
            raise ValueError("rows written with write must come before write_frame's")
        self._first = row
        if self.constant_memory:
            self._write_single_row(row)  # flush the rows written cell by cell
        else:
            self._rows = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - closed in _write_rows

    def _string_cell(self, ref: str, value: str) -> str:
        if not self.constant_memory:
            index = self.str_table._get_shared_string_index(_truncated(value, self.xls_strmax))
            return f'<c r="{ref}" t="s"><v>{index}</v></c>'
        text = self._escape_control_characters(_truncated(value, self.xls_strmax))
        if text.startswith("<r>") and text.endswith("</r>"):
            return f'<c r="{ref}" t="inlineStr"><is>{text}</is></c>'
        preserve = ' xml:space="preserve"' if _preserve_whitespace(text) else ""
        return f'<c r="{ref}" t="inlineStr"><is><t{preserve}>{self._escape_data(text)}</t></is></c>'

    def _calculate_spans(self) -> None:
        super()._calculate_spans()
        for block, (first, last) in self._spans.items():
            low, high = first + 1, last + 1
            if block in self.row_spans:  # rows written cell by cell in the same block
                written = [int(n) for n in self.row_spans[block].split(":")]
                low, high = min(low, written[0]), max(high, written[1])
            self.row_spans[block] = f"{low}:{high}"

    def _write_rows(self) -> None:
        super()._write_rows()  # the rows written cell by cell; they all come before ours
        if self._rows is None:
            return
        self._rows.seek(0)
        for line in self._rows:
            number, cells = line.rstrip("\n").split("\t", 1)
            row = int(number)
            self._write_row(row, self.row_spans.get(row // SPAN_ROWS))
            self.fh.write(cells)
            self._xml_end_tag("row")
        self._rows.close()
        self._rows = None


def _too_long(value: str, most: int) -> bool:
    return len(value) > most // 2 and _utf16_len(value) > most


def _truncated(value: str, most: int) -> str:
    """A string as xlsxwriter stores it: cut at `most` (Excel's 32,767) UTF-16 units."""
    return str(_utf16_truncate(value, most)) if _too_long(value, most) else value


def _columns(
    frame: pl.DataFrame, row: int, inline: int | None
) -> tuple[list[_Column], pl.DataFrame]:
    """Per column: its values and its cells rendered by polars (integers; inline strings but
    those that may be too long, None); and per row the first and last column with a cell.
    `inline`: the longest string (UTF-16 units) in constant_memory mode, else None."""
    number = (pl.int_range(pl.len(), dtype=pl.Int64) + row + 1).cast(pl.String)
    columns: list[_Column] = []
    present = []
    for index, (name, dtype) in enumerate(frame.schema.items()):
        if dtype in {pl.String, pl.Null}:  # Null: a column of nulls, no cell
            rendered = None
            if inline is not None and dtype == pl.String:
                ref = f'<c r="{xl_col_to_name(index)}'
                cell = _inline_string(pl.col(name), ref, number, inline)
                rendered = frame.select(cell).to_series().to_list()
            columns.append((frame[name].to_list(), rendered))
            has = pl.col(name).is_not_null() & (pl.col(name) != "")
        elif dtype.is_integer():
            cell = pl.concat_str(
                pl.lit(f'<c r="{xl_col_to_name(index)}'),
                number,
                pl.lit('"><v>'),
                pl.col(name).cast(pl.String),
                pl.lit("</v></c>"),
            )
            columns.append(([], frame.select(cell.fill_null("")).to_series().to_list()))
            has = pl.col(name).is_not_null()
        else:
            raise TypeError(f"write_frame writes strings and integers, not {dtype} ({name})")
        present.append(pl.when(has).then(pl.lit(index)))
    bounds = frame.select(
        pl.min_horizontal(present).alias("first"), pl.max_horizontal(present).alias("last")
    )
    return columns, bounds


def _inline_string(column: pl.Expr, ref: str, number: pl.Expr, most: int) -> pl.Expr:
    """`RowsSheet._string_cell` in constant_memory mode as a polars expression: an inline string
    cell ("" for no cell; None for a string so long it may be cut, left to `_string_cell`)."""
    head = pl.concat_str(pl.lit(ref), number, pl.lit('" t="inlineStr"><is>'))
    text = column.str.replace_all(r"(_x[0-9a-fA-F]{4}_)", "_x005F${1}").str.replace_many(
        _CONTROL, _CONTROL_ESCAPES
    )
    escaped = (
        text.str.replace_all("&", "&amp;", literal=True)
        .str.replace_all("<", "&lt;", literal=True)
        .str.replace_all(">", "&gt;", literal=True)
    )
    preserve = pl.when(text.str.contains(r"^\s|\s$")).then(pl.lit(' xml:space="preserve"'))
    return (
        pl.when(column.is_null() | (column == ""))
        .then(pl.lit(""))
        .when(column.str.len_chars() > most // 2)
        .then(None)
        .when(text.str.starts_with("<r>") & text.str.ends_with("</r>"))
        .then(pl.concat_str(head, text, pl.lit("</is></c>")))
        .otherwise(
            pl.concat_str(
                head,
                pl.lit("<t"),
                preserve.otherwise(pl.lit("")),
                pl.lit(">"),
                escaped,
                pl.lit("</t></is></c>"),
            )
        )
    )
