"""Provenance rules: transcription findings as problems, and the raw pages' integrity."""

from __future__ import annotations

import json
from pathlib import Path

from bloemdata.core.package import Package
from bloemdata.validation.checks.provenance import FINDING_RULES
from bloemdata.validation.registry import RULES
from bloemdata.validation.transcription.check import FindingKind
from bloemdata.validation.validate import validate

# The first raw page of the shipped package: its pages.csv row 1, its resource and its file.
_FIRST_PAGE = Package.load(Path(__file__).resolve().parents[1]).rows("pages")[0]
PAGE, PAGE_RESOURCE = Path(_FIRST_PAGE["path"]), _FIRST_PAGE["resource"]


def _where(report, rule_id):
    return [(p.resource, p.row, p.field) for p in report.problems if p.rule == rule_id]


def test_every_transcription_finding_kind_has_its_own_registered_rule():
    assert list(FINDING_RULES) == list(FindingKind)
    for kind, rule in FINDING_RULES.items():
        assert rule.id == kind.value
        assert RULES[rule.id] is rule
    assert len({rule.id for rule in FINDING_RULES.values()}) == len(FindingKind)
    assert "transcription" not in RULES  # no catch-all for a kind without a rule


def test_text_that_is_not_what_the_anchor_rebuilds(plant):
    text = plant.rows("statements")[5]["text"]
    plant.cell("statements", 6, "text", text.replace(" ", " niet ", 1))
    report = validate(plant.root, frictionless=False)
    assert ("statements", 6, "text") in _where(report, "text-matches-anchor")


def test_anchor_past_the_page(plant):
    statement = plant.rows("statements")[1]
    (page,) = [p for p in plant.rows("pages") if p["page"] == statement["page"]]
    plant.cell("statements", 2, "anchor", f"{int(page['line_count']) + 1}:0-5")
    report = validate(plant.root, frictionless=False)
    assert ("statements", 2, "anchor") in _where(report, "anchor-invalid")
    # the words the statement held are now in no statement
    assert _where(report, "page-covered-once")[0][0] == page["resource"]


def test_edited_raw_page_breaks_its_hash(plant):
    page = plant.root / PAGE
    data = page.read_bytes()
    page.write_bytes(data.replace(b"e", b"i", 1))  # one letter of the delivered text
    report = validate(plant.root, frictionless=False)
    assert ("pages", 1, "sha256") in _where(report, "page-hash")
    assert (PAGE_RESOURCE, None, None) in _where(report, "descriptor-stale")


def test_pages_sha256_must_match_the_file(plant):
    plant.cell("pages", 1, "sha256", "0" * 64)
    report = validate(plant.root, frictionless=False)
    assert _where(report, "page-hash") == [("pages", 1, "sha256")]
    assert ("pages", 1, "sha256") in _where(report, "page-resource")


def test_pages_resource_must_exist(plant):
    plant.cell("pages", 1, "resource", "page-not-in-the-descriptor")
    report = validate(plant.root, frictionless=False)
    assert _where(report, "page-resource") == [("pages", 1, "resource")]


def test_descriptor_hash_of_the_page_must_match_pages(plant):
    descriptor = plant.root / "datapackage.json"
    data = json.loads(descriptor.read_text(encoding="utf-8"))
    for resource in data["resources"]:
        if resource["name"] == PAGE_RESOURCE:
            resource["hash"] = "sha256:" + "1" * 64
    descriptor.write_text(json.dumps(data, indent=2), encoding="utf-8")
    report = validate(plant.root, frictionless=False)
    assert _where(report, "page-resource") == [("pages", 1, "sha256")]
    assert (PAGE_RESOURCE, None, None) in _where(report, "descriptor-stale")


def test_line_count(plant):
    lines = plant.rows("pages")[0]["line_count"]
    plant.cell("pages", 1, "line_count", str(int(lines) - 1))
    report = validate(plant.root, frictionless=False)
    assert _where(report, "page-line-count") == [("pages", 1, "line_count")]
