"""CHANGELOG.md and CITATION.cff, generated from releases.json and datapackage.json."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bloemdata.core.package import Package
from bloemdata.versions.change import Change, Diff, Kind, level_rank
from bloemdata.versions.doi import concept_doi
from bloemdata.versions.files import CHANGELOG, CITATION
from bloemdata.versions.history import History


def change_notes(diff: Diff) -> list[str]:
    """Plain CHANGELOG lines for a release: one per kind of change, naming up to 8 items."""
    notes = []
    by_kind: dict[Kind, list[Change]] = {}
    for change in diff.changes:
        by_kind.setdefault(change.kind, []).append(change)
    for kind in sorted(by_kind, key=lambda k: (-level_rank(by_kind[k][0].level), k)):
        changes = by_kind[kind]
        items = list(dict.fromkeys(c.item for c in changes))
        shown = ", ".join(f"`{i}`" for i in items[:8]) + (", ..." if len(items) > 8 else "")
        notes.append(f"{kind} ({changes[0].level}, {len(changes)}): {shown}")
    return notes


def reliability_notes(package: Package) -> list[str]:
    """CHANGELOG lines on inter-coder reliability: each dimension's alpha in the latest round that
    has figures, with its 95% interval and P(alpha < 0.800), as a methods section reports them."""
    if "reliability" not in package.resource_names:
        return []
    rows = [
        r
        for r in package.rows("reliability")
        if not r["code_id"] and r["statistic"].startswith("krippendorff-alpha") and r["value"]
    ]
    if not rows:
        return []
    last = max(int(r["round"]) for r in rows)
    figures = []
    for r in rows:
        if int(r["round"]) != last:
            continue
        kind = "MASI, sets of codes" if r["statistic"].endswith("masi") else r["measure"]
        interval = f" [{float(r['ci_low']):.3f}, {float(r['ci_high']):.3f}]" if r["ci_low"] else ""
        below = (
            f", P(<0.800) {float(r['p_alpha_below_0800']):.2f}" if r["p_alpha_below_0800"] else ""
        )
        figures.append(
            f"{r['dimension']} ({kind}) {float(r['value']):.3f}{interval}{below}, "
            f"{r['units']} units"
        )
    coders = max(int(r["coders"]) for r in rows if int(r["round"]) == last)
    note = (
        f"Inter-coder reliability, round {last}, {coders} coders (Krippendorff's alpha, 95% "
        f"bootstrap interval; `reliability.csv`): {'; '.join(figures)}."
    )
    return [note]


def write_generated(root: Path, package: Package, history: History) -> list[str]:
    """Write CHANGELOG.md and CITATION.cff from the history and the descriptor."""
    (root / CHANGELOG).write_text(
        render_changelog(package, history), encoding="utf-8", newline="\n"
    )
    (root / CITATION).write_text(render_citation(package, history), encoding="utf-8", newline="\n")
    return [CHANGELOG, CITATION]


_CHANGELOG_HEAD = """\
# Changelog

All notable changes to the bloemdata data package, generated from `releases.json` by
`bloemdata release record` (do not edit by hand). Versions follow semantic versioning for data:
major when a field, code or statement id is removed, or a type, constraint or code definition
narrowed or changed; minor when statements, codes, fields or resources are added or a statement is
withdrawn; patch for corrections of text, translations or codings.
"""


def render_changelog(package: Package, history: History) -> str:  # noqa: ARG001 - one signature
    out = [_CHANGELOG_HEAD]
    for release in reversed(history.releases):
        out += [f"## {release.version} - {release.date}", "", release.summary, ""]
        out += [f"- {note}" for note in release.notes]
        rows = ", ".join(f"{n} {name}" for name, n in release.rows.items())
        out += [f"- Rows: {rows}.", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def render_citation(package: Package, history: History) -> str:
    """CITATION.cff for the last recorded release."""
    d = package.descriptor
    last = history.latest
    creators = [
        {"name": c["title"]}
        for c in d.get("contributors", [])
        if "creator" in c.get("roles", []) and c.get("title")
    ]
    licences = [lic["name"] for lic in d.get("licenses", []) if lic.get("name")]
    cff: dict[str, Any] = {
        "cff-version": "1.2.0",
        "message": "If you use this data, please cite the version you used as below.",
        "type": "dataset",
        "title": d.get("title", d.get("name", "")),
        "version": last.version if last else package.version,
        "authors": creators or [{"name": d.get("name", "")}],
        "abstract": d.get("description", ""),
        "keywords": list(d.get("keywords", [])),
    }
    if last is not None:
        cff["date-released"] = last.date
    if licences:
        cff["license"] = licences[0] if len(licences) == 1 else licences
    if doi := concept_doi(d):  # recorded by `bloemdata doi`; never invented
        cff["doi"] = doi
        cff["identifiers"] = [{"type": "doi", "value": doi, "description": "concept DOI"}]
    head = "# Generated from datapackage.json and releases.json by bloemdata; do not edit.\n"
    return head + yaml.safe_dump(cff, sort_keys=False, allow_unicode=True, width=100)
