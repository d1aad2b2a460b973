"""The diff engine: every change from one version of the package to another, with its level.

Statements added, withdrawn and changed (with a word-level text diff), codings added and removed,
codebook, schema and resource changes, in a stable order (resources, then their rows). Each change
carries the semantic-versioning level it needs for data; `versions.rules` turns those levels into
the rules of `bloemdata release check`. Reading the versions is `versions.git`'s job, printing
them `versions.render`'s.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from typing import Any

from bloemdata.core.package import Package
from bloemdata.core.schema import Field, TableSchema
from bloemdata.versions.change import Change, Diff, Kind, Level
from bloemdata.versions.patterns import widens
from bloemdata.versions.snapshot import resource_hash

# Constraint keys whose larger value admits more data, and whose larger value admits less.
_LOWER_BOUNDS = ("minLength", "minimum")
_UPPER_BOUNDS = ("maxLength", "maximum")
# Fields of a code that say what it means: changing one changes the meaning of past codings.
_CODE_MEANING = ("dimension", "parent_id", "definition_nl", "definition_en")
# Free-text fields shown with a word-level diff.
_TEXT_FIELDS = frozenset(
    {"text", "text_en", "status_note", "definition_nl", "definition_en", "include_nl"}
    | {"include_en", "exclude_nl", "exclude_en", "description", "note"}
)


def word_diff(old: str, new: str) -> tuple[tuple[str, str], ...]:
    """Word-level diff of two texts: runs of equal, deleted and inserted words."""
    a, b = old.split(), new.split()
    ops: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("delete", "replace"):
            ops.append(("delete", " ".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            ops.append(("insert", " ".join(b[j1:j2])))
        if tag == "equal":
            ops.append(("equal", " ".join(a[i1:i2])))
    return tuple(ops)


def diff_packages(old: Package, new: Package, old_label: str = "", new_label: str = "") -> Diff:
    """Every change from `old` to `new`, in a stable order (resources, then their rows)."""
    result = Diff(old.version, new.version, old_label or old.version, new_label or new.version)
    changes = result.changes
    old_names, new_names = old.resource_names, new.resource_names
    for name in new_names:
        if name not in old_names:
            changes.append(
                Change(Level.MINOR, Kind.RESOURCE_ADDED, name, name, f"resource {name!r} added")
            )
    for name in old_names:
        if name not in new_names:
            changes.append(
                Change(Level.MAJOR, Kind.RESOURCE_REMOVED, name, name, f"resource {name!r} removed")
            )
    for name in (n for n in new_names if n in old_names):
        changes += _resource_metadata_changes(old, new, name)
        old_schema, new_schema = old.schemas.get(name), new.schemas.get(name)
        if old_schema is not None and new_schema is not None:
            changes += schema_changes(name, old_schema, new_schema)
            row_changes = _row_changes(old, new, name)
            changes += row_changes
            if not row_changes and resource_hash(old, name) != resource_hash(new, name):
                changes.append(
                    Change(
                        Level.PATCH,
                        Kind.RESOURCE_REFORMATTED,
                        name,
                        name,
                        f"{name}: file bytes changed but no row did (quoting, order or line ends)",
                    )
                )
        elif resource_hash(old, name) != resource_hash(new, name):
            # A raw page is the primary source: anchors point into its exact characters.
            changes.append(
                Change(Level.MAJOR, Kind.RESOURCE_CHANGED, name, name, f"file of {name!r} changed")
            )
    return result


def _resource_metadata_changes(old: Package, new: Package, name: str) -> list[Change]:
    skip = {"bytes", "hash", "schema"}
    a, b = old.resource(name), new.resource(name)
    changes = []
    for key in sorted((set(a) | set(b)) - skip):
        if a.get(key) != b.get(key):
            # Moving a file breaks every script that reads it; other metadata is documentation.
            level = Level.MAJOR if key == "path" else Level.PATCH
            changes.append(
                Change(
                    level,
                    Kind.RESOURCE_METADATA_CHANGED,
                    name,
                    name,
                    f"resource {name!r}: {key} changed",
                    field=key,
                    old=_text(a.get(key)),
                    new=_text(b.get(key)),
                )
            )
    return changes


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def schema_changes(resource: str, old: TableSchema, new: TableSchema) -> list[Change]:
    """Fields removed/added/retyped, constraints narrowed/widened, keys changed."""
    changes: list[Change] = []

    def add(level: Level, kind: Kind, item: str, message: str, **kw: Any) -> None:
        changes.append(Change(level, kind, resource, item, f"{resource}.{message}", **kw))

    old_fields = {f.name: f for f in old.fields}
    new_fields = {f.name: f for f in new.fields}
    for name in old_fields:
        if name not in new_fields:
            add(Level.MAJOR, Kind.FIELD_REMOVED, name, f"{name}: field removed or renamed")
    for name, f in new_fields.items():
        if name not in old_fields:
            add(Level.MINOR, Kind.FIELD_ADDED, name, f"{name}: field added ({f.type})")
            continue
        changes += _field_changes(resource, old_fields[name], f)
    if old.primary_key != new.primary_key:
        add(
            Level.MAJOR,
            Kind.PRIMARY_KEY_CHANGED,
            "primaryKey",
            f"primaryKey: {list(old.primary_key)} -> {list(new.primary_key)}",
        )
    for fk in new.foreign_keys:
        if fk not in old.foreign_keys:
            add(Level.MAJOR, Kind.FOREIGN_KEY_ADDED, ",".join(fk.fields), _fk_text(fk, "added"))
    for fk in old.foreign_keys:
        if fk not in new.foreign_keys:
            add(Level.MINOR, Kind.FOREIGN_KEY_REMOVED, ",".join(fk.fields), _fk_text(fk, "removed"))
    if old.missing_values != new.missing_values:
        add(
            Level.MAJOR,
            Kind.MISSING_VALUES_CHANGED,
            "missingValues",
            f"missingValues: {list(old.missing_values)} -> {list(new.missing_values)}",
        )
    return changes


def _field_changes(resource: str, before: Field, f: Field) -> list[Change]:
    """Type, constraint and documentation changes of one field kept from old to new."""
    changes: list[Change] = []
    name = f.name

    def add(level: Level, kind: Kind, item: str, message: str, **kw: Any) -> None:
        changes.append(Change(level, kind, resource, item, f"{resource}.{message}", **kw))

    if before.type != f.type:
        # Any value of any type can be read as a string; every other change can reject data.
        level = Level.MINOR if f.type == "string" else Level.MAJOR
        add(
            level,
            Kind.FIELD_TYPE_CHANGED,
            name,
            f"{name}: type {before.type} -> {f.type}",
            field=name,
            old=before.type,
            new=f.type,
        )
    for key in sorted(set(before.constraints) | set(f.constraints)):
        a, b = before.constraints.get(key), f.constraints.get(key)
        if a == b:
            continue
        narrowed = _narrowed(key, a, b)
        add(
            Level.MAJOR if narrowed else Level.MINOR,
            Kind.CONSTRAINT_NARROWED if narrowed else Kind.CONSTRAINT_WIDENED,
            name,
            f"{name}: constraint {key} {_text(a)} -> {_text(b)}",
            field=name,
            old=_text(a),
            new=_text(b),
        )
    for attr in ("title", "description"):
        if getattr(before, attr) != getattr(f, attr):
            add(
                Level.PATCH,
                Kind.FIELD_DOCUMENTATION_CHANGED,
                name,
                f"{name}: {attr} changed",
                field=name,
                old=getattr(before, attr),
                new=getattr(f, attr),
            )
    return changes


def _fk_text(fk: Any, verb: str) -> str:
    target = fk.resource or "itself"
    return f"{','.join(fk.fields)}: foreign key to {target} {verb}"


def _narrowed(key: str, old: Any, new: Any) -> bool:
    """Whether a constraint change can reject data the old constraint accepted."""
    if old is None or new is None:  # added narrows (unless it is `false`); removed widens
        return bool(new)
    if key in ("required", "unique"):
        return bool(new) and not bool(old)
    if key == "enum":
        return not set(old) <= set(new)
    if key in _LOWER_BOUNDS or key in _UPPER_BOUNDS:
        return new > old if key in _LOWER_BOUNDS else new < old
    if key == "pattern" and isinstance(old, str) and isinstance(new, str):
        return not widens(old, new)
    return True  # a changed pattern not proved wider (or an unknown constraint)


def _row_changes(old: Package, new: Package, name: str) -> list[Change]:
    key = new.schemas[name].primary_key or old.schemas[name].primary_key
    a = _keyed(old.rows(name), key)
    b = _keyed(new.rows(name), key)
    if name == "statements":
        return _statement_changes(a, b)
    if name == "codes":
        return _code_changes(a, b)
    if name == "codings":
        return _coding_changes(a, b)
    changes: list[Change] = []
    for k, row in b.items():
        if k not in a:
            changes.append(Change(Level.MINOR, Kind.ROW_ADDED, name, k, f"{name}: row {k} added"))
            continue
        changes += _cell_changes(name, k, a[k], row, kind=Kind.ROW_CHANGED, level=Level.PATCH)
    changes += [
        Change(Level.MAJOR, Kind.ROW_REMOVED, name, k, f"{name}: row {k} removed")
        for k in a
        if k not in b
    ]
    return changes


def _keyed(rows: list[dict[str, str]], key: tuple[str, ...]) -> dict[str, dict[str, str]]:
    if not key:  # no primary key: the whole row is its identity
        return {" / ".join(row.values()): row for row in rows}
    return {" / ".join(row.get(k, "") for k in key): row for row in rows}


def _cell_changes(
    resource: str,
    item: str,
    a: dict[str, str],
    b: dict[str, str],
    *,
    kind: Kind,
    level: Level,
    skip: Iterable[str] = (),
) -> list[Change]:
    changes = []
    for name, value in b.items():
        if name in a and name not in skip and a[name] != value:
            words = word_diff(a[name], value) if name in _TEXT_FIELDS else ()
            changes.append(
                Change(
                    level,
                    kind,
                    resource,
                    item,
                    f"{resource}: {item} {name} changed",
                    field=name,
                    old=a[name],
                    new=value,
                    words=words,
                )
            )
    return changes


def _statement_changes(a: dict[str, dict[str, str]], b: dict[str, dict[str, str]]) -> list[Change]:
    changes: list[Change] = []
    for sid, row in b.items():
        if sid not in a:
            changes.append(
                Change(
                    Level.MINOR,
                    Kind.STATEMENT_ADDED,
                    "statements",
                    sid,
                    f"statement {sid} added",
                    field="text",
                    new=row.get("text"),
                )
            )
            continue
        before = a[sid]
        was, now = before.get("status"), row.get("status")
        if was != now:
            if now == "withdrawn":
                # Withdrawal keeps the id and the record; the set of current statements changes.
                changes.append(
                    Change(
                        Level.MINOR,
                        Kind.STATEMENT_WITHDRAWN,
                        "statements",
                        sid,
                        f"statement {sid} withdrawn: {row.get('status_note') or '(no note)'}",
                        field="status",
                        old=was,
                        new=now,
                    )
                )
            else:
                changes.append(
                    Change(
                        Level.MAJOR,
                        Kind.STATEMENT_REINSTATED,
                        "statements",
                        sid,
                        f"statement {sid} changed status {was} -> {now}",
                        field="status",
                        old=was,
                        new=now,
                    )
                )
        skip = ("status", "status_note") if was != now else ("status",)
        changes += _cell_changes(
            "statements",
            sid,
            before,
            row,
            kind=Kind.STATEMENT_CHANGED,
            level=Level.PATCH,
            skip=skip,
        )
    changes += [
        Change(
            Level.MAJOR,
            Kind.STATEMENT_REMOVED,
            "statements",
            sid,
            f"statement {sid} removed (a statement is withdrawn, never deleted)",
            field="text",
            old=a[sid].get("text"),
        )
        for sid in a
        if sid not in b
    ]
    return changes


def _code_changes(a: dict[str, dict[str, str]], b: dict[str, dict[str, str]]) -> list[Change]:
    changes: list[Change] = []
    for cid, row in b.items():
        if cid not in a:
            changes.append(Change(Level.MINOR, Kind.CODE_ADDED, "codes", cid, f"code {cid} added"))
            continue
        for change in _cell_changes(
            "codes", cid, a[cid], row, kind=Kind.CODE_CHANGED, level=Level.PATCH
        ):
            if change.field in _CODE_MEANING or (
                change.field == "codable" and change.old == "true"
            ):
                change = Change(  # noqa: PLW2901 - the same change, at the level it needs
                    Level.MAJOR,
                    Kind.CODE_MEANING_CHANGED,
                    "codes",
                    cid,
                    f"code {cid}: {change.field} changed (its meaning changes)",
                    field=change.field,
                    old=change.old,
                    new=change.new,
                    words=change.words,
                )
            changes.append(change)
    changes += [
        Change(Level.MAJOR, Kind.CODE_REMOVED, "codes", cid, f"code {cid} removed")
        for cid in a
        if cid not in b
    ]
    return changes


def _coding_changes(a: dict[str, dict[str, str]], b: dict[str, dict[str, str]]) -> list[Change]:
    changes = [
        Change(Level.PATCH, Kind.CODING_ADDED, "codings", k, f"coding {k} added")
        for k in b
        if k not in a
    ]
    changes += [
        Change(Level.PATCH, Kind.CODING_REMOVED, "codings", k, f"coding {k} removed")
        for k in a
        if k not in b
    ]
    for k in (k for k in b if k in a):
        changes += _cell_changes(
            "codings", k, a[k], b[k], kind=Kind.CODING_CHANGED, level=Level.PATCH
        )
    return changes
