"""Checks that the statements are a faithful transcription of their raw pages.

Each check yields a `Finding` (data, not an exception) of a `FindingKind`;
`validation.checks.provenance` reports each kind as its one rule. Three independent kinds of
evidence:

* the anchor rebuilds the statement's text exactly from the raw lines (nothing dropped, added
  or changed, words in order);
* the anchors of a page cover every non-space character of its body exactly once (heading and
  footer excepted): no word dropped, doubled or given to two statements;
* the fragments obey the page's geometry: a left-column fragment starts its line, a right-column
  fragment ends it, a fragment of unknown column is the whole line; and a statement starts and
  ends like a sentence, so a word cannot slide into its neighbour unnoticed.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

import polars as pl

from bloemdata.core.anchor import Fragment, fragment_text, parse, resolve, split_lines
from bloemdata.core.errors import AnchorError, ResourceError
from bloemdata.core.package import Package
from bloemdata.validation.transcription import screen

_STARTS = re.compile(r"^[\w(‘“'\"]")
_ENDS = re.compile(r"[.!?)’”'\"…]$")


class FindingKind(StrEnum):
    """What a finding says is wrong; each kind is one rule of `validation.checks.provenance`."""

    ANCHOR_INVALID = "anchor-invalid"
    ANCHOR_PAGE = "anchor-page"
    TEXT_MATCHES_ANCHOR = "text-matches-anchor"
    ANCHOR_ORDER = "anchor-order"
    COLUMN_GEOMETRY = "column-geometry"
    STATEMENT_BOUNDARY = "statement-boundary"
    PAGE_COVERED_ONCE = "page-covered-once"


@dataclass(frozen=True)
class Finding:
    """One transcription problem; `row` is the 1-based data row of the statement, if any."""

    kind: FindingKind
    message: str
    statement_id: str | None = None
    row: int | None = None
    field: str | None = None
    page: tuple[str, int] | None = None


@dataclass(frozen=True)
class StatementRef:
    """What the checks need of one statement row."""

    row: int
    statement_id: str
    page: tuple[str, int]
    column: str
    text: str
    anchor: str


def check_statement(lines: list[str], st: StatementRef) -> Iterator[Finding]:
    """Anchor, text and geometry checks for one statement against its page's raw lines."""

    def finding(kind: FindingKind, message: str, field: str = "anchor") -> Finding:
        return Finding(kind, message, st.statement_id, st.row, field, st.page)

    try:
        fragments = parse(st.anchor)
        rebuilt = resolve(lines, st.anchor)
    except AnchorError as exc:
        yield finding(FindingKind.ANCHOR_INVALID, str(exc))
        return
    if rebuilt != st.text:
        yield finding(
            FindingKind.TEXT_MATCHES_ANCHOR,
            f"text differs from the raw page at its anchor: {_first_difference(st.text, rebuilt)}",
            "text",
        )
    for before, after in itertools.pairwise(fragments):
        if after.line <= before.line:
            yield finding(
                FindingKind.ANCHOR_ORDER, f"fragment {after} does not follow {before} down the page"
            )
    for fragment in fragments:
        problem = _geometry(lines, fragment, st.column)
        if problem:
            yield finding(FindingKind.COLUMN_GEOMETRY, problem, "column")
    if not _STARTS.search(st.text) or not _ENDS.search(st.text):
        yield finding(
            FindingKind.STATEMENT_BOUNDARY,
            "text does not start and end like a sentence: a word may belong to a neighbour",
            "text",
        )


def check_coverage(
    lines: list[str],
    statements: Iterable[StatementRef],
    excluded: Iterable[str],
    page: tuple[str, int],
) -> Iterator[Finding]:
    """Every non-space character of the page body is in exactly one statement.

    `excluded` are the anchors of the heading(s) and footer, which belong to no statement.
    """
    # Spans per line, sorted: overlaps and gaps show between neighbours (no per-character map,
    # which made this the validator's bottleneck on large pages).
    spans: dict[int, list[tuple[int, int, str]]] = {}
    for label, anchor in [*(("heading/footer", a) for a in excluded if a), *_anchors(statements)]:
        try:
            fragments = parse(anchor)
        except AnchorError:
            continue  # reported by check_statement
        for fragment in fragments:
            end = min(fragment.end, len(_line(lines, fragment)))
            if fragment.start < end:
                spans.setdefault(fragment.line, []).append((fragment.start, end, label))
    for number, text in enumerate(lines, start=1):
        covered_to = 0  # end of the furthest span so far on this line
        holder = ""
        missing: list[int] = []
        for start, end, label in sorted(spans.get(number, [])):
            if start < covered_to:
                yield Finding(
                    FindingKind.PAGE_COVERED_ONCE,
                    f"line {number}, offsets {start}-{min(end, covered_to)} are covered by "
                    f"{holder} and {label}",
                    page=page,
                )
            else:
                missing += _non_space(text, covered_to, start)
            if end > covered_to:
                covered_to, holder = end, label
        missing += _non_space(text, covered_to, len(text))
        if missing:
            words = " ".join(_words_at(text, missing))
            yield Finding(
                FindingKind.PAGE_COVERED_ONCE,
                f"line {number}: {words!r} is in no statement",
                page=page,
            )


def _non_space(text: str, start: int, end: int) -> list[int]:
    return [i for i in range(start, end) if not text[i].isspace()]


def check_package(
    package: Package,
    *,
    statements: pl.DataFrame | None = None,
    texts: dict[str, str | None] | None = None,
) -> list[Finding]:
    """All transcription findings of a package: every statement and every page held.

    A polars screen (`transcription_screen`) picks the statements and pages that may have a
    finding; only those go through the checks above, which write every finding. `statements`
    (the table as all-strings, missing values null) and `texts` (resource -> raw page) spare
    reading files a caller has already read.
    """
    page_rows = package.rows("pages")
    texts_held = texts or {}
    texts_by_page = {
        (row["source_id"], int(row["page"])): (
            texts_held.get(row["resource"]) or package.text(row["resource"])
        )
        for row in page_rows
    }
    statements = _statements_frame(package, statements)
    excluded = _excluded_frame(page_rows)
    suspects, pages = screen.screen(statements, excluded, screen.page_lines(texts_by_page))
    # a suspect statement makes its page a suspect: the reference may skip its anchor
    suspect_rows = statements.filter(pl.col("row").is_in(list(suspects)))
    pages |= set(zip(suspect_rows["source_id"], suspect_rows["page"], strict=True))
    # split into Python lines only the pages the reference checks will read
    lines = {key: split_lines(texts_by_page[key]) for key in pages & texts_by_page.keys()}
    page_keys = pl.DataFrame(
        list(pages), schema={"source_id": pl.String, "page": pl.Int64}, orient="row"
    )
    on_pages = statements.join(page_keys, on=["source_id", "page"], how="semi")
    refs = _refs(pl.concat([suspect_rows, on_pages]).unique("row").sort("row"))
    by_page = {(r["source_id"], int(r["page"])): r for r in page_rows}
    return _reference(lines, refs, by_page, suspects, pages & lines.keys())


def check_package_reference(package: Package) -> list[Finding]:
    """The same findings as `check_package`, with no screen: every statement and page in Python.

    Slow (about 50 µs a statement); the property tests hold the screen to it.
    """
    lines = {
        (row["source_id"], int(row["page"])): split_lines(package.text(row["resource"]))
        for row in package.rows("pages")
    }
    refs = _refs(_statements_frame(package))
    page_rows = {(r["source_id"], int(r["page"])): r for r in package.rows("pages")}
    return _reference(lines, refs, page_rows, None, lines.keys())


def _refs(frame: pl.DataFrame) -> list[StatementRef]:
    return [
        StatementRef(
            r["row"],
            r["statement_id"],
            (r["source_id"], r["page"]),
            r["column"],
            r["text"],
            r["anchor"],
        )
        for r in frame.iter_rows(named=True)
    ]


def _reference(
    lines: dict[tuple[str, int], list[str]],
    refs: list[StatementRef],
    page_rows: dict[tuple[str, int], dict[str, str]],
    rows: set[int] | None,
    pages: Iterable[tuple[str, int]],
) -> list[Finding]:
    """The reference checks: the statements in `rows` (None: all), then the coverage of `pages`."""
    findings: list[Finding] = []
    for st in refs:
        if rows is not None and st.row not in rows:
            continue
        if st.page not in lines:
            message = f"page {st.page[1]} of {st.page[0]!r} is not held"
            findings.append(
                Finding(FindingKind.ANCHOR_PAGE, message, st.statement_id, st.row, "page", st.page)
            )
            continue
        findings.extend(check_statement(lines[st.page], st))
    for key in sorted(pages):
        on_page = [st for st in refs if st.page == key]
        excluded = [page_rows[key]["heading_anchor"], page_rows[key]["footer_anchor"]]
        findings.extend(check_coverage(lines[key], on_page, excluded, key))
    return findings


def _statements_frame(package: Package, raw: pl.DataFrame | None = None) -> pl.DataFrame:
    """The statements' columns the checks read, as text (page as integer), with 1-based rows."""
    columns = ["statement_id", "source_id", "page", "column", "text", "anchor"]
    if raw is not None:
        frame = raw.select(columns)
    else:
        path = package.path_of("statements")
        try:
            frame = pl.read_csv(path, infer_schema=False, columns=columns, encoding="utf8")
        except (pl.exceptions.PolarsError, OSError) as exc:
            raise ResourceError(f"{path}: cannot read the statements: {exc}") from exc
    return (
        frame.with_row_index("row", offset=1)
        .with_columns(
            pl.col("row").cast(pl.Int64),
            pl.col("page").cast(pl.Int64, strict=False),
            *(
                pl.col(c).fill_null("")
                for c in ["statement_id", "source_id", "column", "text", "anchor"]
            ),
        )
        .filter(pl.col("page").is_not_null())  # a type error, reported by the schema checks
    )


def _excluded_frame(page_rows: list[dict[str, str]]) -> pl.DataFrame:
    """Heading and footer anchors of every page, which belong to no statement."""
    records = [
        {"row": 0, "source_id": r["source_id"], "page": int(r["page"]), "anchor": anchor}
        for r in page_rows
        for anchor in (r["heading_anchor"], r["footer_anchor"])
        if anchor
    ]
    schema = {"row": pl.Int64, "source_id": pl.String, "page": pl.Int64, "anchor": pl.String}
    return pl.DataFrame(records, schema=schema)


def _anchors(statements: Iterable[StatementRef]) -> Iterator[tuple[str, str]]:
    for st in statements:
        yield st.statement_id, st.anchor


def _line(lines: list[str], fragment: Fragment) -> str:
    return lines[fragment.line - 1] if fragment.line <= len(lines) else ""


def _geometry(lines: list[str], fragment: Fragment, column: str) -> str | None:
    try:
        fragment_text(lines, fragment)
    except AnchorError as exc:
        return str(exc)
    line = lines[fragment.line - 1]
    starts_line = line[: fragment.start].strip() == ""
    ends_line = line[fragment.end :].strip() == ""
    if column == "left" and not starts_line:
        return f"left-column fragment {fragment} does not start its line"
    if column == "right" and not ends_line:
        return f"right-column fragment {fragment} does not end its line"
    if column == "unknown" and not (starts_line and ends_line):
        return f"fragment {fragment} of unknown column shares its line: the column can be told"
    return None


def _words_at(text: str, offsets: list[int]) -> list[str]:
    wanted = set(offsets)
    return [m.group(0) for m in re.finditer(r"\S+", text) if wanted & set(range(*m.span()))]


def _first_difference(expected: str, actual: str) -> str:
    i = next(
        (k for k, (a, b) in enumerate(zip(expected, actual, strict=False)) if a != b),
        min(len(expected), len(actual)),
    )
    return f"at character {i}: text has {expected[i : i + 20]!r}, page has {actual[i : i + 20]!r}"
