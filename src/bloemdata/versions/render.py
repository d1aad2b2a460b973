"""A diff for people and machines: text (git's word-diff notation), Markdown and JSON."""

from __future__ import annotations

import json
from collections.abc import Iterable

from bloemdata.core.markdown import table_cell
from bloemdata.versions.change import Change, Diff, Kind


def render_words(words: Iterable[tuple[str, str]], style: str = "text") -> str:
    """`[-old-]{+new+}` (git's word-diff notation) for text, ~~old~~ **new** for Markdown."""
    marks = {"text": ("[-", "-]", "{+", "+}"), "markdown": ("~~", "~~", "**", "**")}[style]
    parts = []
    for op, text in words:
        if op == "delete":
            parts.append(f"{marks[0]}{text}{marks[1]}")
        elif op == "insert":
            parts.append(f"{marks[2]}{text}{marks[3]}")
        else:
            parts.append(text)
    return " ".join(parts)


def _headline(diff: Diff) -> str:
    level = diff.required_level
    need = f"needs at least a {level} version bump" if level else "no changes"
    return (
        f"Changes from {diff.old_version} ({diff.old_label}) to {diff.new_version} "
        f"({diff.new_label}): {len(diff.changes)} change(s); {need}"
    )


def _detail(change: Change, style: str) -> str:
    if change.kind is Kind.STATEMENT_WITHDRAWN:
        return change.message
    if change.words:
        return f"{change.field}: {render_words(change.words, style)}"
    if change.kind in (Kind.STATEMENT_ADDED, Kind.STATEMENT_REMOVED):
        return (change.new if change.kind is Kind.STATEMENT_ADDED else change.old) or ""
    if change.old is not None or change.new is not None:
        return f"{change.field}: {change.old!r} -> {change.new!r}"
    return ""


def render_text(diff: Diff) -> str:
    lines = [_headline(diff)]
    for resource, changes in _grouped(diff).items():
        lines += ["", resource]
        for c in changes:
            lines.append(f"  {c.level:<6} {c.kind:<28} {c.item}")
            detail = _detail(c, "text")
            if detail:
                lines.append(f"         {detail}")
    return "\n".join(lines) + "\n"


def render_markdown(diff: Diff) -> str:
    lines = [f"**{_headline(diff)}**", ""]
    for resource, changes in _grouped(diff).items():
        lines += [
            f"### `{resource}`",
            "",
            "| level | change | item | detail |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {c.level} | `{c.kind}` | `{c.item}` | {table_cell(_detail(c, 'markdown'))} |"
            for c in changes
        ]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def render_json(diff: Diff) -> str:
    return json.dumps(diff.to_dict(), ensure_ascii=False, indent=2) + "\n"


RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}


def _grouped(diff: Diff) -> dict[str, list[Change]]:
    grouped: dict[str, list[Change]] = {}
    for change in diff.changes:
        grouped.setdefault(change.resource, []).append(change)
    return grouped
