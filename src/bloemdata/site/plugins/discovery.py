"""Datasette plugin: found by search engines. The home page carries the schema.org `Dataset`
(JSON-LD), robots.txt (datasette-block-robots, rules from metadata.json) names the sitemap, and
`/sitemap.xml` lists the pages worth indexing. URLs are made absolute for the host serving the
request (Datasette's `absolute_url`, which honours the `force_https_urls` setting behind a proxy).
Config: metadata.json `plugins.bloemdata-site` `dataset_file` (the JSON-LD file, in the database's
folder: kept out of metadata.json, which Datasette deep-copies several times per request) and
`sitemap`, by bloemdata.site.metadata.
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from datasette import Response, hookimpl
from markupsafe import Markup

PLUGIN = "bloemdata-site"
DATABASE = "bloemdata"
SITEMAP_PATH = "/sitemap.xml"


def _config(datasette: Any) -> dict[str, Any]:
    return datasette.plugin_config(PLUGIN) or {}


def dataset(datasette: Any) -> dict[str, Any] | None:
    """The Dataset (site-relative URLs) from the file the config names, beside the database."""
    name = _config(datasette).get("dataset_file")
    if not isinstance(name, str) or Path(name).name != name:  # a plain file name, nothing else
        return None
    database = datasette.databases.get(DATABASE)
    if database is None or not database.path:
        return None
    path = Path(database.path).parent / name
    try:
        stat = path.stat()
    except OSError:
        return None
    return _read(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4)
def _read(path: str, mtime_ns: int, size: int) -> dict[str, Any] | None:  # noqa: ARG001 - cache key
    """The parsed file, once per version of it (the database is served immutable)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def json_ld(datasette: Any, request: Any) -> Markup | None:
    """The Dataset as a `<script type="application/ld+json">` body, safe inside HTML."""
    data = copy.deepcopy(dataset(datasette))
    if not data:
        return None
    data["url"] = datasette.absolute_url(request, "/")
    for download in data.get("distribution", []):
        download["contentUrl"] = datasette.absolute_url(request, download["contentUrl"])
    text = json.dumps(data, ensure_ascii=False, indent=1)
    # "</script>" or "<!--" in a string must not end the element: escape every "<", ">" and "&"
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # noqa: S704 - JSON with every markup character escaped


@hookimpl
def extra_template_vars(datasette: Any, request: Any, view_name: str) -> dict[str, Any]:
    if view_name != "index" or request is None:
        return {}
    return {"bloemdata_dataset_json_ld": json_ld(datasette, request)}


@hookimpl
def block_robots_extra_lines(datasette: Any, request: Any) -> list[str]:
    return [f"Sitemap: {datasette.absolute_url(request, SITEMAP_PATH)}"]


async def sitemap(datasette: Any, request: Any) -> Response:
    urls = [datasette.absolute_url(request, p) for p in _config(datasette).get("sitemap", [])]
    body = "".join(f"<url><loc>{escape(url)}</loc></url>" for url in urls)
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>\n'
    )
    return Response(xml, content_type="application/xml; charset=utf-8")


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [(r"^/sitemap\.xml$", sitemap)]
