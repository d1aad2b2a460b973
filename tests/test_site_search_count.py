"""The capped count of a searched table (site/plugins/search_count.py): the same rows, pages and
facets as Datasette without the plugin, the exact count up to COUNT_LIMIT and "more than" above.

Two real `datasette serve` of one synthetic package large enough for a search with more than
COUNT_LIMIT matches: one with the site's plugins, one with them all but search_count.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import sqlite3
from collections.abc import Iterator
from types import ModuleType
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from bench.generate import generate
from markupsafe import escape

from bloemdata.core.package import Package
from bloemdata.database.build import write_database
from bloemdata.database.defaults import EXTRA_TABLES
from bloemdata.database.layout import DATABASE_NAME, FTS_TABLE
from bloemdata.site import PLUGINS_DIR
from bloemdata.site.serve import Site, prepare, running

DB = DATABASE_NAME
# A word of the synthetic text (in ~1 statement of 6), two of them, a phrase, none.
TERMS = ("uitbuiting", "uitbuiting jeugdzorg", '"sociale media"', "zzzqqq")


def _plugin(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, PLUGINS_DIR / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


search_count, search = _plugin("search_count"), _plugin("search")
LIMIT: int = search_count.COUNT_LIMIT


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    root = tmp_path_factory.mktemp("count")
    generate(root / "pkg", 8 * LIMIT, seed=5)
    dist = root / "dist"
    dist.mkdir()
    database = dist / f"{DB}.db"
    write_database(Package.load(root / "pkg"), database, tables=EXTRA_TABLES)
    (dist / "downloads").mkdir()
    return prepare(root / "pkg", database, rebuild=False)


@pytest.fixture(scope="module")
def servers(site: Site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(with the plugin, without it): base URLs."""
    without = tmp_path_factory.mktemp("plugins")
    for plugin in PLUGINS_DIR.glob("*.py"):
        if plugin.name != "search_count.py":
            shutil.copy2(plugin, without)
    settings: dict[str, int | str] = {"sql_time_limit_ms": 20_000, "facet_time_limit_ms": 20_000}
    with running(site, settings) as capped, running(site, settings, plugins=without) as plain:
        yield capped, plain


def matches(site: Site, term: str) -> int:
    """How many statements the trigram index finds for `term` (read from the database)."""
    with sqlite3.connect(f"file:{site.database}?mode=ro", uri=True) as conn:
        sql = f"select count(*) from {FTS_TABLE} where {FTS_TABLE} match ?"  # noqa: S608 - a constant
        return int(conn.execute(sql, (search.escape_fts(term),)).fetchone()[0])


def get(url: str, path: str) -> Any:
    """The page or its JSON, without the server's own address (the two servers' ports differ)."""
    response = httpx.get(url + path, timeout=60)
    assert response.status_code == 200, (path, response.text[:300])
    text = response.text.replace(url, "")
    return json.loads(text) if ".json" in path else text


def heading(page: str) -> str:
    found = re.search(r"<h3>(.*?)</h3>", page, re.S)
    assert found, page[:300]
    return " ".join(found.group(1).split())


def test_the_synthetic_package_has_searches_on_both_sides_of_the_limit(site: Site) -> None:
    counts = [matches(site, t) for t in TERMS]
    assert any(c > LIMIT for c in counts), counts
    assert any(0 < c <= LIMIT for c in counts), counts
    assert 0 in counts


@pytest.mark.parametrize("term", TERMS)
@pytest.mark.parametrize(
    "where", ["", "&column=left", "&position__gte=3", "&_sort_desc=statement_id", "&_sort=page"]
)
def test_same_rows_pages_and_facets_as_without_the_plugin(
    servers: tuple[str, str], site: Site, term: str, where: str
) -> None:
    capped, plain = servers
    path = f"/{DB}/statements.json?_search={quote(term)}{where}&_size=50"
    with_plugin, without = get(capped, path), get(plain, path)
    assert with_plugin["rows"] == without["rows"]
    assert with_plugin["facet_results"] == without["facet_results"]
    assert with_plugin["next"] == without["next"]
    exact = without["filtered_table_rows_count"]
    assert exact is not None
    expected = exact if exact <= LIMIT else None
    assert with_plugin["filtered_table_rows_count"] == expected
    if with_plugin["next"]:  # the second page as well
        after = f"{path}&_next={quote(with_plugin['next'])}"
        assert get(capped, after)["rows"] == get(plain, after)["rows"]


@pytest.mark.parametrize("term", TERMS)
def test_the_heading_says_more_than_the_limit_or_the_exact_count(
    servers: tuple[str, str], site: Site, term: str
) -> None:
    capped, plain = servers
    path = f"/{DB}/statements?_search={quote(term)}"
    with_plugin, without = get(capped, path), get(plain, path)
    exact = matches(site, term)
    description = escape(f'where search matches "{term}" sorted by statement_id')
    if exact > LIMIT:
        assert heading(with_plugin) == f"More than {LIMIT:,} rows {description}"
        assert f"<title>{DB}: statements: more than {LIMIT:,} rows {description}</title>" in (
            with_plugin
        )
        assert heading(without) == f"{exact:,} rows {description}"
    else:
        assert heading(with_plugin) == heading(without)
        assert "More than" not in with_plugin
    rows = re.findall(r'<td class="col-statement_id[^"]*"[^>]*>(.*?)</td>', with_plugin, re.S)
    assert rows == re.findall(r'<td class="col-statement_id[^"]*"[^>]*>(.*?)</td>', without, re.S)


def test_a_page_without_search_counts_every_row(servers: tuple[str, str], site: Site) -> None:
    capped, _ = servers
    with sqlite3.connect(f"file:{site.database}?mode=ro", uri=True) as conn:
        statements = conn.execute("select count(*) from statements").fetchone()[0]
    assert statements > LIMIT
    page = get(capped, f"/{DB}/statements.json?page__gte=1")
    assert page["filtered_table_rows_count"] == statements


@pytest.mark.parametrize("term", TERMS)
def test_a_visitor_s_own_count_sql_is_exact(
    servers: tuple[str, str], site: Site, term: str
) -> None:
    """The same SQL as a table page's count, typed into the SQL editor, is never capped."""
    capped, _ = servers
    own = sql("select count(*) from statements where {search} ")
    got = get(capped, f"/{DB}.json?sql={quote(own)}&search={quote(term)}&_shape=array")
    assert got == [{"count(*)": matches(site, term)}]


def sql(template: str, **more: str) -> str:
    """An SQL text of the test with the FTS table, its search clause and the limit filled in."""
    clause = "rowid in (select rowid from {fts} where {fts} match escape_fts(:search))"
    return template.format(search=clause, limit=LIMIT + 1, **more).format(fts=FTS_TABLE)


def test_only_the_count_of_a_searched_table_is_rewritten() -> None:
    alone = search_count.capped_count_sql(sql("select count(*) from statements where {search} "))
    assert alone == sql(
        "select count(*) from (select rowid from {{fts}} where {{fts}} match escape_fts(:search)"
        " limit {limit})"
    )
    other = sql('select count(*) from statements where "page" >= :p0 and {search} ')
    assert search_count.capped_count_sql(other) == sql(
        'select count(*) from (select 1 from statements where "page" >= :p0 and {search} '
        "limit {limit})"
    )
    for text in (
        "select count(*) from statements ",
        sql("select statement_id from statements where {search} order by statement_id limit 101"),
        'select count(*) from statements where "page" >= :p0 ',
        sql("select count(*) from (select * from statements where {search} )"),
    ):
        assert search_count.capped_count_sql(text) is None, text


def test_only_a_search_s_first_page_by_the_key_is_read_along_the_key() -> None:
    keys = {"statements": "statement_id"}
    first = sql(
        "select statement_id, [column] from statements where {search} order by statement_id"
    )
    for page in (f"{first} limit 101", f"{first} desc limit 101"):
        rewritten = search_count.keyed_rows_sql(page, keys)
        assert rewritten is not None
        assert rewritten[0] == page.replace(" where rowid in ", " where +rowid in ", 1)
    plain = "select statement_id from statements where {search} "
    by_page = sql(plain + "order by page limit 101")
    filtered = sql(plain + "and page = :p0 order by statement_id limit 101")
    assert search_count.keyed_rows_sql(by_page, keys) is None  # no index walks by page
    assert search_count.keyed_rows_sql(filtered, keys) is None  # the search alone only
    assert search_count.keyed_rows_sql(sql(plain + "order by statement_id limit 101"), {}) is None


def test_long_sql_runs_as_it_is() -> None:
    """A query string can put column names (" from x where ...") into the page's SQL: past
    MAX_SQL characters no pattern is tried on it."""
    names = " and ".join(f'"from x where {i}" = :p{i}' for i in range(200))
    count = sql("select count(*) from statements where {names} and {search} ", names=names)
    assert len(count) > search_count.MAX_SQL
    assert search_count.capped_count_sql(count) is None
    short = sql("select count(*) from statements where {names} and {search} ", names=names[:99])
    assert search_count.capped_count_sql(short) is not None
