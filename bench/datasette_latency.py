"""p50/p95 response times of the published instance's pages, against a real `datasette serve`.

Validates and builds the package (`bloemdata.site.serve.prepare`, as `bloemdata serve` does), starts
Datasette with the production settings on a free loopback port, warms up, then requests each page
kind N times in turn:

* table: the statements table page (HTML);
* search: the statements table searched for `uitbuiting` (trigram FTS);
* facet: the codings table faceted by code, and the statement_codes view with its array facets;
* dashboard: the dashboard page plus the JSON data of each of its charts (what a browser fetches,
  the Vega files aside, which are static);
* search (canned), here only: the `search` canned query for `uitbuiting` (up to 1000 rows with
  their codes).

Besides wall-clock p50/p95, the server's own CPU milliseconds per request of each kind (utime +
stime of the Datasette process, from /proc on Linux): on a shared machine the wall time mostly
measures the neighbours, the CPU time what a page costs.

Example: python -m bench.datasette_latency --package . --requests 50
(or, serving an already built site: --package PKG --site /tmp/bloemdata-bench/work/1M)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import httpx

from bloemdata.core.package import Package
from bloemdata.database.layout import DATABASE_NAME
from bloemdata.site import PLUGINS_DIR
from bloemdata.site.metadata import DASHBOARD, dashboard
from bloemdata.site.serve import Site, prepare, running_process


def page_sets(package: Package) -> dict[str, list[str]]:
    charts = dashboard(package)["charts"].values()
    chart_data = [f"/{c['db']}.json?sql={quote(c['query'])}&_shape=objects" for c in charts]
    return {
        "table": ["/bloemdata/statements"],
        "search": ["/bloemdata/statements?_search=uitbuiting"],
        "facet": ["/bloemdata/codings?_facet=code_id", "/bloemdata/statement_codes"],
        "dashboard": [f"/-/dashboards/{DASHBOARD}", *chart_data],
    }


# Measured here besides page_sets (bench/run.py measures every canned query already).
CANNED_SEARCH = {"search (canned)": ["/bloemdata/search?q=uitbuiting"]}


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process so far (Linux /proc); None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(
    url: str, pages: dict[str, list[str]], requests: int, pid: int | None = None
) -> dict[str, dict[str, float]]:
    """Each kind's wall times; with the server's `pid`, also its CPU per request of each kind."""
    results: dict[str, list[float]] = {kind: [] for kind in pages}
    cpu: dict[str, float] = dict.fromkeys(pages, 0.0)
    with httpx.Client(base_url=url, timeout=30) as client:
        for paths in pages.values():  # warm up caches and connections
            for path in paths:
                client.get(path).raise_for_status()
        for _ in range(requests):
            for kind, paths in pages.items():
                before = cpu_seconds(pid) if pid else None
                start = time.perf_counter()
                for path in paths:
                    client.get(path).raise_for_status()
                results[kind].append((time.perf_counter() - start) * 1000)
                after = cpu_seconds(pid) if pid else None
                if before is not None and after is not None:
                    cpu[kind] += after - before
    return {
        kind: {
            "p50_ms": round(statistics.median(times), 2),
            "p95_ms": round(statistics.quantiles(times, n=20, method="inclusive")[18], 2),
            "requests": len(times),
            **({"server_cpu_ms": round(cpu[kind] / len(times) * 1000, 1)} if pid else {}),
        }
        for kind, times in results.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", type=Path, default=Path())
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--output", type=Path, default=Path("bench-results/datasette_latency.json"))
    parser.add_argument(
        "--site",
        type=Path,
        help="a folder already prepared for `datasette serve` (bloemdata.db, metadata.json, "
        "inspect.json, e.g. a bench run's work/1M): served as it is, read only, nothing built",
    )
    parser.add_argument(
        "--plugins",
        type=Path,
        default=PLUGINS_DIR,
        help="another plugins folder (a copy of an earlier version), for a before/after",
    )
    args = parser.parse_args()
    package = Package.load(args.package)
    with tempfile.TemporaryDirectory() as tmp:
        if args.site:
            site = Site.at(args.site / f"{DATABASE_NAME}.db")
        else:
            site = prepare(args.package, Path(tmp) / f"{DATABASE_NAME}.db")
        statements = len(package.rows("statements"))
        with running_process(site, plugins=args.plugins) as (url, process):
            pages = {**page_sets(package), **CANNED_SEARCH}
            summary = measure(url, pages, args.requests, process.pid)
    print(f"Datasette latency, {statements} statements, {args.requests} requests per page kind")
    print(f"{'page':<16} {'p50 ms':>8} {'p95 ms':>8} {'server CPU ms/request':>22}")
    for kind, stats in summary.items():
        cpu = stats.get("server_cpu_ms", float("nan"))
        print(f"{kind:<16} {stats['p50_ms']:>8.1f} {stats['p95_ms']:>8.1f} {cpu:>22.1f}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    report = {"statements": statements, "pages": pages, "results": summary}
    args.output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
