"""The deployment as an operator runs it: `bloemdata publish DIR`, a fresh virtual environment that
installs only DIR's requirements.txt with the Dockerfile's own RUN step, then the Dockerfile's
CMD (`sh start.sh`, HOST and PORT from the environment); Chromium browses it.

The Dockerfile itself cannot be built on these machines (no Docker daemon): this runs the two
steps it consists of.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import time
import venv
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from playwright.sync_api import Page

from bloemdata.cli import cli
from bloemdata.core.package import Package
from bloemdata.publish.deploy import DOCKERFILE, START
from bloemdata.site.metadata import DASHBOARD_URL
from bloemdata.site.serve import free_port

pytestmark = pytest.mark.browser


def _dockerfile_step(deployment: Path, kind: str) -> str:
    lines = (deployment / DOCKERFILE).read_text(encoding="utf-8").splitlines()
    (step,) = [line.split(" ", 1)[1] for line in lines if line.startswith(f"{kind} ")]
    return step


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory, root: Path) -> Path:
    target = tmp_path_factory.mktemp("deployment") / "site"
    result = CliRunner().invoke(cli, ["publish", str(target), "--package", str(root)])
    assert result.exit_code == 0, result.output
    return target


@pytest.fixture(scope="module")
def environment(deployment: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with only DIR's requirements, installed as Docker would."""
    env = tmp_path_factory.mktemp("venv") / "env"
    venv.create(env, with_pip=True, clear=True)
    install = shlex.split(_dockerfile_step(deployment, "RUN"))
    assert install[0] == "pip"
    subprocess.run(
        [str(env / "bin" / "python"), "-m", *install],
        cwd=deployment,
        check=True,
        timeout=900,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    return env


@pytest.fixture(scope="module")
def deployed(deployment: Path, environment: Path) -> Iterator[tuple[str, Path]]:
    """The Dockerfile's CMD run in DIR with the fresh environment on PATH; stopped by its PID."""
    port = free_port()
    command = json.loads(_dockerfile_step(deployment, "CMD"))
    assert command == ["sh", START]
    log = deployment.parent / "start.log"
    env = {
        "PATH": f"{environment / 'bin'}:/usr/bin:/bin",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "HOME": str(deployment.parent),
    }
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=deployment, env=env, stdout=out, stderr=out)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                assert process.poll() is None, log.read_text(encoding="utf-8")
                try:
                    httpx.get(f"{url}/-/versions.json", timeout=2)
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, "start.sh did not answer in 60 s"
                    time.sleep(0.2)
            yield url, log
        finally:
            process.terminate()  # start.sh execs datasette: this PID is the server
            process.wait(timeout=10)


def test_the_environment_holds_only_what_serving_needs(environment: Path) -> None:
    python = str(environment / "bin" / "python")
    for module in ("bloemdata", "polars", "pandera", "frictionless", "rich"):
        found = subprocess.run(
            [python, "-c", f"import importlib.util as u; print(u.find_spec({module!r}) is None)"],
            capture_output=True,
            text=True,
            check=True,
        )
        assert found.stdout.strip() == "True", module


def test_home_table_search_row_dashboard_and_downloads_in_chromium(
    page: Page, deployed: tuple[str, Path], package: Package, artifacts: Path
) -> None:
    url, _ = deployed
    page.goto(url + "/")
    assert page.locator("h1").inner_text() == package.descriptor["title"]
    json_ld = json.loads(page.locator('script[type="application/ld+json"]').inner_text())
    assert json_ld["version"] == package.version
    page.screenshot(path=artifacts / "deployment-home.png", full_page=True)

    page.goto(url + "/bloemdata/statements?_size=max")
    ids = page.locator("table.rows-and-columns tbody td.col-statement_id").all_inner_texts()
    assert ids == [r["statement_id"] for r in package.rows("statements")]
    page.screenshot(path=artifacts / "deployment-table.png", full_page=True)

    page.locator("input[name=_search]").fill("uitbuiting")
    page.locator("input[name=_search]").press("Enter")
    page.wait_for_url("**_search=uitbuiting**")
    found = page.locator("table.rows-and-columns tbody td.col-statement_id").all_inner_texts()
    rows = package.rows("statements")
    assert found == [
        r["statement_id"] for r in rows if "uitbuiting" in (r["text"] + r["text_en"]).lower()
    ]

    statement = rows[0]["statement_id"]
    page.goto(f"{url}/bloemdata/statements/{statement}")
    shown = page.locator("table.bloemdata-codes tbody tr td:nth-child(2)").all_inner_texts()
    expected = [r["code_id"] for r in package.rows("codings") if r["statement_id"] == statement]
    assert sorted(shown) == sorted(expected)
    page.screenshot(path=artifacts / "deployment-row.png", full_page=True)

    page.goto(url + DASHBOARD_URL)
    page.locator("#chart-code-frequencies canvas, #chart-code-frequencies svg").first.wait_for(
        state="visible"
    )
    current = sum(1 for r in rows if r["status"] == "current")
    assert page.locator("#chart-n-statements p").inner_text() == str(current)
    page.screenshot(path=artifacts / "deployment-dashboard.png", full_page=True)

    page.goto(url + "/")
    link = page.locator(".bloemdata-release a", has_text="statements.csv").first
    downloaded = httpx.get(url + link.get_attribute("href"))
    assert downloaded.status_code == 200
    assert downloaded.content == package.path_of("statements").read_bytes()


def test_the_deployment_answers_with_cache_headers_and_quiet_errors(
    deployed: tuple[str, Path],
) -> None:
    url, log = deployed
    table = httpx.get(f"{url}/bloemdata/statements")
    assert table.headers["cache-control"].startswith("max-age=")
    assert httpx.get(f"{url}/").headers["cache-control"].startswith("public, max-age=")
    robots = httpx.get(f"{url}/robots.txt").text.splitlines()
    assert "Disallow: /" not in robots
    assert f"Sitemap: {url}/sitemap.xml" in robots
    before = log.stat().st_size
    for sql in ("delete from statements", "select * from nope"):
        assert httpx.get(f"{url}/bloemdata", params={"sql": sql}).status_code == 400
    time.sleep(0.5)
    grown = log.read_bytes()[before:].decode("utf-8", "replace")
    assert "Traceback" not in grown
    assert len(re.findall(r'"GET /bloemdata\?sql=', grown)) == 2
    assert grown.count("\n") == 2, grown
