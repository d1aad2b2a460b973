"""The rules `bloemdata validate` applies: each a kebab-case id, a severity and a message template.

Rules are data, registered once here so they can be listed (`bloemdata validate --list-rules`) and
documented (a test fails when README.md does not name one). The modules beside this one hold the
checks that raise them: `structure` (files, headers, descriptor), `table` (Table Schema
constraints, checked through Pandera), `text`, `provenance`, `coding` and `docs`.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from typing import Any

from bloemdata.validation.report import LIMIT, Problem, Severity

_KEBAB = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
EXCERPT = 60  # characters of a value quoted in a message; a 50 MB cell must not flood the report


@dataclass(frozen=True)
class Rule:
    """One rule: `template` is formatted with the values a check passes to `problem`."""

    id: str
    group: str
    summary: str
    template: str
    severity: Severity = Severity.ERROR

    def problem(
        self,
        resource: str,
        row: int | None = None,
        field: str | None = None,
        /,  # positional-only, so templates may use {resource} and {field} too
        *,
        source: str = "bloemdata",
        **values: Any,
    ) -> Problem:
        return Problem(
            resource=resource,
            row=row,
            field=field,
            rule=self.id,
            message=self.template.format(**values),
            severity=self.severity,
            source=source,
        )

    def left_out(self, resource: str, count: int, *, source: str = "bloemdata") -> list[Problem]:
        """The count of this rule's problems a check did not list (none when `count` is 0)."""
        if count <= 0:
            return []
        return [Problem(resource, None, None, self.id, "", self.severity, source, omitted=count)]


RULES: dict[str, Rule] = {}
MODULES = ("structure", "references", "table", "text", "provenance", "coding", "docs", "release")


def register(
    rule_id: str, group: str, summary: str, template: str, severity: Severity = Severity.ERROR
) -> Rule:
    """Define a rule; ids are kebab-case and unique across all groups."""
    if not _KEBAB.match(rule_id):
        raise ValueError(f"rule id {rule_id!r} is not kebab-case")
    if rule_id in RULES:
        raise ValueError(f"rule id {rule_id!r} is defined twice")
    rule = Rule(rule_id, group, summary, template, severity)
    RULES[rule_id] = rule
    return rule


def excerpt(value: object, limit: int = EXCERPT) -> str:
    """A value quoted for a message, cut to `limit` characters."""
    text = str(value)
    if len(text) > limit:
        text = f"{text[:limit]}… ({len(text)} characters)"
    return repr(text)


def first(rows: Any, limit: int = LIMIT) -> tuple[Any, int]:
    """The first `limit` rows of a polars frame, and how many more there are (a check lists at
    most `LIMIT` problems of a rule per resource and counts the rest)."""
    return rows.head(limit), max(0, rows.height - limit)


def all_rules() -> list[Rule]:
    """Every rule, by group then id (imports the rule modules so all are registered)."""
    for module in MODULES:
        importlib.import_module(f"bloemdata.validation.checks.{module}")
    return sorted(RULES.values(), key=lambda r: (r.group, r.id))


def rules_markdown() -> str:
    """The rule list as a Markdown table (for README and `--list-rules`)."""
    lines = ["| rule | group | severity | checks that |", "|---|---|---|---|"]
    lines += [f"| `{r.id}` | {r.group} | {r.severity.value} | {r.summary} |" for r in all_rules()]
    return "\n".join(lines) + "\n"
