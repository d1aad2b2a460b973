"""The `changes` table: what changed between consecutive releases, and since the last one.

Rows come from the release history (`bloemdata.versions`); the build is handed `CHANGES` by its
caller (`bloemdata.database.defaults`) like any other extra table.
"""

from __future__ import annotations

from typing import Any

from bloemdata.core.package import Package
from bloemdata.core.schema import schema_from_descriptor
from bloemdata.database.layout import ExtraTable
from bloemdata.versions.change import Diff
from bloemdata.versions.render import render_words
from bloemdata.versions.trees import history_diffs

CHANGES_TABLE = "changes"
CHANGES_COLUMNS: dict[str, str] = {
    "change_id": "Number of the change: oldest pair of versions first, in diff order.",
    "from_version": "Version the change is made from (the earlier release).",
    "to_version": "Version the change leads to: a recorded release, or the working tree.",
    "released": "1 when to_version is a recorded release, 0 for unreleased changes.",
    "level": "Version bump the change needs under semantic versioning for data: "
    "major, minor or patch.",
    "kind": "What changed: statement-added, statement-withdrawn, statement-changed, "
    "coding-added, coding-removed, code-added, code-meaning-changed, field-removed, ...",
    "resource": "The resource (table) the change is in.",
    "item": "The row or field changed: a statement id, code id, coding key "
    "(statement / code / coder / round) or schema field.",
    "field": "The field whose value changed; empty when a whole row or field was added or removed.",
    "old_value": "The value before the change; empty when there was none.",
    "new_value": "The value after the change; empty when there is none.",
    "word_diff": "Word-level diff of a text change: [-removed words-] {+added words+}.",
    "message": "The change in plain words.",
}
_REQUIRED = (
    "change_id",
    "from_version",
    "to_version",
    "released",
    "level",
    "kind",
    "resource",
    "item",
)


CHANGES_TITLE = "Changes between versions"
CHANGES_DESCRIPTION = (
    "What changed between consecutive releases, and since the last release (unreleased, "
    "released = 0): statements added, withdrawn and changed (with a word-level text diff), "
    "codings added and removed, codebook and schema changes, each with the version bump it needs."
)
CHANGES_SCHEMA = schema_from_descriptor(
    {
        "fields": [
            {
                "name": name,
                "type": "integer" if name in ("change_id", "released") else "string",
                "description": description,
                **({"constraints": {"required": True}} if name in _REQUIRED else {}),
            }
            for name, description in CHANGES_COLUMNS.items()
        ],
        "primaryKey": ["change_id"],
    }
)


def changes_rows(diff: Diff, released: bool) -> list[dict[str, Any]]:
    """One row per change, keyed by CHANGES_COLUMNS."""
    return [
        {
            "from_version": diff.old_version,
            "to_version": diff.new_version,
            "released": int(released),
            "level": c.level,
            "kind": c.kind,
            "resource": c.resource,
            "item": c.item,
            "field": c.field,
            "old_value": c.old,
            "new_value": c.new,
            "word_diff": render_words(c.words) if c.words else None,
            "message": c.message,
        }
        for c in diff.changes
    ]


def changes_table_rows(package: Package) -> list[dict[str, Any]]:
    """Rows of the `changes` table for the package's history (`CHANGES`)."""
    rows = [
        row
        for diff, released in history_diffs(package.root)
        for row in changes_rows(diff, released)
    ]
    return [{"change_id": number, **row} for number, row in enumerate(rows, start=1)]


CHANGES = ExtraTable(
    CHANGES_TABLE, CHANGES_TITLE, CHANGES_DESCRIPTION, CHANGES_SCHEMA, changes_table_rows
)
