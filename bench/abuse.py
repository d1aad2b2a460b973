"""What rejected queries cost everyone else: a page's wait and the log's growth (issue 12).

Against a real `datasette serve` of a built database on a free loopback port (127.0.0.1 only),
with the shipped settings and plugins: the statements table page is loaded `pages` times alone,
then again while `clients` clients send `rejected` rejected queries each (`?sql=delete ...`, a
missing table, two statements at once, in turn). Reported: the page's p50/max alone and under
abuse, the extra wait (p50 under abuse minus p50 alone; goal <= 100 ms), and the log's growth per
rejected query (goal <= 1 KB). With `--before` the same run against Datasette's default error
handler (the site's plugins without `quiet_errors.py`): the figures of the issue's "before".
Bounded: clients x rejected + 2 x pages requests, each with a 60 s timeout.

Example: python -m bench.abuse --package /tmp/bloemdata-bench/100k --before
"""

from __future__ import annotations

import json
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import click
import httpx

REJECTED_SQL = (
    "delete from statements",
    "select * from no_such_table",
    "select 1; drop table codings",
)
PAGE = "/bloemdata/statements"
QUIET_PLUGIN = "quiet_errors.py"


def _timed_get(client: httpx.Client, path: str, **kw: Any) -> tuple[float, int]:
    started = time.perf_counter()
    status = client.get(path, **kw).status_code
    return (time.perf_counter() - started) * 1000, status


def _pages(client: httpx.Client, count: int) -> list[float]:
    times = []
    for _ in range(count):
        elapsed, status = _timed_get(client, PAGE)
        if status != 200:
            raise RuntimeError(f"{PAGE} answered {status}")
        times.append(elapsed)
    return times


def measure_url(url: str, log: Path, clients: int, rejected: int, pages: int) -> dict[str, Any]:
    """The measurement against a running server whose output goes to `log`."""
    with httpx.Client(base_url=url, timeout=60) as client:
        _pages(client, 2)  # warm up
        alone = _pages(client, pages)
        time.sleep(0.3)  # let the access lines of the warm-up reach the log
        log_before = log.stat().st_size
        statuses: list[int] = []
        lock = threading.Lock()
        start = threading.Barrier(clients + 1)

        def abuse() -> None:
            with httpx.Client(base_url=url, timeout=60) as own:
                start.wait()
                for i in range(rejected):
                    sql = REJECTED_SQL[i % len(REJECTED_SQL)]
                    _, status = _timed_get(own, "/bloemdata", params={"sql": sql})
                    with lock:
                        statuses.append(status)

        threads = [threading.Thread(target=abuse) for _ in range(clients)]
        for thread in threads:
            thread.start()
        start.wait()
        started = time.perf_counter()
        under: list[float] = []
        while any(t.is_alive() for t in threads) or not under:
            under += _pages(client, 1)
        for thread in threads:
            thread.join()
        abuse_seconds = time.perf_counter() - started
        time.sleep(0.5)  # the last access lines (and any traceback) reach the log
        with log.open("rb") as handle:
            handle.seek(log_before)
            grown = handle.read()
    sent = clients * rejected
    # the page loads during the abuse wrote their access lines too: count only the rest
    page_line = f'"GET {PAGE} HTTP/1.1" 200'.encode()
    rest = b"".join(line for line in grown.splitlines(keepends=True) if page_line not in line)
    log_bytes = len(grown)
    per_rejected = len(rest) / sent
    p50_alone, p50_under = statistics.median(alone), statistics.median(under)
    return {
        "clients": clients,
        "rejected_per_client": rejected,
        "rejected_statuses": sorted(set(statuses)),
        "page": PAGE,
        "page_alone_p50_ms": round(p50_alone, 1),
        "page_alone_max_ms": round(max(alone), 1),
        "page_under_abuse_p50_ms": round(p50_under, 1),
        "page_under_abuse_max_ms": round(max(under), 1),
        "page_loads_under_abuse": len(under),
        "extra_wait_ms": round(p50_under - p50_alone, 1),
        "extra_wait_max_ms": round(max(under) - p50_alone, 1),
        "abuse_seconds": round(abuse_seconds, 2),
        "log_bytes": log_bytes,
        "tracebacks_in_log": rest.count(b"Traceback"),
        "log_bytes_per_rejected": round(per_rejected, 1),
    }


def measure(
    package_path: Path,
    database: Path,
    *,
    clients: int = 4,
    rejected: int = 5,
    pages: int = 10,
    before: bool = False,
) -> dict[str, Any]:
    """After (the shipped plugins) and, with `before`, Datasette's default error handler."""
    from bloemdata.site import PLUGINS_DIR  # noqa: PLC0415 - heavy imports: only here
    from bloemdata.site.serve import prepare, running  # noqa: PLC0415

    site = prepare(package_path, database, rebuild=False)
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bloemdata-abuse-") as work:
        runs = {"after": PLUGINS_DIR}
        if before:
            default = Path(work) / "plugins-without-quiet-errors"
            shutil.copytree(
                PLUGINS_DIR, default, ignore=shutil.ignore_patterns(QUIET_PLUGIN, "__pycache__")
            )
            runs = {"before (Datasette's default handler)": default, **runs}
        for name, plugins in runs.items():
            log = Path(work) / f"{len(results)}.log"
            with running(site, log=log, plugins=plugins) as url:
                results[name] = measure_url(url, log, clients, rejected, pages)
    return results


@click.command()
@click.option(
    "--package",
    "package_path",
    type=click.Path(path_type=Path),
    required=True,
    help="A package folder.",
)
@click.option(
    "--database",
    type=click.Path(path_type=Path),
    default=None,
    help="Its built bloemdata.db (default: build one in a temporary folder).",
)
@click.option("--before", is_flag=True, help="Also measure Datasette's default error handler.")
@click.option("--pages", default=10, show_default=True, help="Page loads alone.")
def main(package_path: Path, database: Path | None, before: bool, pages: int) -> None:
    """Measure what 4 clients x 5 rejected queries cost a page and the log; print JSON.

    Example: python -m bench.abuse --package . --before
    """
    with tempfile.TemporaryDirectory(prefix="bloemdata-abuse-db-") as work:
        if database is None:
            from bloemdata.core.package import Package  # noqa: PLC0415
            from bloemdata.database.build import write_database  # noqa: PLC0415

            database = Path(work) / "bloemdata.db"
            write_database(Package.load(package_path), database)
            (database.parent / "downloads").mkdir()
        click.echo(
            json.dumps(measure(package_path, database, pages=pages, before=before), indent=2)
        )


if __name__ == "__main__":
    main()


# --- rows of bench/run.py's table -------------------------------------------------------------

GOAL_EXTRA_MS = 100
GOAL_LOG_BYTES = 1024


def render(label: str, result: dict[str, Any]) -> list[str]:
    lines = [f"Abuse at {label}: {PAGE} alone vs while 4 clients x 5 rejected queries"]
    for name, r in result.items():
        lines.append(
            f"  {name:<38} p50 {r['page_alone_p50_ms']:>7.1f} ->"
            f" {r['page_under_abuse_p50_ms']:>8.1f}"
            f" ms (max {r['page_under_abuse_max_ms']:.0f}), +{r['extra_wait_ms']:.0f} ms;"
            f" log {r['log_bytes_per_rejected']:.0f} B/query, {r['tracebacks_in_log']} tracebacks"
        )
    return lines


def goals(label: str, result: dict[str, Any] | None) -> list[dict[str, Any]]:
    after = (result or {}).get("after")
    extra = after["extra_wait_ms"] if after else None
    per_query = after["log_bytes_per_rejected"] if after else None
    note = f"max +{after['extra_wait_max_ms']} ms" if after else ""
    return [
        {
            "goal": f"abuse at {label}: page waits <= {GOAL_EXTRA_MS} ms longer (p50)",
            "measured": extra,
            "limit": f"<= {GOAL_EXTRA_MS} ms",
            "met": None if extra is None else extra <= GOAL_EXTRA_MS,
            "note": note,
        },
        {
            "goal": f"abuse at {label}: log grows <= 1 KB per rejected query",
            "measured": per_query,
            "limit": f"<= {GOAL_LOG_BYTES} B",
            "met": None if per_query is None else per_query <= GOAL_LOG_BYTES,
            "note": "",
        },
    ]
