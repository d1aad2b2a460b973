"""The concept DOI in one place (datapackage.json `id`): never invented, recorded once, used by
the citation, `.zenodo.json`, the site's JSON-LD and the README."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from bloemdata.cli import cli
from bloemdata.core.package import Package
from bloemdata.publish.zenodo import ZENODO
from bloemdata.site.dataset import dataset
from bloemdata.versions.doi import DOI_URL, NO_DOI, concept_doi, with_doi
from bloemdata.versions.files import CHANGELOG, CITATION, RELEASES

DOI = "10.5281/zenodo.1234567"


@pytest.fixture
def repo_copy(package_copy: Path, root: Path) -> Path:
    for name in (CITATION, RELEASES, ZENODO, CHANGELOG):
        shutil.copy2(root / name, package_copy / name)
    return package_copy


@pytest.mark.parametrize(
    ("identifier", "expected"),
    [
        ("bloemdata", None),
        ("", None),
        (f"{DOI_URL}{DOI}", DOI),
        (DOI, DOI),
        ("https://doi.org/not-a-doi", None),
    ],
)
def test_concept_doi_reads_id(identifier: str, expected: str | None) -> None:
    assert concept_doi({"id": identifier}) == expected


def test_with_doi_refuses_what_is_not_a_doi() -> None:
    with pytest.raises(ValueError, match="not a DOI"):
        with_doi({"id": "bloemdata"}, "zenodo 1234567")


def test_the_repository_says_there_is_no_doi_until_one_is_recorded(root: Path) -> None:
    package = Package.load(root)
    readme = (root / "README.md").read_text(encoding="utf-8")
    cff = yaml.safe_load((root / CITATION).read_text(encoding="utf-8"))
    doi = concept_doi(package.descriptor)
    if doi is None:
        assert NO_DOI in readme
        assert "doi" not in cff
        assert "identifier" not in dataset(package, "/downloads/")
    else:
        assert f"{DOI_URL}{doi}" in readme
        assert cff["doi"] == doi


def test_recording_a_doi_updates_every_place_that_cites(repo_copy: Path) -> None:
    runner = CliRunner()
    shown = runner.invoke(cli, ["doi", "--package", str(repo_copy)])
    assert shown.output.strip() == NO_DOI
    result = runner.invoke(cli, ["doi", DOI, "--package", str(repo_copy)])
    assert result.exit_code == 0, result.output
    package = Package.load(repo_copy)
    assert package.descriptor["id"] == f"{DOI_URL}{DOI}"
    cff = yaml.safe_load((repo_copy / CITATION).read_text(encoding="utf-8"))
    assert cff["doi"] == DOI
    assert cff["identifiers"][0]["value"] == DOI
    deposit = json.loads((repo_copy / ZENODO).read_text(encoding="utf-8"))
    assert deposit["related_identifiers"][0]["identifier"] == f"{DOI_URL}{DOI}"
    json_ld = dataset(package, "/downloads/")
    assert json_ld["identifier"] == f"{DOI_URL}{DOI}"
    assert f"{DOI_URL}{DOI}" in json_ld["citation"]
    assert runner.invoke(cli, ["doi", "--package", str(repo_copy)]).output.strip() == (
        f"{DOI_URL}{DOI}"
    )


def test_a_malformed_doi_is_refused_and_nothing_changes(repo_copy: Path) -> None:
    before = (repo_copy / "datapackage.json").read_bytes()
    result = CliRunner().invoke(cli, ["doi", "doi:1234", "--package", str(repo_copy)])
    assert result.exit_code == 2
    assert "not a DOI" in result.output
    assert (repo_copy / "datapackage.json").read_bytes() == before
