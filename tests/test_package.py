"""Descriptor, Table Schemas and data load and agree (issue 2)."""

from __future__ import annotations

import hashlib
import json

import pytest
from click.testing import CliRunner

from bloemdata.cli import cli
from bloemdata.core.errors import DescriptorError, PackageNotFoundError
from bloemdata.core.package import Package, file_stats, refresh, stale_resources


def test_every_table_has_a_schema_file_and_csv(package):
    for name in package.table_names:
        resource = package.resource(name)
        assert resource["schema"] == f"schemas/{name}.json"
        assert package.path_of(name).is_file()


def test_csv_headers_equal_schema_fields_in_order(package):
    for name in package.table_names:
        header = package.path_of(name).read_text(encoding="utf-8").split("\n", 1)[0]
        assert header.split(",") == package.schemas[name].names, name


def test_csv_files_are_utf8_nfc_with_lf_line_ends(package):
    import unicodedata

    for name in package.table_names:
        raw = package.path_of(name).read_bytes()
        text = raw.decode("utf-8")
        assert "\r" not in text, name
        assert not raw.startswith(b"\xef\xbb\xbf"), name
        assert unicodedata.is_normalized("NFC", text), name
        assert text.endswith("\n"), name


# Tables that may hold no rows: reliability is empty while every round has a single coder.
MAY_BE_EMPTY = frozenset({"reliability"})


def test_every_cell_casts_to_its_type(package):
    for name in package.table_names:
        rows = package.typed_rows(name)
        assert rows or name in MAY_BE_EMPTY, f"{name} is empty"


def test_primary_keys_are_complete_and_unique(package):
    for name in package.table_names:
        schema = package.schemas[name]
        assert schema.primary_key, name
        for field in schema.primary_key:
            assert schema.field(field).required, (name, field)
        keys = [tuple(r[f] for f in schema.primary_key) for r in package.typed_rows(name)]
        assert all(None not in key for key in keys), name
        assert len(keys) == len(set(keys)), name


def test_foreign_keys_hold(package):
    for name in package.table_names:
        rows = package.typed_rows(name)
        for fk in package.schemas[name].foreign_keys:
            target = fk.resource or name
            targets = {tuple(r[f] for f in fk.reference_fields) for r in package.typed_rows(target)}
            for row in rows:
                key = tuple(row[f] for f in fk.fields)
                if None not in key:
                    assert key in targets, (name, fk, key)


def test_every_table_is_linked_by_a_foreign_key(package):
    linked = set()
    for name in package.table_names:
        for fk in package.schemas[name].foreign_keys:
            linked |= {name, fk.resource or name}
    assert linked == set(package.table_names)


def test_every_raw_page_is_the_one_delivered(package):
    """The SHA-256 recorded in pages.csv is the delivered file's: the raw page was never edited."""
    rows = package.rows("pages")
    assert rows
    for row in rows:
        data = package.path_of(row["resource"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == row["sha256"], row["path"]
        assert package.resource(row["resource"])["hash"] == f"sha256:{row['sha256']}"


def test_bytes_and_hash_are_fresh(package):
    assert stale_resources(package) == []


def test_refresh_updates_an_edited_resource_only(package_copy):
    csv_path = package_copy / "datapackage" / "coders.csv"
    csv_path.write_text(
        csv_path.read_text(encoding="utf-8") + "maintainer-2,reviewer,A second role.\n"
    )
    package = Package.load(package_copy)
    assert stale_resources(package) == ["coders"]
    assert refresh(package) == ["coders"]
    fresh = Package.load(package_copy)
    recorded = (fresh.resource("coders")["bytes"], fresh.resource("coders")["hash"])
    assert recorded == file_stats(csv_path)
    assert refresh(fresh) == []


def test_refresh_command(package_copy):
    (package_copy / "datapackage" / "coders.csv").write_text("coder_id,role,description\n")
    runner = CliRunner()
    result = runner.invoke(cli, ["refresh", "--package", str(package_copy)])
    assert result.exit_code == 0, result.output
    assert "coders" in result.output
    again = runner.invoke(cli, ["refresh", "--package", str(package_copy)])
    assert "up to date" in again.output


def test_cli_reports_missing_package_with_exit_2(tmp_path):
    result = CliRunner().invoke(cli, ["refresh", "--package", str(tmp_path)])
    assert result.exit_code == 2
    assert "no datapackage.json" in result.output


def test_load_errors_are_typed(tmp_path):
    with pytest.raises(PackageNotFoundError):
        Package.load(tmp_path)
    (tmp_path / "datapackage.json").write_text("{broken", encoding="utf-8")
    with pytest.raises(DescriptorError):
        Package.load(tmp_path)
    (tmp_path / "datapackage.json").write_text(
        json.dumps({"resources": [{"name": "x", "path": "x.csv", "schema": "../../etc/x.json"}]})
    )
    with pytest.raises(DescriptorError, match="leaves the package"):
        Package.load(tmp_path)


def test_descriptor_metadata(root, package):
    d = package.descriptor
    releases = json.loads((root / "releases.json").read_text(encoding="utf-8"))["releases"]
    assert d["version"] == releases[-1]["version"]  # the shipped data is the latest release
    assert {"nl", "en"} <= set(d["languages"])
    assert d["licenses"]
    assert d["x_text_rights"]
    for resource in d["resources"]:
        assert resource.get("description"), resource["name"]
    for schema in package.schemas.values():
        for field in schema.fields:
            assert field.description, field.name


def test_frictionless_reports_the_package_valid(root):
    from frictionless import Package as FrictionlessPackage

    report = FrictionlessPackage(str(root / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "message"])


def test_text_en_is_described_as_unofficial(package):
    assert "Unofficial translation made by the maintainers" in (
        package.schemas["statements"].field("text_en").description
    )
