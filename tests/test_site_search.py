"""Search through a real (in-process) Datasette: diacritics ignored both ways, terms too short to
search said so on the page, matches marked. The package copy gets words with and without
diacritics planted, since the anthology's text may have none."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

import pytest

from bloemdata.core.package import Package
from bloemdata.database.build import write_database
from bloemdata.database.defaults import EXTRA_TABLES
from bloemdata.database.layout import DATABASE_NAME
from bloemdata.site.serve import prepare
from tests.test_site import fetch as fetch_site

DB = DATABASE_NAME


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A package copy whose first statement says `ideeën`, its second `ideeen` (English text)."""
    import shutil

    from tests.conftest import ROOT, Planter

    target = tmp_path_factory.mktemp("search") / "pkg"
    target.mkdir()
    shutil.copy2(ROOT / "datapackage.json", target)
    shutil.copytree(ROOT / "datapackage", target / "datapackage")
    shutil.copytree(ROOT / "schemas", target / "schemas")
    planter = Planter(target)
    rows = planter.rows("statements")
    rows[0]["text"] = "Nieuwe ideeën over samenwerking. " + rows[0]["text"]
    rows[1]["text_en"] = "New ideeen (sic) about trafficking. " + rows[1]["text_en"]
    planter.write("statements", rows)
    dist = target.parent / "dist"
    dist.mkdir()
    database = dist / f"{DB}.db"
    write_database(Package.load(target), database, tables=EXTRA_TABLES)
    (dist / "downloads").mkdir()
    site = prepare(target, database, rebuild=False)
    return {
        "database": database,
        "metadata": json.loads(site.metadata.read_text(encoding="utf-8")),
        "ids": (rows[0]["statement_id"], rows[1]["statement_id"]),
        "rows": rows,
    }


def fetch(planted: dict[str, Any], *paths: str) -> list[Any]:
    """The site module's in-process Datasette, on the planted copy."""
    return fetch_site((planted["database"], planted["metadata"]), *paths)


def _table_ids(planted: dict[str, Any], term: str) -> set[str]:
    [rows] = fetch(
        planted,
        f"/{DB}/statements.json?_search={quote(term)}&_shape=array&_col=statement_id&_size=max",
    )
    return {r["statement_id"] for r in rows}


def _search_ids(planted: dict[str, Any], term: str) -> set[str]:
    [rows] = fetch(planted, f"/{DB}/search.json?q={quote(term)}&_shape=array&_size=max")
    return {r["statement_id"] for r in rows}


@pytest.mark.parametrize("term", ["ideeen", "ideeën", "IDEEËN", "ideeën samenwerking"])
def test_diacritics_are_ignored_both_ways(planted, term):
    with_accent, without_accent = planted["ids"]
    if "samenwerking" in term:
        assert with_accent in _table_ids(planted, term)
        return
    assert _table_ids(planted, term) == {with_accent, without_accent}
    assert _search_ids(planted, term) == {with_accent, without_accent}


def test_compounds_still_match_through_the_site(planted):
    expected = {
        r["statement_id"]
        for r in planted["rows"]
        if "uitbuiting" in (r["text"] + r["text_en"]).lower()
    }
    assert any("arbeidsuitbuiting" in r["text"].lower() for r in planted["rows"])
    assert _table_ids(planted, "uitbuiting") == expected


@pytest.mark.parametrize("path", [f"/{DB}/statements?_search=", f"/{DB}/search?q="])
def test_a_term_too_short_is_named_on_the_page(planted, path):
    [short, mixed, fine] = fetch(planted, path + "in", path + "in+ideeen", path + "ideeen")
    assert "bloemdata-short-terms" in short
    assert "<strong>in</strong>" in short
    assert "nothing was searched" in short
    assert "bloemdata-short-terms" in mixed
    assert "without it" in mixed
    assert "bloemdata-short-terms" not in fine


def test_matches_are_marked_in_the_table(planted):
    [page] = fetch(planted, f"/{DB}/statements?_search=ideeen")
    assert "<mark>ideeën</mark>" in page  # the text as written, marked where the folded term is
    assert "<mark>ideeen</mark>" in page
    [plain] = fetch(planted, f"/{DB}/statements")
    assert "<mark>" not in plain


def test_canned_search_highlights_the_text_as_written(planted):
    [rows] = fetch(planted, f"/{DB}/search.json?q=ideeen&_shape=array")
    texts = {r["statement_id"]: r["text"] + " " + r["text_en"] for r in rows}
    assert "[ideeën]" in texts[planted["ids"][0]]
    assert "[ideeen]" in texts[planted["ids"][1]]
    assert all(re.search(r"\[[^\]]+\]", t) for t in texts.values())
