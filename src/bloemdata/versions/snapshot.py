"""What a release records about the package: row counts, file hashes, schema fingerprints, ids."""

from __future__ import annotations

import json
from typing import Any

from bloemdata.core.errors import ResourceError
from bloemdata.core.package import Package, bytes_stats, file_stats
from bloemdata.core.schema import TableSchema
from bloemdata.versions.history import Release


def schema_fingerprint(schema: TableSchema) -> str:
    """sha256 of the schema as canonical JSON: formatting does not count, content does."""
    canonical = json.dumps(
        schema.descriptor, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return bytes_stats(canonical.encode("utf-8"))[1]


def resource_hash(package: Package, name: str) -> str:
    """`sha256:<hex>` of a resource's file (raises ResourceError, as reading its rows does)."""
    path = package.path_of(name)
    try:
        return file_stats(path)[1]
    except OSError as exc:
        raise ResourceError(f"{path}: cannot read {name!r}: {exc}") from exc


def snapshot(package: Package) -> dict[str, Any]:
    """What a release records about the package (all but version, date and words)."""
    rows = {name: len(package.rows(name)) for name in package.table_names}
    resources = {name: resource_hash(package, name) for name in package.resource_names}
    schemas = {name: schema_fingerprint(s) for name, s in package.schemas.items()}
    statements: dict[str, list[str]] = {}
    if "statements" in package.table_names:
        for row in package.rows("statements"):
            statements.setdefault(row.get("status") or "current", []).append(row["statement_id"])
    return {"rows": rows, "resources": resources, "schemas": schemas, "statements": statements}


def is_release(package: Package, release: Release) -> bool:
    """Whether the package holds exactly the files and Table Schemas `release` recorded."""
    current = snapshot(package)
    return (current["resources"], current["schemas"]) == (release.resources, release.schemas)
