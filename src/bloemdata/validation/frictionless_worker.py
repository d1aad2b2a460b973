"""Frictionless, the independent check: run in its own process, its errors mapped to our rules.

`bloemdata validate` starts `python -m bloemdata.validation.frictionless_worker DESCRIPTOR`
before its own checks and collects the result after them, so the real frictionless validator
(pure Python, import included about a second on the real package) runs on the second core
while polars works on the first. The worker prints frictionless' errors as JSON; `collect` turns
them into problems with source "frictionless", keeping only those the fast path did not already
report.

The worker is bounded: it gets `SECONDS` from its start (a schema `pattern` that makes Python's
`re` backtrack catastrophically would otherwise run forever; the fast path matches patterns with
polars' linear-time regex engine and reports them anyway), then it is killed and the report says
the independent check was cut short. It dies with its parent (Linux: `PR_SET_PDEATHSIG`; elsewhere
it watches its stdin, a pipe from the parent, for end-of-file), and it cannot open a network
connection: a package is self-contained and frictionless would follow URLs in a descriptor.
"""

from __future__ import annotations

import functools
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bloemdata.core.lifeline import die_with
from bloemdata.validation.registry import Rule, all_rules
from bloemdata.validation.report import Problem

SECONDS = 30.0  # the worker's time from its start; the fast path runs meanwhile
MESSAGE = 1000  # characters of a frictionless message the worker passes on

RULE_OF_ERROR = {
    "type-error": "type-error",
    "unique-error": "unique",
    "primary-key": "primary-key",
    "foreign-key": "foreign-key",
    "missing-cell": "ragged-row",
    "extra-cell": "ragged-row",
    "blank-row": "blank-row",
    "duplicate-label": "header-duplicate",
    "missing-label": "header-missing",
    "extra-label": "header-extra",
    "blank-label": "header-blank",
    "incorrect-label": "header-order",
    "hash-count": "descriptor-stale",
    "byte-count": "descriptor-stale",
    "encoding-error": "encoding-utf8",
    "scheme-error": "resource-missing",
}
_CONSTRAINT = re.compile(r'constraint "(\w+)"')

# After these the fast path did not read the resource's rows; frictionless' errors there (and the
# same error echoed by tables whose foreign keys read it) would only repeat the cause at length.
BLOCKING = {
    "empty-file",
    "encoding-utf8",
    "header-blank",
    "header-duplicate",
    "header-missing",
    "header-extra",
    "header-order",
    "blank-row",
    "ragged-row",
    "csv-malformed",
    "resource-missing",
}


@dataclass
class Worker:
    """A running worker and the time by which it must have answered."""

    process: subprocess.Popen[str]
    seconds: float
    deadline: float


def start(descriptor: Path, seconds: float | None = None) -> Worker:
    """Start the frictionless validator on `descriptor` in a worker process (`seconds`: its time
    limit, `SECONDS` by default)."""
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module, no shell
        [
            sys.executable,
            "-m",
            "bloemdata.validation.frictionless_worker",
            str(descriptor),
            str(os.getpid()),
        ],
        stdin=subprocess.PIPE,  # never written: its end-of-file tells the worker we are gone
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
    )
    limit = SECONDS if seconds is None else seconds
    return Worker(process, limit, time.monotonic() + limit)


def collect(worker: Worker) -> list[Problem]:
    """The worker's errors as problems (a failure of the worker itself is one problem too); a
    worker past its deadline is killed and reported as cut short."""
    process = worker.process
    # communicate() would close the worker's stdin, which the worker takes for our death
    lifeline, process.stdin = process.stdin, None
    try:
        out, err = process.communicate(timeout=max(0.0, worker.deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        return [
            _rules()["frictionless-cut-short"].problem(
                "datapackage.json",
                message=f"frictionless did not finish within {worker.seconds:g} s and was stopped:"
                " its check is incomplete (a schema pattern that backtracks, or a very large"
                " or wide file); bloemdata's own checks ran in full",
            )
        ]
    finally:
        if lifeline is not None:
            lifeline.close()
    try:
        errors = json.loads(out)
    except json.JSONDecodeError:
        last = (err.strip().splitlines() or ["no output"])[-1]
        errors = [{"resource": "datapackage.json", "type": "frictionless", "message": last}]
    return [problem(e) for e in errors]


def frictionless_problems(descriptor: Path) -> list[Problem]:
    """Run frictionless on the package (in a worker) and return its errors as problems."""
    return collect(start(descriptor))


def problem(error: dict[str, Any]) -> Problem:
    """One frictionless error (as the worker prints it) as a problem under our rule ids."""
    kind = error["type"]
    rule_id = RULE_OF_ERROR.get(kind, "frictionless")
    if kind == "constraint-error":
        match = _CONSTRAINT.search(error.get("note") or "")
        name = match.group(1) if match else ""
        rule_id = re.sub(r"(?<!^)([A-Z])", r"-\1", name).lower() if name else "frictionless"
    rules = _rules()
    rule = rules.get(rule_id, rules["frictionless"])
    row = error.get("row")
    return Problem(
        resource=error.get("resource") or "datapackage.json",
        row=None if row is None else row - 1,  # frictionless counts the header as row 1
        field=error.get("field"),
        rule=rule.id,
        message=str(error["message"])[:300],
        severity=rule.severity,
        source="frictionless",
    )


def new_problems(theirs: list[Problem], ours: list[Problem]) -> list[Problem]:
    """Frictionless problems the fast path did not already report.

    Same resource, row and rule is a duplicate; so is a row problem on a cell the fast path
    already flagged (a type error makes frictionless also miss the foreign key on that row); and
    so is anything on, or echoing, a resource the fast path could not read (`BLOCKING`).
    """
    blocked = {(p.resource, p.rule) for p in ours if p.rule in BLOCKING}
    blocked_resources = {resource for resource, _ in blocked}
    blocked_rules = {rule for _, rule in blocked}
    seen = {(p.resource, p.row, p.rule) for p in ours}
    cells = {
        (p.resource, p.row, f)
        for p in ours
        if p.row is not None
        for f in (p.field or "").split(",")
    }
    fresh = []
    for p in theirs:
        if p.resource in blocked_resources or p.rule in blocked_rules:
            continue
        if (p.resource, p.row, p.rule) in seen:
            continue
        fields = (p.field or "").split(",")
        if p.row is not None and any((p.resource, p.row, f) in cells for f in fields if f):
            continue
        fresh.append(p)
        seen.add((p.resource, p.row, p.rule))
    return fresh


def _error_dict(resource: str, error: Any) -> dict[str, Any]:
    return {
        "resource": resource,
        "type": error.type,
        "message": str(error.message)[:MESSAGE],
        "note": str(getattr(error, "note", ""))[:MESSAGE],
        "row": getattr(error, "row_number", None),
        "field": getattr(error, "field_name", None)
        or ",".join(getattr(error, "field_names", None) or [])
        or None,
    }


def _die_with_parent(parent: int) -> None:
    """Exit as soon as the process that started us is gone (a killed `validate`, a CI timeout)."""
    die_with(parent)  # Linux: the kernel kills us, even inside a long regex match

    def watch() -> None:  # elsewhere: end-of-file on stdin (checked between bytecodes)
        sys.stdin.buffer.read()
        os._exit(3)

    threading.Thread(target=watch, daemon=True).start()


def _refuse(*_args: Any, **_kwargs: Any) -> Any:
    raise OSError("bloemdata: no network access (a package is self-contained)")


def _no_network() -> None:
    """Make every connection and name lookup fail in this process."""
    socket.socket.connect = _refuse  # type: ignore[method-assign]
    socket.socket.connect_ex = _refuse  # type: ignore[method-assign]
    socket.create_connection = _refuse
    socket.getaddrinfo = _refuse


def main(descriptor: str, parent: int | None = None) -> None:
    """The worker: validate with frictionless, print its errors as a JSON list."""
    if parent is not None:
        _die_with_parent(parent)
    _no_network()
    import frictionless  # noqa: PLC0415 - only the worker pays for this import

    try:
        result = frictionless.validate(descriptor)
    except Exception as exc:  # any failure of the independent check is reported, not raised
        errors = (
            [_error_dict("datapackage.json", exc)]
            if hasattr(exc, "type")
            else [
                {
                    "resource": "datapackage.json",
                    "type": "frictionless",
                    "message": str(exc)[:MESSAGE],
                }
            ]
        )
    else:
        errors = [_error_dict("datapackage.json", e) for e in result.errors]
        for task in result.tasks:
            errors += [_error_dict(task.name or "datapackage.json", e) for e in task.errors]
    for error in errors:
        error["message"] = str(error["message"])[:MESSAGE]
    sys.stdout.write(json.dumps(errors, ensure_ascii=False))


@functools.cache
def _rules() -> dict[str, Rule]:
    """Every rule by id: the rule modules loaded (a caller may not have imported them yet)."""
    return {rule.id: rule for rule in all_rules()}


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else None)
