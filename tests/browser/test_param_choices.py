"""In Chromium, a canned query's code is chosen from the codebook's labels and the query runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from bloemdata.core.package import Package

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_statements_by_code_is_chosen_from_labels(
    page: Page, base_url: str, package: Package, artifacts: Path
) -> None:
    current = {r["statement_id"] for r in package.rows("statements") if r["status"] == "current"}
    codings = [r for r in package.rows("codings") if r["statement_id"] in current]
    code = max(
        (r for r in package.rows("codes") if r["codable"] == "true"),
        key=lambda c: sum(k["code_id"] == c["code_id"] for k in codings),
    )
    page.goto(base_url + "/bloemdata/statements_by_code")
    select = page.locator('form select[name="code_id"]')
    assert page.locator('form input[name="code_id"]').count() == 0
    select.select_option(label=select.locator(f'option[value="{code["code_id"]}"]').inner_text())
    page.screenshot(path=artifacts / "canned-query-code-choices.png")
    page.locator('form input[type="submit"]').click()
    page.wait_for_load_state()
    rows = page.locator("table.rows-and-columns tbody tr").count()
    assert rows == sum(k["code_id"] == code["code_id"] for k in codings)
    assert page.locator('form select[name="code_id"]').input_value() == code["code_id"]
