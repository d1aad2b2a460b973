"""The one cast from Table Schema types to polars, used by validation, the build and the tests.

A table is read as all-strings (never type-guessed: `1.10` stays `1.10`) and its schema's missing
values become null (`missing_to_null`). Then, per field, `invalid` is true where a cell is present
but is not of the field's type, and `typed` is the field's value: null where the cell is missing or
invalid. Validation reports the invalid cells (Pandera); the build and the coded-data model refuse
a table that has one (`cast_frame`, `read_typed`), naming file, row and field.

The lexical forms are frictionless' defaults, strict where frictionless lets Python's `int()` and
`Decimal()` be lenient: no surrounding spaces, no `+` on an integer, no `_` between digits, ASCII
digits only. A `year` is exactly four digits, 0000 to 9999, as frictionless' `YearField` reads
it (four characters that `int()` reads as 0 to 9999: a negative or five-digit year is not a year;
its `int()` also lets `+999`, ` 999` and `-000` by, which are refused here).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from bloemdata.core.errors import ResourceError
from bloemdata.core.schema import Field, TableSchema

# A cell of the type matches its pattern in full (anchored where used).
LEXICAL = {
    "integer": r"-?[0-9]+",
    "year": r"[0-9]{4}",
    "number": r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?",
    "date": r"[0-9]{4}-[0-9]{2}-[0-9]{2}",
    "datetime": r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?"
    r"(?:Z|[+-][0-9]{2}:[0-9]{2})?",
}

# The polars type of each Table Schema type's values; dates and datetimes stay text (SQLite
# stores them as TEXT), checked for their form.
DTYPES: dict[str, type[pl.DataType]] = {
    "string": pl.String,
    "integer": pl.Int64,
    "year": pl.Int64,
    "number": pl.Float64,
    "boolean": pl.Boolean,
    "date": pl.String,
    "datetime": pl.String,
}


def matches(col: pl.Expr, kind: str) -> pl.Expr:
    """True where the cell has the lexical form of Table Schema type `kind`."""
    return col.str.contains(f"^(?:{LEXICAL[kind]})$")


def typed(f: Field, col: pl.Expr | None = None) -> pl.Expr:
    """The field's values by its type: null where missing or not of the type (`col`: the cells)."""
    col = pl.col(f.name) if col is None else col
    match f.type:
        case "integer" | "year" | "number":
            # out of Int64's range does not cast: null, hence invalid
            return pl.when(matches(col, f.type)).then(col.cast(DTYPES[f.type], strict=False))
        case "boolean":
            return (
                pl.when(col.is_in(list(f.true_values)))
                .then(pl.lit(value=True))
                .when(col.is_in(list(f.false_values)))
                .then(pl.lit(value=False))
            )
        case "date":  # a real calendar day, from year 1 (as Python's and frictionless' dates)
            day = col.str.to_date("%Y-%m-%d", strict=False)
            return pl.when(matches(col, "date") & (day.dt.year() >= 1)).then(col)
        case "datetime":
            return pl.when(matches(col, "datetime")).then(col)
    return col


def invalid(f: Field, col: pl.Expr | None = None) -> pl.Expr:
    """True where a cell is present but is not of the field's type."""
    col = pl.col(f.name) if col is None else col
    return col.is_not_null() & typed(f, col).is_null()


def missing_to_null(frame: pl.DataFrame, schema: TableSchema) -> pl.DataFrame:
    """The schema's missing values (`missingValues`, default `""`) as null, in every column."""
    missing = list(schema.missing_values)
    return frame.with_columns(
        pl.when(pl.col(name).is_in(missing)).then(None).otherwise(pl.col(name)).alias(name)
        for name in frame.columns
    )


def typed_frame(raw: pl.DataFrame, schema: TableSchema) -> pl.DataFrame:
    """An all-strings table (missing values null) cast by its schema; invalid cells become null."""
    return raw.select(typed(f).alias(f.name) for f in schema.fields)


def cast_frame(raw: pl.DataFrame, schema: TableSchema, where: str) -> pl.DataFrame:
    """An all-strings table cast by its schema, refusing the first cell that does not cast.

    Missing values become null; a field absent from the header is all null. Raises ValueError
    naming `where` (the file), the row (the header is row 1) and the field.
    """
    absent = [
        pl.lit(None, dtype=pl.String).alias(f.name)
        for f in schema.fields
        if f.name not in raw.columns
    ]
    frame = missing_to_null(raw, schema).with_columns(absent).select(schema.names)
    for f in schema.fields:
        bad = frame.with_row_index("row", offset=2).filter(invalid(f)).head(1)
        if bad.height:
            row, value = bad["row"][0], bad[f.name][0]
            raise ValueError(f"{where}, row {row}, field {f.name!r}: {value!r} is not a {f.type}")
    return typed_frame(frame, schema)


def read_typed(path: Path, schema: TableSchema, name: str) -> pl.DataFrame:
    """A CSV file as a frame typed by its Table Schema (ResourceError if unreadable or a cell
    does not cast, naming file, row and field)."""
    try:
        raw = pl.read_csv(path, infer_schema=False, empty_string_is_null=False, raise_if_empty=True)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise ResourceError(f"{path}: cannot read {name!r}: {exc}") from exc
    try:
        return cast_frame(raw, schema, str(path))
    except ValueError as exc:
        raise ResourceError(str(exc)) from exc
