"""Problems and the one report they are collected into, with text, JSON and Markdown renderers.

A problem is data (frictionless style): which resource, row and field, which rule, how bad, and a
plain message. Nothing here decides what is valid; the rules and validators do.

A report stays small whatever the input: it lists at most `LIMIT` problems per rule and resource
and counts the rest (every format says how many were left out), and a message, field or resource
name is cut to an excerpt (`MESSAGE_LIMIT`, `NAME_LIMIT`), so a 200 MB cell cannot become a 200 MB
report.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bloemdata.core.markdown import table_cell

LIMIT = 100  # problems listed per rule and resource; the rest are counted, not listed
MESSAGE_LIMIT = 500  # characters of a message (a message quotes at most an excerpt of a cell)
NAME_LIMIT = 200  # characters of a resource or field name


def cut(text: str, limit: int) -> str:
    """`text` cut to about `limit` characters, saying how long it was."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters)"


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
    # > 0: not a problem of its own but the count of problems of this rule and resource that a
    # check left out at the source (it listed the first `LIMIT`); `Report.add` counts it
    omitted: int = dataclasses.field(default=0, compare=False)  # `field` is a column here

    def __post_init__(self) -> None:
        # frozen: set through object; every renderer then quotes at most an excerpt
        object.__setattr__(self, "message", cut(self.message, MESSAGE_LIMIT))
        object.__setattr__(self, "resource", cut(self.resource, NAME_LIMIT))
        if self.field is not None:
            object.__setattr__(self, "field", cut(self.field, NAME_LIMIT))

    def to_dict(self) -> dict[str, Any]:
        return {
            "resource": self.resource,
            "row": self.row,
            "field": self.field,
            "rule": self.rule,
            "message": self.message,
            "severity": str(self.severity),
            "source": self.source,
        }


@dataclass(frozen=True)
class Omitted:
    """Problems of one rule and resource that the report counts but does not list."""

    resource: str
    rule: str
    severity: Severity
    count: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "resource": self.resource,
            "rule": self.rule,
            "severity": str(self.severity),
            "count": self.count,
            "message": self.text(),
        }

    def text(self) -> str:
        return (
            f"{self.count:,} more {self.severity.value}(s) of rule {self.rule} left out"
            f" (the first {LIMIT} are listed)"
        )


@dataclass
class Report:
    """All problems found in one run, whatever found them."""

    problems: list[Problem] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)  # resources looked at
    # The package could not be read as described (no or broken descriptor, a file that cannot be
    # opened): the problems say why, but checks were skipped, so the CLI exits 2, not 1.
    could_not_run: bool = False
    notes: list[str] = field(default_factory=list)  # checks skipped and why (not problems)
    # problems counted but not listed, per (resource, rule): beyond `LIMIT`, or left out at source
    omitted: dict[tuple[str, str], Omitted] = field(default_factory=dict)
    listed_counts: dict[tuple[str, str], int] = field(default_factory=dict, init=False, repr=False)

    def add(self, problem: Problem) -> None:
        """List a problem, or count it once `LIMIT` of its rule and resource are listed."""
        key = (problem.resource, problem.rule)
        if problem.omitted:
            self._omit(problem, problem.omitted)
        elif key in self.omitted or self._listed(key) >= LIMIT:
            self._omit(problem, 1)
        else:
            self.problems.append(problem)
            self.listed_counts[key] = self._listed(key) + 1

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.add(problem)

    def _listed(self, key: tuple[str, str]) -> int:
        return self.listed_counts.get(key, 0)

    def _omit(self, problem: Problem, count: int) -> None:
        key = (problem.resource, problem.rule)
        before = self.omitted.get(key)
        total = count + (before.count if before else 0)
        self.omitted[key] = Omitted(problem.resource, problem.rule, problem.severity, total)

    def _omitted_count(self, severity: Severity) -> int:
        return sum(o.count for o in self.omitted.values() if o.severity is severity)

    @property
    def error_count(self) -> int:
        """Every error, those left out of the list included."""
        return len(self.errors) + self._omitted_count(Severity.ERROR)

    @property
    def warning_count(self) -> int:
        return len(self.warnings) + self._omitted_count(Severity.WARNING)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    @property
    def valid(self) -> bool:
        """Valid means no errors; warnings are allowed."""
        return not self.error_count

    def by_resource(self) -> dict[str, list[Problem]]:
        grouped: dict[str, list[Problem]] = {}
        for problem in sorted(self.problems, key=_sort_key):
            grouped.setdefault(problem.resource, []).append(problem)
        return grouped

    def omitted_by_resource(self) -> dict[str, list[Omitted]]:
        grouped: dict[str, list[Omitted]] = {}
        for key in sorted(self.omitted):
            grouped.setdefault(key[0], []).append(self.omitted[key])
        return grouped

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "errors": self.error_count,
            "warnings": self.warning_count,
            "could_not_run": self.could_not_run,
            "checked": [cut(name, NAME_LIMIT) for name in self.checked],
            "notes": [cut(note, MESSAGE_LIMIT) for note in self.notes],
            "problems": [p.to_dict() for p in sorted(self.problems, key=_sort_key)],
            "omitted": [self.omitted[key].to_dict() for key in sorted(self.omitted)],
        }


def _sort_key(p: Problem) -> tuple[str, int, str, str]:
    return (p.resource, -1 if p.row is None else p.row, p.field or "", p.rule)


def _summary(report: Report) -> str:
    verdict = "VALID" if report.valid else "INVALID"
    if report.could_not_run:
        verdict = "COULD NOT RUN"
    return f"{verdict}: {report.error_count} error(s), {report.warning_count} warning(s)"


def render_text(report: Report) -> str:
    """A readable table per resource."""
    lines = [_summary(report)]
    omitted = report.omitted_by_resource()
    for resource, problems in report.by_resource().items():
        lines += ["", f"{resource}"]
        for p in problems:
            row = "-" if p.row is None else str(p.row)
            where = f"row {row:>5}  {p.field or '-':<18}"
            lines.append(f"  {p.severity.value:<7} {where} {p.rule:<28} {p.message}")
        lines += [f"  ... {o.text()}" for o in omitted.pop(resource, [])]
    for resource, left_out in omitted.items():  # (only when nothing of a resource was listed)
        lines += ["", resource, *(f"  ... {o.text()}" for o in left_out)]
    if report.notes:
        lines += ["", "notes", *(f"  {cut(note, MESSAGE_LIMIT)}" for note in report.notes)]
    return "\n".join(lines) + "\n"


def render_json(report: Report) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"


_MD_HEADER = "| severity | row | field | rule | message |"


def _md_cell(text: str) -> str:
    return table_cell(cut(text, MESSAGE_LIMIT))


def render_markdown(report: Report) -> str:
    """For CI summaries and release notes."""
    lines = [f"**{_summary(report)}**", ""]
    omitted = report.omitted_by_resource()
    for resource, problems in report.by_resource().items():
        lines += [f"### `{resource}`", "", _MD_HEADER, "|---|---|---|---|---|"]
        lines += [
            f"| {p.severity.value} | {'' if p.row is None else p.row} | "
            f"{_md_cell(p.field or '')} | `{p.rule}` | {_md_cell(p.message)} |"
            for p in problems
        ]
        lines.append("")
        lines += [f"- {o.text()}" for o in omitted.pop(resource, [])]
        lines += [""] if lines[-1] != "" else []
    for resource, left_out in omitted.items():
        lines += [f"### `{resource}`", "", *(f"- {o.text()}" for o in left_out), ""]
    if report.notes:
        lines += ["Notes:", "", *(f"- {_md_cell(note)}" for note in report.notes)]
    return "\n".join(lines).rstrip("\n") + "\n"


RENDERERS = {"text": render_text, "json": render_json, "markdown": render_markdown}
