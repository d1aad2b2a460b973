"""What the REFI-QDA export and import share: namespaces, stable GUIDs, the coded transcript.

The export (`exports.qdpx`) writes a project and the import (`coding.qdpx_import`) reads one back;
they are sibling layers and may not import each other, so the rules both must agree on live here:
how a GUID is derived from our ids, and the transcript whose offsets the selections count.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from functools import lru_cache

from bloemdata.core.coded import CodedData, Row

PROJECT_NAMESPACE = "urn:QDA-XML:project:1.0"
CODEBOOK_NAMESPACE = "urn:QDA-XML:codebook:1.0"

# Fixed for ever: changing it would give every code, user and selection a new GUID.
GUID_NAMESPACE = uuid.UUID("6f1d0c52-4f3e-5b8a-9a57-0d3c2b7e9a41")


def uuid5(name: str) -> str:
    """`str(uuid.uuid5(GUID_NAMESPACE, name))`, without building UUID objects: an export derives
    several GUIDs per coding, and the objects cost a third of its time."""
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + name.encode()).digest()[:16])  # noqa: S324 - uuid5 is SHA-1 by definition
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    x = digest.hex()
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"


_NAMESPACE_BYTES = GUID_NAMESPACE.bytes


@lru_cache(maxsize=4096)
def code_guid(code_id: str) -> str:
    """The stable GUID of a code: uuid5 of its id."""
    return uuid5(code_id)


def guid(kind: str, *parts: object) -> str:
    """A stable GUID for anything else (coder, source, selection, coding), by kind and ids."""
    return uuid5(":".join([kind, *map(str, parts)]))


@lru_cache(maxsize=4096)
def coder_guid(coder_id: str) -> str:
    return guid("coder", coder_id)


def transcript_guid(page: Row) -> str:
    return guid("transcript", page["source_id"], page["page"])


@dataclass(frozen=True)
class Transcript:
    """The text of one page's transcript and where each statement stands in it."""

    text: str
    spans: dict[str, tuple[int, int]]  # statement_id -> (start, end), code points, end exclusive


def transcript(data: CodedData, page: Row) -> Transcript:
    """Header naming the page, then section titles and statements in page order.

    Why a transcript and not the raw page: in the raw page the two printed columns are interleaved
    line by line and words are split by hyphenation, so a statement is not one contiguous stretch
    of it and a selection (one start and one end offset) cannot cover it.
    """
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
