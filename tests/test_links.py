"""Links: only http(s): and mailto: URLs (or package paths) are valid and rendered as links."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bloemdata.core.links import is_link, is_remote, is_url
from bloemdata.core.package import DESCRIPTOR, Package
from bloemdata.database.build import write_database
from bloemdata.database.defaults import EXTRA_TABLES
from bloemdata.database.layout import DATABASE_NAME
from bloemdata.site.metadata import write_metadata
from bloemdata.validation.validate import validate

from .test_site import fetch

SCRIPT = "javascript:alert(document.domain)"
SCRIPTS = [
    SCRIPT,
    " javascript:alert(1)",
    "JavaScript:alert(1)",
    "data:text/html,<script>",
    "//x.org",
]


@pytest.mark.parametrize(
    "value",
    ["https://creativecommons.org/licenses/by/4.0/", "http://example.org", "mailto:a@b.nl"],
)
def test_web_and_mail_urls_are_links(value: str) -> None:
    assert is_url(value)
    assert is_link(value)
    assert is_remote(value)


@pytest.mark.parametrize("value", [*SCRIPTS, "vbscript:x", "http://", "/etc/passwd", "../x", 3])
def test_other_schemes_and_paths_out_are_not_links(value: object) -> None:
    assert not is_link(value)


def _plant(root: Path, where: str, value: str) -> None:
    path = root / DESCRIPTOR
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    if where == "homepage":
        descriptor["homepage"] = value
    else:
        descriptor.setdefault(where, [{"title": "x"}])[0]["path"] = value
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")


@pytest.mark.parametrize("where", ["licenses", "sources", "contributors", "homepage"])
def test_a_script_link_is_invalid(package_copy: Path, where: str) -> None:
    _plant(package_copy, where, SCRIPT)
    report = validate(package_copy, frictionless=False)
    (problem,) = [p for p in report.problems if p.rule == "link-scheme"]
    assert problem.resource == DESCRIPTOR
    assert SCRIPT in problem.message
    assert not report.valid


def test_the_real_package_links_are_valid(root: Path) -> None:
    report = validate(root, frictionless=False)
    assert "link-scheme" not in {p.rule for p in report.problems}


@pytest.mark.parametrize("value", SCRIPTS)
def test_the_site_never_renders_a_script_link(package_copy: Path, value: str) -> None:
    _plant(package_copy, "licenses", value)
    _plant(package_copy, "sources", value)
    package = Package.load(package_copy)
    dist = package_copy.parent / "site"
    database = dist / f"{DATABASE_NAME}.db"
    write_database(package, database, tables=EXTRA_TABLES)
    (dist / "downloads").mkdir()
    metadata = json.loads(write_metadata(package, dist / "metadata.json").read_text("utf-8"))
    pages = fetch((database, metadata), "/", f"/{DATABASE_NAME}", f"/{DATABASE_NAME}/statements")
    for html in pages:
        links = re.findall(r'href="([^"]*)"', html)
        assert links
        assert not [link for link in links if not link.startswith(("/", "http", "#", "?"))]
        assert not [link for link in links if value.strip() in link]
