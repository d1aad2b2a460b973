"""The home page's schema.org `Dataset` (site/dataset.py): generated from the package, expanded
by a real JSON-LD processor (pyld) with schema.org's own context (copied in tests/data, no network)
and checked against the schema.org vocabulary: every type exists, every property exists and
applies to its node's type."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld

from bloemdata.core.package import Package, file_stats
from bloemdata.site.dataset import dataset
from bloemdata.site.metadata import DOWNLOADS_URL
from bloemdata.versions.history import load_history

SCHEMAORG = Path(__file__).parent / "data" / "schemaorg"
SCHEMA = "http://schema.org/"  # the context's @vocab
CONTEXT_URLS = {
    "https://schema.org/",
    "http://schema.org/",
    "https://schema.org",
    "http://schema.org",
}


def _loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    if url not in CONTEXT_URLS:
        raise AssertionError(f"the JSON-LD processor asked for {url}: no network in tests")
    document = json.loads((SCHEMAORG / "schemaorgcontext.jsonld").read_text(encoding="utf-8"))
    return {"contextUrl": None, "documentUrl": url, "document": document}


@pytest.fixture(scope="module")
def vocabulary() -> dict[str, dict[str, list[str]]]:
    return json.loads((SCHEMAORG / "vocabulary-30.0.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def data(package: Package) -> dict[str, Any]:
    return dataset(package, DOWNLOADS_URL)


def _absolute(data: dict[str, Any]) -> dict[str, Any]:
    """As the plugin serves it: with the page's URL and absolute download URLs."""
    absolute = copy.deepcopy(data)
    absolute["url"] = "https://example.org/"
    for download in absolute["distribution"]:
        download["contentUrl"] = "https://example.org" + download["contentUrl"]
    return absolute


def _expanded(data: dict[str, Any]) -> list[dict[str, Any]]:
    return jsonld.expand(_absolute(data), {"documentLoader": _loader})


def _supertypes(name: str, types: dict[str, list[str]]) -> set[str]:
    seen, todo = set(), [name]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo += types.get(current, [])
    return seen


def _check_node(node: dict[str, Any], vocabulary: dict[str, Any], path: str) -> int:
    """Check one expanded node and its children; return how many properties were checked."""
    types = [t.removeprefix(SCHEMA) for t in node.get("@type", [])]
    for name in types:
        assert name in vocabulary["types"], f"{path}: {name} is not a schema.org type"
    applies = set().union(*(_supertypes(t, vocabulary["types"]) for t in types)) if types else set()
    checked = 0
    for key, values in node.items():
        if key.startswith("@"):
            continue
        assert key.startswith(SCHEMA), f"{path}: {key} is not in the schema.org vocabulary"
        name = key.removeprefix(SCHEMA)
        assert name in vocabulary["properties"], f"{path}: {name} is not a schema.org property"
        if types:
            domains = set(vocabulary["properties"][name])
            assert domains & applies, f"{path}: {name} does not apply to {types}"
        checked += 1
        for i, value in enumerate(values):
            if isinstance(value, dict) and "@value" not in value and "@id" not in value:
                checked += _check_node(value, vocabulary, f"{path}.{name}[{i}]")
    return checked


def test_the_json_ld_expands_to_schema_org_terms_only(
    data: dict[str, Any], vocabulary: dict[str, Any]
) -> None:
    expanded = _expanded(data)
    assert len(expanded) == 1
    node = expanded[0]
    assert node["@type"] == [SCHEMA + "Dataset"]
    checked = _check_node(node, vocabulary, "Dataset")
    # nothing was dropped by the expansion: every key we wrote became a property
    written = sum(1 for k in _absolute(data) if not k.startswith("@"))
    assert len([k for k in node if not k.startswith("@")]) == written
    assert checked >= written


def test_every_vocabulary_check_can_fail(data: dict[str, Any], vocabulary: dict[str, Any]) -> None:
    wrong_property = {**data, "numberOfPages": 3}  # a Book's property, not a Dataset's
    with pytest.raises(AssertionError, match="numberOfPages does not apply"):
        _check_node(_expanded(wrong_property)[0], vocabulary, "Dataset")
    wrong_type = copy.deepcopy(data)
    wrong_type["distribution"][0]["@type"] = "Download"
    with pytest.raises(AssertionError, match=r"not a schema\.org type"):
        _check_node(_expanded(wrong_type)[0], vocabulary, "Dataset")


def test_it_describes_the_package(package: Package, data: dict[str, Any]) -> None:
    descriptor = package.descriptor
    assert data["name"] == descriptor["title"]
    assert data["version"] == package.version
    assert data["license"] == descriptor["licenses"][0]["path"]
    assert data["keywords"] == descriptor["keywords"]
    assert data["isAccessibleForFree"] is True
    languages = {d["@language"] for d in data["description"]}
    assert languages == {"en", "nl"}
    creators = [c["title"] for c in descriptor["contributors"] if "creator" in c["roles"]]
    assert [c["name"] for c in data["creator"]] == creators
    release = load_history(package.root).get(package.version)
    assert release is not None
    assert data["datePublished"] == release.date
    assert f"version {package.version}" in data["citation"]
    names = {v["name"] for v in data["variableMeasured"]}
    assert names == {
        f"{t}.{f.name}" for t in package.table_names for f in package.schemas[t].fields
    }


def test_every_download_has_its_size_and_checksum(package: Package, data: dict[str, Any]) -> None:
    expected = ["datapackage.json"] + [
        package.resource(n)["path"]
        for n in package.resource_names
        if package.resource(n).get("path")
    ]
    got = [d["contentUrl"].removeprefix(DOWNLOADS_URL) for d in data["distribution"]]
    assert got == expected
    for download, relative in zip(data["distribution"], expected, strict=True):
        size, digest = file_stats(package.root / relative)
        assert download["contentSize"] == f"{size} B"
        assert download["sha256"] == digest.removeprefix("sha256:")
        assert download["encodingFormat"]
