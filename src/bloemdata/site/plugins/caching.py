"""Datasette plugin: every successful GET may be cached, for as long as data pages are.

The database is served `--immutable`: nothing a version serves ever changes. Datasette's
`default_cache_ttl` setting puts `Cache-Control: max-age=N` on its data pages (tables, rows,
queries); this wrapper gives the same lifetime, marked `public`, to the 200 answers that have no
Cache-Control of their own: the home page, the downloads (`--static`), Datasette's static assets,
the dashboard, robots.txt and the sitemap. Errors, redirects and anything already carrying a
header (Datasette sets `private, no-store` when it sets a cookie) are left alone, so a CDN or a
few read-only replicas can carry the readers. A new version is a new deployment: purge then.
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl

CACHEABLE_METHODS = ("GET", "HEAD")


@hookimpl
def asgi_wrapper(datasette: Any) -> Any:
    def wrap(app: Any) -> Any:
        async def cached(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope.get("type") != "http" or scope.get("method") not in CACHEABLE_METHODS:
                await app(scope, receive, send)
                return
            value = f"public, max-age={int(datasette.setting('default_cache_ttl'))}".encode()

            async def send_with_cache_control(message: dict[str, Any]) -> None:
                if message["type"] == "http.response.start" and message.get("status") == 200:
                    headers = list(message.get("headers", []))
                    if not any(key.lower() == b"cache-control" for key, _ in headers):
                        headers.append((b"cache-control", value))
                        message = {**message, "headers": headers}
                await send(message)

            await app(scope, receive, send_with_cache_control)

        return cached

    return wrap
