"""No command makes a network request: remote references are refused before anything is read.

A recording HTTP server on 127.0.0.1 stands in for the internet: the descriptor points to it, each
command runs as a user runs it (a fresh process, frictionless worker included), and the server
must have seen no request at all.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bloemdata.core.package import DESCRIPTOR
from bloemdata.validation.validate import validate

BLOEMDATA = str(Path(sys.executable).parent / "bloemdata")
GUARD = 300  # seconds, against a hang only


class Recorder(BaseHTTPRequestHandler):
    """Answers every GET with a valid CSV dialect, and records it."""

    seen: list[str]

    def do_GET(self) -> None:
        self.seen.append(self.path)
        body = json.dumps({"delimiter": ","}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    """A recording server on a free loopback port; yields its base URL and the requests seen."""
    seen: list[str] = []
    handler = type("Handler", (Recorder,), {"seen": seen})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", seen
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def _point(root: Path, key: str, url: str, resource: str = "statements") -> None:
    path = root / DESCRIPTOR
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    next(r for r in descriptor["resources"] if r["name"] == resource)[key] = url
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(  # our own command, no shell
        [BLOEMDATA, *args], capture_output=True, text=True, timeout=GUARD, cwd=cwd, check=False
    )
    assert "Traceback" not in result.stderr + result.stdout
    return result


def test_a_remote_dialect_is_refused_and_never_requested(
    package_copy: Path, root: Path, tmp_path: Path, server: tuple[str, list[str]]
) -> None:
    base, seen = server
    shutil.copy(root / "releases.json", package_copy)
    _point(package_copy, "dialect", f"{base}/dialect.json")
    checked = _run("validate", "--package", str(package_copy), "--format", "json", cwd=tmp_path)
    assert checked.returncode == 1
    report = json.loads(checked.stdout)
    (problem,) = [p for p in report["problems"] if p["rule"] == "remote-reference"]
    assert problem["resource"] == "statements"
    assert f"{base}/dialect.json" in problem["message"]
    built = _run("build", "--package", str(package_copy), "--output", "out/x.db", cwd=tmp_path)
    assert built.returncode == 1
    assert not (tmp_path / "out" / "x.db").exists()
    bundled = _run("bundle", "--package", str(package_copy), "--output", "dist", cwd=tmp_path)
    assert bundled.returncode == 1
    assert "remote-reference" in bundled.stdout
    assert seen == []


@pytest.mark.parametrize("key", ["path", "schema"])
def test_a_remote_path_or_schema_is_refused_and_never_requested(
    package_copy: Path, tmp_path: Path, server: tuple[str, list[str]], key: str
) -> None:
    base, seen = server
    _point(package_copy, key, f"{base}/{key}.csv", resource="coders")
    result = _run("validate", "--package", str(package_copy), cwd=tmp_path)
    assert result.returncode in {1, 2}
    assert "remote" in result.stdout + result.stderr
    assert seen == []


def test_an_unknown_profile_is_refused(package_copy: Path) -> None:
    path = package_copy / DESCRIPTOR
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["$schema"] = "https://example.org/profile.json"
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    report = validate(package_copy, frictionless=False)
    assert [(p.resource, p.rule) for p in report.problems] == [(DESCRIPTOR, "remote-reference")]


def test_the_real_package_has_no_remote_reference(root: Path) -> None:
    report = validate(root, frictionless=False)
    assert "remote-reference" not in {p.rule for p in report.problems}


def test_the_frictionless_worker_cannot_connect(
    package_copy: Path, server: tuple[str, list[str]]
) -> None:
    """Behind the rule, the worker itself: run directly on a package the rule would refuse."""
    base, seen = server
    _point(package_copy, "dialect", f"{base}/dialect.json")
    descriptor = str(package_copy / DESCRIPTOR)
    result = subprocess.run(
        [sys.executable, "-m", "bloemdata.validation.frictionless_worker", descriptor],
        capture_output=True,
        text=True,
        timeout=GUARD,
        check=True,
    )
    assert seen == []
    assert "no network access" in result.stdout
