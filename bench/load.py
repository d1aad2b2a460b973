"""A bounded load test of the public instance (issue 12): many readers at once.

`clients` concurrent clients (threads, one connection each) against a real `datasette serve` of a
built database on a free loopback port (127.0.0.1 only), with the shipped settings and plugins.
Each client walks a mix of the pages readers open, in turn from a different starting point: the
table page, a facet, a search, a row page, the dashboard with its charts' JSON and every canned
query (the page kinds of bench/run.py's Datasette rows, plus a row page). Bounded twice: at most
`requests` requests per client and at most `seconds` of wall time; each request has a 60 s
timeout. Reported: p50/p95/p99 over all requests and per page kind, errors (a non-200 answer or
a failed request), requests per second, and whether the server still answers afterwards.

Example: python -m bench.load --package /tmp/bloemdata-bench/100k --clients 8 --requests 40
"""

from __future__ import annotations

import json
import math
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import click
import httpx


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def page_mix(package_path: Path) -> list[tuple[str, str]]:
    """(kind, path) for every page of the mix, a row page of the first statement included."""
    from bench.datasette_latency import page_sets  # noqa: PLC0415 - heavy imports: only here
    from bench.run import PARAM_VALUES  # noqa: PLC0415
    from bloemdata.core.package import Package  # noqa: PLC0415
    from bloemdata.site.metadata import canned_queries  # noqa: PLC0415

    package = Package.load(package_path)
    mix = [(kind, path) for kind, paths in page_sets(package).items() for path in paths]
    for name, query in canned_queries(package).items():
        params = {p: PARAM_VALUES.get(p, "") for p in query.get("params", [])}
        mix.append((f"canned {name}", f"/bloemdata/{name}?{urlencode(params)}"))
    first = next(iter(package.rows("statements")))["statement_id"]
    mix.append(("row", f"/bloemdata/statements/{first}"))
    return mix


def _stats(times: list[float]) -> dict[str, float | int]:
    return {
        "requests": len(times),
        "p50_ms": round(percentile(times, 50), 1) if times else None,
        "p95_ms": round(percentile(times, 95), 1) if times else None,
        "p99_ms": round(percentile(times, 99), 1) if times else None,
    }


def measure_url(
    url: str, mix: list[tuple[str, str]], clients: int, requests: int, seconds: float
) -> dict[str, Any]:
    """Run the load against a running server."""
    timings: list[tuple[str, float]] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)
    deadline = [0.0]

    def client(index: int) -> None:
        with httpx.Client(base_url=url, timeout=60) as session:
            start.wait()
            for i in range(requests):
                if time.perf_counter() > deadline[0]:
                    return
                kind, path = mix[(index * len(mix) // clients + i) % len(mix)]
                began = time.perf_counter()
                try:
                    status = session.get(path).status_code
                except httpx.HTTPError as exc:
                    status, problem = -1, f"{path}: {type(exc).__name__}"
                else:
                    problem = f"{path}: {status}"
                elapsed = (time.perf_counter() - began) * 1000
                with lock:
                    timings.append((kind, elapsed))
                    if status != 200:
                        errors.append(problem)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    deadline[0] = time.perf_counter() + seconds
    began = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    try:
        after = httpx.get(f"{url}/bloemdata/statements.json?_size=1", timeout=10).status_code
    except httpx.HTTPError:
        after = None
    kinds = sorted({kind for kind, _ in timings})
    return {
        "clients": clients,
        "requests_per_client_max": requests,
        "seconds_max": seconds,
        "pages_in_mix": len(mix),
        **_stats([t for _, t in timings]),
        "wall_s": round(wall, 2),
        "requests_per_s": round(len(timings) / wall, 1) if wall else None,
        "errors": len(errors),
        "error_examples": errors[:5],
        "answers_afterwards": after == 200,
        "per_kind": {k: _stats([t for kind, t in timings if kind == k]) for k in kinds},
    }


def measure(
    package_path: Path,
    database: Path,
    *,
    clients: int = 8,
    requests: int = 40,
    seconds: float = 120,
) -> dict[str, Any]:
    """The load test against `datasette serve` of `database` (built from `package_path`)."""
    from bloemdata.site.serve import prepare, running  # noqa: PLC0415 - heavy imports: only here

    site = prepare(package_path, database, rebuild=False)
    mix = page_mix(package_path)
    log = database.with_suffix(".load.log")
    with running(site, log=log) as url, httpx.Client(base_url=url, timeout=60) as warm:
        for _, path in mix:  # one untimed pass: caches and the inspect data, as a warm server
            warm.get(path)
        return measure_url(url, mix, clients, requests, seconds)


@click.command()
@click.option(
    "--package", "package_path", type=click.Path(path_type=Path), required=True, help="Package."
)
@click.option(
    "--database",
    type=click.Path(path_type=Path),
    default=None,
    help="Its built bloemdata.db (default: build one in a temporary folder).",
)
@click.option("--clients", default=8, show_default=True, help="Concurrent clients.")
@click.option("--requests", default=40, show_default=True, help="Requests per client (at most).")
@click.option("--seconds", default=120.0, show_default=True, help="Wall-time bound.")
def main(
    package_path: Path, database: Path | None, clients: int, requests: int, seconds: float
) -> None:
    """Run the bounded load test and print its JSON.

    Example: python -m bench.load --package . --clients 8 --requests 40
    """
    with tempfile.TemporaryDirectory(prefix="bloemdata-load-") as work:
        if database is None:
            from bloemdata.core.package import Package  # noqa: PLC0415
            from bloemdata.database.build import write_database  # noqa: PLC0415

            database = Path(work) / "bloemdata.db"
            write_database(Package.load(package_path), database)
            (database.parent / "downloads").mkdir()
        result = measure(
            package_path, database, clients=clients, requests=requests, seconds=seconds
        )
        click.echo(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()


# --- rows of bench/run.py's table -------------------------------------------------------------


def render(label: str, result: dict[str, Any]) -> list[str]:
    head = (
        f"Load at {label}: {result['clients']} clients, {result['requests']} requests in "
        f"{result['wall_s']} s ({result['requests_per_s']}/s): p50 {result['p50_ms']} ms, "
        f"p95 {result['p95_ms']} ms, p99 {result['p99_ms']} ms, {result['errors']} errors, "
        f"answers afterwards: {'yes' if result['answers_afterwards'] else 'NO'}"
    )
    lines = [head]
    lines += [
        f"  {kind:<40} p50 {s['p50_ms']:>8.1f}  p95 {s['p95_ms']:>8.1f}  p99 {s['p99_ms']:>8.1f}"
        for kind, s in result["per_kind"].items()
    ]
    return lines


def goals(label: str, result: dict[str, Any] | None) -> list[dict[str, Any]]:
    met = None if result is None else result["errors"] == 0 and result["answers_afterwards"]
    return [
        {
            "goal": f"load at {label}: 8 clients, 0 errors, answering afterwards",
            "measured": None if result is None else result["errors"],
            "limit": "0 errors",
            "met": met,
            "note": "" if result is None else f"p99 {result['p99_ms']} ms",
        }
    ]
