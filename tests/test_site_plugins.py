"""The public instance's plugins on a real `datasette serve` (site/plugins/): quiet errors,
cache headers, robots.txt, the sitemap and the home page's JSON-LD."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from xml.etree import ElementTree as ET

import httpx
import pytest

from bloemdata.core.package import Package
from bloemdata.database.build import write_database
from bloemdata.database.defaults import DOWNLOAD_WRITERS, EXTRA_TABLES
from bloemdata.database.downloads import write_downloads
from bloemdata.database.layout import DATABASE_NAME
from bloemdata.site.metadata import DASHBOARD_URL, build_metadata
from bloemdata.site.serve import SETTINGS, Site, prepare, running

REJECTED = (
    "delete from statements",
    "select * from no_such_table",
    "select 1; drop table codings",
    "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c",
)
MAX_LOG_BYTES_PER_REJECTED = 1024
TTL = SETTINGS["default_cache_ttl"]


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, root: Path
) -> Iterator[tuple[str, Site, Path]]:
    dist = tmp_path_factory.mktemp("plugins")
    package = Package.load(root)
    database = dist / f"{DATABASE_NAME}.db"
    write_database(package, database, tables=EXTRA_TABLES)
    write_downloads(package, dist / "downloads", DOWNLOAD_WRITERS)
    site = prepare(root, database, rebuild=False)
    log = dist / "datasette.log"
    with running(site, {"facet_time_limit_ms": 10_000}, log=log) as url:
        yield url, site, log


def _log_growth(log: Path, request: Callable[[], object]) -> tuple[int, str]:
    """Bytes and text the server's log grew by while answering `request()`."""
    before = log.stat().st_size
    request()
    for _ in range(100):  # uvicorn writes the access line after the body: wait for it (bounded)
        if log.stat().st_size > before:
            break
        time.sleep(0.05)
    time.sleep(0.2)  # anything printed after the access line (a traceback) comes right after it
    with log.open("rb") as handle:
        handle.seek(before)
        grown = handle.read()
    return len(grown), grown.decode("utf-8", "replace")


@pytest.mark.parametrize("sql", REJECTED)
def test_a_rejected_query_leaves_one_short_log_line_and_no_traceback(
    served: tuple[str, Site, Path], sql: str
) -> None:
    url, _, log = served
    responses = []
    size, grown = _log_growth(
        log, lambda: responses.append(httpx.get(f"{url}/{DATABASE_NAME}", params={"sql": sql}))
    )
    assert responses[0].status_code == 400
    assert "<title>" in responses[0].text  # a page for the reader (Datasette's error or query page)
    assert "Traceback" not in grown
    assert "╭" not in grown  # rich's box
    assert grown.count("\n") == 1, grown[:2000]
    assert 0 < size <= MAX_LOG_BYTES_PER_REJECTED


def test_a_rejected_json_query_answers_datasette_s_json_error(
    served: tuple[str, Site, Path],
) -> None:
    url, _, _ = served
    response = httpx.get(f"{url}/{DATABASE_NAME}.json", params={"sql": "delete from codings"})
    assert response.status_code == 400
    body = response.json()
    assert body["ok"] is False
    assert body["status"] == 400
    assert "select" in body["error"].lower()


def test_a_missing_row_and_route_are_404_pages(served: tuple[str, Site, Path]) -> None:
    url, _, log = served
    size, grown = _log_growth(log, lambda: httpx.get(f"{url}/{DATABASE_NAME}/statements/nope"))
    assert httpx.get(f"{url}/{DATABASE_NAME}/statements/nope").status_code == 404
    assert httpx.get(f"{url}/{DATABASE_NAME}/statements/-/nope/x").status_code == 404
    assert "Traceback" not in grown
    assert size <= MAX_LOG_BYTES_PER_REJECTED


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", f"public, max-age={TTL}"),
        (f"/{DATABASE_NAME}/statements", f"max-age={TTL}"),
        (f"/{DATABASE_NAME}/statements.json", f"max-age={TTL}"),
        ("/downloads/datapackage.json", f"public, max-age={TTL}"),
        ("/downloads/datapackage/statements.csv", f"public, max-age={TTL}"),
        ("/-/static/app.css", f"public, max-age={TTL}"),
        ("/robots.txt", f"public, max-age={TTL}"),
        ("/sitemap.xml", f"public, max-age={TTL}"),
    ],
)
def test_successful_answers_may_be_cached_for_the_ttl(
    served: tuple[str, Site, Path], path: str, expected: str
) -> None:
    url, _, _ = served
    response = httpx.get(url + path)
    assert response.status_code == 200
    assert response.headers["cache-control"] == expected


def test_errors_are_not_marked_cacheable(served: tuple[str, Site, Path]) -> None:
    url, _, _ = served
    response = httpx.get(f"{url}/{DATABASE_NAME}", params={"sql": "delete from codings"})
    assert response.status_code == 400
    assert "cache-control" not in response.headers
    assert "cache-control" not in httpx.get(f"{url}/downloads/nope.csv").headers


def _robots(url: str) -> list[str]:
    return httpx.get(f"{url}/robots.txt").text.splitlines()


def _blocked(rules: list[str], path: str) -> bool:
    """Google's reading of robots.txt: the longest matching rule wins, Allow on a tie."""
    best: tuple[int, bool] = (-1, False)
    for line in rules:
        kind, _, pattern = line.partition(": ")
        if kind not in {"Allow", "Disallow"}:
            continue
        regex = "".join(".*" if c == "*" else re.escape(c) for c in pattern.rstrip("$"))
        if re.match(regex + ("$" if pattern.endswith("$") else ""), path):
            candidate = (len(pattern), kind == "Disallow")
            if candidate[0] > best[0] or (candidate[0] == best[0] and not candidate[1]):
                best = candidate
    return best[1]


def test_robots_lets_crawlers_index_pages_and_downloads_only(
    served: tuple[str, Site, Path], package: Package
) -> None:
    url, _, _ = served
    rules = _robots(url)
    assert "Disallow: /" not in rules
    indexable = ["/", f"/{DATABASE_NAME}", DASHBOARD_URL, "/downloads/datapackage.json"]
    indexable += [f"/{DATABASE_NAME}/{name}" for name in package.table_names]
    indexable += ["/downloads/" + package.resource(n)["path"] for n in package.table_names]
    for path in indexable:
        assert not _blocked(rules, path), path
    expensive = [
        f"/{DATABASE_NAME}?sql=select+1",
        f"/{DATABASE_NAME}.json?sql=select+1",
        f"/{DATABASE_NAME}/codings?_facet=code_id",
        f"/{DATABASE_NAME}/statements?_search=uitbuiting",
        f"/{DATABASE_NAME}/statements?_next=100",
        f"/{DATABASE_NAME}/statements.csv",
        f"/{DATABASE_NAME}/statements.json",
        f"/{DATABASE_NAME}/statements/BL-p010-02",
        f"/{DATABASE_NAME}.db",
        "/-/versions.json",
    ]
    for path in expensive:
        assert _blocked(rules, path), path
    sitemap = [line for line in rules if line.startswith("Sitemap: ")]
    assert sitemap == [f"Sitemap: {url}/sitemap.xml"]


def test_the_sitemap_lists_the_indexable_pages(
    served: tuple[str, Site, Path], package: Package
) -> None:
    url, _, _ = served
    response = httpx.get(f"{url}/sitemap.xml")
    assert response.headers["content-type"].startswith("application/xml")
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    tree = ET.fromstring(response.content)  # noqa: S314 - our own server's answer
    locations = [e.text for e in tree.findall("s:url/s:loc", namespace)]
    rules = _robots(url)
    assert f"{url}/" in locations
    assert f"{url}/{DATABASE_NAME}/statements" in locations
    assert f"{url}/downloads/datapackage.json" in locations
    for location in locations:
        assert location
        assert location.startswith(url)
        assert not _blocked(rules, location.removeprefix(url)), location
        assert httpx.get(location).status_code == 200, location
    metadata = build_metadata(package)
    assert len(locations) == len(metadata["plugins"]["bloemdata-site"]["sitemap"])


def test_the_home_page_carries_the_dataset_as_json_ld(
    served: tuple[str, Site, Path], package: Package
) -> None:
    url, _, _ = served
    html = httpx.get(f"{url}/").text
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    assert data["@type"] == "Dataset"
    assert data["version"] == package.version
    assert data["url"] == f"{url}/"
    for download in data["distribution"]:
        assert download["contentUrl"].startswith(f"{url}/downloads/")
        response = httpx.get(download["contentUrl"])
        assert response.status_code == 200, download["contentUrl"]
        assert download["contentSize"] == f"{len(response.content)} B"
    # only the home page
    assert "application/ld+json" not in httpx.get(f"{url}/{DATABASE_NAME}/statements").text
