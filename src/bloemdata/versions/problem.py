"""How the release checks make a problem: from a registered rule, about releases.json by default."""

from __future__ import annotations

from typing import Any

from bloemdata.validation.registry import Rule
from bloemdata.validation.report import Problem
from bloemdata.versions.files import RELEASES

SOURCE = "release"


def problem(
    rule: Rule,
    resource: str = RELEASES,
    row: int | None = None,
    field: str | None = None,
    **values: Any,
) -> Problem:
    """`rule`'s problem with source "release"; `values` fill its template."""
    return rule.problem(resource, row, field, source=SOURCE, **values)
