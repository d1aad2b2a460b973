"""Add imported codings to the package: decide rounds, validate a staged copy, then swap files in.

Atomic: the new `coders.csv`, `codings.csv` and `datapackage.json` are first written into a staged
copy of the package and validated there with the package's own rules (`validation.validate`);
only a valid result is copied back, each file written beside its target and renamed over it, the
descriptor (with refreshed `bytes`/`hash`) last. When anything is wrong nothing is written.

Idempotent: a coder whose imported codings already stand in the package (the round given with
`--round`, or the coder's latest coding of each statement) adds nothing. Rounds: a coder's codings
go into `round` when given, else into the round after the coder's last (round 1 for a new coder,
so a second coder's first handback is comparable with the first coder's round 1).
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bloemdata.core.coded import CodedData
from bloemdata.core.errors import InvalidInputError
from bloemdata.core.package import DESCRIPTOR, Package, refresh, stale_resources

ROLES = ("maintainer", "contributor", "reviewer")  # schemas/coders.json
NEW_CODER = (
    "Pseudonymous coder whose codings were imported with `bloemdata import` ({how}). "
    "No person is named."
)


@dataclass
class CoderResult:
    coder_id: str
    round: int | None  # None: nothing new
    statements: int
    codings: int
    new_coder: bool = False
    note: str = ""


@dataclass
class Applied:
    coders: list[CoderResult] = field(default_factory=list)
    written: list[str] = field(default_factory=list)  # files replaced

    @property
    def added(self) -> int:
        return sum(c.codings for c in self.coders if c.round is not None)


def plan(
    data: CodedData, codings: dict[str, dict[str, set[str]]], round_number: int | None
) -> list[CoderResult]:
    """Per coder: the round the codings go into, or None when they are already in the package."""
    held: dict[str, dict[int, dict[str, set[str]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(set))
    )
    for c in data.codings:
        held[c["coder_id"]][c["round"]][c["statement_id"]].add(c["code_id"])
    known = {c["coder_id"] for c in data.coders}
    results = []
    for coder, statements in sorted(codings.items()):
        rounds = held.get(coder, {})
        total = sum(len(codes) for codes in statements.values())
        result = CoderResult(coder, None, len(statements), total, new_coder=coder not in known)
        if round_number is not None:
            existing = rounds.get(round_number, {})
            clash = [s for s in statements if s in existing and existing[s] != statements[s]]
            if clash:
                raise InvalidInputError(
                    f"round {round_number} of {coder} already holds other codes for "
                    f"{len(clash)} statement(s); give another --round (or none: the next round)",
                    [
                        f"{s}: package {sorted(existing[s])}, file {sorted(statements[s])}"
                        for s in clash[:20]
                    ],
                )
            if all(s in existing for s in statements):
                result.note = f"already in round {round_number}"
            else:
                result.round = round_number
        else:
            latest: dict[str, set[str]] = {}
            for number in sorted(rounds):
                latest.update(rounds[number])
            if statements and all(latest.get(s) == codes for s, codes in statements.items()):
                result.note = "already in the package"
            else:
                result.round = max(rounds, default=0) + 1
        results.append(result)
    return results


def apply(
    package: Package,
    codings: dict[str, dict[str, set[str]]],
    round_number: int | None,
    how: str,
) -> Applied:
    """Validate and write the new codings (and coders); nothing is written when anything fails."""
    data = CodedData.load(package)
    results = plan(data, codings, round_number)
    applied = Applied(results)
    todo = [r for r in results if r.round is not None]
    if not todo:
        return applied
    new_coders = [
        {
            "coder_id": r.coder_id,
            "role": next((role for role in ROLES if r.coder_id.startswith(f"{role}-")), "reviewer"),
            "description": NEW_CODER.format(how=how),
        }
        for r in todo
        if r.new_coder
    ]
    held = {(c["statement_id"], c["code_id"], c["coder_id"], c["round"]) for c in data.codings}
    new_codings = [
        {
            "statement_id": statement,
            "code_id": code,
            "coder_id": r.coder_id,
            "round": str(r.round),
            "codebook_version": package.version,
        }
        for r in todo
        for statement, codes in sorted(codings[r.coder_id].items())
        for code in sorted(codes)
        if (statement, code, r.coder_id, r.round) not in held
    ]
    changes = {"codings": new_codings}
    if new_coders:
        changes["coders"] = new_coders
    applied.written = _write_validated(package, changes)
    return applied


def _write_validated(package: Package, changes: dict[str, list[dict[str, str]]]) -> list[str]:
    from bloemdata.validation.validate import validate  # noqa: PLC0415 - polars: only when writing

    with tempfile.TemporaryDirectory(prefix="bloemdata-import-") as tmp:
        stage = Path(tmp)
        _copy_package(package, stage)
        staged = Package.load(stage)
        for name, rows in changes.items():
            _append(staged.path_of(name), rows)
        refresh(Package.load(stage))
        report = validate(stage)
        if report.errors or report.could_not_run:
            raise InvalidInputError(
                "the imported codings would make the package invalid; nothing was written",
                [
                    f"{p.resource} row {p.row} {p.field or ''}: {p.message}".replace("  ", " ")
                    for p in report.errors[:30]
                ],
            )
        staged = Package.load(stage)
        targets = [package.path_of(name) for name in changes] + [package.root / DESCRIPTOR]
        sources = [staged.path_of(name) for name in changes] + [stage / DESCRIPTOR]
        partials = []
        try:
            for source, target in zip(sources, targets, strict=True):
                partial = target.with_name(f".{target.name}.import-partial")
                shutil.copyfile(source, partial)
                partials.append((partial, target))
            for partial, target in partials:  # the descriptor last
                partial.replace(target)
        finally:
            for partial, _ in partials:
                partial.unlink(missing_ok=True)
    if stale_resources(Package.load(package.root)):
        raise InvalidInputError("bytes/hash do not match after the import; run bloemdata refresh")
    return [str(t) for t in targets]


def _copy_package(package: Package, stage: Path) -> None:
    """The descriptor, every resource file and every schema file, at the same relative paths."""
    shutil.copyfile(package.root / DESCRIPTOR, stage / DESCRIPTOR)
    paths = [package.path_of(name) for name in package.resource_names]
    paths.extend(
        package.root / r["schema"]
        for r in package.descriptor["resources"]
        if isinstance(r.get("schema"), str)
    )
    for path in paths:
        target = stage / path.relative_to(package.root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


def _append(path: Path, rows: list[dict[str, str]]) -> None:
    """Append rows in the file's own header order, LF line ends, after a final newline."""
    with path.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    content = path.read_bytes()
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writerows(rows)
    prefix = b"" if not content or content.endswith(b"\n") else b"\n"
    with path.open("ab") as handle:
        handle.write(prefix + buffer.getvalue().encode("utf-8"))
