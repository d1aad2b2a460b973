"""Read a REFI-QDA project (`.qdpx`) as the tools write it, safely and within bounds.

What real files look like: the project file may have any `*.qde` name (ATLAS.ti writes
`Trial.qde`); the texts lie under `sources/` or `Sources/` (NVivo for Windows and for Mac differ)
or inline as `PlainTextContent`; a text is UTF-8 with or without a byte-order mark (or UTF-16 with
one), with LF or CRLF line ends. The namespace is not checked: tools differ in it.

Untrusted input: the zip is read entry by entry with a cap on what is decompressed (a zip bomb
stops at the cap, whatever its header claims); the XML is parsed incrementally with entity
resolution, DTD loading and network access off, and a document with a DOCTYPE is refused outright.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from lxml import etree

from bloemdata.core.errors import BloemdataError

MAX_PROJECT_BYTES = 512 * 1024 * 1024  # the .qde, decompressed
MAX_SOURCE_BYTES = 64 * 1024 * 1024  # one text source, decompressed
MAX_TOTAL_BYTES = 1024 * 1024 * 1024  # all entries read, decompressed
MAX_ENTRIES = 100_000
INTERNAL = "internal://"


class ProjectError(BloemdataError):
    """The file cannot be read as a REFI-QDA project (not a zip, no .qde, unsafe or too big)."""


@dataclass(frozen=True)
class User:
    guid: str
    name: str
    id: str


@dataclass(frozen=True)
class Code:
    guid: str
    name: str
    codable: bool
    description: str


@dataclass(frozen=True)
class Coding:
    user: str | None  # GUID: the Coding's creatingUser, else the selection's
    code: str | None  # GUID the CodeRef targets


@dataclass(frozen=True)
class Selection:
    guid: str
    name: str
    start: int | None  # None: the attribute is not an integer
    end: int | None
    codings: tuple[Coding, ...]


@dataclass
class Source:
    guid: str
    name: str
    kind: str  # element name: TextSource, PDFSource, ...
    path: str | None = None  # plainTextPath
    text: str | None = None  # decoded, byte-order mark removed, line ends as stored
    problem: str | None = None  # why the text could not be read
    selections: list[Selection] = field(default_factory=list)
    whole_codings: int = 0  # Codings on the source itself, not on a selection


@dataclass
class Project:
    path: Path
    qde: str  # the project file's name inside the zip
    origin: str
    users: dict[str, User] = field(default_factory=dict)  # by GUID
    codes: dict[str, Code] = field(default_factory=dict)  # by GUID
    sources: list[Source] = field(default_factory=list)


def read(path: Path) -> Project:
    """The project in the `.qdpx` at `path`; ProjectError when it cannot be read safely."""
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError as exc:
        raise ProjectError(f"{path}: no such file") from exc
    except (zipfile.BadZipFile, OSError) as exc:
        raise ProjectError(f"{path}: not a REFI-QDA project (.qdpx is a zip file): {exc}") from exc
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            raise ProjectError(f"{path}: {len(entries):,} entries, more than {MAX_ENTRIES:,}")
        qdes = [e for e in entries if e.filename.lower().endswith(".qde") and not e.is_dir()]
        if len(qdes) != 1:
            found = ", ".join(e.filename for e in qdes) or "none"
            raise ProjectError(
                f"{path}: a .qdpx holds exactly one project file (*.qde); found {found}"
            )
        budget = _Budget(path, MAX_TOTAL_BYTES)
        project = Project(path=path, qde=qdes[0].filename, origin="")
        with archive.open(qdes[0]) as raw:
            stream = _Capped(raw, MAX_PROJECT_BYTES, f"{path}: {qdes[0].filename}", budget)
            _parse(stream, project)
        names = {e.filename: e for e in entries if not e.is_dir()}
        folded = {name.lower(): e for name, e in names.items()}
        for source in project.sources:
            if source.text is None and source.problem is None:
                _load_text(archive, names, folded, source, budget)
    return project


class _Budget:
    """Bytes decompressed so far across all entries, against one cap."""

    def __init__(self, path: Path, cap: int) -> None:
        self.path, self.cap, self.used = path, cap, 0

    def spend(self, n: int) -> None:
        self.used += n
        if self.used > self.cap:
            raise ProjectError(
                f"{self.path}: more than {self.cap:,} bytes once decompressed; refused"
            )


class _Capped:
    """A file-like reader that refuses to hand out more than `cap` bytes."""

    def __init__(self, raw: IO[bytes], cap: int, where: str, budget: _Budget) -> None:
        self.raw, self.cap, self.where, self.budget, self.read_so_far = raw, cap, where, budget, 0

    def read(self, size: int = -1) -> bytes:
        want = 1 << 16 if size is None or size < 0 else min(size, 1 << 16)
        chunk = self.raw.read(want)
        self.read_so_far += len(chunk)
        self.budget.spend(len(chunk))
        if self.read_so_far > self.cap:
            raise ProjectError(f"{self.where}: more than {self.cap:,} bytes once decompressed")
        return chunk


def _local(element: etree._Element) -> str:
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


class _Prefixed:
    """A reader that hands out `head` first, then the rest of `stream`."""

    def __init__(self, head: bytes, stream: _Capped) -> None:
        self.head, self.stream = head, stream

    def read(self, size: int = -1) -> bytes:
        if self.head:
            chunk, self.head = self.head, b""
            return chunk
        return self.stream.read(size)


PROLOG_BYTES = 1 << 16


def _refuse_doctype(head: bytes, where: str) -> None:
    """Refuse a DOCTYPE before lxml sees it: entities (billion laughs, external files) live there.

    The prolog is read in the document's encoding (UTF-16 when it starts with a UTF-16
    byte-order mark, else an ASCII-compatible one) up to the root element.
    """
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        prolog = head.decode("utf-16", errors="ignore")
    else:
        prolog = head.decode("latin-1")
    root = _first_element(prolog)
    if "<!DOCTYPE" in prolog[: root if root >= 0 else None].upper():
        raise ProjectError(
            f"{where}: the XML declares a DOCTYPE (entities, external files); REFI-QDA projects "
            "have none, refused"
        )
    if root < 0 and len(head) >= PROLOG_BYTES:
        raise ProjectError(f"{where}: no root element in the first {PROLOG_BYTES:,} bytes")


def _first_element(prolog: str) -> int:
    """Index of the root element's `<` (after declarations, comments, instructions), or -1."""
    at = 0
    while True:
        at = prolog.find("<", at)
        if at < 0 or at + 1 >= len(prolog):
            return -1
        if prolog[at + 1] not in "?!":
            return at
        if prolog.startswith("<!--", at):
            end = prolog.find("-->", at + 4)
            at = -1 if end < 0 else end + 3
            if at < 0:
                return -1
        else:
            at += 2


def _events(stream: _Capped, where: str) -> Iterator[tuple[str, etree._Element]]:
    head = b""
    while len(head) < PROLOG_BYTES:
        chunk = stream.read(PROLOG_BYTES - len(head))
        if not chunk:
            break
        head += chunk
    _refuse_doctype(head, where)
    parser = etree.iterparse(
        _Prefixed(head, stream),
        events=("start", "end"),
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    first = True
    try:
        for event, element in parser:
            if first:
                first = False
                docinfo = element.getroottree().docinfo
                if docinfo.doctype or docinfo.internalDTD is not None:
                    raise ProjectError(
                        f"{where}: the XML declares a DOCTYPE (entities, external files); "
                        "REFI-QDA projects have none, refused"
                    )
            yield event, element
    except etree.XMLSyntaxError as exc:
        raise ProjectError(f"{where}: not well-formed XML: {exc}") from exc


def _parse(stream: _Capped, project: Project) -> None:  # noqa: PLR0912 - one dispatch by element
    where = f"{project.path}: {project.qde}"
    source: Source | None = None
    in_codebook = False
    for event, element in _events(stream, where):
        name = _local(element)
        if event == "start":
            if name == "Project":
                project.origin = element.get("origin") or ""
            elif name == "CodeBook":
                in_codebook = True
            elif (
                name.endswith("Source")
                and element.getparent() is not None
                and (_local(element.getparent()) == "Sources")
            ):
                source = Source(
                    guid=element.get("guid") or "",
                    name=element.get("name") or "",
                    kind=name,
                    problem=None if name == "TextSource" else f"a {name}, not a text source",
                )
                source.path = element.get("plainTextPath")
                if name == "TextSource" and source.path and not source.path.startswith(INTERNAL):
                    source.problem = f"its text is outside the project ({source.path})"
                project.sources.append(source)
            continue
        if name == "User":
            guid = element.get("guid") or ""
            project.users[guid] = User(guid, element.get("name") or "", element.get("id") or "")
        elif name == "Code" and in_codebook:
            project.codes[element.get("guid") or ""] = Code(
                guid=element.get("guid") or "",
                name=element.get("name") or "",
                codable=(element.get("isCodable") or "true").strip().lower() != "false",
                description=_child_text(element, "Description"),
            )
        elif name == "CodeBook":
            in_codebook = False
        elif name == "PlainTextContent" and source is not None:
            source.text = element.text or ""
        elif name == "PlainTextSelection" and source is not None:
            source.selections.append(_selection(element))
            _free(element)
        elif name == "Coding" and source is not None and _local(element.getparent()) == source.kind:
            source.whole_codings += 1
        elif name.endswith("Source") and source is not None and name == source.kind:
            if source.text is None and source.path is None and source.problem is None:
                source.problem = "it holds no text (no plainTextPath, no PlainTextContent)"
            source = None
            _free(element)


def _child_text(element: etree._Element, name: str) -> str:
    for child in element:
        if _local(child) == name:
            return child.text or ""
    return ""


def _selection(element: etree._Element) -> Selection:
    selection_user = element.get("creatingUser")
    codings = []
    for child in element:
        if _local(child) != "Coding":
            continue
        ref = next((c for c in child if _local(c) == "CodeRef"), None)
        codings.append(
            Coding(
                user=child.get("creatingUser") or selection_user,
                code=None if ref is None else ref.get("targetGUID"),
            )
        )
    return Selection(
        guid=element.get("guid") or "",
        name=element.get("name") or "",
        start=_integer(element.get("startPosition")),
        end=_integer(element.get("endPosition")),
        codings=tuple(codings),
    )


def _integer(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


def _free(element: etree._Element) -> None:
    """Drop a handled element and its earlier siblings: memory stays bounded by one source."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _load_text(
    archive: zipfile.ZipFile,
    names: dict[str, zipfile.ZipInfo],
    folded: dict[str, zipfile.ZipInfo],
    source: Source,
    budget: _Budget,
) -> None:
    """Find `internal://NAME` under sources/ (any case) and decode it."""
    relative = (source.path or "").removeprefix(INTERNAL)
    entry = names.get(f"sources/{relative}") or names.get(f"Sources/{relative}")
    entry = entry or folded.get(f"sources/{relative}".lower())
    if entry is None:
        source.problem = f"its text file sources/{relative} is not in the project"
        return
    with archive.open(entry) as raw:
        capped = _Capped(raw, MAX_SOURCE_BYTES, f"{source.name}: {entry.filename}", budget)
        data = b"".join(iter(lambda: capped.read(1 << 16), b""))
    source.text, source.problem = decode(data, entry.filename)


def decode(data: bytes, where: str) -> tuple[str | None, str | None]:
    """Text of a source file: UTF-8 with or without BOM, or UTF-16 with a BOM."""
    for bom, encoding in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if data.startswith(bom):
            data, chosen = data[len(bom) :], encoding
            break
    else:
        chosen = "utf-8"
    try:
        return data.decode(chosen), None
    except UnicodeDecodeError as exc:
        return None, f"{where} is not {chosen} text: {exc}"
