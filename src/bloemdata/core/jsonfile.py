"""Read a JSON file of the package (descriptor, Table Schema, releases.json) without a traceback.

Not UTF-8, not JSON, nested too deeply for the parser (RecursionError) or a path the system
refuses (a NUL byte): one `DescriptorError` naming the file. A key repeated in an object is kept
as `json` keeps it (the last wins) and listed, so a check can warn about it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bloemdata.core.errors import DescriptorError


def read_json(path: Path, what: str) -> tuple[Any, list[str]]:
    """The value in `path` and its repeated keys (DescriptorError when it cannot be read)."""
    repeated: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        obj: dict[str, Any] = {}
        for key, value in items:
            if key in obj and key not in repeated:
                repeated.append(key)
            obj[key] = value
        return obj

    try:
        return json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=pairs), repeated
    except (OSError, ValueError) as exc:  # ValueError: not UTF-8, not JSON, a NUL in the path
        raise DescriptorError(f"{path}: cannot read {what}: {exc}") from exc
    except RecursionError:
        raise DescriptorError(f"{path}: cannot read {what}: nested too deeply") from None


def repeated_message(path: str, keys: list[str]) -> str:
    """The warning for the keys repeated in one file."""
    shown = ", ".join(repr(k[:80]) for k in keys[:10])
    more = f" and {len(keys) - 10} more" if len(keys) > 10 else ""
    return f"{path}: key {shown}{more} appears more than once in an object; the last value is used"
