"""`page add`: a raw page and its statement texts into the package, anchored, or refused whole.

Everything is checked before anything is written: the raw page is UTF-8, its page number is not
held yet, the section is known, every statement's words are on the page in order and no word is
claimed by two statements. Only then are the raw page copied byte-identically, the rows
appended to pages.csv, statements.csv (and sections.csv for a new section), the source's
`pages_held` updated and the descriptor refreshed; a failure while writing puts every file back.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from bloemdata.core.anchor import split_lines
from bloemdata.core.errors import BloemdataError
from bloemdata.core.package import DESCRIPTOR, Package, file_stats, write_descriptor
from bloemdata.ingest.align import PageAlignment, align_page
from bloemdata.ingest.frame import find_frame
from bloemdata.ingest.paragraphs import read_paragraphs
from bloemdata.validation.transcription.check import StatementRef, check_coverage, check_statement

SOURCES_DIR = "datapackage/sources"


class PageRefusedError(BloemdataError):
    """The page cannot be added as asked; nothing was written. `reasons` lists every reason."""

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__("page not added, nothing written:\n  " + "\n  ".join(reasons))


@dataclass
class Added:
    """What `add_page` wrote."""

    statement_ids: list[str]
    resource: str
    path: str
    heading: str
    footer: str
    uncovered: list[tuple[int, str]] = field(default_factory=list)
    section_added: bool = False


@dataclass
class _Plan:
    raw: bytes
    lines: list[str]
    source_id: str
    resource: str
    path: str
    heading: str
    footer: str
    texts: list[str]
    translations: list[str]
    aligned: PageAlignment
    section_row: dict[str, str] | None


def add_page(
    root: Path | str,
    raw_path: Path,
    page: int,
    section: str,
    statements_path: Path,
    *,
    translations_path: Path | None = None,
    source_id: str | None = None,
    section_title_en: str | None = None,
) -> Added:
    """Add page `page` from `raw_path` with the statements of `statements_path`; see the module."""
    package = Package.load(root)
    plan = _plan(
        package, raw_path, page, section, statements_path, translations_path, source_id,
        section_title_en,
    )  # fmt: skip
    return _write(package, plan, page, section, raw_path.name)


def _plan(  # noqa: PLR0912, PLR0917 - every refusal checked in one place, in order
    package: Package,
    raw_path: Path,
    page: int,
    section: str,
    statements_path: Path,
    translations_path: Path | None,
    source_id: str | None,
    section_title_en: str | None,
) -> _Plan:
    reasons: list[str] = []
    raw = _read_bytes(raw_path, "raw page")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PageRefusedError(
            [f"{raw_path}: the raw page is not UTF-8 (byte {exc.start}: {exc.reason})"]
        ) from exc
    lines = split_lines(text)
    sources = [r["source_id"] for r in package.rows("sources")]
    if source_id is None:
        if len(sources) != 1:
            raise PageRefusedError([f"the package has sources {sources}: pass --source"])
        source_id = sources[0]
    elif source_id not in sources:
        reasons.append(f"source {source_id!r} is not in sources.csv (known: {sources})")
    if not 1 <= page <= 999:
        reasons.append(f"page {page}: statement ids BL-pNNN-NN hold pages 1 to 999")
    pages = package.rows("pages")
    if any(r["source_id"] == source_id and r["page"] == str(page) for r in pages):
        reasons.append(f"page {page} of {source_id!r} is already held (pages.csv)")
    resource = f"page-p{page:03d}"
    path = f"{SOURCES_DIR}/{source_id}-p{page:03d}.txt"
    if resource in package.resource_names or (package.root / path).exists():
        reasons.append(f"resource {resource!r} or file {path} already exists")
    sections = {r["section_id"]: r for r in package.rows("sections")}
    titles = [(sid, r["title_nl"]) for sid, r in sections.items()]
    frame = find_frame(lines, page, titles)
    if not frame.footer:
        reasons.append(f"{raw_path}: no running footer ending in page {page} on its last line")
    section_row, problem = _section_row(
        sections, section, source_id, page, lines, frame.heading, frame.section, section_title_en
    )
    reasons += problem
    texts = read_paragraphs(_read_text(statements_path, "statements file"))
    if not texts:
        reasons.append(f"{statements_path}: no statements (one per paragraph, blank lines between)")
    translations: list[str] = []
    if translations_path is not None:
        translations = read_paragraphs(_read_text(translations_path, "translations file"))
        if len(translations) != len(texts):
            reasons.append(
                f"{translations_path}: {len(translations)} translations for {len(texts)} statements"
            )
    elif package.schemas["statements"].field("text_en").required:
        reasons.append(
            "statements.text_en is required (schemas/statements.json): pass --translations FILE "
            "with one English paragraph per statement, in the same order"
        )
    for number, statement in enumerate(texts, start=1):
        if unicodedata.normalize("NFC", statement) != statement:
            reasons.append(f"statement {number} is not NFC: {_quote(statement)}")
    aligned = align_page(lines, texts, [frame.heading, frame.footer])
    for number, missing in aligned.not_found:
        reasons.append(
            f"statement {number + 1} ({_quote(texts[number])}): word {missing.word_index + 1} "
            f"{missing.word!r} is not on the page after the words before it"
        )
    for first, second, word in aligned.claimed_twice:
        reasons.append(
            f"statement {second + 1} ({_quote(texts[second])}) needs words that statement "
            f"{first + 1} ({_quote(texts[first])}) already holds, first {word!r}"
        )
    if not reasons:
        reasons += _rebuild_checks(lines, aligned, source_id, page, [frame.heading, frame.footer])
    if reasons:
        raise PageRefusedError(reasons)
    return _Plan(
        raw, lines, source_id, resource, path, frame.heading, frame.footer, texts,
        translations, aligned, section_row,
    )  # fmt: skip


def _rebuild_checks(
    lines: list[str], aligned: PageAlignment, source_id: str, page: int, frame: list[str]
) -> list[str]:
    """The validator's transcription checks on the rows about to be written: the same
    guarantees as the shipped pages (anchors rebuild the texts, fragments fit their column, a
    statement starts and ends like a sentence, no word in two statements). Words in no statement
    are listed by the caller, not refused."""
    refs = [
        StatementRef(n + 1, f"statement {n + 1}", (source_id, page), p.column, p.text, p.anchor)
        for n, p in enumerate(aligned.placed)
    ]
    findings = [f for ref in refs for f in check_statement(lines, ref)]
    findings += [
        f
        for f in check_coverage(lines, refs, frame, (source_id, page))
        if not f.message.endswith("is in no statement")
    ]
    return [f"{f.statement_id or 'the page'}: {f.message} ({f.kind})" for f in findings]


def _section_row(  # noqa: PLR0917 - what a new section row is made of
    sections: dict[str, dict[str, str]],
    section: str,
    source_id: str,
    page: int,
    lines: list[str],
    heading: str,
    printed_section: str | None,
    title_en: str | None,
) -> tuple[dict[str, str] | None, list[str]]:
    """The sections.csv row for a section the page's heading starts; or why it cannot be made."""
    if section in sections:
        return None, []
    end = int(heading.split("-")[1]) if heading else 0
    if printed_section != section or not title_en:
        printed = f"the heading reads {lines[0][:end]!r}" if heading else "the page has no heading"
        reason = (
            f"section {section!r} is not in sections.csv ({printed}): pass --section-title-en "
            "to add it from the page's heading"
        )
        return None, [reason]
    row = {
        "section_id": section,
        "source_id": source_id,
        "page": str(page),
        "title_nl": lines[0][len(section) : end].strip(),
        "title_en": title_en,
        "anchor": heading,
    }
    return row, []


def _write(package: Package, plan: _Plan, page: int, section: str, extracted_from: str) -> Added:
    root = package.root
    touched = [
        package.path_of("pages"),
        package.path_of("statements"),
        package.path_of("sources"),
        package.path_of("sections"),
        root / DESCRIPTOR,
    ]
    before = {p: p.read_bytes() for p in touched}
    target = root / plan.path
    english = plan.translations or [""] * len(plan.texts)  # placed follows the file's order
    placed = sorted(
        zip(plan.aligned.placed, english, strict=True), key=lambda pair: pair[0].position
    )
    first = _next_number(package, page)
    ids = [f"BL-p{page:03d}-{first + n:02d}" for n in range(len(placed))]
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(plan.raw)
        digest = hashlib.sha256(plan.raw).hexdigest()
        _append(package.path_of("pages"), [{
            "source_id": plan.source_id, "page": str(page), "resource": plan.resource,
            "path": plan.path, "sha256": digest, "line_count": str(len(plan.lines)),
            "heading_anchor": plan.heading, "footer_anchor": plan.footer,
            "extracted_from": extracted_from[:200],
        }])  # fmt: skip
        if plan.section_row:
            _append(package.path_of("sections"), [plan.section_row])
        _append(package.path_of("statements"), [{
            "statement_id": sid, "source_id": plan.source_id, "page": str(page),
            "section_id": section, "column": p.column, "position": str(p.position),
            "text": p.text, "text_en": en, "anchor": p.anchor,
            "status": "current", "status_note": "",
        } for sid, (p, en) in zip(ids, placed, strict=True)])  # fmt: skip
        _add_page_held(package.path_of("sources"), plan.source_id, page)
        _describe(package, plan, page)
    except BaseException:
        for path, data in before.items():
            path.write_bytes(data)
        target.unlink(missing_ok=True)
        raise
    return Added(
        ids, plan.resource, plan.path, plan.heading, plan.footer, plan.aligned.uncovered,
        plan.section_row is not None,
    )  # fmt: skip


def _next_number(package: Package, page: int) -> int:
    """Ids are never reused: number after any id of this page the table already holds."""
    prefix = f"BL-p{page:03d}-"
    held = [
        int(r["statement_id"][len(prefix) :])
        for r in package.rows("statements")
        if r["statement_id"].startswith(prefix) and r["statement_id"][len(prefix) :].isdigit()
    ]
    return max(held, default=0) + 1


def _append(path: Path, rows: list[dict[str, str]]) -> None:
    """Append rows in the table's own header order, in the package's CSV dialect."""
    data = path.read_bytes()
    header = next(csv.reader(io.StringIO(data.decode("utf-8"))))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writerows(rows)
    prefix = b"" if data.endswith(b"\n") else b"\n"
    with path.open("ab") as handle:
        handle.write(prefix + buffer.getvalue().encode("utf-8"))


def _add_page_held(path: Path, source_id: str, page: int) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        rows = list(reader)
    for row in rows:
        if row["source_id"] == source_id:
            row["pages_held"] = _ranges(_pages(row["pages_held"]) | {page})
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8"))


def _pages(held: str) -> set[int]:
    pages: set[int] = set()
    for part in filter(None, (p.strip() for p in held.split(","))):
        low, _, high = part.partition("-")
        pages.update(range(int(low), int(high or low) + 1))
    return pages


def _ranges(pages: set[int]) -> str:
    """`10-12, 15` from {10, 11, 12, 15}."""
    parts: list[str] = []
    for page in sorted(pages):
        if parts and int(re.split(r"-", parts[-1])[-1]) == page - 1:
            parts[-1] = f"{parts[-1].split('-')[0]}-{page}"
        else:
            parts.append(str(page))
    return ", ".join(parts)


def _describe(package: Package, plan: _Plan, page: int) -> None:
    """The raw page as a resource after the last page resource; bytes and hashes refreshed."""
    size, digest = file_stats(package.root / plan.path)
    resource = {
        "name": plan.resource,
        "type": "file",
        "title": f"Raw text of page {page}",
        "description": (
            f"Page {page} of the anthology as text extracted from the two-column PDF, "
            "byte-identical to the file delivered to the project. Columns are interleaved line "
            "by line and words are split by hyphenation; statements.anchor points into this "
            "text. Never edited."
        ),
        "path": plan.path,
        "scheme": "file",
        "format": "txt",
        "mediatype": "text/plain",
        "encoding": "utf-8",
        "bytes": size,
        "hash": digest,
    }
    resources = package.descriptor["resources"]
    last_page = max(
        (n for n, r in enumerate(resources) if str(r.get("name", "")).startswith("page-p")),
        default=len(resources) - 1,
    )
    resources.insert(last_page + 1, resource)
    for name in ("pages", "statements", "sources", "sections"):
        size, digest = file_stats(package.path_of(name))
        package.resource(name).update(bytes=size, hash=digest)
    write_descriptor(package)


def _read_bytes(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise BloemdataError(f"{path}: cannot read the {what}: {exc.strerror or exc}") from exc


def _read_text(path: Path, what: str) -> str:
    data = _read_bytes(path, what)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PageRefusedError([f"{path}: the {what} is not UTF-8 (byte {exc.start})"]) from exc


def _quote(text: str, limit: int = 50) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")
