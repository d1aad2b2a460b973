"""`bloemdata validate`: one report from structure checks, Pandera, domain rules and frictionless.

The fast path carries every check itself: each file is read once as bytes, its structure checked
with vectorised polars string operations, parsed by polars as all-strings, validated by the
Pandera schema generated from its Table Schema, cast by the schema's types, and checked across
tables with polars joins (foreign keys, coding rules). The real `frictionless` validator runs
meanwhile in a worker process as the independent check (`bloemdata.rules.independent`), by
default only on a package of at most `FRICTIONLESS_MAX_BYTES` (it is ~100x slower); its errors
become problems with source "frictionless", minus those the fast path already reported.

Problems in the data never raise: they are problems in the report. When the package cannot be
read as described (no or broken descriptor, a resource file missing or unreadable) the report
says so and sets `could_not_run` (the CLI exits 2).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import polars as pl

from bloemdata.errors import BloemdataError, PackageNotFoundError
from bloemdata.package import DESCRIPTOR, Package
from bloemdata.pandera_schema import typed_frame, validate_frame
from bloemdata.report import Report
from bloemdata.rules import independent
from bloemdata.rules import structure as s
from bloemdata.rules.coding import codebook_problems, coding_problems
from bloemdata.rules.docs import docs_problems
from bloemdata.rules.independent import frictionless_problems, new_problems
from bloemdata.rules.provenance import page_problems, transcription_problems
from bloemdata.rules.table import foreign_key_problems, referrers

__all__ = ["FRICTIONLESS_MAX_BYTES", "frictionless_problems", "new_problems", "validate"]

FRICTIONLESS_MAX_BYTES = 5_000_000  # ~1 s of frictionless; above it, only with --frictionless


def validate(path: Path | str = ".", *, frictionless: bool | None = None) -> Report:
    """Validate the package at `path` (its folder or datapackage.json).

    `frictionless`: True always runs the frictionless validator as well, False never, None (the
    default) when the package's files total at most `FRICTIONLESS_MAX_BYTES`.
    """
    report = Report()
    package = _load(Path(path), report)
    if package is None:
        return report
    files = _read_files(package, report)
    report.checked = list(package.resource_names)
    worker = _start_frictionless(package, files, report, frictionless)
    raw = _structure(package, files, report)
    typed: dict[str, pl.DataFrame] = {}
    for name, frame in raw.items():
        report.extend(validate_frame(frame, package.schemas[name], name))
        typed[name] = typed_frame(frame, package.schemas[name])
    _cross_table(package, typed, report)
    report.extend(docs_problems(package))
    _provenance(package, raw, typed, files, report)
    if worker is not None:
        report.extend(new_problems(independent.collect(worker), report.problems))
    return report


def _start_frictionless(
    package: Package, files: dict[str, bytes], report: Report, run: bool | None
) -> subprocess.Popen[str] | None:
    size = sum(len(data) for data in files.values())
    if run is None:
        run = size <= FRICTIONLESS_MAX_BYTES
    if not run or report.could_not_run:
        report.notes.append(
            f"frictionless not run: the package holds {size:,} bytes (limit"
            f" {FRICTIONLESS_MAX_BYTES:,}) or cannot be read; `--frictionless` forces it"
        )
        return None
    return independent.start(package.root / DESCRIPTOR)


def _load(path: Path, report: Report) -> Package | None:
    try:
        return Package.load(path)
    except PackageNotFoundError as exc:
        report.add(s.DESCRIPTOR_MISSING.problem(DESCRIPTOR, message=str(exc)))
    except BloemdataError as exc:
        report.add(s.DESCRIPTOR_INVALID.problem(DESCRIPTOR, message=str(exc)))
    report.could_not_run = True
    report.notes.append("nothing else was checked: fix datapackage.json first")
    return None


def _read_files(package: Package, report: Report) -> dict[str, bytes]:
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
    if "codes" in typed:
        report.extend(codebook_problems(typed["codes"]))
    if {"statements", "codes", "codings"} <= typed.keys():
        report.extend(coding_problems(typed["statements"], typed["codes"], typed["codings"]))
    else:
        report.notes.append("coding rules not checked: statements, codes or codings unreadable")


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
