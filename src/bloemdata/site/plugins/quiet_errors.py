"""Datasette plugin: an error page costs what a good page costs.

Datasette 0.65's own `handle_exception` (`datasette/handle_exception.py`, registered `trylast`)
prints a `rich` traceback with every local variable whenever `rich` is importable: ~0.5 s of the
single event loop and ~60 KB of log for each rejected `?sql=`. Every implementation of the hook
runs (the first answer is used), so at startup this plugin unregisters that default from
Datasette's plugin manager and answers alone, with the same page (`{status}.html` or
`error.html`, or JSON). Datasette also writes every failing query to stderr in full
(`datasette/database.py`: `ERROR: conn=..., sql = ...`, as long as the query, however long): the
reader got that message as a 400 and the access log has the request, so those lines are dropped
(`SqlErrorsDropped`). Expected
errors (400s: a rejected query, a missing row) leave only uvicorn's access-log line; an unexpected
one (500) adds one line naming it, cut to `MAX_LOGGED` characters, and no traceback.
"""

from __future__ import annotations

import sys
from typing import Any

from datasette import Response, hookimpl
from datasette.plugins import pm
from datasette.utils import add_cors_headers
from datasette.utils.asgi import Base400
from datasette.views.base import DatasetteError
from markupsafe import Markup

MAX_LOGGED = 300
DEFAULT_HANDLER = "datasette.handle_exception"  # its name in datasette.plugins.DEFAULT_PLUGINS


SQL_ERROR_PREFIX = "ERROR: conn="  # datasette.database.Database.execute's log of a failed query


class SqlErrorsDropped:
    """stderr without Datasette's per-query error lines (everything else passes through)."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        if text.startswith(SQL_ERROR_PREFIX):
            return len(text)
        return int(self.stream.write(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


@hookimpl
def startup() -> None:
    if pm.get_plugin(DEFAULT_HANDLER) is not None:
        pm.unregister(name=DEFAULT_HANDLER)
    if not isinstance(sys.stderr, SqlErrorsDropped):
        sys.stderr = SqlErrorsDropped(sys.stderr)


def _status_message_info(exception: Exception) -> tuple[int, Any, dict[str, Any], str | None]:
    if isinstance(exception, Base400):
        return exception.status, exception.args[0], {}, None
    if isinstance(exception, DatasetteError):
        message: Any = exception.message
        if exception.message_is_html:
            message = Markup(message)  # noqa: S704 - Datasette's own HTML message
        return exception.status, message, dict(exception.error_dict), exception.title
    return 500, str(exception), {}, None


@hookimpl
def handle_exception(datasette: Any, request: Any, exception: Exception) -> Any:
    async def inner() -> Response:
        status, message, info, title = _status_message_info(exception)
        if status >= 500:
            line = f"error {status} on {request.path}: {type(exception).__name__}: {exception}"
            print(line[:MAX_LOGGED].replace("\n", " "), file=sys.stderr, flush=True)  # noqa: T201
        info.update({"ok": False, "error": message, "status": status, "title": title})
        headers: dict[str, str] = {}
        if datasette.cors:
            add_cors_headers(headers)
        if request.path.split("?")[0].endswith(".json"):
            return Response.json(info, status=status, headers=headers)
        template = datasette.jinja_env.select_template([f"{status}.html", "error.html"])
        context = {
            **info,
            "urls": datasette.urls,
            "app_css_hash": datasette.app_css_hash(),
            "menu_links": list,
        }
        html = await template.render_async(context)
        return Response.html(html, status=status, headers=headers)

    return inner
