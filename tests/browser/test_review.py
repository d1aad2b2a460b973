"""The review page of `page propose`, in headless Chromium: every statement on its own colour."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from playwright.sync_api import Page

from bloemdata.cli import cli
from bloemdata.core.package import Package

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_review_page_shows_each_statement_in_its_own_colour(
    page: Page, root: Path, package: Package, artifacts: Path, tmp_path: Path
):
    row = package.rows("pages")[0]
    result = CliRunner().invoke(
        cli,
        ["page", "propose", str(root / row["path"]), "--page", row["page"], "--output",
         str(tmp_path), "--package", str(root)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    proposed = (tmp_path / f"page-p{int(row['page']):03d}.txt").read_text(encoding="utf-8")
    count = len([p for p in proposed.split("\n\n") if p.strip()])
    page.goto((tmp_path / f"page-p{int(row['page']):03d}.html").as_uri())
    page.screenshot(path=artifacts / "review-page.png", full_page=True)
    assert page.locator("ol > li").count() == count
    colours = page.evaluate(
        """n => Array.from({length: n}, (_, i) => {
             const span = document.querySelector(`pre span.s${i + 1}`);
             return span ? getComputedStyle(span).backgroundColor : null;
           })""",
        count,
    )
    assert None not in colours
    assert len(set(colours)) == count  # no two statements share a colour
    frame = page.locator("pre span.frame")
    assert frame.count() == 2  # the heading and the footer
    assert frame.first.evaluate("e => getComputedStyle(e).textDecorationLine") == "line-through"
