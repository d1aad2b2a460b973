"""The frictionless worker is bounded: a time limit, no network, and it dies with its parent."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bench.hostile import catastrophic_pattern

from bloemdata.core.package import DESCRIPTOR

GUARD = 300  # seconds: a generous guard against a hang, not a timing assertion

# validate in a child process with a short worker limit, the report as JSON on stdout
VALIDATE = """
import json, sys
from bloemdata.validation import frictionless_worker
from bloemdata.validation.validate import validate
frictionless_worker.SECONDS = float(sys.argv[2])
print(json.dumps(validate(sys.argv[1], frictionless=True).to_dict()))
"""


def _validate(package: Path, seconds: float) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", VALIDATE, str(package), str(seconds)],
        capture_output=True,
        text=True,
        timeout=GUARD,
        check=True,
    )
    return json.loads(result.stdout)


def _rules(report: dict) -> set[str]:
    return {p["rule"] for p in report["problems"]}


def test_a_catastrophic_pattern_ends_with_the_worker_cut_short(package_copy: Path) -> None:
    catastrophic_pattern(package_copy)
    report = _validate(package_copy, 3)
    (pattern,) = [p for p in report["problems"] if p["rule"] == "pattern"]
    assert (pattern["resource"], pattern["row"], pattern["field"]) == (
        "statements",
        1,
        "status_note",
    )
    assert pattern["source"] == "bloemdata"  # polars' regex: no backtracking
    (cut,) = [p for p in report["problems"] if p["rule"] == "frictionless-cut-short"]
    assert "did not finish within 3 s" in cut["message"]
    assert cut["severity"] == "warning"
    assert report["valid"] is False


def test_the_worker_still_reports_within_its_limit(package_copy: Path) -> None:
    report = _validate(package_copy, 120)
    assert "frictionless-cut-short" not in _rules(report)
    assert report["valid"] is True


PARENT = """
import sys, time
from pathlib import Path
from bloemdata.validation import frictionless_worker
worker = frictionless_worker.start(Path(sys.argv[1]), 600)
print(worker.process.pid, flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in {"Z", "X"}  # a zombie has ended (PID 1 may not reap it here)


def test_the_worker_dies_with_its_parent(package_copy: Path) -> None:
    catastrophic_pattern(package_copy)  # the worker would run forever
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, str(package_copy / DESCRIPTOR)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        worker = int(parent.stdout.readline())
        time.sleep(2)  # the worker is inside frictionless now
        assert _alive(worker)
    finally:
        parent.send_signal(signal.SIGKILL)  # as a CI timeout would
        parent.wait()
        parent.stdout.close()
    ended = time.monotonic() + 30
    while _alive(worker) and time.monotonic() < ended:
        time.sleep(0.1)
    if _alive(worker):  # do not leave it spinning: it is ours
        os.kill(worker, signal.SIGKILL)
        raise AssertionError("the frictionless worker outlived its parent")
