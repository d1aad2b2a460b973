"""The instance in real headless Chromium: home, table, search, facet, row, dashboard, CSV."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Page, Request

from bloemdata.core.cast import read_typed
from bloemdata.core.package import Package
from bloemdata.site.metadata import DASHBOARD

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def statement_ids(page: Page) -> list[str]:
    return page.locator("table.rows-and-columns tbody td.col-statement_id").all_inner_texts()


def test_home_page_shows_title_licence_and_version(
    page: Page, base_url: str, package: Package
) -> None:
    page.goto(base_url + "/")
    assert page.locator("h1").inner_text() == package.descriptor["title"]
    content = page.locator("section.content").inner_text()
    assert "CC-BY-4.0" in content
    assert page.locator("a", has_text="CC-BY-4.0").first.get_attribute("href") == (
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert page.locator(".bloemdata-version").inner_text() == f"version {package.version}"


def test_statements_table_lists_every_statement(
    page: Page, base_url: str, package: Package, artifacts: Path
) -> None:
    page.goto(base_url + "/bloemdata/statements?_size=max")
    expected = [r["statement_id"] for r in package.rows("statements")]
    assert statement_ids(page) == expected
    assert page.locator(".bloemdata-version").inner_text() == f"version {package.version}"
    page.screenshot(path=artifacts / "statements.png", full_page=True)


def test_search_for_uitbuiting_returns_the_compound_matches(
    page: Page, base_url: str, package: Package
) -> None:
    page.goto(base_url + "/bloemdata/statements")
    page.locator("input[name=_search]").fill("uitbuiting")
    page.locator("input[name=_search]").press("Enter")
    page.wait_for_url("**_search=uitbuiting**")
    rows = package.rows("statements")
    expected = [
        r["statement_id"] for r in rows if "uitbuiting" in (r["text"] + r["text_en"]).lower()
    ]
    compounds = {r["statement_id"] for r in rows if "arbeidsuitbuiting" in r["text"].lower()}
    found = statement_ids(page)
    assert found == expected
    assert compounds
    assert compounds <= set(found)


def test_a_valence_facet_filters(page: Page, base_url: str, package: Package) -> None:
    page.goto(base_url + "/bloemdata/statement_codes?_facet_array=valence")
    facet = page.locator(".facet-info[data-column=valence]")
    facet.locator("a", has_text="valence-bottleneck").first.click()
    page.wait_for_url("**valence__arraycontains=valence-bottleneck**")
    expected = sorted(
        {r["statement_id"] for r in package.rows("codings") if r["code_id"] == "valence-bottleneck"}
    )
    assert expected
    assert sorted(statement_ids(page)) == expected


def test_a_statement_page_shows_its_codes(page: Page, base_url: str, package: Package) -> None:
    page.goto(base_url + "/bloemdata/statements/BL-p010-02")
    shown = page.locator("table.bloemdata-codes tbody tr td:nth-child(2)").all_inner_texts()
    expected = [r["code_id"] for r in package.rows("codings") if r["statement_id"] == "BL-p010-02"]
    assert sorted(shown) == sorted(expected)
    assert "arbeidsuitbuiting" in page.locator("body").inner_text()


def test_dashboard_draws_its_charts_without_errors(
    page: Page, base_url: str, artifacts: Path, package: Package
) -> None:
    errors: list[str] = []
    outside: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    def on_request(request: Request) -> None:
        if not request.url.startswith(base_url) and not request.url.startswith("data:"):
            outside.append(request.url)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", on_request)
    page.goto(f"{base_url}/-/dashboards/{DASHBOARD}")
    charts = page.locator(".dashboard-card-chart")
    assert charts.count() == 4
    for slug in ("code-frequencies", "valence-by-exploitation", "topics-by-actor"):
        page.locator(f"#chart-{slug} canvas, #chart-{slug} svg").first.wait_for(state="visible")
    page.locator("#chart-n-statements p").wait_for(state="visible")
    page.wait_for_load_state("networkidle")
    current = sum(s["status"] == "current" for s in package.rows("statements"))
    assert page.locator("#chart-n-statements p").inner_text() == str(current)
    page.screenshot(path=artifacts / "dashboard.png", full_page=True)
    assert errors == []
    assert outside == []  # the Vega files are served by the instance itself


def test_csv_export_downloads_and_parses_to_the_same_rows(
    page: Page, base_url: str, package: Package, tmp_path: Path
) -> None:
    page.goto(base_url + "/bloemdata/statements")
    export = page.locator("#export form")
    export.locator("input[name=_dl]").check()
    with page.expect_download() as info:
        export.locator("input[type=submit]").click()
    path = tmp_path / "statements.csv"
    info.value.save_as(path)
    schema = package.schemas["statements"]
    got = read_typed(path, schema, "statements").to_dicts()
    assert got == package.typed_rows("statements")
