"""Problems and the one report they are collected into, with text, JSON and Markdown renderers.

A problem is data (frictionless style): which resource, row and field, which rule, how bad, and a
plain message. Nothing here decides what is valid; the rules and validators do.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from bloemdata.core.markdown import table_cell


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in the package.

    `row` is the 1-based data row (the header is row 0), None when the problem is not about a row;
    `rule` is a kebab-case id such as `text-nfc`; `source` says which checker found it.
    """

    resource: str
    row: int | None
    field: str | None
    rule: str
    message: str
    severity: Severity = Severity.ERROR
    source: str = "bloemdata"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = str(self.severity)
        return data


@dataclass
class Report:
    """All problems found in one run, whatever found them."""

    problems: list[Problem] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)  # resources looked at
    # The package could not be read as described (no or broken descriptor, a file that cannot be
    # opened): the problems say why, but checks were skipped, so the CLI exits 2, not 1.
    could_not_run: bool = False
    notes: list[str] = field(default_factory=list)  # checks skipped and why (not problems)

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    @property
    def valid(self) -> bool:
        """Valid means no errors; warnings are allowed."""
        return not self.errors

    def by_resource(self) -> dict[str, list[Problem]]:
        grouped: dict[str, list[Problem]] = {}
        for problem in sorted(self.problems, key=_sort_key):
            grouped.setdefault(problem.resource, []).append(problem)
        return grouped

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "could_not_run": self.could_not_run,
            "checked": self.checked,
            "notes": self.notes,
            "problems": [p.to_dict() for p in sorted(self.problems, key=_sort_key)],
        }


def _sort_key(p: Problem) -> tuple[str, int, str, str]:
    return (p.resource, -1 if p.row is None else p.row, p.field or "", p.rule)


def _summary(report: Report) -> str:
    verdict = "VALID" if report.valid else "INVALID"
    if report.could_not_run:
        verdict = "COULD NOT RUN"
    return f"{verdict}: {len(report.errors)} error(s), {len(report.warnings)} warning(s)"


def render_text(report: Report) -> str:
    """A readable table per resource."""
    lines = [_summary(report)]
    for resource, problems in report.by_resource().items():
        lines += ["", f"{resource}"]
        for p in problems:
            row = "-" if p.row is None else str(p.row)
            where = f"row {row:>5}  {p.field or '-':<18}"
            lines.append(f"  {p.severity.value:<7} {where} {p.rule:<28} {p.message}")
    if report.notes:
        lines += ["", "notes", *(f"  {note}" for note in report.notes)]
    return "\n".join(lines) + "\n"


def render_json(report: Report) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"


_MD_HEADER = "| severity | row | field | rule | message |"


def render_markdown(report: Report) -> str:
    """For CI summaries and release notes."""
    lines = [f"**{_summary(report)}**", ""]
    for resource, problems in report.by_resource().items():
        lines += [f"### `{resource}`", "", _MD_HEADER, "|---|---|---|---|---|"]
        lines += [
            f"| {p.severity.value} | {'' if p.row is None else p.row} | {p.field or ''} | "
            f"`{p.rule}` | {table_cell(p.message)} |"
            for p in problems
        ]
        lines.append("")
    if report.notes:
        lines += ["Notes:", "", *(f"- {table_cell(note)}" for note in report.notes)]
    return "\n".join(lines).rstrip("\n") + "\n"


RENDERERS = {"text": render_text, "json": render_json, "markdown": render_markdown}
