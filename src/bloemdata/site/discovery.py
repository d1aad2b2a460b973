"""What crawlers may read: robots.txt and the sitemap's pages.

Index the home page, the database page, every table page, the dashboard and the downloads; keep
crawlers off what is expensive or endless: anything with a query string (`?sql=`, `?_facet=`,
`?_sort=`, `?_next=`, filters, canned-query parameters), the `.json`/`.csv` exports of pages,
row-by-row pages, the whole database file and Datasette's `/-/` pages. Google-style patterns
(`*`, and the longest matching rule wins, so `Allow: /downloads/` beats `Disallow: /*.csv`).
"""

from __future__ import annotations

from collections.abc import Sequence

from bloemdata.database.layout import DATABASE_NAME


def robots_lines(tables: Sequence[str], downloads_url: str, dashboard_url: str) -> list[str]:
    """The rules of robots.txt (the plugin adds `Sitemap:` with the serving host's URL)."""
    lines = ["User-agent: *", f"Allow: {downloads_url}", f"Allow: {dashboard_url}"]
    lines += ["Allow: /-/static/", "Allow: /-/static-plugins/"]
    lines += ["Disallow: /*?", "Disallow: /*.json", "Disallow: /*.csv", "Disallow: /-/"]
    lines.append(f"Disallow: /{DATABASE_NAME}.db")
    lines += [f"Disallow: /{DATABASE_NAME}/{table}/" for table in tables]
    return lines


def sitemap_paths(tables: Sequence[str], downloads: Sequence[str], dashboard_url: str) -> list[str]:
    """The pages worth indexing, site-relative: home, database, tables, dashboard, downloads."""
    pages = ["/", f"/{DATABASE_NAME}"]
    pages += [f"/{DATABASE_NAME}/{table}" for table in tables]
    return [*pages, dashboard_url, *downloads]
