"""Datasette plugin: full-text search a researcher can trust.

- Diacritics are ignored both ways: the index holds the text folded (bloemdata.database.build) and
  `escape_fts`, which Datasette's table search and the `search` canned query call, folds the query
  the same way: `ideeen` finds `ideeën` and `ideeën` finds `ideeen`.
- A term shorter than three characters cannot be searched by a trigram index (alone it matches
  nothing; next to longer terms SQLite silently ignores it): `escape_fts` leaves it out, and the
  page says so (`bloemdata_short_terms` in table-bloemdata-statements.html and
  query-bloemdata-search.html) instead of silently nothing.
- Matches are marked with `<mark>` in the `text` and `text_en` cells of a searched table page.

Hooks: `prepare_connection` (replaces Datasette's `escape_fts`), `extra_template_vars` (the short
terms), `asgi_wrapper` (remembers the request's search for `render_cell`, whose 0.65 hook has no
request) and `render_cell` (the marks). `fold` is a copy of bloemdata.database.fold.fold (a
deployment does not install bloemdata; tests/test_fold.py checks the two agree).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any
from urllib.parse import parse_qs

from datasette import hookimpl
from markupsafe import Markup, escape

MIN_TERM = 3  # the trigram tokenizer matches nothing shorter
HIGHLIGHTED = ("text", "text_en")
SEARCH_PARAMS = {"_search", "q"}  # the table's search box, the `search` canned query
_TERMS = re.compile(r'"([^"]*)"?|(\S+)')
_search: ContextVar[str] = ContextVar("bloemdata_search", default="")


class _Folding(dict[int, str]):
    def __missing__(self, code: int) -> str:
        char = chr(code)
        base = "".join(
            c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
        )
        self[code] = base if len(base) == 1 else char
        return self[code]


_FOLDING = _Folding()
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")  # only these runs are looked up (most text is ASCII)


def _fold_run(match: re.Match[str]) -> str:
    return match.group().translate(_FOLDING)


def fold(text: str | None) -> str | None:
    """`text` without diacritics, one character for one (`ideeën` -> `ideeen`, `ß` stays)."""
    if text is None or text.isascii():
        return text
    return _NON_ASCII.sub(_fold_run, text)


def terms(query: str) -> list[str]:
    """The query's words and "quoted phrases" (a phrase without its quotes)."""
    found = []
    for match in _TERMS.finditer(query):
        term = match.group(2) if match.group(2) is not None else (match.group(1) or "").strip()
        if term:
            found.append(term)
    return found


def short_terms(query: str) -> list[str]:
    """Terms too short for the trigram index."""
    return [t for t in terms(query) if len(t) < MIN_TERM]


def escape_fts(query: str) -> str:
    """The query as FTS5 phrases, folded, without the terms too short to match."""
    kept = [t for t in terms(query) if len(t) >= MIN_TERM] or terms(query)
    return " ".join('"{}"'.format(fold(t).replace('"', "")) for t in kept)  # type: ignore[union-attr]


def marked(value: str, query: str) -> Markup | None:
    """`value` with the query's searchable terms wrapped in <mark>, or None when none occurs."""
    folded = (fold(value) or "").casefold()
    if len(folded) != len(value):  # casefold changed a length (e.g. ß): leave the cell as it is
        return None
    spans: list[tuple[int, int]] = []
    for term in terms(query):
        needle = (fold(term) or "").casefold()
        if len(needle) < MIN_TERM:
            continue
        start = folded.find(needle)
        while start != -1:
            spans.append((start, start + len(needle)))
            start = folded.find(needle, start + 1)
    if not spans:
        return None
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, at = [], 0
    for start, end in merged:
        out += [
            escape(value[at:start]),
            Markup("<mark>"),
            escape(value[start:end]),
            Markup("</mark>"),
        ]
        at = end
    out.append(escape(value[at:]))
    return Markup("").join(out)


def _query_of(args: Any) -> str:
    for name in SEARCH_PARAMS:
        if args.get(name):
            return str(args.get(name))
    return ""


@hookimpl(trylast=True)
def prepare_connection(conn: Any) -> None:
    # trylast: runs after Datasette's own datasette.sql_functions registered escape_fts, and
    # replaces it on the connection.
    conn.create_function("escape_fts", 1, escape_fts, deterministic=True)


@hookimpl
def extra_template_vars(request: Any) -> dict[str, Any]:
    query = _query_of(request.args) if request is not None else ""
    short = short_terms(query)
    return {
        "bloemdata_short_terms": short,
        "bloemdata_nothing_searched": bool(short) and len(short) == len(terms(query)),
        "bloemdata_min_term": MIN_TERM,
    }


ASGIApp = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


@hookimpl
def asgi_wrapper() -> Callable[[ASGIApp], ASGIApp]:
    def wrap(app: ASGIApp) -> ASGIApp:
        async def remembering_search(scope: dict[str, Any], receive: Any, send: Any) -> None:
            query = ""
            if scope.get("type") == "http" and b"_search" in scope.get("query_string", b""):
                args = parse_qs(scope["query_string"].decode("utf-8", "replace"))
                query = (args.get("_search") or [""])[0]
            token = _search.set(query)
            try:
                await app(scope, receive, send)
            finally:
                _search.reset(token)

        return remembering_search

    return wrap


@hookimpl
def render_cell(value: Any, column: str, table: str | None) -> Markup | None:
    query = _search.get()
    if not query or table is None or column not in HIGHLIGHTED or not isinstance(value, str):
        return None
    return marked(value, query)
