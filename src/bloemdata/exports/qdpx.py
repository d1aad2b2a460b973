"""The coded statements as a REFI-QDA project (`.qdpx`: a zip of `project.qde` and `sources/`).

Why the coded source is a transcript and not the raw page: in the raw page the two printed columns
are interleaved line by line and words are split by hyphenation (DEVELOPERS.md), so a statement is
not one contiguous stretch of it and a selection (one start and one end offset) cannot cover it.
For each page the project therefore holds a transcript built from the data: a header naming the
page, then the page's statements in `position` order, each after its id and a blank line. A
statement's selection covers exactly its text in that transcript (offsets in Unicode code points,
end exclusive). The raw page is included unchanged as a second, uncoded source for reference;
`statements.anchor` in the package says where each statement stands in it.

Users are the coders; each selection holds one coding per coder and code (the coder's last round,
see `CodedData.final_codings`). All GUIDs are stable uuid5 values (see `qdc.guid`).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bloemdata.core.coded import CodedData, Row
from bloemdata.core.package import Package
from bloemdata.exports.qdc import code_elements, code_guid, guid, to_bytes

NAMESPACE = "urn:QDA-XML:project:1.0"
FILENAME = "bloemdata-project.qdpx"
PROJECT_FILE = "project.qde"


@dataclass(frozen=True)
class Transcript:
    """The text of one page's transcript and where each statement stands in it."""

    text: str
    spans: dict[str, tuple[int, int]]  # statement_id -> (start, end), code points, end exclusive


def transcript(data: CodedData, page: Row) -> Transcript:
    """Header naming the page, then section titles and statements in page order."""
    source = data.sources[page["source_id"]]
    header = (
        f"{source['title']}, p. {page['page']}\n"
        f"Transcript of the statements on this page (bloemdata {data.version}), in page order, "
        "each after its id. Not the raw page: its columns are interleaved and words hyphenated.\n"
    )
    parts = [header]
    spans: dict[str, tuple[int, int]] = {}
    section = None
    offset = len(parts[0])
    for statement in data.statements_on(page):
        if statement["section_id"] != section:
            section = statement["section_id"]
            title = data.sections[section]["title_nl"]
            parts.append(f"\n{section} {title}\n")
            offset += len(parts[-1])
        prefix = f"\n{statement['statement_id']}\n"
        start = offset + len(prefix)
        spans[statement["statement_id"]] = (start, start + len(statement["text"]))
        parts.append(prefix + statement["text"] + "\n")
        offset += len(parts[-1])
    return Transcript("".join(parts), spans)


def build(package: Package, data: CodedData) -> tuple[ET.ElementTree[ET.Element], dict[str, bytes]]:
    """The project tree and the files for `sources/` (name -> bytes)."""
    attributes = {
        "xmlns": NAMESPACE,
        "name": f"bloemdata {data.version}",
        "origin": f"bloemdata {data.version}",
    }
    if data.created:
        attributes["creationDateTime"] = data.created
    project = ET.Element("Project", attributes)
    users = ET.SubElement(project, "Users")
    for coder in data.coders:
        ET.SubElement(
            users,
            "User",
            {"guid": guid("coder", coder["coder_id"]), "name": coder["coder_id"]},
            id=coder["coder_id"],
        )
    codebook = ET.SubElement(project, "CodeBook")
    code_elements(data, ET.SubElement(codebook, "Codes"))

    codings: dict[str, list[Row]] = {}
    coder_order = {c["coder_id"]: i for i, c in enumerate(data.coders)}
    code_order = {c["code_id"]: i for i, c in enumerate(data.codes)}
    for c in sorted(
        data.final_codings(), key=lambda c: (coder_order[c["coder_id"]], code_order[c["code_id"]])
    ):
        codings.setdefault(c["statement_id"], []).append(c)

    files: dict[str, bytes] = {}
    sources = ET.SubElement(project, "Sources")
    for page in data.pages:
        label = f"{page['source_id']} p. {page['page']}"
        page_transcript = transcript(data, page)
        source = _text_source(
            sources,
            files,
            guid("transcript", page["source_id"], page["page"]),
            f"{label} (statements)",
            page_transcript.text.encode("utf-8"),
            "Transcript of the page's statements built from the data package; each statement "
            "is one selection, coded by each coder.",
        )
        for statement in data.statements_on(page):
            start, end = page_transcript.spans[statement["statement_id"]]
            selection = ET.SubElement(
                source,
                "PlainTextSelection",
                guid=guid("selection", statement["statement_id"]),
                name=statement["statement_id"],
                startPosition=str(start),
                endPosition=str(end),
            )
            ET.SubElement(
                selection, "Description"
            ).text = f"Unofficial English translation: {statement['text_en']}"
            for c in codings.get(statement["statement_id"], []):
                coding = ET.SubElement(
                    selection,
                    "Coding",
                    guid=guid("coding", c["statement_id"], c["code_id"], c["coder_id"]),
                    creatingUser=guid("coder", c["coder_id"]),
                )
                ET.SubElement(coding, "CodeRef", targetGUID=code_guid(c["code_id"]))

        _text_source(
            sources,
            files,
            guid("raw-page", page["source_id"], page["page"]),
            f"{label} (raw page text)",
            package.path_of(page["resource"]).read_bytes(),
            f"The raw page text as extracted from the PDF ({page['path']}), unchanged, for "
            "reference: columns interleaved, words hyphenated. statements.anchor in the data "
            "package says where each statement stands in it.",
        )
    ET.SubElement(project, "Description").text = (
        f"bloemdata {data.version}: coded statements from the anthology of Samen tegen "
        "mensenhandel. Codes and GUIDs match bloemdata-codebook.qdc."
    )
    return ET.ElementTree(project), files


def _text_source(  # noqa: PLR0917 - one call site shape, all parts needed
    sources: ET.Element,
    files: dict[str, bytes],
    source_guid: str,
    name: str,
    content: bytes,
    description: str,
) -> ET.Element:
    """A TextSource element whose text is stored in the project as `<guid>.txt`."""
    files[f"{source_guid}.txt"] = content
    source = ET.SubElement(
        sources,
        "TextSource",
        guid=source_guid,
        name=name,
        plainTextPath=f"internal://{source_guid}.txt",
    )
    ET.SubElement(source, "Description").text = description
    return source


def write(package: Package, outdir: Path, data: CodedData | None = None) -> list[Path]:
    """Write the files into `outdir` (`data`: the package's CodedData, if already loaded)."""
    data = data or CodedData.load(package)
    tree, files = build(package, data)
    # A fixed timestamp keeps the zip byte-identical between builds of the same release.
    stamp = _zip_time(data.created)
    path = outdir / FILENAME
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        entries = {PROJECT_FILE: to_bytes(tree)}
        entries |= {f"sources/{name}": content for name, content in sorted(files.items())}
        for name, content in entries.items():
            info = zipfile.ZipInfo(name, stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16  # rw-r--r-- when unzipped
            archive.writestr(info, content)
    return [path]


def _zip_time(created: str | None) -> tuple[int, int, int, int, int, int]:
    try:
        moment = datetime.fromisoformat(created or "")
    except ValueError:
        return (1980, 1, 1, 0, 0, 0)
    return (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, 0)
