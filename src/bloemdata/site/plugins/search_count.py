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

Hooks: `startup` (wraps the database's `execute`: the count query of a searched table page has no
hook of its own in 0.65), `asgi_wrapper` (a per-request note that the count was cut) and
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
# The where clause Datasette's `search_filters` writes for `?_search=` (raw or escaped mode).
SEARCH_CLAUSE = re.compile(
    r"rowid in \(select rowid from (?P<fts>\w+) where (?P=fts) match "
    r"(?P<match>escape_fts\(:search\)|:search)\)"
)
# The count query of a table page (datasette/views/table.py: f"select count(*) {from_sql}").
COUNT_SQL = re.compile(
    r"select count\(\*\) from (?P<table>\w+|\[[^\]]+\]) where (?P<where>.+) ", re.S
)

_cut: ContextVar[dict[str, int] | None] = ContextVar("bloemdata_count_cut", default=None)


def capped_count_sql(sql: str, limit: int = COUNT_LIMIT) -> str | None:
    """The count of a searched table page that stops after `limit` + 1 rows, or None when `sql`
    is not one (any other query runs as it is)."""
    count = COUNT_SQL.fullmatch(sql)
    if count is None:
        return None
    where = count.group("where")
    search = SEARCH_CLAUSE.search(where)
    if search is None:
        return None
    # Pieces of Datasette's own count query, rearranged: nothing here comes from the request.
    if search.group() == where:  # the search alone: its matches are the index's rows
        fts, match = search.group("fts"), search.group("match")
        return f"select count(*) from (select rowid from {fts} where {fts} match {match} limit {limit + 1})"  # noqa: E501, S608
    table = count.group("table")
    return f"select count(*) from (select 1 from {table} where {where} limit {limit + 1})"  # noqa: S608


Execute = Callable[..., Awaitable[Any]]


def capping(execute: Execute, limit: int = COUNT_LIMIT) -> Execute:
    """`execute` with a searched table's count cut at `limit`: above it the count is interrupted
    (Datasette then shows no count, as after its time limit) and the request notes `limit`."""

    async def execute_capped(sql: str, *args: Any, **kwargs: Any) -> Any:
        capped = capped_count_sql(sql, limit)
        if capped is None:
            return await execute(sql, *args, **kwargs)
        results = await execute(capped, *args, **kwargs)
        if results.rows[0][0] <= limit:
            return results
        note = _cut.get()
        if note is not None:
            note["more_than"] = limit
        raise QueryInterrupted(None, sql, args[0] if args else kwargs.get("params"))

    execute_capped.bloemdata_capped = True  # type: ignore[attr-defined]  # wrapped once
    return execute_capped


@hookimpl
def startup(datasette: Any) -> None:
    if DATABASE not in datasette.databases:
        return
    db = datasette.get_database(DATABASE)
    if not getattr(db.execute, "bloemdata_capped", False):
        db.execute = capping(db.execute)


ASGIApp = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


@hookimpl
def asgi_wrapper() -> Callable[[ASGIApp], ASGIApp]:
    def wrap(app: ASGIApp) -> ASGIApp:
        async def noting_cut_counts(scope: dict[str, Any], receive: Any, send: Any) -> None:
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
