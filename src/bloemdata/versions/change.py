"""What a diff is made of: a `Change`, its `Kind` and the semantic-versioning `Level` it needs."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Level(StrEnum):
    """The version bump a change needs, in increasing order of what a user must re-check."""

    PATCH = "patch"
    MINOR = "minor"
    MAJOR = "major"


LEVELS = tuple(Level)


def level_rank(level: Level | None) -> int:
    """0 for no change, then patch < minor < major."""
    return 0 if level is None else LEVELS.index(level) + 1


class Kind(StrEnum):
    """Every kind of change the diff reports (kebab-case, as in its outputs)."""

    RESOURCE_ADDED = "resource-added"
    RESOURCE_REMOVED = "resource-removed"
    RESOURCE_CHANGED = "resource-changed"  # a file without a Table Schema (a raw page) changed
    RESOURCE_REFORMATTED = "resource-reformatted"
    RESOURCE_METADATA_CHANGED = "resource-metadata-changed"
    FIELD_ADDED = "field-added"
    FIELD_REMOVED = "field-removed"
    FIELD_TYPE_CHANGED = "field-type-changed"
    FIELD_DOCUMENTATION_CHANGED = "field-documentation-changed"
    CONSTRAINT_NARROWED = "constraint-narrowed"
    CONSTRAINT_WIDENED = "constraint-widened"
    PRIMARY_KEY_CHANGED = "primary-key-changed"
    FOREIGN_KEY_ADDED = "foreign-key-added"
    FOREIGN_KEY_REMOVED = "foreign-key-removed"
    MISSING_VALUES_CHANGED = "missing-values-changed"
    ROW_ADDED = "row-added"
    ROW_CHANGED = "row-changed"
    ROW_REMOVED = "row-removed"
    STATEMENT_ADDED = "statement-added"
    STATEMENT_CHANGED = "statement-changed"
    STATEMENT_WITHDRAWN = "statement-withdrawn"
    STATEMENT_REINSTATED = "statement-reinstated"
    STATEMENT_REMOVED = "statement-removed"
    CODE_ADDED = "code-added"
    CODE_CHANGED = "code-changed"
    CODE_MEANING_CHANGED = "code-meaning-changed"
    CODE_REMOVED = "code-removed"
    CODING_ADDED = "coding-added"
    CODING_CHANGED = "coding-changed"
    CODING_REMOVED = "coding-removed"


@dataclass(frozen=True)
class Change:
    """One difference between two versions.

    `item` names the row (statement id, code id, coding key) or schema field; `words` is a
    word-level diff of `old` into `new` as (op, words) pairs with op in equal/delete/insert.
    """

    level: Level
    kind: Kind
    resource: str
    item: str
    message: str
    field: str | None = None
    old: str | None = None
    new: str | None = None
    words: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["words"] = [{"op": op, "text": text} for op, text in self.words]
        return data


@dataclass
class Diff:
    """All changes from `old_version` to `new_version` (labels say where each version came from)."""

    old_version: str
    new_version: str
    old_label: str
    new_label: str
    changes: list[Change] = field(default_factory=list)

    @property
    def required_level(self) -> Level | None:
        """The smallest bump that covers every change (None when nothing changed)."""
        ranks = [level_rank(c.level) for c in self.changes]
        return LEVELS[max(ranks) - 1] if ranks else None

    def counts(self) -> dict[str, int]:
        counted: dict[str, int] = {}
        for change in self.changes:
            counted[change.kind] = counted.get(change.kind, 0) + 1
        return counted

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": {"version": self.old_version, "label": self.old_label},
            "new": {"version": self.new_version, "label": self.new_label},
            "required_bump": self.required_level,
            "counts": self.counts(),
            "changes": [c.to_dict() for c in self.changes],
        }
