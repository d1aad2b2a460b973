"""The fast path of `bloemdata validate`: every check but frictionless, over a loaded package.

Each file is read once as bytes; its structure is checked with vectorised polars string
operations, it is parsed by polars as all-strings, validated by the Pandera schema generated from
its Table Schema, cast by the schema's types, and checked across tables with polars joins
(foreign keys, coding rules); then documentation and provenance. `bloemdata.validate` imports
this module only after it has started the frictionless worker, so the worker runs while polars
and Pandera are still being imported here.
"""

from __future__ import annotations

import polars as pl

from bloemdata.errors import BloemdataError
from bloemdata.package import Package
from bloemdata.pandera_schema import typed_frame, validate_frame
from bloemdata.report import Report
from bloemdata.rules import structure as s
from bloemdata.rules.coding import codebook_problems, coding_problems
from bloemdata.rules.docs import docs_problems
from bloemdata.rules.provenance import page_problems, transcription_problems
from bloemdata.rules.table import foreign_key_problems, referrers


def run(package: Package, report: Report) -> None:
    """Every fast-path check of `package`, into `report`."""
    files = read_files(package, report)
    raw = _structure(package, files, report)
    typed: dict[str, pl.DataFrame] = {}
    for name, frame in raw.items():
        report.extend(validate_frame(frame, package.schemas[name], name))
        typed[name] = typed_frame(frame, package.schemas[name])
    _cross_table(package, typed, report)
    report.extend(docs_problems(package))
    _provenance(package, raw, typed, files, report)


def read_files(package: Package, report: Report) -> dict[str, bytes]:
    """Every resource's bytes, read once; a file that cannot be read stops the run (exit 2)."""
    files: dict[str, bytes] = {}
    for name in package.resource_names:
        try:
            files[name] = package.path_of(name).read_bytes()
        except (BloemdataError, OSError) as exc:
            message = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            path = package.resource(name).get("path")
            report.add(s.RESOURCE_MISSING.problem(name, message=f"{path}: {message}"))
            report.could_not_run = True
            report.notes.append(f"{name}: not checked, its file cannot be read")
    return files


def _structure(
    package: Package, files: dict[str, bytes], report: Report
) -> dict[str, pl.DataFrame]:
    """File-level checks and freshness; the all-string frames of the tables that parse."""
    raw: dict[str, pl.DataFrame] = {}
    for name, data in files.items():
        report.extend(s.stale(name, package.resource(name), data))
        if name not in package.schemas:
            report.extend(s.scan_text(name, data)[1])
            continue
        scan = s.scan_csv(name, data, package.schemas[name])
        report.extend(scan.problems)
        if not scan.readable:
            report.notes.append(f"{name}: rows not checked until its structure is fixed")
            continue
        frame, problems = s.read_frame(name, data, package.schemas[name])
        report.extend(problems)
        if frame is not None:
            raw[name] = frame
    return raw


def _cross_table(package: Package, typed: dict[str, pl.DataFrame], report: Report) -> None:
    referred = referrers(package.schemas)
    for name, frame in typed.items():
        if frame.height == 0 and referred.get(name):
            report.add(s.NO_ROWS.problem(name, referrers=", ".join(sorted(referred[name]))))
        problems, notes = foreign_key_problems(name, package.schemas[name], typed)
        report.extend(problems)
        report.notes.extend(notes)
    try:
        if "codes" in typed:
            report.extend(codebook_problems(typed["codes"]))
        if {"statements", "codes", "codings"} <= typed.keys():
            report.extend(coding_problems(typed["statements"], typed["codes"], typed["codings"]))
        else:
            report.notes.append("coding rules not checked: statements, codes or codings unread")
    except pl.exceptions.PolarsError as exc:  # a schema without the columns the rules read
        report.notes.append(f"coding rules not checked: {str(exc).splitlines()[0]}")


def _provenance(
    package: Package,
    raw: dict[str, pl.DataFrame],
    typed: dict[str, pl.DataFrame],
    files: dict[str, bytes],
    report: Report,
) -> None:
    if "pages" not in typed:
        report.notes.append("provenance not checked: pages unreadable")
        return
    report.extend(page_problems(package, typed["pages"], files))
    pages = typed["pages"].drop_nulls(["source_id", "page", "resource"])
    page_resources = {
        (r["source_id"], r["page"]): r["resource"] for r in pages.iter_rows(named=True)
    }
    unreadable = [
        name
        for name in page_resources.values()
        if name not in files
        or any(p.resource == name and p.rule == s.ENCODING_UTF8.id for p in report.problems)
    ]
    blocked = {"statements", "pages"} - raw.keys()
    if blocked or unreadable:
        report.notes.append(
            f"statements not traced to their pages: {', '.join(sorted(blocked | set(unreadable)))}"
            " unreadable"
        )
        return
    report.extend(transcription_problems(package, page_resources))
