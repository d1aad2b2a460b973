"""Prepare and run the Datasette instance: build, metadata, inspect data, then `datasette serve`.

Everything generated goes under `dist/`: the database, `metadata.json`, `inspect.json` and the
`downloads/` folder served as static files.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bloemdata.core.errors import BloemdataError
from bloemdata.core.package import Package
from bloemdata.database.build import BuildError, build
from bloemdata.database.defaults import DOWNLOAD_WRITERS, EXTRA_TABLES
from bloemdata.database.layout import DATABASE_NAME, DEFAULT_OUTPUT
from bloemdata.site import PLUGINS_DIR, TEMPLATES_DIR
from bloemdata.site.metadata import DOWNLOADS_MOUNT, write_metadata


class ServeError(BloemdataError):
    """Datasette could not be prepared or started."""


DATASETTE = (sys.executable, "-m", "datasette")  # the Datasette installed beside bloemdata

# Read-only public instance: queries are cut off, results capped, facets kept cheap. Facet
# suggestions are off: on a large table they try every column on every page view (at 100k
# statements 290 ms of a table page's 296); the default facets and `?_facet=` stay.
SETTINGS: dict[str, int | str] = {
    "sql_time_limit_ms": 1000,
    "max_returned_rows": 1000,
    "facet_time_limit_ms": 200,
    "facet_suggest_time_limit_ms": 100,
    "default_facet_size": 30,
    "allow_facet": "on",
    "suggest_facets": "off",
    # A built database never changes (served --immutable): a CDN or browser may keep a page a
    # day; a new version is a new deployment (purge the cache then, see the operator README).
    "default_cache_ttl": 86400,
}
PUBLIC_HOST = "0.0.0.0"  # noqa: S104 - what `--host` means for a public bind (documented)


@dataclass(frozen=True)
class Site:
    """The files one Datasette instance serves."""

    database: Path
    metadata: Path
    inspect: Path
    downloads: Path

    @classmethod
    def at(cls, database: Path) -> Site:
        dist = database.parent
        return cls(database, dist / "metadata.json", dist / "inspect.json", dist / "downloads")


def prepare(
    package_path: Path | str, database: Path = DEFAULT_OUTPUT, *, rebuild: bool = True
) -> Site:
    """Validate and build with the exports for download (unless `rebuild` is False), then write
    metadata and inspect data."""
    if database.stem != DATABASE_NAME:
        raise BuildError(f"{database}: the database file must be named {DATABASE_NAME}.db")
    site = Site.at(database)
    if rebuild:
        build(
            package_path,
            database,
            site.downloads,
            tables=EXTRA_TABLES,
            writers=DOWNLOAD_WRITERS,
        )
    elif not database.is_file():
        raise BuildError(f"{database} does not exist: run `bloemdata build` first")
    write_metadata(Package.load(package_path), site.metadata, site.downloads)
    inspect(site)
    return site


def inspect(site: Site) -> None:
    """`datasette inspect`: table counts and hash up front, so immutable serving starts fast.

    Run in the database's folder with relative names, so the file records no path of this
    machine (a deployment is moved elsewhere as it is)."""
    result = subprocess.run(  # noqa: S603 - our own interpreter and paths
        [*DATASETTE, "inspect", site.database.name, "--inspect-file", str(site.inspect.resolve())],
        capture_output=True,
        text=True,
        check=False,
        cwd=site.database.parent,
    )
    if result.returncode != 0:
        raise ServeError(f"datasette inspect failed: {result.stderr.strip()}")


def serve_options(
    site: Site,
    settings: dict[str, int | str] | None = None,
    templates: Path = TEMPLATES_DIR,
    plugins: Path = PLUGINS_DIR,
) -> list[str]:
    """The options of `datasette serve` for the site, host and port aside: one list for
    `bloemdata serve`, the tests, the benchmarks and the start script of a deployment."""
    args = ["--immutable", str(site.database), "--inspect-file", str(site.inspect)]
    args += ["--metadata", str(site.metadata)]
    args += ["--template-dir", str(templates), "--plugins-dir", str(plugins)]
    args += ["--static", f"{DOWNLOADS_MOUNT}:{site.downloads}"]
    for name, value in {**SETTINGS, **(settings or {})}.items():
        args += ["--setting", name, str(value)]
    return args


def datasette_args(
    site: Site,
    host: str = "127.0.0.1",
    port: int = 8001,
    settings: dict[str, int | str] | None = None,
    plugins: Path = PLUGINS_DIR,
) -> list[str]:
    """The `datasette serve` command line for the site (also used by tests and benchmarks;
    `plugins`: another plugins folder, for the benchmark's before/after)."""
    options = serve_options(site, settings, plugins=plugins)
    return [*DATASETTE, "serve", *options, "--host", host, "--port", str(port)]


def run(args: list[str]) -> None:
    """Replace this process with Datasette, so Ctrl-C and the PID belong to the server."""
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(args[0], args)  # noqa: S606 - args built by datasette_args


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@contextmanager
def running(
    site: Site,
    settings: dict[str, int | str] | None = None,
    log: Path | None = None,
    timeout: float = 60.0,
    plugins: Path = PLUGINS_DIR,
) -> Iterator[str]:
    """Run a real `datasette serve` for the site on a free loopback port; yield its base URL.

    The server is stopped by its own PID when the block ends (for tests and benchmarks).
    """
    with running_process(site, settings, log, timeout, plugins) as (url, _):
        yield url


@contextmanager
def running_process(
    site: Site,
    settings: dict[str, int | str] | None = None,
    log: Path | None = None,
    timeout: float = 60.0,
    plugins: Path = PLUGINS_DIR,
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`running`, also yielding the server's process (for benchmarks that read its CPU time)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    out = log.open("wb") if log else subprocess.DEVNULL
    args = datasette_args(site, port=port, settings=settings, plugins=plugins)
    process = subprocess.Popen(args, stdout=out, stderr=out)  # noqa: S603 - our own command
    try:
        _wait_until_up(process, url, timeout)
        yield url, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if not isinstance(out, int):  # our log file, not subprocess.DEVNULL
            out.close()


def _wait_until_up(process: subprocess.Popen[bytes], url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BuildError(
                f"datasette exited with code {process.returncode} before serving {url}"
            )
        try:
            with urllib.request.urlopen(f"{url}/-/versions.json", timeout=2):  # noqa: S310 - loopback
                return
        except OSError:
            time.sleep(0.1)
    raise ServeError(f"datasette did not answer at {url} within {timeout} s")
