"""Prepare and run the Datasette instance: build, metadata, inspect data, then `datasette serve`.

Everything generated goes under `dist/`: the database, `metadata.json`, `inspect.json` and the
`downloads/` folder served as static files.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from bloemdata.build import DATABASE_NAME, DEFAULT_OUTPUT, BuildError, build
from bloemdata.package import Package
from bloemdata.site import PLUGINS_DIR, TEMPLATES_DIR
from bloemdata.site.metadata import DOWNLOADS_MOUNT, write_metadata

DATASETTE = (sys.executable, "-m", "datasette")  # the Datasette installed beside bloemdata

# Read-only public instance: queries are cut off, results capped, facets kept cheap.
SETTINGS: dict[str, int | str] = {
    "sql_time_limit_ms": 1000,
    "max_returned_rows": 1000,
    "facet_time_limit_ms": 200,
    "facet_suggest_time_limit_ms": 100,
    "default_facet_size": 30,
    "allow_facet": "on",
    "suggest_facets": "on",
}


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
    """Validate and build (unless `rebuild` is False), then write metadata and inspect data."""
    if database.stem != DATABASE_NAME:
        raise BuildError(f"{database}: the database file must be named {DATABASE_NAME}.db")
    site = Site.at(database)
    if rebuild:
        build(package_path, database, site.downloads)
    elif not database.is_file():
        raise BuildError(f"{database} does not exist: run `bloemdata build` first")
    write_metadata(Package.load(package_path), site.metadata)
    inspect(site)
    return site


def inspect(site: Site) -> None:
    """`datasette inspect`: table counts and hash up front, so immutable serving starts fast."""
    result = subprocess.run(  # noqa: S603 - our own interpreter and paths
        [*DATASETTE, "inspect", str(site.database), "--inspect-file", str(site.inspect)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BuildError(f"datasette inspect failed: {result.stderr.strip()}")


def datasette_args(
    site: Site,
    host: str = "127.0.0.1",
    port: int = 8001,
    settings: dict[str, int | str] | None = None,
) -> list[str]:
    """The `datasette serve` command line for the site (also used by tests and benchmarks)."""
    args = [*DATASETTE, "serve"]
    args += ["--immutable", str(site.database), "--inspect-file", str(site.inspect)]
    args += ["--metadata", str(site.metadata)]
    args += ["--template-dir", str(TEMPLATES_DIR), "--plugins-dir", str(PLUGINS_DIR)]
    args += ["--static", f"{DOWNLOADS_MOUNT}:{site.downloads}"]
    args += ["--host", host, "--port", str(port)]
    for name, value in {**SETTINGS, **(settings or {})}.items():
        args += ["--setting", name, str(value)]
    return args


def run(args: list[str]) -> None:
    """Replace this process with Datasette, so Ctrl-C and the PID belong to the server."""
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(args[0], args)  # noqa: S606 - args built by datasette_args
