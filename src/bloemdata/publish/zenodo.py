"""Deposit metadata for Zenodo: `.zenodo.json`, generated from CITATION.cff and releases.json.

Zenodo's GitHub integration (and its upload form) reads `.zenodo.json` at the repository root. It
is written from the citation (title, authors, abstract, keywords, licence, version, date), which
is itself generated from datapackage.json and the release history, and from the recorded release
(its summary and notes); a test keeps the committed file in step. The DOI is never written here:
Zenodo mints it on publication; `bloemdata doi record` then stores it in datapackage.json `id`
(bloemdata.versions.doi), from where the citation and the site take it. Nothing here uses the
network.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from bloemdata.core.errors import BloemdataError
from bloemdata.core.package import Package
from bloemdata.versions.doi import DOI_URL, concept_doi
from bloemdata.versions.files import CITATION
from bloemdata.versions.history import load_history

ZENODO = ".zenodo.json"
LANGUAGE = "nld"  # ISO 639-3 of the statements (English translations are secondary)


class DepositError(BloemdataError):
    """The deposit metadata could not be generated."""


def _citation(root: Path) -> dict[str, Any]:
    path = root / CITATION
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise DepositError(f"{path}: cannot read the citation: {exc}") from exc
    if not isinstance(data, dict) or not data.get("title") or not data.get("version"):
        raise DepositError(f"{path}: a citation with a title and a version is needed")
    return data


def _creator(author: dict[str, Any]) -> dict[str, str]:
    if author.get("family-names"):
        name = ", ".join(p for p in (author["family-names"], author.get("given-names", "")) if p)
    else:
        name = str(author.get("name", ""))
    creator = {"name": name}
    if author.get("affiliation"):
        creator["affiliation"] = str(author["affiliation"])
    if author.get("orcid"):
        creator["orcid"] = str(author["orcid"]).removeprefix("https://orcid.org/")
    return creator


def deposit_metadata(root: Path | str) -> dict[str, Any]:
    """The `.zenodo.json` object of the recorded release the citation names."""
    root = Path(root)
    cff = _citation(root)
    version = str(cff["version"])
    release = load_history(root).get(version)
    if release is None:
        raise DepositError(f"{CITATION} cites version {version}, which releases.json lacks")
    package = Package.load(root)
    description = str(cff.get("abstract", "")).strip()
    notes = "\n".join(f"- {note}" for note in release.notes)
    description += f"\n\nVersion {version}: {release.summary}" + (f"\n{notes}" if notes else "")
    licence = cff.get("license", "")
    metadata: dict[str, Any] = {
        "upload_type": "dataset",
        "title": str(cff["title"]),
        "version": version,
        "publication_date": str(cff.get("date-released", release.date)),
        "creators": [_creator(a) for a in cff.get("authors", [])],
        "description": description,
        "access_right": "open",
        "license": (licence[0] if isinstance(licence, list) else str(licence)).lower(),
        "keywords": [str(k) for k in cff.get("keywords", [])],
        "language": LANGUAGE,
    }
    doi = concept_doi(package.descriptor)
    if doi:  # the concept DOI: every version deposit belongs to it
        metadata["related_identifiers"] = [
            {"identifier": DOI_URL + doi, "relation": "isVersionOf", "scheme": "doi"}
        ]
    return metadata


def render(root: Path | str) -> str:
    return json.dumps(deposit_metadata(root), ensure_ascii=False, indent=2) + "\n"


def write(root: Path | str) -> Path:
    path = Path(root) / ZENODO
    path.write_text(render(root), encoding="utf-8", newline="\n")
    return path
