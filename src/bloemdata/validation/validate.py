"""`bloemdata validate`: one report from structure checks, Pandera, domain rules and frictionless.

The fast path (`validation.runner`) carries every check itself: polars, the Pandera schemas
generated from the Table Schemas and the domain rules. The real `frictionless` validator runs
meanwhile in a worker process as the independent check (`validation.frictionless_worker`), by
default only on a package of at most `FRICTIONLESS_MAX_BYTES` (it is ~100x slower); its errors
become problems with source "frictionless", minus those the fast path already reported.

Problems in the data never raise: they are problems in the report. When the package cannot be
read as described (no or broken descriptor, a resource file missing or unreadable) the report
says so and sets `could_not_run` (the CLI exits 2).
"""

from __future__ import annotations

from pathlib import Path

from bloemdata.core.errors import BloemdataError, PackageNotFoundError
from bloemdata.core.package import DESCRIPTOR, Package
from bloemdata.validation import frictionless_worker as independent
from bloemdata.validation.checks.references import remote_problems
from bloemdata.validation.frictionless_worker import new_problems
from bloemdata.validation.report import Report

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
    report.checked = list(package.resource_names)
    if package.repeated_keys:
        from bloemdata.validation.checks import structure  # noqa: PLC0415 - as in _load

        report.extend(
            structure.JSON_DUPLICATE_KEY.problem(DESCRIPTOR, message=m)
            for m in package.repeated_keys
        )
    remote = remote_problems(package)
    if remote:  # refused before any file is read or frictionless could follow one
        report.extend(remote)
        report.notes.append("nothing else was checked: the package refers to files elsewhere")
        return report
    worker = _start_frictionless(package, report, frictionless)
    # imported only now: polars and Pandera take most of a second, which the worker uses
    from bloemdata.validation.runner import run  # noqa: PLC0415

    run(package, report)
    if worker is not None:
        fresh = new_problems(independent.collect(worker), report.problems)
        # a rule whose problems were counted, not listed, has them all already
        report.extend(p for p in fresh if (p.resource, p.rule) not in report.omitted)
    return report


def package_bytes(package: Package) -> int | None:
    """The total size of the package's files; None when one cannot be found."""
    try:
        return sum(package.path_of(name).stat().st_size for name in package.resource_names)
    except (BloemdataError, OSError):
        return None


def _start_frictionless(
    package: Package, report: Report, run: bool | None
) -> independent.Worker | None:
    size = package_bytes(package)
    if run is False:
        why = "`--no-frictionless`"
    elif size is None:  # even when asked for: the problems say which file
        why = "a file of the package cannot be read"
    elif run is None and size > FRICTIONLESS_MAX_BYTES:
        why = (
            f"the package holds {size:,} bytes (limit {FRICTIONLESS_MAX_BYTES:,}); "
            "`--frictionless` runs it anyway"
        )
    else:
        return independent.start(package.root / DESCRIPTOR)
    report.notes.append(f"frictionless not run: {why}")
    return None


def _load(path: Path, report: Report) -> Package | None:
    try:
        return Package.load(path)
    except BloemdataError as exc:
        from bloemdata.validation.checks import structure  # noqa: PLC0415 - only when there is nothing to run

        missing = isinstance(exc, PackageNotFoundError)
        rule = structure.DESCRIPTOR_MISSING if missing else structure.DESCRIPTOR_INVALID
        report.add(rule.problem(DESCRIPTOR, message=str(exc)))
    report.could_not_run = True
    report.notes.append("nothing else was checked: fix datapackage.json first")
    return None
