"""The README's snippets for loading the files run, and keep the Table Schemas' types."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest

SECTION = "### Loading the files with their types"


def _blocks(root: Path, language: str) -> list[str]:
    readme = (root / "README.md").read_text(encoding="utf-8")
    section = readme.split(SECTION, 1)[1].split("\n### ", 1)[0]
    return re.findall(rf"^```{language}\n(.*?)^```$", section, flags=re.S | re.M)


def _snippet(root: Path, library: str) -> str:
    imports = re.compile(rf"^(from|import) {library}\b", re.M)
    found = [b for b in _blocks(root, "python") if imports.search(b)]
    assert len(found) == 1, f"README: expected one {library} snippet, found {len(found)}"
    return found[0]


def _package_with_section_1_10(root: Path, tmp: Path) -> Path:
    """A copy of the package whose sections.csv also holds `1.10` (a type guess makes it 1.1)."""
    for name in ("datapackage.json", "schemas", "datapackage"):
        source = root / name
        if source.is_dir():
            shutil.copytree(source, tmp / name)
        else:
            shutil.copy(source, tmp / name)
    sections = tmp / "datapackage" / "sections.csv"
    with sections.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert "1.10" not in {r["section_id"] for r in rows}
    with sections.open("a", encoding="utf-8", newline="") as f:
        csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n").writerow(
            {**rows[0], "section_id": "1.10"}
        )
    return tmp


def _run(root: Path, library: str, monkeypatch: pytest.MonkeyPatch, tmp: Path) -> dict:
    monkeypatch.chdir(_package_with_section_1_10(root, tmp))
    namespace: dict = {"__name__": "readme_snippet"}
    # The README's own code, run as a reader would run it.
    code = compile(_snippet(root, library), f"README.md:{library}", "exec")
    exec(code, namespace)  # noqa: S102
    return namespace


def _tables(root: Path) -> list[tuple[str, dict]]:
    package = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    return [
        (r["name"], json.loads((root / r["schema"]).read_text(encoding="utf-8")))
        for r in package["resources"]
        if "schema" in r
    ]


def _enum(field: dict) -> list[str] | None:
    return field.get("constraints", {}).get("enum")


def test_the_readme_has_the_four_snippets(root):
    assert len(_blocks(root, "python")) == 3
    assert len(_blocks(root, "r")) == 1
    assert "read_package(" in _blocks(root, "r")[0]


def test_frictionless_snippet_keeps_section_id_text(root, monkeypatch, tmp_path):
    namespace = _run(root, "frictionless", monkeypatch, tmp_path)
    rows = namespace["statements"]
    sections = namespace["package"].get_resource("sections").read_rows()
    assert "1.10" in {row["section_id"] for row in sections}
    assert rows
    assert all(isinstance(row["section_id"], str) for row in rows)
    assert all(isinstance(row["page"], int) for row in rows)
    assert {row["column"] for row in rows} <= {"left", "right", "unknown"}


def test_pandas_snippet_keeps_every_schema_type(root, monkeypatch, tmp_path):
    import pandas as pd

    read = _run(root, "pandas", monkeypatch, tmp_path)["read"]
    for name, schema in _tables(root):
        frame = read(name)
        assert list(frame.columns) == [f["name"] for f in schema["fields"]], name
        for field in schema["fields"]:
            dtype = frame[field["name"]].dtype
            if _enum(field):
                assert isinstance(dtype, pd.CategoricalDtype), (name, field["name"])
                assert list(dtype.categories) == _enum(field)
            elif field["type"] == "string":
                assert pd.api.types.is_string_dtype(dtype), (name, field["name"], dtype)
            elif field["type"] == "integer":
                assert str(dtype) == "Int64", (name, field["name"])
    assert "1.10" in set(read("sections")["section_id"])


def test_polars_snippet_keeps_every_schema_type(root, monkeypatch, tmp_path):
    import polars as pl

    read = _run(root, "polars", monkeypatch, tmp_path)["read"]
    for name, schema in _tables(root):
        frame = read(name)
        assert frame.columns == [f["name"] for f in schema["fields"]], name
        for field in schema["fields"]:
            dtype = frame.schema[field["name"]]
            if _enum(field):
                assert dtype == pl.Enum(_enum(field)), (name, field["name"])
            elif field["type"] == "string":
                assert dtype == pl.String, (name, field["name"])
            elif field["type"] == "integer":
                assert dtype == pl.Int64, (name, field["name"])
            elif field["type"] == "boolean":
                assert dtype == pl.Boolean, (name, field["name"])
    assert "1.10" in set(read("sections")["section_id"])
