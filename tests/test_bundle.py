"""The release bundle: unzipped anywhere else it validates and its checksums verify."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from bloemdata.cli import cli
from bloemdata.core.package import Package
from bloemdata.publish.bundle import build_bundle
from bloemdata.validation import validate as validate_module
from tests.gitrepo import PATCH, make_repo, read_rows, set_version, write_rows

FRICTIONLESS = Path(sys.executable).parent / "frictionless"
# Slow: each bundle validates (with frictionless), builds the database and writes every export.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bundle(root, tmp_path_factory) -> Path:
    """The bundle of the real package's recorded release."""
    path, report = build_bundle(root, tmp_path_factory.mktemp("dist"))
    assert path is not None, [p.message for p in report.errors]
    return path


@pytest.fixture
def unzipped(bundle, tmp_path) -> Path:
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(tmp_path / "elsewhere")
    (folder,) = (tmp_path / "elsewhere").iterdir()
    return folder


def test_bundle_name_and_contents(bundle, root, package):
    assert bundle.name == f"bloemdata-{package.version}.zip"
    with zipfile.ZipFile(bundle) as archive:
        names = {n.split("/", 1)[1] for n in archive.namelist()}
    expected = {"datapackage.json", "CITATION.cff", "SHA256SUMS", "DATA_DICTIONARY.md"}
    expected |= {"bloemdata.db", "CHANGELOG.md", "releases.json"}
    expected |= {package.resource(n)["path"] for n in package.resource_names}
    expected |= {f"schemas/{p.name}" for p in (root / "schemas").glob("*.json")}
    assert expected <= names
    assert any(n.startswith("exports/") and n.endswith(".qdpx") for n in names)


def test_checksums_verify_elsewhere(unzipped):
    done = subprocess.run(
        ["sha256sum", "-c", "--strict", "SHA256SUMS"],
        cwd=unzipped,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    listed = {line.split("  ", 1)[1] for line in (unzipped / "SHA256SUMS").read_text().splitlines()}
    on_disk = {p.relative_to(unzipped).as_posix() for p in unzipped.rglob("*") if p.is_file()}
    assert listed == on_disk - {"SHA256SUMS"}


def test_checksums_catch_a_changed_file(unzipped):
    path = unzipped / "datapackage" / "codes.csv"
    path.write_bytes(path.read_bytes() + b"\n")
    done = subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=unzipped, check=False)
    assert done.returncode != 0


def test_frictionless_validates_elsewhere(unzipped):
    done = subprocess.run(
        [str(FRICTIONLESS), "validate", "--json", "datapackage.json"],
        cwd=unzipped,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert '"valid": true' in done.stdout


def test_bundled_database_and_dictionary(unzipped, package):
    with sqlite3.connect(unzipped / "bloemdata.db") as conn:
        (count,) = conn.execute("SELECT count(*) FROM statements").fetchone()
    conn.close()
    assert count == len(package.rows("statements"))
    assert f"Version {package.version}" in (unzipped / "DATA_DICTIONARY.md").read_text()


def test_same_release_same_bytes(bundle, root, tmp_path):
    again, _ = build_bundle(root, tmp_path)
    assert again is not None
    assert again.read_bytes() == bundle.read_bytes()


def test_unrecorded_version_is_refused(root, tmp_path):
    repo = make_repo(root, tmp_path / "repo")
    set_version(repo, PATCH)
    result = CliRunner().invoke(
        cli, ["bundle", "--package", str(repo), "--output", str(tmp_path / "dist")]
    )
    assert result.exit_code == 1
    assert "bundle-version-not-recorded" in result.output
    assert not (tmp_path / "dist").exists() or not any((tmp_path / "dist").iterdir())
    assert Package.load(repo).version == PATCH


def test_invalid_package_is_refused(root, tmp_path):
    repo = make_repo(root, tmp_path / "repo")
    rows = read_rows(repo, "statements")
    rows[0]["text"] = "Tekst die niet op de pagina staat."  # its anchor rebuilds other words
    write_rows(repo, "statements", rows)
    path, report = build_bundle(repo, tmp_path / "dist")
    assert path is None
    assert not (tmp_path / "dist").exists()
    found = {(p.source, p.resource, p.field) for p in report.errors}
    assert any(source not in {"release", "bundle"} for source, _, _ in found)
    assert any(resource == "statements" and field == "text" for _, resource, field in found)


def _unreadable(repo: Path, how: str) -> None:
    if how == "no-descriptor":
        (repo / "datapackage.json").unlink()
    elif how == "broken-descriptor":
        (repo / "datapackage.json").write_text("{", encoding="utf-8")
    elif how == "no-resources":
        (repo / "datapackage.json").write_text('{"name": "x"}', encoding="utf-8")
    elif how == "missing-page":  # a raw page (a resource without a Table Schema) is gone
        package = Package.load(repo)
        page = next(n for n in package.resource_names if n not in package.schemas)
        package.path_of(page).unlink()
    else:  # a table the descriptor names is gone
        (repo / "datapackage" / "codes.csv").unlink()


@pytest.mark.parametrize(
    "how", ["no-descriptor", "broken-descriptor", "no-resources", "missing-file", "missing-page"]
)
def test_unreadable_package_exits_2(root, tmp_path, how):
    """Could not run (2), not invalid data (1): the package cannot be read as described."""
    repo = make_repo(root, tmp_path / "repo")
    _unreadable(repo, how)
    dist = tmp_path / "dist"
    result = CliRunner().invoke(cli, ["bundle", "--package", str(repo), "--output", str(dist)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert not dist.exists() or not any(dist.iterdir())


def test_bundle_runs_frictionless_whatever_the_size(root, tmp_path, monkeypatch):
    """The bundle promises `frictionless validate` passes, so it always runs it (no option)."""
    monkeypatch.setattr(validate_module, "FRICTIONLESS_MAX_BYTES", 10)
    repo = make_repo(root, tmp_path / "repo")
    rows = read_rows(repo, "statements")
    rows[0]["text"] = "Tekst die niet op de pagina staat."
    write_rows(repo, "statements", rows)
    path, report = build_bundle(repo, tmp_path / "dist")
    assert path is None
    assert not any("frictionless not run" in note for note in report.notes), report.notes
