"""Datasette plugin: a search counts its matches up to COUNT_LIMIT, then says "more than" that.

Datasette 0.65 counts every match of a `?_search=` (`select count(*) from statements where rowid in
(select rowid from statements_fts where ... match ...)`): at 1M statements `uitbuiting` matches
157,022 of them and the count alone cost ~150 ms of CPU, a lookup of every match in the table.
Here that count stops after COUNT_LIMIT + 1 matches. Up to COUNT_LIMIT the count is exact; above it
the page's heading says "More than 1,000 rows" and the JSON's `filtered_table_rows_count` is null,
what Datasette does itself when a count hits its time limit. The rows, their order, the pages and
the facets stay exactly as they were.

When the search is the only condition the capped count reads the full-text index alone (its rows
are the table's rowids: an external-content index of the table, built from it), ~3 ms at 1M;
with other filters it also stops after COUNT_LIMIT + 1 rows of the table.

The first page of a search sorted by the table's key (the default `statement_id`) is read along
the key's index when more than COUNT_LIMIT rows match (the same SQL with `+rowid`, see
`keyed_rows_sql`): SQLite stops after the page's rows instead of looking up and sorting every
match (at 1M, `uitbuiting`: ~75 instead of ~180 ms of CPU). With few matches the plan stays,
since walking the whole index would cost more. The count asked for that choice is the page's
count: it runs once.

Hooks: `startup` (wraps the database's `execute`: the count query of a searched table page has no
hook of its own in 0.65), `asgi_wrapper` (a per-request note that the count was cut; only table
pages get one, so a visitor's own SQL, `/bloemdata?sql=`, is never rewritten) and
`extra_template_vars` (`bloemdata_more_than` and `bloemdata_count_heading` for
table-bloemdata-statements.html).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from datasette import hookimpl
from datasette.database import QueryInterrupted
from markupsafe import Markup

DATABASE = "bloemdata"
COUNT_LIMIT = 1000
# Longer SQL (a page's own is ~350 characters) runs as it is: the patterns below then never cost
# more than a fraction of a millisecond, whatever a query string puts in the SQL.
MAX_SQL = 2000
# The where clause Datasette's `search_filters` writes for `?_search=` (raw or escaped mode).
SEARCH_CLAUSE = re.compile(
    r"rowid in \(select rowid from (?P<fts>\w+) where (?P=fts) match "
    r"(?P<match>escape_fts\(:search\)|:search)\)"
)
# The count query of a table page (datasette/views/table.py: f"select count(*) {from_sql}").
COUNT_SQL = re.compile(
    r"select count\(\*\) from (?P<table>\w+|\[[^\]]+\]) where (?P<where>.+) ", re.S
)

# The first page of a searched table (datasette/views/table.py: `sql`), sorted by a column.
ROWS_SQL = re.compile(
    r"select (?P<columns>.+?) from (?P<table>\w+|\[[^\]]+\]) where (?P<where>.+) "
    r"order by (?P<order>\w+)(?: desc)? limit \d+",
    re.S,
)

# Per request: "more_than" when the count was cut, and the capped counts run (by SQL and params).
_cut: ContextVar[dict[str, Any] | None] = ContextVar("bloemdata_count_cut", default=None)


def capped_count_sql(sql: str, limit: int = COUNT_LIMIT) -> str | None:
    """The count of a searched table page that stops after `limit` + 1 rows, or None when `sql`
    is not one (any other query runs as it is)."""
    count = COUNT_SQL.fullmatch(sql) if len(sql) <= MAX_SQL else None
    if count is None:
        return None
    where = count.group("where")
    search = SEARCH_CLAUSE.search(where)
    if search is None:
        return None
    # Pieces of Datasette's own count query, rearranged: nothing here comes from the request.
    if search.group() == where:  # the search alone: its matches are the index's rows
        return index_count_sql(search, limit)
    table = count.group("table")
    return f"select count(*) from (select 1 from {table} where {where} limit {limit + 1})"  # noqa: S608


def index_count_sql(search: re.Match[str], limit: int) -> str:
    """The count of a search's matches in its full-text index, stopping after `limit` + 1."""
    fts, match = search.group("fts"), search.group("match")
    return f"select count(*) from (select rowid from {fts} where {fts} match {match} limit {limit + 1})"  # noqa: E501, S608


def keyed_rows_sql(sql: str, keys: dict[str, str]) -> tuple[str, re.Match[str]] | None:
    """The first page of a table searched and sorted by its key (`keys`: table -> key column),
    with the search's rowid test kept off the rowid index (`+rowid`), and the search clause; None
    for any other query.

    SQLite then walks the key's index in order and stops at the page's end, instead of looking
    up and sorting every match: worth it when many rows match. The same rows: a unary `+`
    changes no value, only the plan."""
    rows = ROWS_SQL.fullmatch(sql) if len(sql) <= MAX_SQL else None
    if rows is None or keys.get(rows.group("table")) != rows.group("order"):
        return None
    search = SEARCH_CLAUSE.fullmatch(rows.group("where"))
    if search is None:
        return None
    return sql.replace(search.group(), "+" + search.group(), 1), search


Execute = Callable[..., Awaitable[Any]]


def capping(
    execute: Execute, keys: dict[str, str] | None = None, limit: int = COUNT_LIMIT
) -> Execute:
    """`execute` with a searched table's count cut at `limit`: above it the count is interrupted
    (Datasette then shows no count, as after its time limit) and the request notes `limit`.

    The first page of a search sorted by the table's key (`keys`) is read along the key's index
    when more than `limit` rows match (`keyed_rows_sql`)."""

    async def count(sql: str, *args: Any, **kwargs: Any) -> Any:
        """Run a capped count once per request: the first page's plan and the count both ask."""
        note = _cut.get()
        key = f"{sql}\n{args[0] if args else kwargs.get('params')!r}"
        if note is None or key not in note:
            results = await execute(sql, *args, **kwargs)
            if note is None:
                return results
            note[key] = results
        return note[key]

    async def execute_capped(sql: str, *args: Any, **kwargs: Any) -> Any:
        if _cut.get() is None:  # not a table page: a visitor's own SQL runs as written
            return await execute(sql, *args, **kwargs)
        keyed = keyed_rows_sql(sql, keys or {})
        if keyed is not None:
            counted = await count(index_count_sql(keyed[1], limit), *args, **kwargs)
            if counted.rows[0][0] > limit:
                sql = keyed[0]
            return await execute(sql, *args, **kwargs)
        capped = capped_count_sql(sql, limit)
        if capped is None:
            return await execute(sql, *args, **kwargs)
        results = await count(capped, *args, **kwargs)
        if results.rows[0][0] <= limit:
            return results
        note = _cut.get()
        if note is not None:
            note["more_than"] = limit
        raise QueryInterrupted(None, sql, args[0] if args else kwargs.get("params"))

    execute_capped.bloemdata_capped = True  # type: ignore[attr-defined]  # wrapped once
    return execute_capped


@hookimpl
def startup(datasette: Any) -> Callable[[], Awaitable[None]]:
    async def wrap_execute() -> None:
        if DATABASE not in datasette.databases:
            return
        db = datasette.get_database(DATABASE)
        if getattr(db.execute, "bloemdata_capped", False):
            return
        keys = {}  # table -> its one-column primary key (an index SQLite can walk in order)
        for table in await db.table_names():
            primary = await db.primary_keys(table)
            if len(primary) == 1:
                keys[table] = primary[0]
        db.execute = capping(db.execute, keys)

    return wrap_execute


ASGIApp = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


def is_table_page(scope: dict[str, Any]) -> bool:
    """A table page of the database (`/bloemdata/statements`, `.json`, ...), not the database's
    own page, where a visitor's SQL (`?sql=`) must count exactly what it asks for."""
    if scope.get("type") != "http":
        return False
    parts = scope.get("path", "").strip("/").split("/")
    query = scope.get("query_string", b"").decode("latin-1")
    own_sql = any(p.split("=", 1)[0] == "sql" for p in query.split("&"))
    return len(parts) >= 2 and parts[0] == DATABASE and not own_sql


@hookimpl
def asgi_wrapper() -> Callable[[ASGIApp], ASGIApp]:
    def wrap(app: ASGIApp) -> ASGIApp:
        async def noting_cut_counts(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if not is_table_page(scope):
                await app(scope, receive, send)
                return
            token = _cut.set({})
            try:
                await app(scope, receive, send)
            finally:
                _cut.reset(token)

        return noting_cut_counts

    return wrap


def more_than() -> int | None:
    """COUNT_LIMIT when this request's count was cut, else None."""
    return (_cut.get() or {}).get("more_than")


def count_heading(page: Markup, limit: int) -> Markup:
    """Datasette's table page with "More than N rows" where its heading shows no count."""
    return Markup(str(page).replace("<h3>", f"<h3>More than {limit:,} rows", 1))  # noqa: S704 - our own page and an int


@hookimpl
def extra_template_vars() -> dict[str, Any]:
    return {"bloemdata_more_than": more_than(), "bloemdata_count_heading": count_heading}
