"""`bloemdata serve` and the served instance's safety, against real `datasette` processes."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from bloemdata.cli import cli
from bloemdata.core.package import Package
from bloemdata.database.build import write_database
from bloemdata.database.defaults import DOWNLOAD_WRITERS, EXTRA_TABLES
from bloemdata.database.downloads import write_downloads
from bloemdata.site.serve import SETTINGS, Site, datasette_args, free_port, prepare, running

from .conftest import TEST_SETTINGS

BLOEMDATA = Path(sys.executable).parent / "bloemdata"


def _site(package_root: Path, dist: Path) -> Site:
    """Build without the validator (a test database may hold what validation would refuse)."""
    package = Package.load(package_root)
    database = dist / "bloemdata.db"
    write_database(package, database, tables=EXTRA_TABLES)
    write_downloads(package, dist / "downloads", DOWNLOAD_WRITERS)
    return prepare(package_root, database, rebuild=False)


@pytest.fixture(scope="module")
def server(served: str, built_site: Site) -> tuple[str, Site]:
    """The real package's shared build and server (conftest)."""
    return served, built_site


def test_datasette_command_is_immutable_read_only_and_limited(tmp_path: Path) -> None:
    args = datasette_args(Site.at(tmp_path / "bloemdata.db"), "127.0.0.1", 9999)
    line = " ".join(args)
    assert f"--immutable {tmp_path / 'bloemdata.db'}" in line
    assert f"--inspect-file {tmp_path / 'inspect.json'}" in line
    assert f"--static downloads:{tmp_path / 'downloads'}" in line
    for name in ("sql_time_limit_ms", "max_returned_rows", "facet_time_limit_ms"):
        assert f"--setting {name} {SETTINGS[name]}" in line
    assert "--host 127.0.0.1 --port 9999" in line


def test_settings_robots_and_downloads(server: tuple[str, Site], root: Path) -> None:
    url, _ = server
    settings = httpx.get(f"{url}/-/settings.json").json()
    assert settings["sql_time_limit_ms"] == SETTINGS["sql_time_limit_ms"]
    assert settings["max_returned_rows"] == SETTINGS["max_returned_rows"]
    robots = httpx.get(f"{url}/robots.txt")
    assert robots.status_code == 200
    assert "Disallow: /" not in robots.text.splitlines()  # pages are indexed (test_site_plugins)
    assert "Disallow: /*?" in robots.text.splitlines()
    for relative in ("datapackage.json", "datapackage/statements.csv", "schemas/codes.json"):
        response = httpx.get(f"{url}/downloads/{relative}")
        assert response.status_code == 200, relative
        assert response.content == (root / relative).read_bytes()


@pytest.mark.parametrize(
    "sql",
    [
        "insert into coders values ('x-1', 'x', 'x')",
        "update statements set text = 'x'",
        "delete from codings",
        "drop table codings",
        "create table evil (a)",
        "attach database '/tmp/evil.db' as evil",
        "pragma writable_schema = 1",
        "pragma foreign_keys = off",
        "vacuum",
        "select 1; delete from codings",
    ],
)
def test_sql_that_writes_attaches_or_sets_pragmas_is_refused(
    server: tuple[str, Site], package: Package, sql: str
) -> None:
    url, site = server
    before = hashlib.sha256(site.database.read_bytes()).hexdigest()
    response = httpx.get(f"{url}/bloemdata.json", params={"sql": sql})
    assert response.status_code == 400, response.text[:300]
    assert response.json()["ok"] is False
    codings = httpx.get(f"{url}/bloemdata/codings.json?_size=0").json()
    assert codings["filtered_table_rows_count"] == len(package.rows("codings"))
    assert hashlib.sha256(site.database.read_bytes()).hexdigest() == before


def test_pathological_query_is_stopped_and_the_server_keeps_answering(
    server: tuple[str, Site],
) -> None:
    url, _ = server
    sql = "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"
    response = httpx.get(f"{url}/bloemdata.json", params={"sql": sql}, timeout=60)
    assert response.status_code == 400
    assert "too long" in response.json()["error"]
    assert httpx.get(f"{url}/bloemdata/statements.json?_size=1", timeout=10).status_code == 200


@pytest.mark.slow  # builds and serves its own site
def test_script_in_a_cell_is_shown_escaped(package_copy: Path, tmp_path: Path) -> None:
    attack = "<script>alert('bloemdata')</script>"  # no double quote: it would end the CSV cell
    statements = package_copy / "datapackage" / "statements.csv"
    text = statements.read_text(encoding="utf-8")
    statements.write_text(
        text.replace("Ondanks de grotere", attack + " Ondanks", 1), encoding="utf-8"
    )
    codes = package_copy / "datapackage" / "codes.csv"
    codes.write_text(
        codes.read_text(encoding="utf-8").replace("Mensenhandel algemeen", attack, 1),
        encoding="utf-8",
    )
    site = _site(package_copy, tmp_path / "dist")
    with running(site, TEST_SETTINGS) as url:
        for path in (
            "/bloemdata/statements/BL-p010-01",
            "/bloemdata/statements",
            "/bloemdata/codes",
            "/bloemdata/statements?_search=alert",
        ):
            # a search highlights its matches with <mark>: read the page without those tags,
            # which can only make an unescaped script easier to find
            html = httpx.get(url + path).text.replace("<mark>", "").replace("</mark>", "")
            assert attack not in html, path
            assert "&lt;script&gt;alert(" in html, path


@pytest.mark.slow  # a `bloemdata serve` process: validate, build, exports, serve
def test_serve_command_validates_builds_and_serves(package_copy: Path, tmp_path: Path) -> None:
    database = tmp_path / "dist" / "bloemdata.db"
    port = free_port()
    args = [str(BLOEMDATA), "serve", "--package", str(package_copy), "--database", str(database)]
    process = subprocess.Popen(
        [*args, "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        for _ in range(600):
            try:
                home = httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None, (
                    process.stdout.read().decode() if process.stdout else ""
                )
                subprocess.run(["sleep", "0.1"], check=True)
        else:
            pytest.fail("bloemdata serve did not answer")
        assert home.status_code == 200
        assert "bloemdata" in home.text
        assert database.is_file()
        assert (database.parent / "inspect.json").is_file()
        assert (database.parent / "downloads" / "datapackage.json").is_file()
        # serve writes the exports for download (`bloemdata build` alone does not)
        exported = httpx.get(f"http://127.0.0.1:{port}/downloads/exports/bloemdata-wide.csv")
        assert exported.status_code == 200
        assert exported.text.startswith("statement_id,coder_id,round,")
    finally:
        process.terminate()  # `serve` replaced itself with datasette: this PID is the server
        process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()


def test_serve_refuses_an_invalid_package(package_copy: Path, tmp_path: Path) -> None:
    statements = package_copy / "datapackage" / "statements.csv"
    statements.write_text(
        statements.read_text(encoding="utf-8").replace(",left,", ",middle,", 1), encoding="utf-8"
    )
    database = tmp_path / "dist" / "bloemdata.db"
    args = ["serve", "--package", str(package_copy), "--database", str(database)]
    result = CliRunner().invoke(cli, [*args, "--port", str(free_port())])
    assert result.exit_code == 1
    assert "invalid" in result.output
    assert not database.exists()


def test_serve_no_build_needs_a_database(root: Path, tmp_path: Path) -> None:
    database = tmp_path / "dist" / "bloemdata.db"
    result = CliRunner().invoke(
        cli, ["serve", "--package", str(root), "--database", str(database), "--no-build"]
    )
    assert result.exit_code == 2
    assert "bloemdata build" in result.output
    assert "Traceback" not in result.output
