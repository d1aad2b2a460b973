"""`write_rows` writes the bytes Python's `csv.writer` writes, whoever renders the slices."""

from __future__ import annotations

import csv
import io

import polars as pl
import pytest

from bloemdata.exports.rows import write_rows

HOSTILE = [
    "plain",
    "",
    None,
    "comma, inside",
    'quote " inside',
    '"',
    "line\nbreak",
    "carriage\rreturn",
    "crlf\r\n",
    " spaces ",
    "tab\tx",
    "nul \x00 byte",
    "#hash",
    "emoji 🙂 ĳ",
    "\u2028 separator",
    "=SUM(A1)",
]


def python_csv(header: list[str], frame: pl.DataFrame) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(frame.iter_rows())
    return text.getvalue().encode("utf-8")


def table(rows: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": [f"S{i}" for i in range(rows)],
            "text": [HOSTILE[i % len(HOSTILE)] for i in range(rows)],
            "round": [None if i % 5 == 0 else i - 3 for i in range(rows)],
            "flag": pl.Series([i % 2 for i in range(rows)], dtype=pl.UInt8),
            "other": [HOSTILE[(i * 7) % len(HOSTILE)] for i in range(rows)],
        },
        schema={
            "id": pl.String,
            "text": pl.String,
            "round": pl.Int64,
            "flag": pl.UInt8,
            "other": pl.String,
        },
    )


@pytest.mark.parametrize("rows", [0, 1, 50])
def test_slices_are_written_as_csv_writer_writes_them(tmp_path, rows):
    frame = table(rows)
    header = ["id", 'a "quoted", header', "round", "flag", "other"]
    path = write_rows(tmp_path / "t.csv", header, frame.iter_slices(7))
    assert path.read_bytes() == python_csv(header, frame)


@pytest.mark.parametrize(
    "frame",
    [
        pl.DataFrame({"only": ["", None, "x"]}),  # one column: csv.writer writes "" for ""
        pl.DataFrame({"id": ["a", "b"], "value": [1.5, 1e20]}),  # floats: repr
        pl.DataFrame({"id": ["a", "b"], "value": [True, None]}),
    ],
)
def test_other_tables_are_written_by_csv_writer(tmp_path, frame):
    path = write_rows(tmp_path / "t.csv", frame.columns, frame)
    assert path.read_bytes() == python_csv(frame.columns, frame)
