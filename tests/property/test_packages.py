"""Properties of every package the schemas allow (issue 4)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from frictionless import Package as FrictionlessPackage
from hypothesis import given

from bloemdata.core.package import Package
from bloemdata.validation.transcription.check import check_package

from .strategies import GeneratedPackage, packages, write_package


def _written(generated: GeneratedPackage) -> Path:
    # Hypothesis reruns the body many times; tmp_path would be shared, so each run gets its own.
    return write_package(generated, Path(tempfile.mkdtemp(prefix="bloemdata-prop-")) / "pkg")


@given(packages())
def test_generated_packages_pass_frictionless(generated):
    report = FrictionlessPackage(str(_written(generated) / "datapackage.json")).validate()
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])


@given(packages())
def test_generated_packages_are_faithful_transcriptions(generated):
    assert check_package(Package.load(_written(generated))) == []


@given(packages())
def test_csv_written_and_read_back_gives_the_same_cells(generated):
    package = Package.load(_written(generated))
    for name, rows in generated.tables.items():
        assert package.rows(name) == rows, name
    for name, raw in generated.pages.items():
        assert package.text(name) == raw
