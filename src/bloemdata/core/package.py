"""Load a data package (descriptor, Table Schemas, tables, raw source texts); refresh bytes/hash."""

from __future__ import annotations

import csv
import hashlib
import json
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bloemdata.core.anchor import split_lines
from bloemdata.core.errors import DescriptorError, PackageNotFoundError, ResourceError
from bloemdata.core.jsonfile import read_json, repeated_message
from bloemdata.core.links import is_remote
from bloemdata.core.schema import TableSchema, load_schema, schema_from_descriptor

DESCRIPTOR = "datapackage.json"


@dataclass
class Package:
    """One in-memory view of a data package rooted at `root` (the folder of datapackage.json)."""

    root: Path
    descriptor: dict[str, Any]
    schemas: dict[str, TableSchema]
    # Lookups by name: a scan of ~1,000 resources and a `resolve()` per call cost validate 1.5 s
    # at 100k statements (cProfile). Each entry is re-checked against the descriptor on use.
    _by_name: dict[str, dict[str, Any]] = field(default_factory=dict, init=False, repr=False)
    _indexed: tuple[int, int] = field(default=(0, -1), init=False, repr=False)
    _paths: dict[tuple[str, str], Path] = field(default_factory=dict, init=False, repr=False)
    _resolved_root: Path | None = field(default=None, init=False, repr=False)
    # one message per JSON file with a key repeated in an object (a warning of `validate`)
    repeated_keys: list[str] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def load(cls, path: Path | str = ".") -> Package:
        """Load from a folder holding datapackage.json, or from the descriptor file itself."""
        path = Path(path)
        descriptor_path = path / DESCRIPTOR if path.is_dir() else path
        if not descriptor_path.is_file():
            raise PackageNotFoundError(f"no {DESCRIPTOR} at {descriptor_path}")
        descriptor, repeated = read_json(descriptor_path, "descriptor")
        repeated_keys = [repeated_message(DESCRIPTOR, repeated)] if repeated else []
        if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
            raise DescriptorError(f"{descriptor_path}: a descriptor is an object with 'resources'")
        root = descriptor_path.parent
        schemas: dict[str, TableSchema] = {}
        for resource in descriptor["resources"]:
            if not isinstance(resource, dict) or "name" not in resource:
                raise DescriptorError(f"{descriptor_path}: every resource needs a 'name'")
            if not isinstance(resource["name"], str):
                raise DescriptorError(
                    f"{descriptor_path}: a resource 'name' is a string, not"
                    f" {type(resource['name']).__name__}: {str(resource['name'])[:200]}"
                )
            schema = resource.get("schema")
            if isinstance(schema, str) and is_remote(schema):
                raise DescriptorError(
                    f"{descriptor_path}: schema {schema[:200]!r} is a remote reference: a package"
                    " refers only to its own files (nothing was fetched)"
                )
            if isinstance(schema, str):
                schemas[resource["name"]] = load_schema(_inside(root, schema), repeated_keys)
            elif isinstance(schema, dict):
                schemas[resource["name"]] = schema_from_descriptor(schema)
        package = cls(root=root, descriptor=descriptor, schemas=schemas)
        package.repeated_keys = repeated_keys
        return package

    @property
    def version(self) -> str:
        return str(self.descriptor.get("version", ""))

    @property
    def resource_names(self) -> list[str]:
        return [r["name"] for r in self.descriptor["resources"]]

    @property
    def table_names(self) -> list[str]:
        """Tabular resources, in descriptor order."""
        return [name for name in self.resource_names if name in self.schemas]

    def resource(self, name: str) -> dict[str, Any]:
        resources = self.descriptor["resources"]
        if self._indexed != (id(resources), len(resources)):  # the list was replaced or grown
            self._by_name = {}
            for resource in resources:  # the first of a repeated name wins, as the scan did
                self._by_name.setdefault(resource["name"], resource)
            self._indexed = (id(resources), len(resources))
        cached = self._by_name.get(name)
        if cached is not None and cached.get("name") == name:
            return cached
        for resource in resources:  # renamed in place since it was indexed
            if resource["name"] == name:
                return resource
        raise ResourceError(f"no resource named {name!r} in {DESCRIPTOR}")

    def path_of(self, name: str) -> Path:
        path = self.resource(name).get("path")
        if not isinstance(path, str):
            raise ResourceError(f"resource {name!r} has no single 'path'")
        key = (name, path)
        if key not in self._paths:
            if self._resolved_root is None:  # once, not once per path (1,000 pages at 1M)
                self._resolved_root = self.root.resolve()
            self._paths[key] = _inside(self.root, path, self._resolved_root)
        return self._paths[key]

    def rows(self, name: str) -> list[dict[str, str]]:
        """A table's rows as CSV strings keyed by header (raises ResourceError if unreadable)."""
        path = self.path_of(name)
        try:
            with path.open(encoding="utf-8", newline="") as handle:
                return list(csv.DictReader(handle))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise ResourceError(f"{path}: cannot read {name!r}: {exc}") from exc

    def typed_rows(self, name: str) -> list[dict[str, Any]]:
        """A table's rows cast by its Table Schema (`core.cast`; ResourceError naming file, row
        and field when a cell does not cast)."""
        schema = self.schemas.get(name)
        if schema is None:
            raise ResourceError(f"the package has no table {name!r}")
        # polars only when typed rows are asked for: loading a package stays light
        from bloemdata.core.cast import read_typed  # noqa: PLC0415

        return read_typed(self.path_of(name), schema, name).to_dicts()

    def text(self, name: str) -> str:
        """The contents of a text resource (a raw page)."""
        path = self.path_of(name)
        try:
            return path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ResourceError(f"{path}: cannot read {name!r}: {exc}") from exc

    def page_lines(self) -> dict[tuple[str, int], list[str]]:
        """Raw lines of every page held, keyed by (source_id, page)."""
        return {
            (row["source_id"], int(row["page"])): split_lines(self.text(row["resource"]))
            for row in self.rows("pages")
        }


def hash_string(digest: hashlib._Hash) -> str:
    """A finished digest as Data Package v2 writes a `hash`: `sha256:<hex>`."""
    return f"{digest.name}:{digest.hexdigest()}"


def file_stats(path: Path) -> tuple[int, str]:
    """Size in bytes and the Data Package v2 hash string (`sha256:<hex>`) of a file."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return size, hash_string(digest)


def bytes_stats(data: bytes) -> tuple[int, str]:
    """`file_stats` of bytes already read."""
    return len(data), hash_string(hashlib.sha256(data))


def release_files(package: Package) -> list[str]:
    """The package's own files a release publishes as they are, relative to its root: the
    descriptor, every resource and every Table Schema file it names (the download folder and
    the release bundle copy these). DescriptorError for a path that leaves the package."""
    resources = package.descriptor["resources"]
    files = [DESCRIPTOR, *(r.get("path") for r in resources)]
    files += sorted({r["schema"] for r in resources if isinstance(r.get("schema"), str)})
    named = [f for f in files if isinstance(f, str)]
    for relative in named:
        _inside(package.root, relative)
    return list(dict.fromkeys(named))


def stale_resources(package: Package) -> list[str]:
    """Resources whose recorded bytes/hash differ from their file."""
    stale = []
    for name in package.resource_names:
        resource = package.resource(name)
        size, digest = file_stats(package.path_of(name))
        if resource.get("bytes") != size or resource.get("hash") != digest:
            stale.append(name)
    return stale


def refresh(package: Package) -> list[str]:
    """Write current bytes/hash of every resource into datapackage.json; return those changed."""
    changed = stale_resources(package)
    for name in changed:
        size, digest = file_stats(package.path_of(name))
        package.resource(name).update(bytes=size, hash=digest)
    if changed:
        write_descriptor(package)
    return changed


def write_descriptor(package: Package) -> None:
    """Write datapackage.json in the project's one format (2-space JSON, UTF-8, final newline)."""
    text = json.dumps(package.descriptor, ensure_ascii=False, indent=2) + "\n"
    (package.root / DESCRIPTOR).write_text(text, encoding="utf-8", newline="\n")


def package_file(root: Path, relative: str) -> Path | None:
    """A file of the package to copy or publish: None when it does not exist.

    Raises DescriptorError unless it is a regular file inside the package: a symlink that leaves
    the package (as a descriptor path that does), a folder, a FIFO or a device is refused.
    """
    path = _inside(root, relative)
    try:
        mode = path.stat().st_mode  # follows a symlink, whose target `_inside` kept inside
    except FileNotFoundError:
        if path.is_symlink():
            raise DescriptorError(f"{relative!r} is a broken symlink") from None
        return None
    except OSError as exc:
        raise DescriptorError(f"{relative!r}: cannot read: {exc.strerror or exc}") from exc
    if not stat.S_ISREG(mode):
        raise DescriptorError(f"{relative!r} is not a regular file; it is not copied")
    return path


def _inside(root: Path, relative: str, resolved_root: Path | None = None) -> Path:
    """Resolve a descriptor path, refusing absolute paths and escapes from the package folder
    (`resolved_root`: `root.resolve()`, when the caller has it already)."""
    if not isinstance(relative, str) or "\x00" in relative:
        raise DescriptorError(f"path {str(relative)[:200]!r} is not a usable file path")
    candidate = (root / relative).resolve()
    inside = root.resolve() if resolved_root is None else resolved_root
    if Path(relative).is_absolute() or not candidate.is_relative_to(inside):
        raise DescriptorError(f"path {relative!r} leaves the package folder")
    return root / relative
