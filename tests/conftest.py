"""Shared fixtures: the real package, and copies of it to plant problems in."""

from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from bloemdata.core.package import Package
from bloemdata.database.build import write_database
from bloemdata.database.defaults import DOWNLOAD_WRITERS, EXTRA_TABLES
from bloemdata.database.downloads import write_downloads
from bloemdata.database.layout import DATABASE_NAME
from bloemdata.site.serve import Site, prepare, running

# Hypothesis profiles: `dev` (quick, the default) and `ci` (more examples, derandomised, no
# example database), chosen with HYPOTHESIS_PROFILE (.ci/run sets `ci`).
settings.register_profile(
    "dev", max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def package() -> Package:
    """The real package, read-only."""
    return Package.load(ROOT)


# On a slow machine facets would silently vanish at the production limit.
TEST_SETTINGS: dict[str, int | str] = {"facet_time_limit_ms": 10_000}


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The real package built once per test process, read-only: database, downloads (with the
    exports), metadata and inspect data, as `bloemdata serve` serves them.

    Built without the validator, as the site tests need; the site, serve and browser tests
    share it instead of building their own.
    """
    dist = tmp_path_factory.mktemp("site")
    package = Package.load(ROOT)
    database = dist / f"{DATABASE_NAME}.db"
    write_database(package, database, tables=EXTRA_TABLES)
    write_downloads(package, dist / "downloads", DOWNLOAD_WRITERS)
    return prepare(ROOT, database, rebuild=False)


@pytest.fixture(scope="session")
def served(built_site: Site) -> Iterator[str]:
    """A real `datasette serve` of `built_site` on a free loopback port: its base URL."""
    with running(
        built_site, TEST_SETTINGS, log=built_site.database.parent / "datasette.log"
    ) as url:
        yield url


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """A copy of the real package's files in tmp_path, to plant problems in."""
    target = tmp_path / "pkg"
    target.mkdir()
    shutil.copy2(ROOT / "datapackage.json", target)
    shutil.copytree(ROOT / "datapackage", target / "datapackage")
    shutil.copytree(ROOT / "schemas", target / "schemas")
    return target


class Planter:
    """Edits CSV tables of a package copy, to plant one problem (rows are 1-based data rows)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, table: str) -> Path:
        return self.root / "datapackage" / f"{table}.csv"

    def rows(self, table: str) -> list[dict[str, str]]:
        with self.path(table).open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    def write(self, table: str, rows: list[dict[str, str]]) -> None:
        with self.path(table).open(encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
        with self.path(table).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)

    def cell(self, table: str, row: int, field: str, value: str) -> str:
        """Set one cell; return its old value."""
        rows = self.rows(table)
        old = rows[row - 1][field]
        rows[row - 1][field] = value
        self.write(table, rows)
        return old

    def row_of(self, table: str, field: str, value: str) -> int:
        """The 1-based data row whose `field` is `value`."""
        return next(i for i, r in enumerate(self.rows(table), start=1) if r[field] == value)


@pytest.fixture
def plant(package_copy: Path) -> Planter:
    """A Planter on a fresh package copy (`plant.root`)."""
    return Planter(package_copy)
