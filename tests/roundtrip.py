"""The one check that a database holds every CSV cell of a package, with its schema's type.

Used by the build test on the real package and the property test on generated ones
(tests/property/test_packages.py).
"""

from __future__ import annotations

import sqlite3

from bloemdata.core.package import Package

# What SQLite's typeof() reports for a value stored from each Table Schema type.
SQLITE_TYPEOF = {"string": "text", "integer": "integer", "boolean": "integer", "number": "real"}


def assert_same_cells(db: sqlite3.Connection, package: Package) -> None:
    """Every cell of every table equals its CSV cell cast by the schema, with the right type."""
    for name in package.table_names:
        schema = package.schemas[name]
        columns = ", ".join(f'"{c}", typeof("{c}")' for c in schema.names)
        got = db.execute(f'SELECT {columns} FROM "{name}" ORDER BY rowid').fetchall()  # noqa: S608
        expected = package.typed_rows(name)
        assert len(got) == len(expected), name
        for i, (row, want) in enumerate(zip(got, expected, strict=True), start=1):
            for j, f in enumerate(schema.fields):
                value, sqlite_type = row[2 * j], row[2 * j + 1]
                where = f"{name} row {i} {f.name}"
                if want[f.name] is None:
                    assert (value, sqlite_type) == (None, "null"), where
                    continue
                assert sqlite_type == SQLITE_TYPEOF[f.type], where
                assert value == want[f.name], where
                if f.type == "boolean":
                    assert value in (0, 1), where
