"""Properties of every package the schemas allow (issue 4).

One generated package is checked every way at once: written and read back, validated by
bloemdata and by frictionless, checked as a transcription, and built into SQLite. Separate tests
would each generate and write their own packages for the same property: the same strength at a
fifth of the cost.
"""

from __future__ import annotations

import sqlite3

import pytest
from frictionless import Package as FrictionlessPackage
from hypothesis import given

from bloemdata.core.package import Package
from bloemdata.database.build import write_database
from bloemdata.validation.transcription.check import check_package
from bloemdata.validation.validate import validate

from ..roundtrip import assert_same_cells
from .strategies import packages, written

# Slow: many generated packages each (`pytest -m 'not slow'` leaves them out).
pytestmark = pytest.mark.slow


@given(packages())
def test_a_generated_package_passes_every_check_and_round_trips(generated):
    with written(generated) as root:
        package = Package.load(root)
        # the CSV files hold exactly the generated cells and pages
        for name, rows in generated.tables.items():
            assert package.rows(name) == rows, name
        for name, raw in generated.pages.items():
            assert package.text(name) == raw
        # a faithful transcription of its raw pages
        assert check_package(package) == []
        # valid for bloemdata, without a warning
        report = validate(root, frictionless=False)
        assert report.valid, [p.to_dict() for p in report.errors]
        assert not report.warnings, [p.to_dict() for p in report.warnings]
        # and for frictionless, the independent check
        checked = FrictionlessPackage(str(root / "datapackage.json")).validate()
        assert checked.valid, checked.flatten(["resourceName", "rowNumber", "fieldName", "type"])
        # nothing is lost on the way to SQLite: every cell comes back with its schema's type
        database = root.parent / "bloemdata.db"
        write_database(package, database)
        conn = sqlite3.connect(database)
        try:
            assert_same_cells(conn, package)
        finally:
            conn.close()
