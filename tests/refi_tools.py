"""Projects handed back the way QDA tools write them, built from our own `.qdpx` export.

Each `Tool` says what its files look like (from the tools' own exports: QualCoder's refi.py,
NVivo for Windows and Mac, ATLAS.ti, MAXQDA): the project file's name, the sources folder's
case, byte-order mark and line ends of the texts, how offsets are counted, whether the tool gives
sources, codes and users its own GUIDs, what it calls a code, and where it puts the user.
`handback` reads our export as the tool would have imported it, keeps the first coder's codings
and adds a second coder's planted ones.
"""

from __future__ import annotations

import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from bloemdata.core.coded import CodedData
from bloemdata.core.refi_qda import code_guid

NS = "urn:QDA-XML:project:1.0"
TOOL_NAMESPACE = uuid.UUID("0b0e8c41-9d55-4a43-8f1e-3b1f1f5d7c20")


def q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


@dataclass(frozen=True)
class Tool:
    name: str
    qde: str = "project.qde"
    folder: str = "sources"
    bom: bool = False
    crlf: bool = False
    utf16: bool = False  # offsets in UTF-16 code units (else code points)
    new_guids: bool = True  # the tool gives sources, codes and users GUIDs of its own
    code_names: str = "label_en"  # codes.csv column the tool shows as the code's name
    descriptions: bool = True  # the tool keeps the codes' descriptions
    user_on_selection: bool = True
    user_on_coding: bool = True
    phrase: bool = False  # the coder selects a phrase inside the statement, not all of it


QUALCODER = Tool("QualCoder")
NVIVO = Tool("NVivo", folder="Sources", bom=True, crlf=True, utf16=True)
ATLAS = Tool("ATLAS.ti", qde="Trial.qde", new_guids=False, crlf=True)
MAXQDA = Tool(
    "MAXQDA",
    code_names="label_nl",
    descriptions=False,
    user_on_selection=False,
    phrase=True,
    bom=True,
)
TOOLS = (QUALCODER, NVIVO, ATLAS, MAXQDA)


@dataclass
class Extras:
    """Selections that must not be imported, for the report."""

    spanning: list[tuple[str, str]] = field(default_factory=list)  # two adjacent statements
    unknown_code: list[str] = field(default_factory=list)  # statements coded "Interessant"


def tool_guid(tool: Tool, *parts: object) -> str:
    return str(uuid.uuid5(TOOL_NAMESPACE, ":".join([tool.name, *map(str, parts)])))


def read_export(path: Path) -> tuple[etree._Element, dict[str, str]]:
    with zipfile.ZipFile(path) as archive:
        tree = etree.fromstring(archive.read("project.qde"))
        texts = {
            name.removeprefix("sources/"): archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.startswith("sources/")
        }
    return tree, texts


def offsets(text: str, tool: Tool, index: int) -> int:
    """A code-point index into our LF text, counted the way the tool counts in its file."""
    before = text[:index]
    n = index
    if tool.crlf:
        n += before.count("\n")
    if tool.utf16:
        n += sum(ord(ch) > 0xFFFF for ch in before)
    return n


def handback(  # noqa: PLR0912, PLR0917 - one builder with every knob of a tool
    export: Path,
    data: CodedData,
    tool: Tool,
    planted: dict[str, set[str]],
    coder_name: str,
    out: Path,
    extras: Extras | None = None,
) -> Path:
    """Write `out`: our export as `tool` hands it back with `coder_name`'s `planted` codings."""
    extras = extras or Extras()
    ours, texts = read_export(export)
    nsmap = {"q": NS}
    stamp = {"creationDateTime": "2026-12-01T10:00:00Z"}

    def user_guid(name: str, guid: str | None = None) -> str:
        return guid if guid and not tool.new_guids else tool_guid(tool, "user", name)

    project = etree.Element(
        q("Project"), name=f"{coder_name} coding", origin=tool.name, nsmap={None: NS}
    )
    users = etree.SubElement(project, q("Users"))
    first = {}
    for user in ours.iterfind("q:Users/q:User", nsmap):
        first[user.get("guid")] = user_guid(user.get("name"), user.get("guid"))
        etree.SubElement(users, q("User"), guid=first[user.get("guid")], name=user.get("name"))
    second = user_guid(coder_name)
    etree.SubElement(users, q("User"), guid=second, name=coder_name)

    codebook = etree.SubElement(etree.SubElement(project, q("CodeBook")), q("Codes"))

    code_of: dict[str, str] = {}  # our code GUID or code id -> the tool's GUID
    for code in data.codes:
        guid = (
            tool_guid(tool, "code", code["code_id"])
            if tool.new_guids
            else code_guid(code["code_id"])
        )
        code_of[code_guid(code["code_id"])] = code_of[code["code_id"]] = guid
        element = etree.SubElement(
            codebook,
            q("Code"),
            guid=guid,
            name=code[tool.code_names],
            isCodable="true" if code["codable"] else "false",
        )
        if tool.descriptions:
            etree.SubElement(
                element, q("Description")
            ).text = f"[{code['code_id']}] {code['label_en']}"
    invented = tool_guid(tool, "code", "interessant")
    etree.SubElement(codebook, q("Code"), guid=invented, name="Interessant", isCodable="true")

    files: dict[str, bytes] = {}
    sources = etree.SubElement(project, q("Sources"))
    for source in ours.iterfind("q:Sources/q:TextSource", nsmap):
        name = source.get("plainTextPath").removeprefix("internal://")
        text = texts[name]
        guid = (
            tool_guid(tool, "source", source.get("guid")) if tool.new_guids else source.get("guid")
        )
        stored = text.replace("\n", "\r\n") if tool.crlf else text
        files[f"{tool.folder}/{guid}.txt"] = (
            b"\xef\xbb\xbf" if tool.bom else b""
        ) + stored.encode()
        element = etree.SubElement(
            sources,
            q("TextSource"),
            guid=guid,
            name=source.get("name"),
            plainTextPath=f"internal://{guid}.txt",
            **stamp,
        )
        spans = {}
        for selection in source.iterfind("q:PlainTextSelection", nsmap):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            spans[selection.get("name")] = (start, end)
            coding = selection.find("q:Coding", nsmap)
            code = coding.find("q:CodeRef", nsmap).get("targetGUID")
            _select(
                element,
                tool,
                text,
                start,
                end,
                first[coding.get("creatingUser")],
                code_of[code],
                stamp,
            )
        for sid, codes in sorted(planted.items()):
            if sid not in spans:
                continue
            start, end = spans[sid]
            if tool.phrase:
                end = start + min(end - start, 24)
            for code in sorted(codes):
                _select(element, tool, text, start, end, second, code_of[code], stamp)
        for a, b in extras.spanning:
            if a in spans and b in spans:
                _select(
                    element,
                    tool,
                    text,
                    spans[a][0],
                    spans[b][1],
                    second,
                    code_of[next(iter(planted[a]))],
                    stamp,
                )
        for sid in extras.unknown_code:
            if sid in spans:
                _select(element, tool, text, *spans[sid], second, invented, stamp)

    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(tool.qde, etree.tostring(project, xml_declaration=True, encoding="utf-8"))
        for name, content in files.items():
            archive.writestr(name, content)
    return out


def _select(source, tool, text, start, end, user, code, stamp) -> None:  # noqa: PLR0917
    attributes = {
        "guid": str(uuid.uuid4()),
        "startPosition": str(offsets(text, tool, start)),
        "endPosition": str(offsets(text, tool, end)),
    }
    if tool.user_on_selection:
        attributes |= {"creatingUser": user, **stamp}
    selection = etree.SubElement(source, q("PlainTextSelection"), attributes)
    coding = etree.SubElement(
        selection,
        q("Coding"),
        {"guid": str(uuid.uuid4())}
        | ({"creatingUser": user, **stamp} if tool.user_on_coding else {}),
    )
    etree.SubElement(coding, q("CodeRef"), targetGUID=code)


def plant(data: CodedData, coder: str = "maintainer-1") -> dict[str, set[str]]:
    """A second coder's codes: the first coder's, with valence moved on every third statement and
    topic-signalling left out (a topic added where none is left), so the two disagree on purpose."""
    valence = [c["code_id"] for c in data.codable_codes if c["dimension"] == "valence"]
    topics = [c["code_id"] for c in data.codable_codes if c["dimension"] == "topic"]
    codes: dict[str, set[str]] = {}
    for c in data.final_codings():
        if c["coder_id"] == coder:
            codes.setdefault(c["statement_id"], set()).add(c["code_id"])
    planted = {}
    for number, (sid, applied) in enumerate(sorted(codes.items())):
        new = {c for c in applied if c != "topic-signalling"}
        if number % 3 == 0:
            new = {
                valence[(valence.index(c) + 1) % len(valence)] if c in valence else c for c in new
            }
        if not new & set(topics):
            new.add(topics[0])
        planted[sid] = new
    return planted
