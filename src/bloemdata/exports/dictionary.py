"""The data dictionary for CSV users, generated from datapackage.json and the Table Schemas.

Written to DATA_DICTIONARY.md by `bloemdata dictionary` and shipped in the release bundle; a test
keeps the committed file equal to what this module generates.
"""

from __future__ import annotations

from bloemdata.core.markdown import table_cell
from bloemdata.core.package import Package
from bloemdata.core.schema import Field


def constraints_text(field: Field) -> str:
    """A short plain-language rendering of a field's constraints."""
    c = field.constraints
    parts = []
    if c.get("required"):
        parts.append("required")
    if c.get("unique"):
        parts.append("unique")
    if "enum" in c:
        parts.append("one of " + ", ".join(f"`{v}`" for v in c["enum"]))
    if "pattern" in c:
        parts.append(f"pattern `{c['pattern']}`")
    for key, label in (("minLength", "min length"), ("maxLength", "max length")):
        if key in c:
            parts.append(f"{label} {c[key]}")
    for key, label in (("minimum", "≥"), ("maximum", "≤")):
        if key in c:
            parts.append(f"{label} {c[key]}")
    return "; ".join(parts)


def render(package: Package) -> str:
    """The whole dictionary as Markdown."""
    d = package.descriptor
    out = [
        f"# Data dictionary: {d.get('title', d.get('name', ''))}",
        "",
        (
            f"Version {package.version}. Generated from `datapackage.json` and `schemas/` by "
            "`bloemdata dictionary`; do not edit by hand."
        ),
        "",
        "Empty cells are missing values. Text is UTF-8 (NFC), comma-separated, with a header row.",
        "",
    ]
    for name in package.resource_names:
        resource = package.resource(name)
        out += [f"## `{name}`: {resource.get('title', name)}", ""]
        out += [resource.get("description", ""), ""]
        out += [f"File: `{resource.get('path')}`", ""]
        schema = package.schemas.get(name)
        if schema is None:
            continue
        out += [f"Primary key: {', '.join(f'`{k}`' for k in schema.primary_key)}", ""]
        for fk in schema.foreign_keys:
            target = fk.resource or name
            out.append(
                f"- Foreign key: {', '.join(fk.fields)} → `{target}`"
                f" ({', '.join(fk.reference_fields)})"
            )
        if schema.foreign_keys:
            out.append("")
        out += ["| field | type | constraints | description |", "|---|---|---|---|"]
        out += [
            f"| `{f.name}` | {f.type} | {table_cell(constraints_text(f))} "
            f"| {table_cell(f.description)} |"
            for f in schema.fields
        ]
        out.append("")
    if "codes" in package.schemas:
        out += ["## The codebook", ""]
        codes = package.rows("codes")
        for root in (c for c in codes if not c["parent_id"]):
            out += [f"### {root['label_en']} / {root['label_nl']} (`{root['code_id']}`)", ""]
            out += [root["definition_en"], ""]
            out += ["| code | label (en / nl) | definition | include | exclude |"]
            out += ["|---|---|---|---|---|"]
            out += [
                f"| `{c['code_id']}` | {table_cell(c['label_en'])} / {table_cell(c['label_nl'])} | "
                f"{table_cell(c['definition_en'])} | {table_cell(c['include_en'])} | "
                f"{table_cell(c['exclude_en'])} |"
                for c in codes
                if c["parent_id"] == root["code_id"]
            ]
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
