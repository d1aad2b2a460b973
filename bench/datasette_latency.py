"""p50/p95 response times of the published instance's pages, against a real `datasette serve`.

Validates and builds the package (`bloemdata.site.serve.prepare`, as `bloemdata serve` does), starts
Datasette with the production settings on a free loopback port, warms up, then requests each page
kind N times in turn:

* table: the statements table page (HTML);
* search: the statements table searched for `uitbuiting` (trigram FTS);
* facet: the codings table faceted by code, and the statement_codes view with its array facets;
* dashboard: the dashboard page plus the JSON data of each of its charts (what a browser fetches,
  the Vega files aside, which are static).

Example: python -m bench.datasette_latency --package . --requests 50
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import httpx

from bloemdata.core.package import Package
from bloemdata.site.metadata import DASHBOARD, dashboard
from bloemdata.site.serve import prepare, running


def page_sets(package: Package) -> dict[str, list[str]]:
    charts = dashboard(package)["charts"].values()
    chart_data = [f"/{c['db']}.json?sql={quote(c['query'])}&_shape=objects" for c in charts]
    return {
        "table": ["/bloemdata/statements"],
        "search": ["/bloemdata/statements?_search=uitbuiting"],
        "facet": ["/bloemdata/codings?_facet=code_id", "/bloemdata/statement_codes"],
        "dashboard": [f"/-/dashboards/{DASHBOARD}", *chart_data],
    }


def measure(url: str, pages: dict[str, list[str]], requests: int) -> dict[str, dict[str, float]]:
    results: dict[str, list[float]] = {kind: [] for kind in pages}
    with httpx.Client(base_url=url, timeout=30) as client:
        for paths in pages.values():  # warm up caches and connections
            for path in paths:
                client.get(path).raise_for_status()
        for _ in range(requests):
            for kind, paths in pages.items():
                start = time.perf_counter()
                for path in paths:
                    client.get(path).raise_for_status()
                results[kind].append((time.perf_counter() - start) * 1000)
    return {
        kind: {
            "p50_ms": round(statistics.median(times), 2),
            "p95_ms": round(statistics.quantiles(times, n=20, method="inclusive")[18], 2),
            "requests": len(times),
        }
        for kind, times in results.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", type=Path, default=Path())
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--output", type=Path, default=Path("bench-results/datasette_latency.json"))
    args = parser.parse_args()
    package = Package.load(args.package)
    with tempfile.TemporaryDirectory() as tmp:
        site = prepare(args.package, Path(tmp) / "bloemdata.db")
        statements = len(package.rows("statements"))
        with running(site) as url:
            summary = measure(url, page_sets(package), args.requests)
    print(f"Datasette latency, {statements} statements, {args.requests} requests per page kind")
    print(f"{'page':<10} {'p50 ms':>8} {'p95 ms':>8}")
    for kind, stats in summary.items():
        print(f"{kind:<10} {stats['p50_ms']:>8.1f} {stats['p95_ms']:>8.1f}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    report = {"statements": statements, "pages": page_sets(package), "results": summary}
    args.output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
