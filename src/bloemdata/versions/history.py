"""The release history as data: releases.json, read and checked entry by entry, and written.

releases.json (next to datapackage.json, outside it so recording a release changes no resource)
holds, for every release, its date, summary, row counts, the sha256 of each resource, a fingerprint
of each Table Schema and the statement ids it held. `read_history` never raises: what is wrong with
the file or an entry is a problem naming the entry (1-based) and its field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any

from bloemdata.core.errors import DescriptorError
from bloemdata.core.jsonfile import read_json, repeated_message
from bloemdata.validation.checks import release as rules
from bloemdata.validation.report import Problem
from bloemdata.versions.files import RELEASES
from bloemdata.versions.problem import problem
from bloemdata.versions.semver import parse_version

_UNREADABLE = (rules.HISTORY_INVALID.id, rules.ENTRY_INVALID.id)
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


@dataclass
class Release:
    """One recorded release: what it held, fingerprinted."""

    version: str
    date: str
    summary: str
    notes: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    resources: dict[str, str] = field(default_factory=dict)  # name -> sha256:<hex> of its file
    schemas: dict[str, str] = field(default_factory=dict)  # name -> sha256:<hex> of its schema
    statements: dict[str, list[str]] = field(default_factory=dict)  # current / withdrawn ids

    def ids(self) -> set[str]:
        return set(self.statements.get("current", [])) | set(self.statements.get("withdrawn", []))


@dataclass
class History:
    releases: list[Release] = field(default_factory=list)

    @property
    def latest(self) -> Release | None:
        return self.releases[-1] if self.releases else None

    def get(self, version: str) -> Release | None:
        return next((r for r in self.releases if r.version == version), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "description": (
                "Release history of the bloemdata package, written by `bloemdata release record`: "
                "for each version its date, summary, row counts, the sha256 of each resource file "
                "and of each Table Schema (canonical JSON), and the statement ids it held."
            ),
            "releases": [asdict(r) for r in self.releases],
        }


# --- reading and checking ----------------------------------------------------------------------


def _string(value: Any) -> bool:
    return isinstance(value, str)


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _mapping(of: Callable[[Any], bool]) -> Callable[[Any], bool]:
    return lambda value: isinstance(value, dict) and all(of(v) for v in value.values())


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


# Each field of an entry and what it must be (as `Release` declares it).
_FIELDS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "version": (_string, "a string"),
    "date": (_string, "a string"),
    "summary": (_string, "a string"),
    "notes": (_strings, "a list of strings"),
    "rows": (_mapping(_count), "an object of row counts"),
    "resources": (_mapping(_string), "an object of hashes"),
    "schemas": (_mapping(_string), "an object of hashes"),
    "statements": (_mapping(_strings), "an object of lists of statement ids"),
}
_REQUIRED = ("version", "date", "summary")


def _json_type(value: Any) -> str:
    """The JSON name of a parsed value's type, for messages."""
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    names |= {int: "a number", float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _entry(number: int, entry: Any) -> tuple[Release | None, list[Problem]]:
    """The release an entry records, or None and what is wrong with it."""
    if not isinstance(entry, dict):
        reason = f"an entry must be an object, not {_json_type(entry)}"
        return None, [problem(rules.ENTRY_INVALID, row=number, entry=number, reason=reason)]
    version = entry.get("version")
    where = f"{number} ({version})" if isinstance(version, str) else str(number)
    problems = [
        problem(rules.ENTRY_INVALID, row=number, field=key, entry=where, reason=f"no {key!r}")
        for key in _REQUIRED
        if key not in entry
    ]
    for key, value in entry.items():
        if key not in _FIELDS:
            reason = f"unknown field {key!r} (fields: {', '.join(_FIELDS)})"
        elif not _FIELDS[key][0](value):
            reason = f"{key!r} must be {_FIELDS[key][1]}, not {json.dumps(value)[:60]}"
        else:
            continue
        problems.append(
            problem(rules.ENTRY_INVALID, row=number, field=key, entry=where, reason=reason)
        )
    return (None if problems else Release(**entry)), problems


def _values(numbered: list[tuple[int, Release]]) -> list[Problem]:
    """Versions X.Y.Z in increasing order, dates YYYY-MM-DD."""
    problems = []
    for number, release in numbered:
        if not _ISO_DATE.match(release.date) or not _is_date(release.date):
            problems.append(
                problem(
                    rules.DATE_INVALID,
                    row=number,
                    field="date",
                    entry=f"{number} ({release.version})",
                    date=release.date,
                )
            )
    versions = []
    for number, release in numbered:
        parsed = parse_version(release.version)
        if parsed is None:
            subject = f"entry {number}: recorded version"
            problems.append(
                problem(
                    rules.VERSION_INVALID,
                    row=number,
                    field="version",
                    subject=subject,
                    version=release.version,
                )
            )
        else:
            versions.append((number, release.version, parsed))
    problems += [
        problem(rules.HISTORY_ORDER, row=number, field="version", version=version)
        for (_, _, before), (number, version, parsed) in pairwise(versions)
        if parsed <= before
    ]
    return problems


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def read_history(root: Path) -> tuple[History, list[Problem]]:
    """releases.json and every problem in it (an absent file is an empty history).

    The history holds the entries that could be read; check the problems before trusting it.
    """
    path = root / RELEASES
    if not path.is_file():
        return History(), []
    try:
        data, repeated = read_json(path, "the release history")
    except DescriptorError as exc:  # not UTF-8, not JSON, nested too deeply
        reason = str(exc).removeprefix(f"{path}: cannot read the release history: ")
        return History(), [problem(rules.HISTORY_INVALID, reason=reason)]
    warnings = (
        [problem(rules.HISTORY_DUPLICATE_KEY, message=repeated_message(RELEASES, repeated))]
        if repeated
        else []
    )
    if not isinstance(data, dict):
        reason = f"it must be an object with a 'releases' array, not {_json_type(data)}"
        return History(), [problem(rules.HISTORY_INVALID, reason=reason)]
    if not isinstance(data.get("releases"), list):
        reason = (
            f"'releases' must be an array of entries, not {_json_type(data['releases'])}"
            if "releases" in data
            else "it has no 'releases' array"
        )
        return History(), [problem(rules.HISTORY_INVALID, field="releases", reason=reason)]
    numbered, problems = [], []
    for number, entry in enumerate(data["releases"], start=1):
        release, found_problems = _entry(number, entry)
        problems += found_problems
        if release is not None:
            numbered.append((number, release))
    problems += _values(numbered)
    return History([release for _, release in numbered]), warnings + problems


def load_history(root: Path) -> History:
    """releases.json for those who use it (the changes table, the bundle, regenerate).

    Raises `DescriptorError` when an entry cannot be read at all; the values in a readable entry
    (version, date, order) are the release rules' to judge.
    """
    history, problems = read_history(root)
    unreadable = [p for p in problems if p.rule in _UNREADABLE]
    if unreadable:
        reasons = "; ".join(p.message for p in unreadable)
        raise DescriptorError(f"{root / RELEASES}: cannot read the release history: {reasons}")
    return history


def save_history(root: Path, history: History) -> None:
    text = json.dumps(history.to_dict(), ensure_ascii=False, indent=2) + "\n"
    (root / RELEASES).write_text(text, encoding="utf-8", newline="\n")
