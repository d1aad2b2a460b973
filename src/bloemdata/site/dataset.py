"""The schema.org `Dataset` (JSON-LD) of the home page, generated from datapackage.json, the Table
Schemas and the release history: what search engines and dataset catalogues read.

Download URLs are site-relative here (`/downloads/...`, passed by bloemdata.site.metadata); the
plugin makes them absolute for the host that serves the page (bloemdata.site.plugins.discovery).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bloemdata.core.package import DESCRIPTOR, Package
from bloemdata.versions.doi import concept_doi
from bloemdata.versions.history import load_history

DUTCH_PARAGRAPH = "\n\nNL: "  # the descriptor's description: English, then this, then Dutch


def descriptions(description: str) -> list[dict[str, str]]:
    """The description as language-tagged values (English and Dutch when both are there)."""
    english, _, dutch = description.partition(DUTCH_PARAGRAPH)
    values = [{"@language": "en", "@value": english.strip()}]
    if dutch.strip():
        values.append({"@language": "nl", "@value": dutch.strip()})
    return values


def distribution(package: Package, downloads_url: str) -> list[dict[str, Any]]:
    """One DataDownload per file of the release: URL, format, size and SHA-256."""
    files: list[tuple[str, str, Path, dict[str, Any] | None]] = [
        (DESCRIPTOR, "application/json", package.root / DESCRIPTOR, None)
    ]
    for name in package.resource_names:
        resource = package.resource(name)
        if resource.get("path"):
            mediatype = resource.get("mediatype", "text/csv")
            files.append((resource["path"], mediatype, package.path_of(name), resource))
    downloads = []
    for relative, mediatype, path, recorded in files:
        size, digest = _size_and_hash(path, recorded)
        downloads.append(
            {
                "@type": "DataDownload",
                "name": Path(relative).name,
                "contentUrl": downloads_url + relative,
                "encodingFormat": mediatype,
                "contentSize": f"{size} B",
                "sha256": digest.removeprefix("sha256:"),
            }
        )
    return downloads


def _size_and_hash(path: Path, resource: dict[str, Any] | None) -> tuple[int, str]:
    if resource and "bytes" in resource and "hash" in resource:
        return int(resource["bytes"]), str(resource["hash"])
    from bloemdata.core.package import file_stats  # noqa: PLC0415 - only for unrecorded files

    return file_stats(path)


def variables(package: Package) -> list[dict[str, str]]:
    """`variableMeasured`: every field of every Table Schema, named `table.field`."""
    return [
        {
            "@type": "PropertyValue",
            "name": f"{name}.{field.name}",
            "description": field.description,
        }
        for name in package.table_names
        for field in package.schemas[name].fields
    ]


def citation_text(package: Package, date: str | None, doi: str | None) -> str:
    """How to cite this version (the README and CITATION.cff say the same)."""
    creators = ", ".join(c["name"] for c in creators_of(package)) or "bloemdata maintainers"
    year = f" ({date[:4]})" if date else ""
    where = f" https://doi.org/{doi}" if doi else ""
    title = package.descriptor.get("title", "bloemdata")
    return f"{creators}{year}. {title} (version {package.version}) [Data set].{where}"


def creators_of(package: Package) -> list[dict[str, str]]:
    contributors = package.descriptor.get("contributors") or []
    return [
        {"@type": "Organization", "name": c["title"]}
        for c in contributors
        if "creator" in (c.get("roles") or []) and c.get("title")
    ]


def dataset(package: Package, downloads_url: str) -> dict[str, Any]:
    """The JSON-LD object; its download URLs start with `downloads_url`. The DOI is the one
    recorded in datapackage.json (bloemdata.versions.doi), never invented."""
    descriptor = package.descriptor
    doi = concept_doi(package.descriptor)
    release = load_history(package.root).get(package.version)
    date = release.date if release else None
    licence = (descriptor.get("licenses") or [{}])[0]
    data: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "name": descriptor.get("title", descriptor.get("name", "")),
        "alternateName": descriptor.get("name", ""),
        "description": descriptions(descriptor.get("description", "")),
        "version": package.version,
        "license": licence.get("path", licence.get("name", "")),
        "creator": creators_of(package),
        "keywords": list(descriptor.get("keywords") or []),
        "inLanguage": list(descriptor.get("languages") or []),
        "isAccessibleForFree": True,
        "distribution": distribution(package, downloads_url),
        "variableMeasured": variables(package),
        "citation": citation_text(package, date, doi),
    }
    if date:
        data["datePublished"] = date
    if doi:
        data["identifier"] = f"https://doi.org/{doi}"
    return data
