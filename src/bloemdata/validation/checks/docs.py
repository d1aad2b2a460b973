"""Documentation: a reader learns what every resource and every field is from the package itself."""

from __future__ import annotations

from typing import Any

from bloemdata.core.links import is_link
from bloemdata.core.package import DESCRIPTOR, Package
from bloemdata.validation.registry import excerpt, register
from bloemdata.validation.report import Problem

GROUP = "docs"

RESOURCE_DESCRIPTION = register(
    "resource-description",
    GROUP,
    "every resource in datapackage.json has a description",
    "resource {resource} has no description",
)
FIELD_DESCRIPTION = register(
    "field-description",
    GROUP,
    "every field of every Table Schema has a description",
    "field {field} of {resource} has no description",
)

LINK_SCHEME = register(
    "link-scheme",
    GROUP,
    "a licence, source, contributor `path` or a `homepage` is an http(s): or mailto: URL or a"
    " path inside the package (the site renders it as a link)",
    "{key} {value} is not an http(s): or mailto: URL nor a path inside the package",
)
_LINKED = ("licenses", "sources", "contributors")


def link_problems(package: Package) -> list[Problem]:
    """Links the site renders: never `javascript:` or any other scheme."""
    problems = _links(DESCRIPTOR, package.descriptor)
    for resource in package.descriptor["resources"]:
        problems += _links(str(resource.get("name")), resource)
    return problems


def _links(where: str, descriptor: dict[str, Any]) -> list[Problem]:
    found = [("`homepage`", descriptor["homepage"])] if "homepage" in descriptor else []
    for key in _LINKED:
        entries = descriptor.get(key)
        for n, entry in enumerate(entries if isinstance(entries, list) else []):
            if isinstance(entry, dict) and "path" in entry:
                found.append((f"`{key}[{n}].path`", entry["path"]))
    return [
        LINK_SCHEME.problem(where, key=key, value=excerpt(value))
        for key, value in found
        if not is_link(value)
    ]


def _blank(value: object) -> bool:
    return not isinstance(value, str) or not value.strip()


def docs_problems(package: Package) -> list[Problem]:
    problems = [
        RESOURCE_DESCRIPTION.problem(r["name"], resource=repr(r["name"]))
        for r in package.descriptor["resources"]
        if _blank(r.get("description"))
    ]
    for name, schema in package.schemas.items():
        problems += [
            FIELD_DESCRIPTION.problem(name, None, f.name, field=repr(f.name), resource=repr(name))
            for f in schema.fields
            if _blank(f.description)
        ]
    return problems + link_problems(package)
