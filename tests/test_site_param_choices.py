"""Canned queries offer the codebook's labels for their code and dimension parameters."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from bloemdata.core.package import Package
from bloemdata.database.build import dimensions
from bloemdata.database.layout import DATABASE_NAME
from bloemdata.site.serve import Site
from tests.test_site import fetch


@pytest.fixture(scope="module")
def site(built_site: Site) -> tuple[Path, dict[str, Any]]:
    return built_site.database, json.loads(built_site.metadata.read_text(encoding="utf-8"))


def _choices(page: str, name: str) -> dict[str, str]:
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S)
    assert select, f"no choices for {name}"
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select.group(0))
    return {value: label for value, _, label in options if value}


def test_code_parameter_lists_every_codable_code_with_its_labels(site, package: Package):
    [page] = fetch(site, f"/{DATABASE_NAME}/statements_by_code")
    codable = [r for r in package.rows("codes") if r["codable"] == "true"]
    choices = _choices(page, "code_id")
    assert list(choices) == [r["code_id"] for r in codable]
    for row in codable:
        assert row["label_en"] in choices[row["code_id"]]
        assert row["label_nl"] in choices[row["code_id"]]


@pytest.mark.parametrize(
    ("query", "params"),
    [
        ("code_frequency_by_dimension", ["dimension"]),
        ("cooccurrence", ["dimension_a", "dimension_b"]),
    ],
)
def test_dimension_parameters_list_the_dimensions(site, package: Package, query, params):
    [page] = fetch(site, f"/{DATABASE_NAME}/{query}")
    for name in params:
        assert list(_choices(page, name)) == dimensions(package)


def test_the_chosen_code_stays_selected_and_free_text_parameters_stay_text(site, package):
    code = next(r["code_id"] for r in package.rows("codes") if r["codable"] == "true")
    [page, search] = fetch(
        site,
        f"/{DATABASE_NAME}/statements_by_code?code_id={code}",
        f"/{DATABASE_NAME}/search?q=handel",
    )
    assert f'<option value="{code}" selected>' in page
    assert "<select" not in search.split("</form>")[0]
