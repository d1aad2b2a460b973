"""Provenance: every statement traceable to its raw page, and every raw page the one delivered.

The transcription checks live in `validation.transcription` (anchors rebuild the text, the page
body is covered exactly once, fragments obey the columns); this module turns their findings into
problems and adds the integrity of the raw pages themselves: the SHA-256 in pages.csv, the
resource in datapackage.json and the file agree, and so does the line count.
"""

from __future__ import annotations

import csv

import polars as pl

from bloemdata.core.errors import BloemdataError
from bloemdata.core.package import Package
from bloemdata.validation.registry import Rule, register
from bloemdata.validation.report import Problem
from bloemdata.validation.transcription.check import FindingKind, check_package

GROUP = "provenance"

# One rule per kind of transcription finding, registered under the kind's name (no catch-all:
# a new kind without a summary here fails at import, and tests/test_rules_provenance.py says so).
FINDING_SUMMARIES: dict[FindingKind, str] = {
    FindingKind.ANCHOR_INVALID: "a statement's anchor parses and points inside its page",
    FindingKind.ANCHOR_PAGE: "a statement's page is held in the package",
    FindingKind.TEXT_MATCHES_ANCHOR: "a statement's text is exactly what its anchor rebuilds",
    FindingKind.ANCHOR_ORDER: "an anchor's fragments run down the page",
    FindingKind.COLUMN_GEOMETRY: (
        "fragments fit the statement's column (left starts, right ends a line)"
    ),
    FindingKind.STATEMENT_BOUNDARY: "a statement starts and ends like a sentence",
    FindingKind.PAGE_COVERED_ONCE: "every word of a page body is in exactly one statement",
}
FINDING_RULES: dict[FindingKind, Rule] = {
    kind: register(kind.value, GROUP, FINDING_SUMMARIES[kind], "{message}") for kind in FindingKind
}
PAGE_HASH = register(
    "page-hash",
    GROUP,
    "the raw page file's SHA-256 equals `pages.sha256`",
    "pages.csv records sha256 {recorded}, {path} has {actual}",
)
PAGE_RESOURCE = register(
    "page-resource",
    GROUP,
    "`pages.resource` is a resource of datapackage.json with the same path and hash",
    "{message}",
)
PAGE_LINE_COUNT = register(
    "page-line-count",
    GROUP,
    "`pages.line_count` equals the raw page's number of lines",
    "pages.csv records {recorded} lines, {path} has {actual}",
)
PROVENANCE_UNCHECKED = register(
    "provenance-unchecked",
    GROUP,
    "the statements could be traced at all (otherwise provenance is unknown)",
    "statements could not be traced to their pages: {message}",
)


def page_problems(
    package: Package,
    pages: pl.DataFrame,
    texts: dict[str, str | None],
    digests: dict[str, str],
) -> list[Problem]:
    """pages.csv against datapackage.json and the raw page files.

    `texts`: resource -> its text (None if not UTF-8); `digests`: resource -> `sha256:<hex>` of
    every file that could be read.
    """
    problems: list[Problem] = []
    resources = {r.get("name"): r for r in package.descriptor["resources"]}
    for row, page in enumerate(pages.iter_rows(named=True), start=1):
        name, path = page["resource"], page["path"]
        if name is None or path is None:
            continue  # reported as `required`
        resource = resources.get(name)
        if resource is None:
            problems.append(
                PAGE_RESOURCE.problem(
                    "pages",
                    row,
                    "resource",
                    message=f"no resource named {name!r} in datapackage.json",
                )
            )
            continue
        if resource.get("path") != path:
            problems.append(
                PAGE_RESOURCE.problem(
                    "pages",
                    row,
                    "path",
                    message=f"{path!r} is not resource {name!r}'s path {resource.get('path')!r}",
                )
            )
            continue
        if page["sha256"] and resource.get("hash") != f"sha256:{page['sha256']}":
            problems.append(
                PAGE_RESOURCE.problem(
                    "pages",
                    row,
                    "sha256",
                    message=f"datapackage.json records {resource.get('hash')} for {name!r}",
                )
            )
        digest = digests.get(name)
        if digest is None:
            continue  # unreadable: reported as resource-missing
        actual = digest.removeprefix("sha256:")
        if page["sha256"] and actual != page["sha256"]:
            problems.append(
                PAGE_HASH.problem(
                    "pages", row, "sha256", recorded=page["sha256"], path=path, actual=actual
                )
            )
        text = texts.get(name)
        if text is None:
            continue  # reported as encoding-utf8
        count = _line_count(text)
        if page["line_count"] is not None and page["line_count"] != count:
            problems.append(
                PAGE_LINE_COUNT.problem(
                    "pages", row, "line_count", recorded=page["line_count"], path=path, actual=count
                )
            )
    return problems


def _line_count(text: str) -> int:
    """`len(split_lines(text))` without building the lines."""
    return text.count("\n") + (0 if text.endswith("\n") or not text else 1)


def transcription_problems(
    package: Package,
    page_resources: dict[tuple[str, int], str],
    statements: pl.DataFrame | None = None,
    texts: dict[str, str | None] | None = None,
) -> list[Problem]:
    """The findings of `bloemdata.validation.transcription.check.check_package` as problems.

    `statements` (all-string frame) and `texts` (resource -> text) pass on what the run has
    already read, so no file is read twice.
    """
    try:
        findings = check_package(package, statements=statements, texts=texts)
    except (BloemdataError, csv.Error, ValueError, KeyError, UnicodeDecodeError) as exc:
        return [PROVENANCE_UNCHECKED.problem("statements", message=str(exc))]
    problems = []
    for f in findings:
        rule = FINDING_RULES[f.kind]
        if f.statement_id is not None:
            problems.append(
                rule.problem("statements", f.row, f.field, message=f"{f.statement_id}: {f.message}")
            )
        else:
            resource = page_resources.get(f.page, "pages") if f.page else "pages"
            problems.append(rule.problem(resource, None, None, message=f.message))
    return problems
