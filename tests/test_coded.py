"""The coded-data model (core/coded.py): polars frames that read as the row-by-row cast does."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bloemdata.core import coded
from bloemdata.core.coded import CodedData
from bloemdata.core.errors import ResourceError
from bloemdata.core.package import Package


def row_by_row(package: Package) -> dict[str, list[dict]]:
    """Every table's typed rows as `Package.typed_rows` gives them (the reference)."""
    return {name: package.typed_rows(name) for name in package.table_names}


def rewrite(path: Path, change) -> None:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields, rows = list(reader.fieldnames or []), list(reader)
    change(rows)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_frames_equal_the_row_by_row_cast(package):
    data = CodedData.load(package)
    reference = row_by_row(package)
    current = [s for s in reference["statements"] if s["status"] == "current"]
    order = ("source_id", "page", "position", "statement_id")
    assert data.statements == sorted(current, key=lambda s: tuple(s[k] for k in order))
    ids = {s["statement_id"] for s in current}
    assert data.codings == [c for c in reference["codings"] if c["statement_id"] in ids]
    assert data.codes == reference["codes"]
    assert data.pages == reference["pages"]
    for table in ("sources", "pages", "codes", "coders"):
        assert coded._frame(package, table).to_dicts() == reference[table], table


def test_final_codings_keep_each_coders_last_round(package_copy):
    path = package_copy / "datapackage" / "codings.csv"
    first = Package.load(package_copy).rows("codings")[0]
    rewrite(path, lambda rows: rows.append({**first, "round": "2"}))
    data = CodedData.load(Package.load(package_copy))
    key = (first["statement_id"], first["coder_id"])
    final = [c for c in data.final_codings() if (c["statement_id"], c["coder_id"]) == key]
    assert [c["round"] for c in final] == [2]
    assert (
        len(data.final_codings())
        == len(data.codings)
        - sum((c["statement_id"], c["coder_id"]) == key for c in data.codings)
        + 1
    )


@pytest.mark.parametrize("value", ["x", " 3", "3.0"])
def test_a_bad_cell_is_named_with_file_row_and_field(package_copy, value):
    path = package_copy / "datapackage" / "statements.csv"

    def plant(rows):
        rows[2]["position"] = value

    rewrite(path, plant)
    with pytest.raises(ResourceError) as caught:
        CodedData.load(Package.load(package_copy))
    assert f"statements.csv, row 4, field 'position': {value!r} is not" in str(caught.value)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("statement_id", "nowhere", "statement_id 'nowhere' is unknown"),
        ("code_id", "no-such-code", "code_id 'no-such-code' is not a codable code"),
        ("coder_id", "nobody", "coder_id 'nobody' is unknown"),
    ],
)
def test_an_unknown_reference_is_refused_with_its_row(package_copy, field, value, message):
    path = package_copy / "datapackage" / "codings.csv"

    def plant(rows):
        rows[5][field] = value
        rows[7][field] = value  # the first one is named

    rewrite(path, plant)
    with pytest.raises(ResourceError) as caught:
        CodedData.load(Package.load(package_copy))
    assert str(caught.value).endswith(f"codings.csv, row 7: {message}")


def test_statements_on_a_page_are_that_pages_in_page_order(package):
    data = CodedData.load(package)
    seen = []
    for page in data.pages:
        on_page = data.statements_on(page)
        assert all(
            (s["source_id"], s["page"]) == (page["source_id"], page["page"]) for s in on_page
        )
        assert [s["position"] for s in on_page] == sorted(s["position"] for s in on_page)
        seen += on_page
    assert sorted(s["statement_id"] for s in seen) == sorted(
        s["statement_id"] for s in data.statements
    )
    assert data.statements_on({"source_id": "nowhere", "page": 1}) == []
