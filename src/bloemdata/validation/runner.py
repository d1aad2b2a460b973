"""The fast path of `bloemdata validate`: every check but frictionless, over a loaded package.

Each file is read once, in chunks, by a worker thread that hashes it and counts its separators
while polars parses the same file from its path (`structure.parse_table`); the counts prove the
parse, so a large table is never held as bytes nor split into lines. Only a file the proof fails
for is read whole and scanned line by line, which locates its problems. Each table, parsed as
all-strings, is validated by the Pandera schema generated from its Table Schema, cast by the
schema's types, and checked across tables with polars joins (foreign keys, coding rules); then
documentation and provenance. `validation.validate` imports this module only after it has started
the frictionless worker, so the worker runs while polars and Pandera are still being imported.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import polars as pl

from bloemdata.core.cast import typed_frame
from bloemdata.core.errors import BloemdataError
from bloemdata.core.package import Package
from bloemdata.validation.checks import structure as s
from bloemdata.validation.checks.coding import codebook_problems, coding_problems
from bloemdata.validation.checks.docs import docs_problems
from bloemdata.validation.checks.provenance import page_problems, transcription_problems
from bloemdata.validation.checks.table import (
    PATTERN_UNSUPPORTED,
    foreign_key_problems,
    referrers,
)
from bloemdata.validation.pandera_schema import validate_frame
from bloemdata.validation.report import Report

# what the transcription checks read of the statements
STATEMENT_COLUMNS = ["statement_id", "source_id", "page", "column", "text", "anchor"]


def run(package: Package, report: Report) -> None:
    """Every fast-path check of `package`, into `report`."""
    raw, texts, digests = _structure(package, report)
    typed: dict[str, pl.DataFrame] = {}
    for name in list(raw):
        problems = validate_frame(raw[name], package.schemas[name], name)
        report.extend(problems)
        if any(p.rule == PATTERN_UNSUPPORTED.id for p in problems):
            report.could_not_run = True  # a constraint of the schema could not be checked
            report.notes.append(f"{name}: a pattern was refused, its field not checked against it")
        typed[name] = typed_frame(raw[name], package.schemas[name])
        # typed string columns share the raw frame's buffers; provenance reads a few columns
        if name == "statements" and set(STATEMENT_COLUMNS) <= set(raw[name].columns):
            raw[name] = raw[name].select(STATEMENT_COLUMNS)
        else:  # (a schema without them: the reference reader says what is missing)
            del raw[name]
    _cross_table(package, typed, report)
    report.extend(docs_problems(package))
    readable = set(typed)
    pages = typed.get("pages")
    del typed  # free the tables before the provenance checks build their own frames
    _provenance(package, pages, readable, texts, digests, raw.pop("statements", None), report)


def _structure(
    package: Package, report: Report
) -> tuple[dict[str, pl.DataFrame], dict[str, str | None], dict[str, str]]:
    """File-level checks and freshness of every resource.

    Returns the all-string frames of the tables that parse, the text of every other file
    (None where it is not UTF-8), and every readable file's `sha256:<hex>`.
    """
    raw: dict[str, pl.DataFrame] = {}
    texts: dict[str, str | None] = {}
    digests: dict[str, str] = {}
    paths = _paths(package, report)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="bloemdata-hash") as pool:
        pending = {
            name: pool.submit(s.stream_stats, path, keep=name not in package.schemas)
            for name, path in paths.items()
        }
        for name, path in paths.items():
            stats = _stats(name, pending[name], package, report)
            if stats is None:
                continue
            digests[name] = stats.digest
            report.extend(s.stale_stats(name, package.resource(name), stats))
            if name not in package.schemas:
                texts[name], problems = s.scan_text(name, stats.data or b"")
                report.extend(problems)
                continue
            frame = _table(name, path, stats, package, report)
            if frame is not None:
                raw[name] = frame
    return raw, texts, digests


def _paths(package: Package, report: Report) -> dict[str, Path]:
    paths: dict[str, Path] = {}
    for name in package.resource_names:
        try:
            paths[name] = package.path_of(name)
        except BloemdataError as exc:
            _unreadable(name, str(exc), package, report)
    return paths


def _stats(
    name: str, pending: Future[s.FileStats], package: Package, report: Report
) -> s.FileStats | None:
    try:
        return pending.result()
    except OSError as exc:
        _unreadable(name, exc.strerror or str(exc), package, report)
        return None


def _unreadable(name: str, message: str, package: Package, report: Report) -> None:
    """A file that cannot be read stops the run (exit 2)."""
    path = package.resource(name).get("path")
    report.add(s.RESOURCE_MISSING.problem(name, message=f"{path}: {message}"))
    report.could_not_run = True
    report.notes.append(f"{name}: not checked, its file cannot be read")


def _table(
    name: str, path: Path, stats: s.FileStats, package: Package, report: Report
) -> pl.DataFrame | None:
    schema = package.schemas[name]
    parsed = s.parse_table(name, path, stats, schema)
    if parsed is not None:
        report.extend(parsed[0].problems)
        return parsed[1]
    try:  # not proven clean: the bytes, scanned line by line, say where
        data = path.read_bytes()
    except OSError as exc:
        _unreadable(name, exc.strerror or str(exc), package, report)
        return None
    scan = s.scan_csv(name, data, schema)
    report.extend(scan.problems)
    if not scan.readable:
        report.notes.append(f"{name}: rows not checked until its structure is fixed")
        return None
    frame, problems = s.read_frame(name, data, schema)
    report.extend(problems)
    if frame is not None and (ambiguous := s.disagreement(name, data, frame, scan.header)):
        report.extend(ambiguous)  # rows lost or misread: never checked as if they were the data
        report.notes.append(f"{name}: rows not checked until every CSV reader reads it alike")
        return None
    return frame


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


def _provenance(  # noqa: PLR0917 - the run's state, passed on once
    package: Package,
    pages: pl.DataFrame | None,
    readable: set[str],
    texts: dict[str, str | None],
    digests: dict[str, str],
    statements: pl.DataFrame | None,
    report: Report,
) -> None:
    if pages is None:
        report.notes.append("provenance not checked: pages unreadable")
        return
    report.extend(page_problems(package, pages, texts, digests))
    held = pages.drop_nulls(["source_id", "page", "resource"])
    page_resources = {
        (r["source_id"], r["page"]): r["resource"] for r in held.iter_rows(named=True)
    }
    unreadable = [name for name in page_resources.values() if texts.get(name) is None]
    blocked = {"statements", "pages"} - readable
    if blocked or unreadable:
        report.notes.append(
            f"statements not traced to their pages: {', '.join(sorted(blocked | set(unreadable)))}"
            " unreadable"
        )
        return
    report.extend(transcription_problems(package, page_resources, statements, texts))
