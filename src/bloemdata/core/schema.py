"""Table Schemas (schemas/*.json): the one definition of every field.

Everything else that needs to know what a field is (Pandera schemas, SQLite columns, Datasette
metadata, the data dictionary, Hypothesis strategies) asks this module; `core.cast` casts a
field's cells by its type.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bloemdata.core.errors import DescriptorError
from bloemdata.core.jsonfile import read_json, repeated_message

# Table Schema type -> SQLite column type. Booleans are stored as 0/1 integers (SQLite has no bool).
SQLITE_TYPES = {
    "string": "TEXT",
    "integer": "INTEGER",
    "number": "REAL",
    "boolean": "INTEGER",
    "date": "TEXT",
    "datetime": "TEXT",
    "year": "INTEGER",
}


@dataclass(frozen=True)
class Field:
    """One field of a Table Schema."""

    name: str
    type: str
    description: str
    title: str = ""
    constraints: dict[str, Any] = field(default_factory=dict)
    true_values: tuple[str, ...] = ("true", "True", "TRUE", "1")
    false_values: tuple[str, ...] = ("false", "False", "FALSE", "0")

    @property
    def required(self) -> bool:
        return bool(self.constraints.get("required", False))

    @property
    def unique(self) -> bool:
        return bool(self.constraints.get("unique", False))

    @property
    def enum(self) -> list[Any] | None:
        return self.constraints.get("enum")

    @property
    def pattern(self) -> str | None:
        return self.constraints.get("pattern")

    @property
    def sqlite_type(self) -> str:
        return SQLITE_TYPES[self.type]


@dataclass(frozen=True)
class ForeignKey:
    """A foreign key; `resource` is None for a reference to the same table."""

    fields: tuple[str, ...]
    resource: str | None
    reference_fields: tuple[str, ...]


@dataclass(frozen=True)
class TableSchema:
    """A parsed Table Schema."""

    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    missing_values: tuple[str, ...] = ("",)
    descriptor: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


_CONSTRAINTS: dict[str, tuple[type, ...]] = {
    "required": (bool,),
    "unique": (bool,),
    "enum": (list,),
    "pattern": (str,),
    "maxLength": (int,),
    "minLength": (int,),
    "minimum": (int, float, str),
    "maximum": (int, float, str),
}


def _strings(value: object) -> bool:
    return isinstance(value, str) or (
        isinstance(value, list) and all(isinstance(v, str) for v in value)
    )


def _field_problem(f: dict[str, Any]) -> str | None:
    for key in ("name", "type", "description", "title"):
        if key in f and not isinstance(f[key], str):
            return f"a field's {key!r} must be a string"
    constraints = f.get("constraints", {})
    if not isinstance(constraints, dict):
        return f"field {f.get('name')!r}: 'constraints' must be an object"
    wrong = [
        key
        for key, types in _CONSTRAINTS.items()
        if key in constraints
        and (
            isinstance(constraints[key], bool) is not (bool in types)
            or not isinstance(constraints[key], types)
        )
    ]
    if wrong:
        return f"field {f.get('name')!r}: constraint {wrong[0]!r} has the wrong type"
    for key in ("trueValues", "falseValues"):
        if key in f and not (isinstance(f[key], list) and _strings(f[key])):
            return f"field {f.get('name')!r}: {key!r} must be a list of strings"
    return None


def _foreign_keys_problem(fks: object) -> str | None:
    if not isinstance(fks, list):
        return "'foreignKeys' must be a list"
    for fk in fks:
        ref = fk.get("reference") if isinstance(fk, dict) else None
        if not (
            isinstance(ref, dict)
            and _strings(fk.get("fields"))
            and _strings(ref.get("fields"))
            and isinstance(ref.get("resource", ""), str)
        ):
            return "a foreign key needs 'fields' and a 'reference' with 'resource' and 'fields'"
    return None


def _shape_problem(descriptor: dict[str, Any]) -> str | None:
    """What in a Table Schema is not of the JSON type bloemdata reads it as, or None."""
    fields = descriptor.get("fields")
    if not isinstance(fields, list) or not all(isinstance(f, dict) for f in fields):
        return "'fields' must be a list of objects"
    problems = [_field_problem(f) for f in fields]
    if "primaryKey" in descriptor and not _strings(descriptor["primaryKey"]):
        problems.append("'primaryKey' must be a field name or a list of them")
    missing = descriptor.get("missingValues", [])
    if not (isinstance(missing, list) and _strings(missing)):
        problems.append("'missingValues' must be a list of strings")
    problems.append(_foreign_keys_problem(descriptor.get("foreignKeys", [])))
    return next((p for p in problems if p is not None), None)


def schema_from_descriptor(descriptor: dict[str, Any]) -> TableSchema:
    """Build a TableSchema from a parsed Table Schema descriptor."""
    shape = _shape_problem(descriptor)
    if shape is not None:
        raise DescriptorError(f"malformed Table Schema: {shape}")
    try:
        fields = tuple(
            Field(
                name=f["name"],
                type=f.get("type", "string"),
                description=f.get("description", ""),
                title=f.get("title", ""),
                constraints=dict(f.get("constraints", {})),
                **({"true_values": tuple(f["trueValues"])} if "trueValues" in f else {}),
                **({"false_values": tuple(f["falseValues"])} if "falseValues" in f else {}),
            )
            for f in descriptor["fields"]
        )
        pk = descriptor.get("primaryKey", [])
        fks = tuple(
            ForeignKey(
                fields=tuple(_as_list(fk["fields"])),
                resource=fk["reference"].get("resource") or None,
                reference_fields=tuple(_as_list(fk["reference"]["fields"])),
            )
            for fk in descriptor.get("foreignKeys", [])
        )
    except (KeyError, TypeError) as exc:
        raise DescriptorError(f"malformed Table Schema: missing or wrong {exc}") from exc
    for name in fields:
        if name.type not in SQLITE_TYPES:
            raise DescriptorError(f"field {name.name!r}: type {name.type!r} is not supported")
    return TableSchema(
        fields=fields,
        primary_key=tuple(_as_list(pk)),
        foreign_keys=fks,
        missing_values=tuple(descriptor.get("missingValues", [""])),
        descriptor=descriptor,
    )


def load_schema(path: Path, repeated_keys: list[str] | None = None) -> TableSchema:
    """Read a Table Schema JSON file; a message for its repeated keys goes to `repeated_keys`."""
    descriptor, repeated = read_json(path, "Table Schema")
    if repeated and repeated_keys is not None:
        repeated_keys.append(repeated_message(str(path), repeated))
    if not isinstance(descriptor, dict):
        raise DescriptorError(f"{path}: a Table Schema must be a JSON object")
    return schema_from_descriptor(descriptor)


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)
