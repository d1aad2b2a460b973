"""The codebook as a REFI-QDA codebook (`.qdc`, namespace urn:QDA-XML:codebook:1.0).

Each dimension is a non-codable parent code, each code a codable child with its bilingual
description and a colour. GUIDs are uuid5 of the code id under a fixed namespace, so a code keeps
its GUID across releases and QDA software can merge a newer codebook into an older project.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from bloemdata.core.coded import CodedData, Row
from bloemdata.core.package import Package
from bloemdata.core.refi_qda import CODEBOOK_NAMESPACE as NAMESPACE
from bloemdata.core.refi_qda import GUID_NAMESPACE, code_guid, guid

__all__ = ["FILENAME", "GUID_NAMESPACE", "NAMESPACE", "code_guid", "guid", "write"]

FILENAME = "bloemdata-codebook.qdc"

# A base colour per dimension, and a qualitative palette (ColorBrewer Paired) for its codes.
DIMENSION_COLOURS = {
    "exploitation": "#E31A1C",
    "actor": "#1F78B4",
    "topic": "#33A02C",
    "valence": "#FF7F00",
}
PALETTE = (
    "#A6CEE3",
    "#1F78B4",
    "#B2DF8A",
    "#33A02C",
    "#FB9A99",
    "#E31A1C",
    "#FDBF6F",
    "#FF7F00",
    "#CAB2D6",
    "#6A3D9A",
    "#FFFF99",
    "#B15928",
)
FALLBACK_COLOUR = "#808080"


def description(code: Row) -> str:
    """Both languages' definition and rules, and the code id to map back to the package."""
    lines = [f"[{code['code_id']}] {code['label_en']} / {code['label_nl']}", ""]
    for lang, include, exclude in (
        ("en", "Include", "Exclude"),
        ("nl", "Toepassen", "Niet toepassen"),
    ):
        lines.append(code[f"definition_{lang}"])
        lines.append(f"{include}: {code[f'include_{lang}']}")
        if code[f"exclude_{lang}"]:
            lines.append(f"{exclude}: {code[f'exclude_{lang}']}")
        lines.append("")
    return "\n".join(lines).rstrip("\n")


def colours(data: CodedData) -> dict[str, str]:
    """A colour per code: the dimension's for a root, the palette in codebook order below it."""
    result: dict[str, str] = {}
    seen: dict[str, int] = {}
    for code in data.codes:
        if code["parent_id"] is None:
            result[code["code_id"]] = DIMENSION_COLOURS.get(code["dimension"], FALLBACK_COLOUR)
        else:
            n = seen.get(code["dimension"], 0)
            seen[code["dimension"]] = n + 1
            result[code["code_id"]] = PALETTE[n % len(PALETTE)]
    return result


def code_elements(data: CodedData, parent: Any, namespace: str = "") -> None:
    """Append the code tree under `parent` (a `Codes` element).

    Shared with the project export, whose codebook is the same tree in the project namespace:
    `parent` may be an ElementTree or an lxml element (the same `SubElement` call on either), and
    `namespace` qualifies the tags for a writer that does not use the `xmlns` attribute trick.
    """
    sub = ET.SubElement if isinstance(parent, ET.Element) else _lxml_subelement()
    qualified = f"{{{namespace}}}" if namespace else ""
    colour = colours(data)
    children: dict[str | None, list[Row]] = {}
    for code in data.codes:
        children.setdefault(code["parent_id"], []).append(code)

    def add(into: Any, code: Row) -> None:
        element = sub(
            into,
            f"{qualified}Code",
            guid=code_guid(code["code_id"]),
            name=code["label_en"],
            isCodable="true" if code["codable"] else "false",
            color=colour[code["code_id"]],
        )
        sub(element, f"{qualified}Description").text = description(code)
        for child in children.get(code["code_id"], []):
            add(element, child)

    for root in children.get(None, []):
        add(parent, root)


def _lxml_subelement() -> Any:
    from lxml import etree  # noqa: PLC0415 - only the project export builds lxml trees

    return etree.SubElement


def build(data: CodedData) -> ET.ElementTree[ET.Element]:
    root = ET.Element("CodeBook", xmlns=NAMESPACE, origin=f"bloemdata {data.version}")
    # No Sets element: the schema forbids an empty one and the dimensions already group the codes.
    code_elements(data, ET.SubElement(root, "Codes"))
    return ET.ElementTree(root)


def to_bytes(tree: ET.ElementTree[ET.Element]) -> bytes:
    """Serialize as UTF-8 with a declaration.

    Elements are built without namespace and the root carries `xmlns`: the output then has one
    default namespace and no `ns0:` prefixes, without touching ElementTree's global registry.
    """
    ET.indent(tree, space="  ")
    return ET.tostring(tree.getroot(), encoding="utf-8", xml_declaration=True) + b"\n"


def write(package: Package, outdir: Path, data: CodedData | None = None) -> list[Path]:
    """Write the files into `outdir` (`data`: the package's CodedData, if already loaded)."""
    path = outdir / FILENAME
    path.write_bytes(to_bytes(build(data or CodedData.load(package))))
    return [path]
