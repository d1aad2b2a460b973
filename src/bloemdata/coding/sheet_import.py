"""A filled coding sheet back into codings: `.xlsx` as Excel or LibreOffice save it, or CSV.

Reads the layout of `core.sheet_layout` as spreadsheets hand it back: an `.xlsx` (the `coding`
sheet, the coder from the `about` sheet), or a CSV saved from it (UTF-8 with or without BOM, or
Windows-1252 as Excel's plain "CSV" writes; comma, semicolon or tab as Excel's locale chooses; 0/1
cells as `1`, `1.0`, `x`, `TRUE`/`WAAR`, `ja`/`yes`). A row with any code is a coded statement; an
empty row is not coded (no error). Every problem is collected and reported with sheet, row and
column (an unknown code, a missing valence, an edited text, an unknown statement); nothing is
imported when there is one.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from bloemdata.core.coded import CodedData
from bloemdata.core.errors import BloemdataError, InvalidInputError
from bloemdata.core.sheet_layout import (
    ABOUT_SHEET,
    CODER_KEY,
    CODING_SHEET,
    ID,
    SINGLE_CODE_DIMENSIONS,
    TEXT,
    TEXT_EN,
    bracketed,
)

MAX_BYTES = 64 * 1024 * 1024  # a sheet file, and an .xlsx's entries once decompressed
YES = frozenset({"1", "1.0", "x", "true", "waar", "ja", "yes", "y", "j"})
NO = frozenset({"", "0", "0.0", "false", "onwaar", "nee", "no", "n", "-"})


class SheetError(BloemdataError):
    """The file cannot be read as a spreadsheet (not an xlsx or CSV, too big, no coding sheet)."""


@dataclass
class Sheet:
    name: str  # for messages: the sheet's name or the CSV file's
    header: list[str]
    rows: list[list[str]]
    coder: str | None = None  # from the about sheet
    notes: list[str] = field(default_factory=list)


@dataclass
class SheetImport:
    source: str
    coder: str
    codings: dict[str, set[str]]  # statement -> codes
    notes: list[str]
    uncoded: int  # rows left empty


def read(path: Path) -> Sheet:
    """The coding sheet of an .xlsx or a CSV file."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SheetError(f"{path}: cannot read: {exc}") from exc
    if size > MAX_BYTES:
        raise SheetError(f"{path}: {size:,} bytes, more than {MAX_BYTES:,}; refused")
    if zipfile.is_zipfile(path):
        return _read_xlsx(path)
    return _read_csv(path)


def _read_xlsx(path: Path) -> Sheet:
    import openpyxl  # noqa: PLC0415 - only for a workbook
    from openpyxl.utils.exceptions import InvalidFileException  # noqa: PLC0415

    with zipfile.ZipFile(path) as archive:  # the declared sizes bound what zipfile inflates
        if sum(e.file_size for e in archive.infolist()) > MAX_BYTES:
            raise SheetError(f"{path}: more than {MAX_BYTES:,} bytes once decompressed; refused")
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise SheetError(f"{path}: not a spreadsheet openpyxl can read: {exc}") from exc
    try:
        if CODING_SHEET not in workbook.sheetnames:
            raise SheetError(
                f"{path}: no sheet named {CODING_SHEET!r} (sheets: "
                f"{', '.join(workbook.sheetnames)}); write one with `bloemdata export sheet`"
            )
        rows = [
            [_cell(v) for v in row] for row in workbook[CODING_SHEET].iter_rows(values_only=True)
        ]
        coder = None
        if ABOUT_SHEET in workbook.sheetnames:
            for row in workbook[ABOUT_SHEET].iter_rows(values_only=True):
                if row and _cell(row[0]) == CODER_KEY and len(row) > 1:
                    coder = _cell(row[1]) or None
    finally:
        workbook.close()
    if not rows:
        raise SheetError(f"{path}: the {CODING_SHEET!r} sheet is empty")
    return Sheet(f"{path.name}, sheet {CODING_SHEET!r}", rows[0], rows[1:], coder)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_csv(path: Path) -> Sheet:
    data = path.read_bytes()
    notes = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        notes.append("read as Windows-1252 (not UTF-8), as Excel's plain CSV is written")
    first = text.split("\n", 1)[0]
    if ID not in first:
        raise SheetError(
            f"{path}: neither an .xlsx nor a CSV of the coding sheet (no {ID!r} column in the "
            "first line)"
        )
    delimiter = max(",;\t", key=first.count)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise SheetError(f"{path}: not a readable CSV: {exc}") from exc
    return Sheet(path.name, rows[0], rows[1:], None, notes)


def read_sheet(path: Path, data: CodedData, coder: str | None) -> SheetImport:
    """The codings of a filled sheet; InvalidInputError listing every problem, by row and column."""
    sheet = read(path)
    coder = coder or sheet.coder
    if not coder:
        raise InvalidInputError(
            f"{path}: which coder filled it? Give --coder CODER_ID (a CSV keeps no about sheet)"
        )
    columns, problems = _columns(sheet, data)
    statements = {s["statement_id"]: s for s in data.statements}
    codings: dict[str, set[str]] = {}
    uncoded = 0
    seen: dict[str, int] = {}
    for number, row in enumerate(sheet.rows, start=2):
        cells = row + [""] * (len(sheet.header) - len(row))
        sid = cells[columns.id].strip()
        if not sid and not any(c.strip() for c in cells):
            continue  # an empty line
        where = f"{sheet.name}, row {number}"
        statement = statements.get(sid)
        if statement is None:
            problems.append(f"{where}, column {_letter(columns.id)}: unknown statement {sid!r}")
            continue
        if sid in seen:
            problems.append(f"{where}: {sid} is also in row {seen[sid]}")
            continue
        seen[sid] = number
        if columns.text is not None:
            given = cells[columns.text].replace("\r\n", "\n")
            if given.strip() != statement["text"].strip():
                problems.append(
                    f"{where}, column {_letter(columns.text)}: the text of {sid} was edited; "
                    "texts are not changed through a coding sheet"
                )
        codes = _row_codes(cells, columns, where, problems)
        if not codes:
            uncoded += 1
            continue
        missing = [
            d
            for d, col in columns.single.items()
            if not any(c in columns.dimension_codes[d] for c in codes)
        ]
        for dimension in missing:
            problems.append(
                f"{where}, column {_letter(columns.single[dimension])}: {sid} is coded but has no "
                f"{dimension} (exactly one is needed)"
            )
        codings[sid] = codes
    if problems:
        raise InvalidInputError(
            f"{path}: {len(problems)} problem(s); nothing was imported", problems[:50]
        )
    return SheetImport(str(path), coder, codings, sheet.notes + columns.notes, uncoded)


@dataclass
class _Columns:
    id: int
    text: int | None
    single: dict[str, int]  # dimension -> column
    presence: dict[int, str]  # column -> code id
    by_choice: dict[str, dict[str, str]]  # dimension -> folded choice -> code id
    dimension_codes: dict[str, set[str]]
    notes: list[str]


def _columns(sheet: Sheet, data: CodedData) -> tuple[_Columns, list[str]]:
    header = [h.strip() for h in sheet.header]
    folded = [h.casefold() for h in header]
    if ID not in folded:
        raise SheetError(f"{sheet.name}: no {ID!r} column in the first row")
    codes = {c["code_id"]: c for c in data.codable_codes}
    dimension_codes: dict[str, set[str]] = {}
    for c in data.codable_codes:
        dimension_codes.setdefault(c["dimension"], set()).add(c["code_id"])
    columns = _Columns(
        folded.index(ID),
        folded.index(TEXT) if TEXT in folded else None,
        {},
        {},
        {},
        dimension_codes,
        [],
    )
    problems = []
    ignored = []
    for i, name in enumerate(header):
        if i in {columns.id, columns.text} or not name or name.casefold() == TEXT_EN:
            continue
        if name.casefold() in SINGLE_CODE_DIMENSIONS:
            dimension = name.casefold()
            columns.single[dimension] = i
            columns.by_choice[dimension] = _choices(data, dimension)
            continue
        code = bracketed(name) or (name if name in codes else None)
        if code is None:
            ignored.append(name)
        elif code not in codes:
            problems.append(
                f"{sheet.name}, row 1, column {_letter(i)}: unknown code {code!r} in {name!r}"
            )
        else:
            columns.presence[i] = code
    if ignored:
        columns.notes.append(f"columns without a code ignored: {', '.join(ignored)}")
    return columns, problems


def _choices(data: CodedData, dimension: str) -> dict[str, str]:
    result = {}
    for c in data.codable_codes:
        if c["dimension"] == dimension:
            for key in (c["code_id"], c["label_en"], c["label_nl"]):
                result[" ".join(key.casefold().split())] = c["code_id"]
    return result


def _row_codes(cells: list[str], columns: _Columns, where: str, problems: list[str]) -> set[str]:
    codes: set[str] = set()
    for dimension, i in columns.single.items():
        value = cells[i].strip()
        if not value:
            continue
        code = bracketed(value) or columns.by_choice[dimension].get(
            " ".join(value.casefold().split())
        )
        if code is None or code not in columns.dimension_codes[dimension]:
            problems.append(f"{where}, column {_letter(i)}: {value!r} is not a {dimension} code")
        else:
            codes.add(code)
    for i, code in columns.presence.items():
        value = cells[i].strip().casefold()
        if value in YES:
            codes.add(code)
        elif value not in NO:
            problems.append(
                f"{where}, column {_letter(i)}: {cells[i]!r} for {code}: 1 if it applies, 0 or "
                "empty if not"
            )
    return codes


def _letter(index: int) -> str:
    """Spreadsheet column letters of a 0-based index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
