"""Nothing is lost on the way to SQLite: every cell comes back with its schema's type (issue 4)."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from hypothesis import given

from bloemdata.core.package import Package
from bloemdata.database.build import write_database

from ..roundtrip import assert_same_cells
from .strategies import packages, write_package


@given(packages())
def test_csv_to_sqlite_to_rows_gives_the_same_cells_and_types(generated):
    work = Path(tempfile.mkdtemp(prefix="bloemdata-db-"))
    package = Package.load(write_package(generated, work / "pkg"))
    write_database(package, work / "bloemdata.db")
    conn = sqlite3.connect(work / "bloemdata.db")
    try:
        assert_same_cells(conn, package)
    finally:
        conn.close()
