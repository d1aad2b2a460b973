"""A real Datasette process serving the built package, and headless Debian Chromium to drive it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from bloemdata.core.package import Package
from bloemdata.database.build import write_database
from bloemdata.database.defaults import DOWNLOAD_WRITERS, EXTRA_TABLES
from bloemdata.database.downloads import write_downloads
from bloemdata.site.serve import prepare, running

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# On a slow machine facets would silently vanish at the production limit.
TEST_SETTINGS: dict[str, int | str] = {"facet_time_limit_ms": 10_000}


@pytest.fixture(scope="session")
def artifacts(root: Path) -> Path:
    path = root / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(scope="session")
def base_url(tmp_path_factory: pytest.TempPathFactory, root: Path) -> Iterator[str]:
    """The real package, built and served by `datasette serve` on a free loopback port."""
    dist = tmp_path_factory.mktemp("browser-dist")
    database = dist / "bloemdata.db"
    package = Package.load(root)
    write_database(package, database, tables=EXTRA_TABLES)
    write_downloads(package, dist / "downloads", DOWNLOAD_WRITERS)
    site = prepare(root, database, rebuild=False)
    with running(site, TEST_SETTINGS, log=dist / "datasette.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()
