"""The coded statements as a REFI-QDA project (`.qdpx`: a zip of `project.qde` and `sources/`).

For each page the project holds a transcript built from the data (`core.refi_qda.transcript`): a
header naming the page, then the page's statements in `position` order, each after its id and a
blank line. The raw page is included unchanged as a second, uncoded source for reference;
`statements.anchor` in the package says where each statement stands in it.

Shaped the way NVivo writes a project, because that is what readers expect: one
`PlainTextSelection` per coding, covering exactly the statement's text in the transcript (offsets in
Unicode code points, end exclusive), with `creatingUser` and `creationDateTime` on the selection and
one `Coding` inside. Many readers take only the selection's user and its first `Coding`; a
selection holding several coders' codings loses all but one of them there. Each coder's codings
(the coder's last round, see `CodedData.final_coding_frame`) are therefore that coder's own
selections.
A statement nobody coded has no selection; its text is in the transcript.

The XML is written as it goes (`lxml.etree.xmlfile`; the selections, most of it, as text a page
at a time, escaped by lxml's serializer) into a temporary file and zipped from there, so memory
does not grow with the number of codings: the codings are a sorted frame handed out a page at a
time. All GUIDs are stable uuid5 values (`core.refi_qda`), and a fixed zip timestamp keeps two
builds of a release byte-identical.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl
from lxml import etree

from bloemdata.core.coded import CodedData, Row
from bloemdata.core.package import Package
from bloemdata.core.refi_qda import (
    PROJECT_NAMESPACE,
    code_guid,
    coder_guid,
    guid,
    transcript,
    transcript_guid,
)
from bloemdata.exports.qdc import code_elements

NAMESPACE = PROJECT_NAMESPACE
FILENAME = "bloemdata-project.qdpx"
PROJECT_FILE = "project.qde"
SOURCES = "sources"


def _q(tag: str) -> str:
    return f"{{{NAMESPACE}}}{tag}"


def _final_codings(data: CodedData) -> pl.DataFrame:
    """Every coder's final codings as (statement_order, coder_id, code_id): sorted by statement
    (its place in `data.statement_frame`), coder and code (coders.csv and codebook order), so
    that a page's codings are one slice of it (`_Codings.on_page`)."""
    coders = [c["coder_id"] for c in data.coders]
    codes = [c["code_id"] for c in data.codes]
    statements = data.statement_frame.select("statement_id").with_row_index("statement_order")
    return (
        data.final_coding_frame()
        .select("statement_id", "coder_id", "code_id")
        .join(statements, on="statement_id")
        .join(pl.DataFrame({"coder_id": coders, "coder_order": range(len(coders))}), on="coder_id")
        .join(pl.DataFrame({"code_id": codes, "code_order": range(len(codes))}), on="code_id")
        .sort("statement_order", "coder_order", "code_order", maintain_order=True)
        .select("statement_order", "coder_id", "code_id")
    )


class _Codings:
    """The final codings, handed out a page at a time as Python tuples (one page's, never all)."""

    def __init__(self, data: CodedData) -> None:
        self.frame = _final_codings(data)
        self.order = self.frame["statement_order"]

    def on_page(self, first: int, count: int) -> dict[int, list[tuple[str, str]]]:
        """The codings of statements `first` to `first + count - 1` (statement_frame rows), as
        (coder_id, code_id) by statement row, coder by coder, code by code."""
        bounds = pl.Series([first, first + count], dtype=self.order.dtype)
        start, end = self.order.search_sorted(bounds, side="left")
        codings: dict[int, list[tuple[str, str]]] = {}
        for order, coder, code in self.frame.slice(start, end - start).iter_rows():
            codings.setdefault(order, []).append((coder, code))
        return codings


class _Writer:
    """Writes project.qde to `handle` and the source texts into `archive`, page by page."""

    def __init__(self, package: Package, data: CodedData, archive: zipfile.ZipFile) -> None:
        self.package = package
        self.data = data
        self.archive = archive
        self.stamp = _zip_time(data.created)
        self.dated = {"creationDateTime": data.created} if data.created else {}
        self.users: dict[str, str] = {}  # coder -> a selection's user attributes, as XML

    def write(self, handle: Any) -> None:
        data = self.data
        attributes = {"name": f"bloemdata {data.version}", "origin": f"bloemdata {data.version}"}
        with etree.xmlfile(handle, encoding="utf-8") as xf:
            xf.write_declaration()
            with xf.element(_q("Project"), attributes | self.dated, nsmap={None: NAMESPACE}):
                xf.write("\n")
                self._users(xf)
                self._codebook(xf)
                with xf.element(_q("Sources")):
                    xf.write("\n")
                    codings = _Codings(data)
                    for page in data.pages:
                        self._page(xf, handle, page, codings)
                xf.write("\n")
                _leaf(
                    xf,
                    "Description",
                    f"bloemdata {data.version}: coded statements from the anthology of Samen "
                    "tegen mensenhandel. Codes and GUIDs match bloemdata-codebook.qdc. One "
                    "selection per coding, made by the coder who applied the code.",
                )
                xf.write("\n")

    def _users(self, xf: Any) -> None:
        users = etree.Element(_q("Users"), nsmap={None: NAMESPACE})
        for coder in self.data.coders:
            etree.SubElement(
                users,
                _q("User"),
                guid=coder_guid(coder["coder_id"]),
                name=coder["coder_id"],
                id=coder["coder_id"],
            )
        if len(users):  # the schema forbids an empty Users element
            xf.write(users, pretty_print=True)

    def _codebook(self, xf: Any) -> None:
        codebook = etree.Element(_q("CodeBook"), nsmap={None: NAMESPACE})
        code_elements(self.data, etree.SubElement(codebook, _q("Codes")), NAMESPACE)
        xf.write(codebook, pretty_print=True)

    def _page(self, xf: Any, handle: Any, page: Row, codings: _Codings) -> None:
        data = self.data
        label = f"{page['source_id']} p. {page['page']}"
        page_transcript = transcript(data, page)
        source_guid = transcript_guid(page)
        with self._source(
            xf,
            source_guid,
            f"{label} (statements)",
            page_transcript.text.encode("utf-8"),
            "Transcript of the page's statements built from the data package; each coding is "
            "one selection of a statement's text, made by the coder who applied the code.",
        ):
            first, count = data.page_slice(page)
            on_page = codings.on_page(first, count)
            selections = []
            for number, statement in enumerate(data.statements_on(page), start=first):
                start, end = page_transcript.spans[statement["statement_id"]]
                if number in on_page:
                    selections.append(self._selections(statement, on_page[number], start, end))
            xf.flush()  # the selections go straight to the file, after what xmlfile holds
            handle.write("".join(selections).encode("utf-8"))
        with self._source(
            xf,
            guid("raw-page", page["source_id"], page["page"]),
            f"{label} (raw page text)",
            self.package.path_of(page["resource"]).read_bytes(),
            f"The raw page text as extracted from the PDF ({page['path']}), unchanged, for "
            "reference: columns interleaved, words hyphenated. statements.anchor in the data "
            "package says where each statement stands in it.",
        ):
            pass

    def _selections(
        self, statement: Row, codings: list[tuple[str, str]], start: int, end: int
    ) -> str:
        """The statement's selections, one per coding, as the XML text `xmlfile` would write.

        The innermost loop (3M codings at 1M statements): an element at a time through lxml took
        most of the export's time. The layout is NVivo's (see the module docstring); the text and
        the attribute values are escaped by lxml's own serializer (`_text`, `_attribute`), which
        refuses what is not XML as `xmlfile` does.
        """
        sid = statement["statement_id"]
        name = _attribute(sid)
        description = _text(f"Unofficial English translation: {statement['text_en']}")
        parts = []
        for coder, code in codings:
            user = self._user(coder)
            parts.append(
                f'  <PlainTextSelection guid="{guid("selection", sid, coder, code)}" name="{name}" '
                f'startPosition="{start}" endPosition="{end}"{user}>\n'
                f"    <Description>{description}</Description>\n"
                f'    <Coding guid="{guid("coding", sid, code, coder)}"{user}>\n'
                f'      <CodeRef targetGUID="{code_guid(code)}"></CodeRef>\n'
                "    </Coding>\n"
                "  </PlainTextSelection>\n"
            )
        return "".join(parts)

    def _user(self, coder: str) -> str:
        """A selection's and a coding's user attributes, as XML."""
        user = self.users.get(coder)
        if user is None:
            attributes = {"creatingUser": coder_guid(coder)} | self.dated
            user = "".join(f' {key}="{_attribute(value)}"' for key, value in attributes.items())
            self.users[coder] = user
        return user

    def _source(
        self, xf: Any, source_guid: str, name: str, content: bytes, description: str
    ) -> Any:
        """Store the text as `sources/<guid>.txt`; return the open TextSource element."""
        info = zipfile.ZipInfo(f"{SOURCES}/{source_guid}.txt", self.stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16  # rw-r--r-- when unzipped
        self.archive.writestr(info, content)
        element = xf.element(
            _q("TextSource"),
            guid=source_guid,
            name=name,
            plainTextPath=f"internal://{source_guid}.txt",
        )
        return _SourceElement(xf, element, description)


class _SourceElement:
    """A TextSource context: opens the element, writes its Description, closes it."""

    def __init__(self, xf: Any, element: Any, description: str) -> None:
        self.xf, self.element, self.description = xf, element, description

    def __enter__(self) -> None:
        self.element.__enter__()
        self.xf.write("\n  ")
        _leaf(self.xf, "Description", self.description)
        self.xf.write("\n")

    def __exit__(self, *exc: object) -> None:
        self.element.__exit__(*exc)
        self.xf.write("\n")


def _text(value: str) -> str:
    """`value` escaped as lxml escapes the text of an element."""
    element = etree.Element("x")
    element.text = value
    return etree.tostring(element, encoding="unicode")[3:-4] if value else ""


def _attribute(value: str) -> str:
    """`value` escaped as lxml escapes an attribute value."""
    element = etree.Element("x", a=value)
    return etree.tostring(element, encoding="unicode")[6:-3]


def _leaf(xf: Any, tag: str, text: str | None, **attributes: str) -> None:
    """One element with text or attributes only, written in place (no tree is built)."""
    with xf.element(_q(tag), attributes):
        if text is not None:
            xf.write(text)


def write(package: Package, outdir: Path, data: CodedData | None = None) -> list[Path]:
    """Write the files into `outdir` (`data`: the package's CodedData, if already loaded)."""
    data = data or CodedData.load(package)
    path = outdir / FILENAME
    partial = path.with_name(f".{FILENAME}.partial")
    with (
        tempfile.TemporaryFile() as project,
        zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive,
    ):
        writer = _Writer(package, data, archive)
        writer.write(project)
        size = project.tell()
        project.seek(0)
        info = zipfile.ZipInfo(PROJECT_FILE, writer.stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        info.file_size = size
        with archive.open(info, "w", force_zip64=size > zipfile.ZIP64_LIMIT) as entry:
            shutil.copyfileobj(project, entry, 1 << 20)
    partial.replace(path)  # a reader never sees half a project
    return [path]


def _zip_time(created: str | None) -> tuple[int, int, int, int, int, int]:
    try:
        moment = datetime.fromisoformat(created or "")
    except ValueError:
        return (1980, 1, 1, 0, 0, 0)
    return (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, 0)
