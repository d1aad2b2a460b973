"""References out of the package: a package is self-contained, so none is followed.

Frictionless follows a URL given as a resource's `path`, `schema` or `dialect` (or a profile it
does not know); `validate`, `build` and `bundle` would each make that request. This rule runs on
the descriptor alone, before any file is read and before the frictionless worker starts; a package
with a remote reference is refused (and the worker cannot connect anyway).
"""

from __future__ import annotations

import re
from typing import Any

from bloemdata.core.links import is_remote
from bloemdata.core.package import DESCRIPTOR, Package
from bloemdata.validation.registry import excerpt, register
from bloemdata.validation.report import Problem

GROUP = "structure"

REMOTE_REFERENCE = register(
    "remote-reference",
    GROUP,
    "no resource `path`, `schema`, `dialect` or profile is a URL: the package is self-contained",
    "{key} {value} is a remote reference: a package refers only to its own files",
)
# the standard profiles, which frictionless holds itself and never fetches
_PROFILE = re.compile(
    r"https://(?:datapackage\.org/profiles/[12]\.0|specs\.frictionlessdata\.io/schemas)"
    r"/(?:datapackage|dataresource|tableschema|tabledialect)\.json"
)
_FOLLOWED = ("path", "schema", "dialect")


def _profile_problems(where: str, descriptor: dict[str, Any]) -> list[Problem]:
    return [
        REMOTE_REFERENCE.problem(where, key=key, value=excerpt(descriptor[key]))
        for key in ("$schema", "profile")
        if is_remote(descriptor.get(key)) and not _PROFILE.fullmatch(str(descriptor[key]))
    ]


def remote_problems(package: Package) -> list[Problem]:
    """Every string in the descriptor (and the Table Schemas) that frictionless would fetch."""
    problems = _profile_problems(DESCRIPTOR, package.descriptor)
    for resource in package.descriptor["resources"]:
        name = str(resource.get("name"))
        problems += _profile_problems(name, resource)
        for key in _FOLLOWED:
            value = resource.get(key)
            values = value if isinstance(value, list) else [value]
            problems += [
                REMOTE_REFERENCE.problem(name, key=f"`{key}`", value=excerpt(v))
                for v in values
                if is_remote(v)
            ]
        if isinstance(resource.get("dialect"), dict):
            problems += _profile_problems(name, resource["dialect"])
    for name, schema in package.schemas.items():
        problems += _profile_problems(name, schema.descriptor)
    return problems
