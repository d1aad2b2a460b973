"""The one Table Schema -> polars cast: validation and the build agree, as frictionless reads."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import polars as pl
import pytest
from frictionless import fields

from bloemdata.core.cast import cast_frame, invalid, typed, typed_frame
from bloemdata.core.package import Package
from bloemdata.core.schema import Field, schema_from_descriptor
from bloemdata.database.build import BuildError, read_table
from bloemdata.validation.checks.structure import read_frame
from bloemdata.validation.pandera_schema import validate_frame

YEARS = ["2024", "0999", "0000", "9999", "-123", "12345", "999", "-2024", "20x4", "+999", " 999"]


def _events(tmp_path: Path, years: list[str]) -> Package:
    """A package of one table with a `year` field, one row per cell."""
    schema = {
        "fields": [{"name": "id", "type": "integer"}, {"name": "year", "type": "year"}],
        "primaryKey": ["id"],
    }
    resource = {"name": "events", "path": "events.csv", "schema": schema}
    (tmp_path / "datapackage.json").write_text(json.dumps({"resources": [resource]}))
    lines = ["id,year", *(f'{i},"{y}"' for i, y in enumerate(years, start=1))]
    (tmp_path / "events.csv").write_text("\n".join(lines) + "\n")
    return Package.load(tmp_path)


def _frictionless_reads(f: Field, cell: str) -> bool:
    kind = {"integer": fields.IntegerField, "year": fields.YearField}[f.type]
    value, notes = kind(name=f.name).read_cell(cell)
    return value is not None and not notes


@pytest.mark.parametrize("cell", YEARS)
def test_validation_and_build_agree_on_a_year(tmp_path, cell):
    package = _events(tmp_path, [cell])
    schema = package.schemas["events"]
    raw, problems = read_frame("events", package.path_of("events").read_bytes(), schema)
    assert raw is not None
    assert problems == []
    flagged = [p for p in validate_frame(raw, schema, "events") if p.field == "year"]
    if flagged:
        with pytest.raises(BuildError, match="row 2, field 'year'"):
            read_table(package, "events")
        built = None
    else:
        built = read_table(package, "events")["year"].to_list()
    assert [p.rule for p in flagged] in ([], ["type-error"])
    if built is not None:
        assert built == [int(cell)]
    # frictionless reads a year the same way, but for the signs and spaces its int() lets by
    if cell.strip() == cell and cell[0] not in "+-":
        assert _frictionless_reads(Field("year", "year", ""), cell) == (built is not None), cell


@pytest.mark.parametrize("kind", ["integer", "year"])
def test_integers_and_years_cast_as_frictionless_reads_them(kind):
    """Every string of up to five characters of `0`, `1`, `9` and `-`: same verdict, same value."""
    cells = ["".join(p) for n in range(1, 6) for p in itertools.product("019-", repeat=n)]
    f = Field("cell", kind, "")
    frame = pl.DataFrame({"cell": cells}).select(typed(f).alias("value"), invalid(f).alias("bad"))
    for cell, value, bad in zip(cells, frame["value"], frame["bad"], strict=True):
        if kind == "year" and cell.startswith("-"):
            # frictionless' int() reads `-000` as the year 0; a year with a sign is refused here
            assert bad, cell
            continue
        assert bad == (not _frictionless_reads(f, cell)), cell
        if not bad:
            assert value == int(cell), cell


def test_a_bad_cell_is_refused_with_its_file_row_and_field():
    schema = schema_from_descriptor(
        {"fields": [{"name": "n", "type": "integer"}, {"name": "b", "type": "boolean"}]}
    )
    raw = pl.DataFrame({"n": ["1", "", "2"], "b": ["true", "false", "yes"]})
    with pytest.raises(ValueError, match=r"t\.csv, row 4, field 'b': 'yes' is not a boolean"):
        cast_frame(raw, schema, "t.csv")
    # the same table with the cell fixed casts, missing values as null
    fixed = cast_frame(raw.with_columns(pl.lit("0").alias("b")), schema, "t.csv")
    assert fixed.to_dicts() == [{"n": 1, "b": False}, {"n": None, "b": False}, {"n": 2, "b": False}]


@pytest.mark.parametrize(
    ("kind", "cell", "value"),
    [
        ("integer", "9223372036854775807", 9223372036854775807),
        ("integer", "9223372036854775808", None),  # beyond SQLite's and polars' integers
        ("number", "1.10", 1.1),
        ("number", "NaN", None),
        ("number", " 1", None),
        ("date", "2024-02-29", "2024-02-29"),
        ("date", "2023-02-29", None),
        ("date", "0000-01-01", None),
        ("datetime", "2024-01-01T10:00:00Z", "2024-01-01T10:00:00Z"),
        ("string", "1.10", "1.10"),
    ],
)
def test_each_type_casts_its_lexical_form_only(kind, cell, value):
    schema = schema_from_descriptor({"fields": [{"name": "c", "type": kind}]})
    assert typed_frame(pl.DataFrame({"c": [cell]}), schema)["c"].to_list() == [value]
