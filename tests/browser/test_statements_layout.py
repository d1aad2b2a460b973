"""The statements table reads well on a laptop and on a phone: the Dutch and English text in wide
columns, the ids and numbers narrow. Screenshots go to test-artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TEXT = ("text", "text_en")
NARROW = ("statement_id", "page", "section_id", "column", "position", "status")
VIEWPORTS = {"laptop": (1366, 768), "phone": (390, 844)}


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_text_columns_are_wide_and_ids_narrow(
    browser: Browser, base_url: str, artifacts: Path, device: str
) -> None:
    width, height = VIEWPORTS[device]
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        page.goto(base_url + "/bloemdata/statements?_search=uitbuiting")
        first = page.locator("table.rows-and-columns tbody tr").first
        boxes = {name: first.locator(f"td.col-{name}").bounding_box() for name in (*TEXT, *NARROW)}
        widths = {name: box["width"] for name, box in boxes.items() if box}
        font = page.evaluate(
            "parseFloat(getComputedStyle(document.querySelector('td.col-text')).fontSize)"
        )
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        page.locator("table.rows-and-columns").scroll_into_view_if_needed()
        page.screenshot(path=artifacts / f"statements-{device}.png", full_page=False)
        page.screenshot(path=artifacts / f"statements-{device}-full.png", full_page=True)
    finally:
        context.close()
    for text in TEXT:
        # at least about 30 characters a line, on a phone too
        assert widths[text] >= 15 * font, (device, text, widths)
        assert boxes[text]["x"] + widths[text] <= width, (device, text, boxes)  # type: ignore[index]
        if device != "phone":  # a phone shows each row as a card: every cell full width
            for narrow in NARROW:
                assert widths[text] >= 2 * widths[narrow], (device, text, narrow, widths)
    assert scroll_width <= width, (device, scroll_width)  # the page does not scroll sideways
    if device == "laptop":
        # both texts wholly on screen, side by side, without scrolling sideways
        right = max(box["x"] + box["width"] for box in boxes.values() if box)
        assert right <= width, (right, boxes)
        assert min(widths[t] for t in TEXT) >= 0.2 * width, widths
    assert page.is_closed()


def test_search_matches_are_marked_in_the_browser(
    browser: Browser, base_url: str, artifacts: Path
) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    try:
        page = context.new_page()
        page.goto(base_url + "/bloemdata/statements?_search=uitbuiting")
        marks = page.locator("td.col-text mark").all_inner_texts()
        page.goto(base_url + "/bloemdata/statements?_search=in")
        warning = page.locator(".bloemdata-short-terms").inner_text()
        page.screenshot(path=artifacts / "statements-search-too-short.png")
    finally:
        context.close()
    assert marks
    assert all(m.lower() == "uitbuiting" for m in marks)
    assert "too short to search" in warning
