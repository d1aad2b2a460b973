"""The summary an import prints: what was added per coder, what was checked, what was skipped."""

from __future__ import annotations

from collections import Counter

from bloemdata.coding.apply import Applied


def render(
    source: str,
    applied: Applied,
    *,
    reading: str | None = None,
    checked: dict[str, int] | None = None,
    skipped: Counter[str] | None = None,
    examples: dict[str, str] | None = None,
    dry_run: bool = False,
) -> str:
    lines = [f"Import of {source}"]
    if reading:
        lines.append(f"  offsets read as {reading}")
    for r in applied.coders:
        what = f"{r.codings} coding(s) of {r.statements} statement(s)"
        if r.round is None:
            lines.append(f"  {r.coder_id}: {what}, {r.note}: nothing added")
        else:
            verb = "would add" if dry_run else "added"
            new = " (new coder)" if r.new_coder else ""
            lines.append(f"  {r.coder_id}{new}: {verb} {what} as round {r.round}")
    for coder, n in sorted((checked or {}).items()):
        lines.append(f"  {coder}: {n} coding(s) from our own export, checked, not imported again")
    for reason, n in (skipped or Counter()).most_common():
        example = (examples or {}).get(reason, "")
        lines.append(f"  skipped {n}: {reason}" + (f" (e.g. {example})" if example else ""))
    if dry_run:
        lines.append("Dry run: nothing was written.")
    elif applied.written:
        lines.append(f"Wrote {', '.join(applied.written)}; bytes/hash refreshed.")
    else:
        lines.append("Nothing new: the package is unchanged.")
    return "\n".join(lines)
