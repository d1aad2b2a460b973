"""`.zenodo.json`: generated from CITATION.cff and releases.json, and kept in step with them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from bloemdata.cli import cli
from bloemdata.publish.zenodo import ZENODO, DepositError, deposit_metadata, render
from bloemdata.versions.files import CITATION, RELEASES
from bloemdata.versions.history import load_history


@pytest.fixture
def repo_copy(package_copy: Path, root: Path) -> Path:
    for name in (CITATION, RELEASES, ZENODO):
        shutil.copy2(root / name, package_copy / name)
    return package_copy


def test_the_committed_file_is_the_generated_one(root: Path) -> None:
    assert (root / ZENODO).read_text(encoding="utf-8") == render(root)


def test_it_carries_the_citation_and_the_release(root: Path) -> None:
    cff = yaml.safe_load((root / CITATION).read_text(encoding="utf-8"))
    deposit = json.loads((root / ZENODO).read_text(encoding="utf-8"))
    release = load_history(root).get(str(cff["version"]))
    assert release is not None
    assert deposit["upload_type"] == "dataset"
    assert deposit["title"] == cff["title"]
    assert deposit["version"] == cff["version"]
    assert deposit["publication_date"] == cff["date-released"] == release.date
    assert [c["name"] for c in deposit["creators"]] == [a["name"] for a in cff["authors"]]
    assert deposit["keywords"] == cff["keywords"]
    assert deposit["license"] == cff["license"].lower()
    assert deposit["description"].startswith(cff["abstract"].strip())
    assert release.summary in deposit["description"]


def test_a_changed_citation_makes_the_file_stale(repo_copy: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(cli, ["deposit", "--check", "--package", str(repo_copy)])
    assert ok.exit_code == 0, ok.output
    citation = repo_copy / CITATION
    citation.write_text(
        citation.read_text(encoding="utf-8").replace("- codebook\n", "- codeboek\n"),
        encoding="utf-8",
    )
    stale = runner.invoke(cli, ["deposit", "--check", "--package", str(repo_copy)])
    assert stale.exit_code == 1
    assert "not up to date" in stale.output
    written = runner.invoke(cli, ["deposit", "--package", str(repo_copy)])
    assert written.exit_code == 0
    assert "codeboek" in json.loads((repo_copy / ZENODO).read_text(encoding="utf-8"))["keywords"]


def test_a_citation_of_an_unrecorded_version_is_refused(repo_copy: Path) -> None:
    citation = repo_copy / CITATION
    text = citation.read_text(encoding="utf-8")
    version = yaml.safe_load(text)["version"]
    citation.write_text(text.replace(f"version: {version}", "version: 9.9.9"), encoding="utf-8")
    with pytest.raises(DepositError, match=r"9\.9\.9"):
        deposit_metadata(repo_copy)
    result = CliRunner().invoke(cli, ["deposit", "--package", str(repo_copy)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
