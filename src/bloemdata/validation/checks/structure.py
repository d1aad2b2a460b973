"""The package's files as files: descriptor, encoding, header, rows of the right width, freshness.

A CSV is read once, as bytes. Its structure is checked on those bytes with polars string
operations (UTF-8, NUL bytes, blank and ragged rows), so a 400 MB file costs a few vectorised
passes; only a failure is located in Python. A table whose structure is broken is not parsed
further (its rows would be misaligned noise); the problem says what to fix first.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from bloemdata.core.cast import missing_to_null
from bloemdata.core.package import bytes_stats, hash_string
from bloemdata.core.schema import TableSchema
from bloemdata.validation.registry import excerpt, first, register
from bloemdata.validation.report import LIMIT, Problem, Severity

GROUP = "structure"

DESCRIPTOR_MISSING = register(
    "descriptor-missing", GROUP, "datapackage.json exists where `--package` points", "{message}"
)
DESCRIPTOR_INVALID = register(
    "descriptor-invalid",
    GROUP,
    "datapackage.json and every Table Schema it names are readable, well-formed JSON",
    "{message}",
)
JSON_DUPLICATE_KEY = register(
    "json-duplicate-key",
    GROUP,
    "no key is repeated in an object of datapackage.json or a Table Schema (JSON keeps the last)",
    "{message}",
    Severity.WARNING,
)
RESOURCE_MISSING = register(
    "resource-missing", GROUP, "every resource's file exists and can be opened", "{message}"
)
DESCRIPTOR_STALE = register(
    "descriptor-stale",
    GROUP,
    "`bytes` and `hash` in datapackage.json match the file (fix: `bloemdata refresh`)",
    "datapackage.json records {recorded}, the file has {actual}: run `bloemdata refresh`",
)
EMPTY_FILE = register("empty-file", GROUP, "a CSV file is not empty (0 bytes)", "the file is empty")
ENCODING_UTF8 = register(
    "encoding-utf8",
    GROUP,
    "a file is valid UTF-8",
    "not UTF-8: byte {byte} at line {line}, offset {offset}",
)
ENCODING_BOM = register(
    "encoding-bom", GROUP, "a file starts without a byte-order mark", "the file starts with a BOM"
)
NUL_BYTE = register("nul-byte", GROUP, "a file holds no NUL byte", "NUL byte at line {line}")
HEADER_BLANK = register(
    "header-blank", GROUP, "no header label is empty", "header column {position} has no name"
)
HEADER_DUPLICATE = register(
    "header-duplicate", GROUP, "no header label repeats", "header names {field} more than once"
)
HEADER_MISSING = register(
    "header-missing", GROUP, "the header has every field of the schema", "the header lacks {field}"
)
HEADER_EXTRA = register(
    "header-extra",
    GROUP,
    "the header has no column the schema does not define",
    "column {field} is not in the Table Schema",
)
HEADER_ORDER = register(
    "header-order",
    GROUP,
    "header columns are in the schema's order",
    "header order {actual} differs from the schema's {expected}",
)
BLANK_ROW = register("blank-row", GROUP, "no row is blank", "blank row (line {line})")
RAGGED_ROW = register(
    "ragged-row",
    GROUP,
    "every row has as many cells as the header",
    "row has {cells} cells, the header {expected} (line {line})",
)
CSV_MALFORMED = register(
    "csv-malformed",
    GROUP,
    "the file parses as CSV (quotes closed, one record per row)",
    "cannot parse as CSV: {message}",
)
CSV_AMBIGUOUS = register(
    "csv-ambiguous",
    GROUP,
    'every CSV reader sees the same header and number of records (a `"` only inside a quoted'
    " field, doubled)",
    "CSV readers disagree: {theirs}, Python's csv module {ours}; a `\"` inside an unquoted field"
    " (here {where}) is read differently: quote the field and double the quote",
)
NO_ROWS = register(
    "no-rows",
    GROUP,
    "a table that others refer to by foreign key has at least one row",
    "the table has a header but no rows, and {referrers} refer to it",
)


@dataclass(frozen=True)
class FileStats:
    """One pass over a file's bytes: size, hash, and what proves a CSV's parse (`parse_table`).

    `separators` counts the commas outside quotes (a quote toggles "inside" as RFC 4180 reads
    it; a doubled quote toggles twice). `data` keeps the bytes of a non-table file (a raw page).
    """

    size: int
    digest: str
    bom: bool = False
    nul: bool = False
    separators: int = 0
    data: bytes | None = None


CHUNK = 1 << 23  # 8 MiB: the hash and the counts stream; a 400 MB table is never held as bytes


def stream_stats(path: Path, *, keep: bool = False) -> FileStats:
    """Hash and count a file in chunks (the work releases the GIL: it runs beside polars).

    Raises OSError when the file cannot be read. `keep` returns the bytes as well.
    """
    import numpy as np  # noqa: PLC0415 - loaded by Pandera anyway; only this needs it here

    digest = hashlib.sha256()
    size = separators = parity = 0
    nul = bom = False
    kept: list[bytes] = []
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            if not size:
                bom = chunk.startswith(codecs.BOM_UTF8)
            digest.update(chunk)
            size += len(chunk)
            nul = nul or b"\0" in chunk
            if keep:
                kept.append(chunk)
                continue
            octets = np.frombuffer(chunk, dtype=np.uint8)
            commas = octets == ord(",")
            quotes = octets == ord('"')
            if parity == 0 and not quotes.any():
                separators += int(np.count_nonzero(commas))
                continue
            # inside a quoted field after an odd number of quotes (uint8 wraps; parity survives)
            inside = (np.cumsum(quotes, dtype=np.uint8) + parity) % 2 == 1
            separators += int(np.count_nonzero(commas & ~inside))
            parity = (parity + int(np.count_nonzero(quotes))) % 2
    return FileStats(
        size,
        hash_string(digest),
        bom=bom,
        nul=nul,
        separators=separators,
        data=b"".join(kept) if keep else None,
    )


def stale_stats(resource: str, descriptor: dict, stats: FileStats) -> list[Problem]:
    """The descriptor's bytes/hash against the file's, from stats already taken."""
    recorded = (descriptor.get("bytes"), descriptor.get("hash"))
    if recorded == (stats.size, stats.digest):
        return []
    return [
        DESCRIPTOR_STALE.problem(
            resource,
            recorded=f"{recorded[0]} bytes, {str(recorded[1])[:19]}…",
            actual=f"{stats.size} bytes, {stats.digest[:19]}…",
        )
    ]


def parse_table(
    resource: str, path: Path, stats: FileStats, schema: TableSchema
) -> tuple[Scan, pl.DataFrame] | None:
    """The fast path: polars parses the file from its path, and the stats prove the parse.

    Polars refuses a row with too many cells; a short or blank row has fewer separators than
    (rows + 1) x (columns - 1), which `stats` counted outside quotes. So when the file is
    non-empty, has no NUL byte, parses, has the schema's header and the expected number of
    separators and no all-empty row, there is nothing for `scan_csv` to find but a BOM. None
    means "not proven": the caller reads the bytes and scans them line by line (`scan_csv`),
    which locates every problem.
    """
    if stats.size == 0 or stats.nul:
        return None
    try:
        with path.open("rb") as handle:
            first = handle.readline()
        header = _header(first.removeprefix(codecs.BOM_UTF8))
        frame = pl.read_csv(
            path,
            infer_schema=False,
            empty_string_is_null=False,
            truncate_ragged_lines=False,
            raise_if_empty=True,
        )
    except (pl.exceptions.PolarsError, OSError, UnicodeDecodeError, csv.Error):
        return None
    scan = Scan(header=header)
    # a quote in the header: polars may read it (and the rows) unlike csv; `scan_csv` then says
    if _header_problems(resource, header, schema) or frame.columns != header or b'"' in first:
        return None
    width = len(header)
    if (
        stats.separators != (frame.height + 1) * (width - 1)
        or frame.null_count().sum_horizontal().item()
    ):
        return None
    if frame.height and frame.select(pl.all_horizontal(pl.all() == "").any()).item():
        return None
    if stats.bom:
        scan.problems.append(ENCODING_BOM.problem(resource, 0))
    return scan, missing_to_null(frame, schema)


@dataclass
class Scan:
    """The structural verdict on one CSV: problems, and whether its rows can be checked."""

    problems: list[Problem] = field(default_factory=list)
    readable: bool = True
    header: list[str] = field(default_factory=list)


def stale(resource: str, descriptor: dict, data: bytes) -> list[Problem]:
    """The descriptor's bytes/hash against the file's."""
    size, digest = bytes_stats(data)
    recorded = (descriptor.get("bytes"), descriptor.get("hash"))
    if recorded == (size, digest):
        return []
    return [
        DESCRIPTOR_STALE.problem(
            resource,
            recorded=f"{recorded[0]} bytes, {str(recorded[1])[:19]}…",
            actual=f"{size} bytes, {digest[:19]}…",
        )
    ]


def scan_text(resource: str, data: bytes) -> tuple[str | None, list[Problem]]:
    """A text file's UTF-8 content, or None and the problem; BOM and NUL bytes are problems."""
    problems: list[Problem] = []
    if data.startswith(codecs.BOM_UTF8):
        problems.append(ENCODING_BOM.problem(resource, 0))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        offset = exc.start - (data.rfind(b"\n", 0, exc.start) + 1)
        problems.append(
            ENCODING_UTF8.problem(
                resource, line - 1, byte=f"0x{data[exc.start]:02x}", line=line, offset=offset
            )
        )
        return None, problems
    if "\0" in text:
        problems.append(
            NUL_BYTE.problem(resource, None, line=text[: text.index("\0")].count("\n") + 1)
        )
    return text, problems


def scan_csv(resource: str, data: bytes, schema: TableSchema) -> Scan:
    """Structural checks of one CSV file's bytes against its schema's field names."""
    scan = Scan()
    if not data:
        scan.problems.append(EMPTY_FILE.problem(resource))
        scan.readable = False
        return scan
    if data.startswith(codecs.BOM_UTF8):
        scan.problems.append(ENCODING_BOM.problem(resource, 0))
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = pl.Series([data], dtype=pl.Binary).cast(pl.String)  # validates UTF-8 in Rust
    except pl.exceptions.ComputeError:
        _, problems = scan_text(resource, data)
        scan.problems += [p for p in problems if p.rule == ENCODING_UTF8.id]
        scan.readable = False
        return scan
    scan.header = _header(data)
    scan.problems += _header_problems(resource, scan.header, schema)
    scan.problems += _row_problems(resource, text, len(scan.header))
    scan.readable = not any(p.rule not in {ENCODING_BOM.id, NUL_BYTE.id} for p in scan.problems)
    return scan


def _header(data: bytes) -> list[str]:
    end = data.find(b"\n")  # not split(): that would copy the whole file
    first = data[: None if end < 0 else end].rstrip(b"\r").decode("utf-8")
    try:
        return next(csv.reader(io.StringIO(first)), [])
    except csv.Error:  # e.g. a bare carriage return: the labels as they stand, for the report
        return first.split(",")


def _header_problems(resource: str, header: list[str], schema: TableSchema) -> list[Problem]:
    """Header problems; at most `LIMIT` of each rule are listed (a header may have 100,000
    columns), the rest counted."""
    names = schema.names
    known = set(names)
    seen: set[str] = set()
    blank: list[int] = []
    repeated: list[str] = []
    for position, label in enumerate(header, start=1):
        if not label.strip():
            blank.append(position)
        elif label in seen:
            repeated.append(label)
        seen.add(label)
    extra = [label for label in dict.fromkeys(header) if label.strip() and label not in known]
    problems = [HEADER_BLANK.problem(resource, 0, None, position=n) for n in blank[:LIMIT]]
    problems += HEADER_BLANK.left_out(resource, len(blank) - LIMIT)
    problems += [
        HEADER_DUPLICATE.problem(resource, 0, label, field=excerpt(label))
        for label in repeated[:LIMIT]
    ]
    problems += HEADER_DUPLICATE.left_out(resource, len(repeated) - LIMIT)
    problems += [
        HEADER_MISSING.problem(resource, 0, name, field=repr(name))
        for name in names
        if name not in seen
    ]
    problems += [
        HEADER_EXTRA.problem(resource, 0, label, field=excerpt(label)) for label in extra[:LIMIT]
    ]
    problems += HEADER_EXTRA.left_out(resource, len(extra) - LIMIT)
    if not problems and header != names:
        problems.append(HEADER_ORDER.problem(resource, 0, actual=header, expected=names))
    return problems


def _row_problems(resource: str, text: pl.Series, width: int) -> list[Problem]:
    """Blank rows, ragged rows and NUL bytes, vectorised over the file's lines.

    A record may span lines inside quotes; lines are grouped into records by the parity of the
    quotes before them. Cells are counted on one-line records (a multi-line cell is a
    `text-line-break` problem anyway).
    """
    lines = pl.DataFrame({"line": text.str.split("\n").explode()}).with_row_index("n")
    if lines.height and lines["line"][-1] == "":
        lines = lines.head(-1)  # the final newline does not start a row
    quotes = pl.col("line").str.count_matches('"', literal=True)
    body = pl.col("line").str.strip_suffix("\r")
    lines = lines.with_columns(
        start=((quotes.cum_sum() - quotes) % 2 == 0),
        balanced=(quotes % 2 == 0),
        cells=body.str.replace_all(r'"[^"]*"', "").str.count_matches(",", literal=True) + 1,
        blank=body == "",
        nul=pl.col("line").str.contains("\0", literal=True),
    ).with_columns(row=pl.col("start").cum_sum() - 1)
    after_header = pl.col("start") & (pl.col("row") > 0)
    kinds = (
        (NUL_BYTE, pl.col("nul")),
        (BLANK_ROW, after_header & pl.col("blank")),
        (
            RAGGED_ROW,
            after_header & pl.col("balanced") & ~pl.col("blank") & (pl.col("cells") != width),
        ),
    )
    problems: list[Problem] = []
    for rule, kind in kinds:  # (2,000,000 blank lines: 100 listed, the rest counted)
        rows, more = first(lines.filter(kind))
        for r in rows.iter_rows(named=True):
            line, row = r["n"] + 1, r["row"]
            values = {"cells": r["cells"], "expected": width} if rule is RAGGED_ROW else {}
            problems.append(rule.problem(resource, row, line=line, **values))
        problems += rule.left_out(resource, more)
    return problems


def disagreement(
    resource: str, data: bytes, frame: pl.DataFrame, header: list[str]
) -> list[Problem]:
    """A problem when polars' frame and Python's csv module see a different header or number of
    records in the same bytes (a `"` inside an unquoted field: polars opens a quote there, csv
    keeps it as text); the table is then not read further."""
    try:
        records = sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    except (csv.Error, UnicodeDecodeError):
        return []  # (what csv cannot parse, the structure checks already report)
    ours_rows = max(records - 1, 0)
    if frame.columns == header and frame.height == ours_rows:
        return []
    labels = [label for label in header if '"' in label] or ["a data row"]
    return [
        CSV_AMBIGUOUS.problem(
            resource,
            0,
            theirs=f"polars reads {frame.height} record(s) under {_labels(frame.columns)}",
            ours=f"{ours_rows} under {_labels(header)}",
            where=excerpt(labels[0]),
        )
    ]


def _labels(labels: list[str]) -> str:
    return excerpt(",".join(labels), 120)


def read_frame(
    resource: str, data: bytes, schema: TableSchema
) -> tuple[pl.DataFrame | None, list[Problem]]:
    """The table as all-string columns (never type-guessed), missing values as null."""
    try:
        frame = pl.read_csv(
            data,
            infer_schema=False,
            empty_string_is_null=False,
            truncate_ragged_lines=False,
            raise_if_empty=True,
        )
    except (pl.exceptions.PolarsError, OSError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return None, [CSV_MALFORMED.problem(resource, message=excerpt(message, 200))]
    return missing_to_null(frame, schema), []
