"""Nothing is lost on the way to SQLite: every cell comes back with its schema's type (issue 4)."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from hypothesis import given

from bloemdata.build import write_database
from bloemdata.package import Package

from .strategies import packages, write_package

SQLITE_TYPEOF = {"string": "text", "integer": "integer", "number": "real", "boolean": "integer"}


@given(packages())
def test_csv_to_sqlite_to_rows_gives_the_same_cells_and_types(generated):
    work = Path(tempfile.mkdtemp(prefix="bloemdata-db-"))
    package = Package.load(write_package(generated, work / "pkg"))
    write_database(package, work / "bloemdata.db")
    conn = sqlite3.connect(work / "bloemdata.db")
    for name in package.table_names:
        schema = package.schemas[name]
        columns = ", ".join(f'"{c}", typeof("{c}")' for c in schema.names)
        stored = conn.execute(f'SELECT {columns} FROM "{name}" ORDER BY rowid').fetchall()  # noqa: S608
        expected = package.typed_rows(name)
        assert len(stored) == len(expected), name
        for row, want in zip(stored, expected, strict=True):
            for i, f in enumerate(schema.fields):
                value, kind = row[2 * i], row[2 * i + 1]
                if want[f.name] is None:
                    assert kind == "null", (name, f.name)
                    continue
                assert kind == SQLITE_TYPEOF[f.type], (name, f.name, kind)
                assert value == (int(want[f.name]) if f.type == "boolean" else want[f.name])
    conn.close()
