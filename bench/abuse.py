"""What rejected queries cost everyone else: a page's wait and the log's growth (issue 12).

Against a real `datasette serve` of a built database on a free loopback port (127.0.0.1 only),
with the shipped settings and plugins. In each of `rounds` rounds the statements table page is
loaded once alone, then once more started together with `clients` clients sending `rejected`
rejected queries each (`?sql=delete ...`, a missing table, two statements at once, in turn); the
pairs keep a busy machine from passing for abuse. Reported: the page's p50/max alone and under
abuse, the extra wait (median over the rounds of abused minus alone; goal <= 100 ms), and the log's
growth per rejected query, the page loads' own access lines left out (goal <= 1 KB). With
`--before` the same run against Datasette's default error handler (the site's plugins without
`quiet_errors.py`): the figures of the issue's "before". Bounded: rounds x (clients x rejected +
2) requests, each with a 60 s timeout.

Example: python -m bench.abuse --package /tmp/bloemdata-bench/100k --before
"""

from __future__ import annotations

import json
import os
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


def cpu_ms(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


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


def _abuse_round(
    url: str, client: httpx.Client, clients: int, rejected: int
) -> tuple[float, list[int]]:
    """One page load started together with `clients` x `rejected` rejected queries."""
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
    (under,) = _pages(client, 1)
    for thread in threads:
        thread.join()
    return under, statuses


def measure_url(
    url: str, log: Path, clients: int, rejected: int, *, rounds: int, pid: int
) -> dict[str, Any]:
    """Against a running server whose output goes to `log`: `rounds` pairs of a page load alone
    and one started with the abuse (paired, so a busy machine shifts both)."""
    with httpx.Client(base_url=url, timeout=60) as client:
        _pages(client, 3)  # warm up
        # CPU the server spends per page and per rejected query: what the machine's load
        # does not change (wall times on a shared machine also measure everyone else)
        cpu_before = cpu_ms(pid)
        _pages(client, rounds)
        cpu_page = (cpu_ms(pid) - cpu_before) / rounds
        cpu_before = cpu_ms(pid)
        with httpx.Client(base_url=url, timeout=60) as own:
            for i in range(clients * rejected):
                own.get("/bloemdata", params={"sql": REJECTED_SQL[i % len(REJECTED_SQL)]})
        cpu_rejected = (cpu_ms(pid) - cpu_before) / (clients * rejected)
        time.sleep(0.3)  # let the access lines of the warm-up reach the log
        log_before = log.stat().st_size
        alone: list[float] = []
        under: list[float] = []
        statuses: list[int] = []
        for _ in range(rounds):
            alone += _pages(client, 1)
            time.sleep(0.1)
            page, answered = _abuse_round(url, client, clients, rejected)
            under.append(page)
            statuses += answered
            time.sleep(0.1)
        time.sleep(0.5)  # the last access lines (and any traceback) reach the log
        with log.open("rb") as handle:
            handle.seek(log_before)
            grown = handle.read()
    sent = clients * rejected * rounds
    # the page loads wrote their access lines too: count only the rest
    page_line = f'"GET {PAGE} HTTP/1.1" 200'.encode()
    rest = b"".join(line for line in grown.splitlines(keepends=True) if page_line not in line)
    extra = [u - a for u, a in zip(under, alone, strict=True)]
    return {
        "clients": clients,
        "rejected_per_client": rejected,
        "rounds": rounds,
        "rejected_statuses": sorted(set(statuses)),
        "page": PAGE,
        "page_alone_p50_ms": round(statistics.median(alone), 1),
        "page_alone_max_ms": round(max(alone), 1),
        "page_under_abuse_p50_ms": round(statistics.median(under), 1),
        "page_under_abuse_max_ms": round(max(under), 1),
        "extra_wait_ms": round(statistics.median(extra), 1),
        "extra_wait_max_ms": round(max(extra), 1),
        "server_cpu_ms_per_page": round(cpu_page, 1),
        "server_cpu_ms_per_rejected": round(cpu_rejected, 1),
        "log_bytes": len(grown),
        "tracebacks_in_log": rest.count(b"Traceback"),
        "log_bytes_per_rejected": round(len(rest) / sent, 1),
    }


def measure(
    package_path: Path,
    database: Path,
    *,
    clients: int = 4,
    rejected: int = 5,
    rounds: int = 5,
    before: bool = False,
) -> dict[str, Any]:
    """After (the shipped plugins) and, with `before`, Datasette's default error handler."""
    from bloemdata.site import PLUGINS_DIR  # noqa: PLC0415 - heavy imports: only here
    from bloemdata.site.serve import prepare, running_process  # noqa: PLC0415

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
            with running_process(site, log=log, plugins=plugins) as (url, server):
                results[name] = measure_url(
                    url, log, clients, rejected, rounds=rounds, pid=server.pid
                )
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
@click.option("--rounds", default=5, show_default=True, help="Paired page loads (alone, abused).")
def main(package_path: Path, database: Path | None, before: bool, rounds: int) -> None:
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
            json.dumps(measure(package_path, database, rounds=rounds, before=before), indent=2)
        )


if __name__ == "__main__":
    main()


# --- rows of bench/run.py's table -------------------------------------------------------------

GOAL_EXTRA_MS = 100
GOAL_LOG_BYTES = 1024


def render(label: str, result: dict[str, Any]) -> list[str]:
    lines = [f"Abuse at {label}: {PAGE} alone vs with 4 clients x 5 rejected queries (paired)"]
    for name, r in result.items():
        lines.append(
            f"  {name:<38} p50 {r['page_alone_p50_ms']:>7.1f} ->"
            f" {r['page_under_abuse_p50_ms']:>8.1f}"
            f" ms (max {r['page_under_abuse_max_ms']:.0f}), +{r['extra_wait_ms']:.0f} ms;"
            f" log {r['log_bytes_per_rejected']:.0f} B/query, {r['tracebacks_in_log']} tracebacks;"
            f" server CPU {r['server_cpu_ms_per_rejected']:.1f} ms/query"
            f" vs {r['server_cpu_ms_per_page']:.1f} ms/page"
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
            "goal": f"abuse at {label}: a rejected query costs the server <= a page's CPU",
            "measured": after["server_cpu_ms_per_rejected"] if after else None,
            "limit": f"<= {after['server_cpu_ms_per_page']} ms" if after else "a page's CPU",
            "met": None
            if not after
            else after["server_cpu_ms_per_rejected"] <= after["server_cpu_ms_per_page"],
            "note": "what a loaded machine does not distort",
        },
        {
            "goal": f"abuse at {label}: log grows <= 1 KB per rejected query",
            "measured": per_query,
            "limit": f"<= {GOAL_LOG_BYTES} B",
            "met": None if per_query is None else per_query <= GOAL_LOG_BYTES,
            "note": "",
        },
    ]
