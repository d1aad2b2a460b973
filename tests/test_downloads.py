"""The download folder: only what bloemdata wrote is replaced; only package files go in."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bloemdata.cli import cli
from bloemdata.core.errors import DescriptorError
from bloemdata.core.package import Package
from bloemdata.database.downloads import MANIFEST, DownloadsError, write_downloads
from bloemdata.publish.bundle import stage

SECRET = "root:x:0:0:a file outside the package\n"  # noqa: S105 - not a password


def _build(package: Path, output: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["build", "--package", str(package), "--output", str(output)])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def _tree(folder: Path) -> dict[str, bytes]:
    files = (p for p in folder.rglob("*") if p.is_file())
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in files}


def test_build_keeps_a_folder_it_did_not_write(package_copy: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    mine = site / "downloads" / "notes.txt"
    mine.parent.mkdir(parents=True)
    mine.write_text("a maintainer's own notes\n", encoding="utf-8")
    code, output = _build(package_copy, site / "x.db")
    assert code == 2
    assert "not written by bloemdata" in output
    assert str(site / "downloads") in output
    assert mine.read_text(encoding="utf-8") == "a maintainer's own notes\n"
    assert sorted(p.name for p in site.iterdir()) == ["downloads"]  # nothing built either


def test_build_replaces_its_own_folder_and_refuses_an_added_file(
    package_copy: Path, tmp_path: Path
) -> None:
    output = tmp_path / "site" / "x.db"
    assert _build(package_copy, output)[0] == 0
    downloads = output.parent / "downloads"
    listed = json.loads((downloads / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert sorted(listed) == sorted(set(_tree(downloads)) - {MANIFEST})
    (downloads / "datapackage" / "stale.csv").write_text("left over\n", encoding="utf-8")
    (downloads / "datapackage" / "stale.csv").unlink()  # removing a file it wrote is fine
    assert _build(package_copy, output)[0] == 0
    added = downloads / "datapackage" / "added.csv"
    added.write_text("someone's file\n", encoding="utf-8")
    before = _tree(downloads)
    code, message = _build(package_copy, output)
    assert code == 2
    assert "datapackage/added.csv" in message
    assert _tree(downloads) == before


def test_build_does_not_overwrite_a_file_that_is_not_a_database(
    package_copy: Path, tmp_path: Path
) -> None:
    output = tmp_path / "README.md"
    output.write_text("# mine\n", encoding="utf-8")
    code, message = _build(package_copy, output)
    assert code == 2
    assert "not an SQLite database" in message
    assert output.read_text(encoding="utf-8") == "# mine\n"


@pytest.mark.parametrize("name", ["DATA_DICTIONARY.md", "datapackage/codes.csv"])
def test_a_symlink_out_of_the_package_is_refused(
    package_copy: Path, tmp_path: Path, name: str
) -> None:
    secret = tmp_path / "passwd"
    secret.write_text(SECRET, encoding="utf-8")
    link = package_copy / name
    link.unlink(missing_ok=True)
    link.symlink_to(secret)
    target = tmp_path / "downloads"
    with pytest.raises(DescriptorError, match="leaves the package"):
        write_downloads(Package.load(package_copy), target)
    assert not target.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".downloads")]


def test_only_the_schemas_the_descriptor_uses_are_copied(
    package_copy: Path, tmp_path: Path
) -> None:
    shutil.copy(package_copy / "schemas" / "codes.json", package_copy / "schemas" / "unused.json")
    (package_copy / "DATA_DICTIONARY.md").mkdir()  # not a regular file: refused, not copied
    package = Package.load(package_copy)
    with pytest.raises(DescriptorError, match="not a regular file"):
        write_downloads(package, tmp_path / "downloads")
    (package_copy / "DATA_DICTIONARY.md").rmdir()
    write_downloads(package, tmp_path / "downloads")
    resources = package.descriptor["resources"]
    used = {r["schema"] for r in resources if isinstance(r.get("schema"), str)}
    copied = {f"schemas/{p.name}" for p in (tmp_path / "downloads" / "schemas").iterdir()}
    assert copied == used


def test_a_folder_that_is_a_file_or_link_is_refused(package_copy: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("kept\n", encoding="utf-8")
    link = tmp_path / "downloads"
    link.symlink_to(elsewhere)
    with pytest.raises(DownloadsError):
        write_downloads(Package.load(package_copy), link)
    assert (elsewhere / "keep.txt").read_text(encoding="utf-8") == "kept\n"


def test_bundle_stage_refuses_a_readme_linked_out_of_the_package(
    package_copy: Path, root: Path, tmp_path: Path
) -> None:
    shutil.copy(root / "releases.json", package_copy)
    secret = tmp_path / "passwd"
    secret.write_text(SECRET, encoding="utf-8")
    (package_copy / "README.md").symlink_to(secret)
    staging = tmp_path / "staging"
    staging.mkdir()
    with pytest.raises(DescriptorError, match="leaves the package"):
        stage(Package.load(package_copy), staging)
    assert not any(SECRET.encode() in p.read_bytes() for p in staging.rglob("*") if p.is_file())
