"""Generated Datasette metadata, checked through a real (in-process) Datasette on the built db.

Like PUDL's check: every table and column Datasette shows has a description.
"""

from __future__ import annotations

import asyncio
import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from datasette.app import Datasette
from datasette.plugins import pm

from bloemdata.core.package import Package
from bloemdata.database.build import derived
from bloemdata.database.derived import ROWID_DESCRIPTION
from bloemdata.database.layout import DATABASE_NAME, FTS_TABLE
from bloemdata.site import PLUGINS_DIR, TEMPLATES_DIR
from bloemdata.site.dataset import dataset
from bloemdata.site.metadata import (
    DASHBOARD,
    DOWNLOADS_MOUNT,
    DOWNLOADS_URL,
    LABEL_COLUMNS,
    build_metadata,
)
from bloemdata.site.serve import Site


@pytest.fixture(scope="module")
def site(built_site: Site) -> tuple[Path, dict[str, Any]]:
    """The shared build of the real package (conftest) and its metadata."""
    return built_site.database, json.loads(built_site.metadata.read_text(encoding="utf-8"))


def fetch(site: tuple[Path, dict[str, Any]], *paths: str) -> list[Any]:
    """GET each path from a real Datasette (in process), returning parsed JSON or the text."""
    database, metadata = site
    ds = Datasette(
        immutables=[str(database)],
        metadata=metadata,
        template_dir=str(TEMPLATES_DIR),
        plugins_dir=str(PLUGINS_DIR),
        static_mounts=[(DOWNLOADS_MOUNT, str(database.parent / "downloads"))],
        settings={"facet_time_limit_ms": 10_000, "sql_time_limit_ms": 10_000},
    )

    async def run() -> list[Any]:
        out = []
        for path in paths:
            response = await ds.client.get(path)
            assert response.status_code == 200, (path, response.text[:500])
            out.append(response.json() if ".json" in path else response.text)
        return out

    # A thread of its own: Playwright's sync API keeps an event loop running in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, run()).result()


def test_metadata_is_keyed_by_the_database_name_datasette_uses(
    site: tuple[Path, dict[str, Any]],
) -> None:
    database, metadata = site
    assert list(metadata["databases"]) == [database.stem]
    [info] = fetch(site, f"/{DATABASE_NAME}.json")
    assert info["license"] == "CC-BY-4.0"  # lost when metadata is keyed by file name
    assert info["license_url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert info["source"]


def test_every_table_and_column_shown_has_a_description(
    site: tuple[Path, dict[str, Any]],
) -> None:
    _, metadata = site
    [info] = fetch(site, f"/{DATABASE_NAME}.json")
    shown = [t["name"] for t in info["tables"] if not t["hidden"]] + [
        v["name"] for v in info["views"]
    ]
    assert {"statements", "codings", "codes", "statement_codes", "code_frequencies"} <= set(shown)
    tables_meta = metadata["databases"][DATABASE_NAME]["tables"]
    missing = []
    for name in shown:
        [table] = fetch(site, f"/{DATABASE_NAME}/{name}.json?_size=1")
        meta = tables_meta.get(name, {})
        missing += [
            f"{name}: {k}" for k in ("title", "description", "license", "source") if not meta.get(k)
        ]
        missing += [f"{name}.{c}" for c in table["columns"] if not meta.get("columns", {}).get(c)]
    assert missing == []


def test_fts_tables_are_hidden_and_statements_are_searchable(
    site: tuple[Path, dict[str, Any]], package: Package
) -> None:
    [info, found] = fetch(
        site,
        f"/{DATABASE_NAME}.json",
        f"/{DATABASE_NAME}/statements.json?_search=uitbuiting&_shape=array&_col=statement_id",
    )
    hidden = {t["name"] for t in info["tables"] if t["hidden"]}
    assert {n for n in hidden if n.startswith(FTS_TABLE)} == hidden
    assert FTS_TABLE in hidden
    expected = {
        r["statement_id"]
        for r in package.rows("statements")
        if "uitbuiting" in (r["text"] + r["text_en"]).lower()
    }
    assert {r["statement_id"] for r in found} == expected


def test_label_columns_show_labels_for_foreign_keys(site: tuple[Path, dict[str, Any]]) -> None:
    _, metadata = site
    tables = metadata["databases"][DATABASE_NAME]["tables"]
    assert {name: tables[name]["label_column"] for name in LABEL_COLUMNS} == LABEL_COLUMNS
    [rows] = fetch(site, f"/{DATABASE_NAME}/codings.json?_labels=on&_size=1&_shape=array")
    code = rows[0]["code_id"]
    assert code["label"] != code["value"]  # e.g. {"value": "exploitation-general", "label": ...}


def test_canned_queries_answer(site: tuple[Path, dict[str, Any]], package: Package) -> None:
    db = DATABASE_NAME
    by_code, frequency, pairs, search = fetch(
        site,
        f"/{db}/statements_by_code.json?code_id=valence-bottleneck&_shape=array",
        f"/{db}/code_frequency_by_dimension.json?dimension=valence&_shape=array",
        f"/{db}/cooccurrence.json?dimension_a=topic&dimension_b=exploitation&_shape=array",
        f"/{db}/search.json?q=handel&_shape=array",
    )
    codings = package.rows("codings")
    assert {r["statement_id"] for r in by_code} == {
        r["statement_id"] for r in codings if r["code_id"] == "valence-bottleneck"
    }
    assert sum(r["n_statements"] for r in frequency) == len({r["statement_id"] for r in codings})
    assert pairs
    assert all(
        r["code_a"].startswith("topic-") and r["code_b"].startswith("exploitation-") for r in pairs
    )
    assert search
    assert all("[" in r["text"] + r["text_en"] for r in search)
    assert all(r["valence"].startswith('["valence-') for r in search)


def test_dashboard_charts_query_the_database(site: tuple[Path, dict[str, Any]]) -> None:
    _, metadata = site
    charts = metadata["plugins"]["datasette-dashboards"][DASHBOARD]["charts"]
    assert {"code-frequencies", "valence-by-exploitation", "topics-by-actor"} <= set(charts)
    results = fetch(
        site,
        *(
            f"/{chart['db']}.json?sql={quote(chart['query'])}&_shape=array"
            for chart in charts.values()
        ),
    )
    assert all(rows for rows in results)


def test_every_page_shows_the_version_and_download_links(
    site: tuple[Path, dict[str, Any]], package: Package
) -> None:
    pages = fetch(
        site, "/", f"/{DATABASE_NAME}", f"/{DATABASE_NAME}/statements", "/-/dashboards/bloemdata"
    )
    for html in pages:
        assert f"version {package.version}" in html
        assert f'href="/{DOWNLOADS_MOUNT}/datapackage.json"' in html
        assert f'href="/{DOWNLOADS_MOUNT}/datapackage/statements.csv"' in html
    [descriptor] = fetch(site, f"/{DOWNLOADS_MOUNT}/datapackage.json")
    assert descriptor["version"] == package.version


def test_exports_written_at_build_time_are_linked_and_served(
    site: tuple[Path, dict[str, Any]],
) -> None:
    _, metadata = site
    links = metadata["plugins"]["bloemdata-site"]["exports"]
    assert any(link["label"].endswith(".qdpx") for link in links)
    [home] = fetch(site, "/")
    for link in links:
        assert f'href="{link["href"]}"' in home
    fetch(site, *(link["href"] for link in links))  # each answers 200


def test_statement_page_lists_its_codes(
    site: tuple[Path, dict[str, Any]], package: Package
) -> None:
    [html] = fetch(site, f"/{DATABASE_NAME}/statements/BL-p010-01")
    codes = [r["code_id"] for r in package.rows("codings") if r["statement_id"] == "BL-p010-01"]
    assert codes
    section = html.split("<h2>Codes</h2>", 1)[1]
    for code in codes:
        assert f">{code}</a>" in section


def test_metadata_describes_every_derived_column(package: Package) -> None:
    tables = build_metadata(package)["databases"][DATABASE_NAME]["tables"]
    for table in derived(package):
        rowid = {} if table.primary_key else {"rowid": ROWID_DESCRIPTION}
        assert tables[table.name]["columns"] == table.columns | rowid
        assert list(table.columns) == list(table.types)
        assert all(table.columns.values())


def test_a_default_facet_asked_for_again_is_counted_and_shown_once(
    site: tuple[Path, dict[str, Any]],
) -> None:
    """Datasette 0.65 ran (and showed) a facet twice when the metadata lists it and the URL asks
    for it (`codings?_facet=code_id`): the plugin drops the repeat; rows and counts are the same."""
    _, metadata = site
    tables = metadata["databases"][DATABASE_NAME]["tables"]
    checked = 0
    for table, options in tables.items():
        for column in (f for f in options.get("facets", []) if isinstance(f, str)):
            plain, asked, other = fetch(
                site,
                f"/{DATABASE_NAME}/{table}.json",
                f"/{DATABASE_NAME}/{table}.json?_facet={column}",
                f"/{DATABASE_NAME}/{table}.json?_facet={column}&_facet=rowid",
            )
            assert list(asked["facet_results"]) == list(plain["facet_results"]), table
            assert asked["rows"] == plain["rows"]
            assert asked["filtered_table_rows_count"] == plain["filtered_table_rows_count"]
            facet = asked["facet_results"][column]["results"]
            assert [(r["value"], r["count"]) for r in facet] == [
                (r["value"], r["count"]) for r in plain["facet_results"][column]["results"]
            ]
            assert "rowid" in other["facet_results"]  # a facet not in the metadata stays
            checked += 1
    assert checked >= len([t for t in tables.values() if t.get("facets")])
    [search, searched] = fetch(
        site,
        f"/{DATABASE_NAME}/statements.json?_search=uitbuiting",
        f"/{DATABASE_NAME}/statements.json?_search=uitbuiting&_facet=section_id",
    )
    assert searched["rows"] == search["rows"]
    assert list(searched["facet_results"]) == list(search["facet_results"]) == ["section_id"]


def test_the_dataset_json_ld_is_beside_the_database_not_in_the_metadata(
    site: tuple[Path, dict[str, Any]], package: Package
) -> None:
    """Datasette 0.65 deep-copies metadata.json for every permission check: the schema.org
    Dataset, one entry per release file, is kept in its own file, named by the config."""
    database, metadata = site
    config = metadata["plugins"]["bloemdata-site"]
    assert "dataset" not in config
    written = json.loads((database.parent / config["dataset_file"]).read_text(encoding="utf-8"))
    assert written == dataset(package, DOWNLOADS_URL)
    assert len(written["distribution"]) == 1 + sum(
        1 for name in package.resource_names if package.resource(name).get("path")
    )
    assert "DataDownload" not in json.dumps(metadata)
    (home,) = fetch(site, "/")
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', home, re.S)
    assert json.loads(block)["distribution"][-1]["name"] == written["distribution"][-1]["name"]


def test_cells_are_not_rendered_as_markdown_but_templates_keep_it(
    site: tuple[Path, dict[str, Any]],
) -> None:
    """datasette-render-markdown (a dependency of datasette-dashboards) looked its config up for
    every cell shown; the site unregisters its render_cell at startup, keeping its template hooks.
    """
    fetch(site, f"/{DATABASE_NAME}/statements")  # the server has started
    cells = {impl.plugin_name for impl in pm.hook.render_cell.get_hookimpls()}
    assert cells
    assert not [name for name in cells if "markdown" in name]
    templates = {impl.plugin_name for impl in pm.hook.extra_template_vars.get_hookimpls()}
    assert "datasette-render-markdown-templates" in templates
    (plugin,) = [
        impl.plugin
        for impl in pm.hook.extra_template_vars.get_hookimpls()
        if impl.plugin_name == "datasette-render-markdown-templates"
    ]
    assert "render_markdown" in plugin.extra_template_vars()
