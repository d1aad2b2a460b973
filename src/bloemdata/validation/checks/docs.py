"""Documentation: a reader learns what every resource and every field is from the package itself."""

from __future__ import annotations

from bloemdata.core.package import Package
from bloemdata.validation.registry import register
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
    return problems
