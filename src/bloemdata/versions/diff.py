"""What changed between two versions of the package, and how big a version bump it needs.

A `Diff` is a list of `Change`s: statements added, withdrawn and changed (with a word-level text
diff), codings added and removed, codebook, schema and resource changes. Each change carries the
semantic-versioning level it needs for data (`major`, `minor`, `patch`); `versions.release` turns
those levels into the rules of `bloemdata release check`. Versions are directories or git
revisions, materialised with `git archive` into a temporary folder.
"""

from __future__ import annotations

import difflib
import io
import json
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bloemdata.core.errors import BloemdataError
from bloemdata.core.package import DESCRIPTOR, Package, file_stats
from bloemdata.core.schema import Field, TableSchema

LEVELS = ("patch", "minor", "major")  # in increasing order of what a user must re-check

# Constraint keys whose larger value admits more data, and whose larger value admits less.
_LOWER_BOUNDS = ("minLength", "minimum")
_UPPER_BOUNDS = ("maxLength", "maximum")
# Fields of a code that say what it means: changing one changes the meaning of past codings.
_CODE_MEANING = ("dimension", "parent_id", "definition_nl", "definition_en")
# Free-text fields shown with a word-level diff.
_TEXT_FIELDS = frozenset(
    {"text", "text_en", "status_note", "definition_nl", "definition_en", "include_nl"}
    | {"include_en", "exclude_nl", "exclude_en", "description", "note"}
)


class RevisionNotFoundError(BloemdataError):
    """A version named on the command line is neither a directory nor a git revision."""


def level_rank(level: str | None) -> int:
    """0 for no change, then patch < minor < major."""
    return 0 if level is None else LEVELS.index(level) + 1


@dataclass(frozen=True)
class Change:
    """One difference between two versions.

    `kind` is kebab-case (`statement-added`, `coding-removed`, `field-removed`, ...); `item` names
    the row (statement id, code id, coding key) or schema field; `words` is a word-level diff of
    `old` into `new` as (op, words) pairs with op in equal/delete/insert.
    """

    level: str
    kind: str
    resource: str
    item: str
    message: str
    field: str | None = None
    old: str | None = None
    new: str | None = None
    words: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["words"] = [{"op": op, "text": text} for op, text in self.words]
        return data


@dataclass
class Diff:
    """All changes from `old_version` to `new_version` (labels say where each version came from)."""

    old_version: str
    new_version: str
    old_label: str
    new_label: str
    changes: list[Change] = field(default_factory=list)

    @property
    def required_level(self) -> str | None:
        """The smallest bump that covers every change (None when nothing changed)."""
        ranks = [level_rank(c.level) for c in self.changes]
        return LEVELS[max(ranks) - 1] if ranks else None

    def at_level(self, level: str) -> list[Change]:
        return [c for c in self.changes if c.level == level]

    def counts(self) -> dict[str, int]:
        counted: dict[str, int] = {}
        for change in self.changes:
            counted[change.kind] = counted.get(change.kind, 0) + 1
        return counted

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": {"version": self.old_version, "label": self.old_label},
            "new": {"version": self.new_version, "label": self.new_label},
            "required_bump": self.required_level,
            "counts": self.counts(),
            "changes": [c.to_dict() for c in self.changes],
        }


# --- word diff ---------------------------------------------------------------------------------


def word_diff(old: str, new: str) -> tuple[tuple[str, str], ...]:
    """Word-level diff of two texts: runs of equal, deleted and inserted words."""
    a, b = old.split(), new.split()
    ops: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("delete", "replace"):
            ops.append(("delete", " ".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            ops.append(("insert", " ".join(b[j1:j2])))
        if tag == "equal":
            ops.append(("equal", " ".join(a[i1:i2])))
    return tuple(ops)


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


# --- comparing two packages --------------------------------------------------------------------


def diff_packages(old: Package, new: Package, old_label: str = "", new_label: str = "") -> Diff:
    """Every change from `old` to `new`, in a stable order (resources, then their rows)."""
    result = Diff(old.version, new.version, old_label or old.version, new_label or new.version)
    changes = result.changes
    old_names, new_names = old.resource_names, new.resource_names
    for name in new_names:
        if name not in old_names:
            changes.append(
                Change("minor", "resource-added", name, name, f"resource {name!r} added")
            )
    for name in old_names:
        if name not in new_names:
            changes.append(
                Change("major", "resource-removed", name, name, f"resource {name!r} removed")
            )
    for name in (n for n in new_names if n in old_names):
        changes += _resource_metadata_changes(old, new, name)
        old_schema, new_schema = old.schemas.get(name), new.schemas.get(name)
        if old_schema is not None and new_schema is not None:
            changes += schema_changes(name, old_schema, new_schema)
            row_changes = _row_changes(old, new, name)
            changes += row_changes
            if not row_changes and _sha(old, name) != _sha(new, name):
                changes.append(
                    Change(
                        "patch",
                        "resource-reformatted",
                        name,
                        name,
                        f"{name}: file bytes changed but no row did (quoting, order or line ends)",
                    )
                )
        elif _sha(old, name) != _sha(new, name):
            # A raw page is the primary source: anchors point into its exact characters.
            changes.append(
                Change("major", "resource-changed", name, name, f"file of {name!r} changed")
            )
    return result


def _sha(package: Package, name: str) -> str:
    return file_stats(package.path_of(name))[1]


def _resource_metadata_changes(old: Package, new: Package, name: str) -> list[Change]:
    skip = {"bytes", "hash", "schema"}
    a, b = old.resource(name), new.resource(name)
    changes = []
    for key in sorted((set(a) | set(b)) - skip):
        if a.get(key) != b.get(key):
            # Moving a file breaks every script that reads it; other metadata is documentation.
            level = "major" if key == "path" else "patch"
            changes.append(
                Change(
                    level,
                    "resource-metadata-changed",
                    name,
                    name,
                    f"resource {name!r}: {key} changed",
                    field=key,
                    old=_text(a.get(key)),
                    new=_text(b.get(key)),
                )
            )
    return changes


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def schema_changes(resource: str, old: TableSchema, new: TableSchema) -> list[Change]:
    """Fields removed/added/retyped, constraints narrowed/widened, keys changed."""
    changes: list[Change] = []

    def add(level: str, kind: str, item: str, message: str, **kw: Any) -> None:
        changes.append(Change(level, kind, resource, item, f"{resource}.{message}", **kw))

    old_fields = {f.name: f for f in old.fields}
    new_fields = {f.name: f for f in new.fields}
    for name in old_fields:
        if name not in new_fields:
            add("major", "field-removed", name, f"{name}: field removed or renamed")
    for name, f in new_fields.items():
        if name not in old_fields:
            add("minor", "field-added", name, f"{name}: field added ({f.type})")
            continue
        changes += _field_changes(resource, old_fields[name], f)
    if old.primary_key != new.primary_key:
        add(
            "major",
            "primary-key-changed",
            "primaryKey",
            f"primaryKey: {list(old.primary_key)} -> {list(new.primary_key)}",
        )
    for fk in new.foreign_keys:
        if fk not in old.foreign_keys:
            add("major", "foreign-key-added", ",".join(fk.fields), _fk_text(fk, "added"))
    for fk in old.foreign_keys:
        if fk not in new.foreign_keys:
            add("minor", "foreign-key-removed", ",".join(fk.fields), _fk_text(fk, "removed"))
    if old.missing_values != new.missing_values:
        add(
            "major",
            "missing-values-changed",
            "missingValues",
            f"missingValues: {list(old.missing_values)} -> {list(new.missing_values)}",
        )
    return changes


def _field_changes(resource: str, before: Field, f: Field) -> list[Change]:
    """Type, constraint and documentation changes of one field kept from old to new."""
    changes: list[Change] = []
    name = f.name

    def add(level: str, kind: str, item: str, message: str, **kw: Any) -> None:
        changes.append(Change(level, kind, resource, item, f"{resource}.{message}", **kw))

    if before.type != f.type:
        # Any value of any type can be read as a string; every other change can reject data.
        level = "minor" if f.type == "string" else "major"
        add(
            level,
            "field-type-changed",
            name,
            f"{name}: type {before.type} -> {f.type}",
            field=name,
            old=before.type,
            new=f.type,
        )
    for key in sorted(set(before.constraints) | set(f.constraints)):
        a, b = before.constraints.get(key), f.constraints.get(key)
        if a == b:
            continue
        narrowed = _narrowed(key, a, b)
        add(
            "major" if narrowed else "minor",
            "constraint-narrowed" if narrowed else "constraint-widened",
            name,
            f"{name}: constraint {key} {_text(a)} -> {_text(b)}",
            field=name,
            old=_text(a),
            new=_text(b),
        )
    for attr in ("title", "description"):
        if getattr(before, attr) != getattr(f, attr):
            add(
                "patch",
                "field-documentation-changed",
                name,
                f"{name}: {attr} changed",
                field=name,
                old=getattr(before, attr),
                new=getattr(f, attr),
            )
    return changes


def _fk_text(fk: Any, verb: str) -> str:
    target = fk.resource or "itself"
    return f"{','.join(fk.fields)}: foreign key to {target} {verb}"


def _narrowed(key: str, old: Any, new: Any) -> bool:
    """Whether a constraint change can reject data the old constraint accepted."""
    if old is None or new is None:  # added narrows (unless it is `false`); removed widens
        return bool(new)
    if key in ("required", "unique"):
        return bool(new) and not bool(old)
    if key == "enum":
        return not set(old) <= set(new)
    if key in _LOWER_BOUNDS or key in _UPPER_BOUNDS:
        return new > old if key in _LOWER_BOUNDS else new < old
    return True  # a changed pattern (or unknown constraint) cannot be proved wider


def _row_changes(old: Package, new: Package, name: str) -> list[Change]:
    key = new.schemas[name].primary_key or old.schemas[name].primary_key
    a = _keyed(old.rows(name), key)
    b = _keyed(new.rows(name), key)
    if name == "statements":
        return _statement_changes(a, b)
    if name == "codes":
        return _code_changes(a, b)
    if name == "codings":
        return _coding_changes(a, b)
    changes: list[Change] = []
    for k, row in b.items():
        if k not in a:
            changes.append(Change("minor", "row-added", name, k, f"{name}: row {k} added"))
            continue
        changes += _cell_changes(name, k, a[k], row, kind="row-changed", level="patch")
    changes += [
        Change("major", "row-removed", name, k, f"{name}: row {k} removed") for k in a if k not in b
    ]
    return changes


def _keyed(rows: list[dict[str, str]], key: tuple[str, ...]) -> dict[str, dict[str, str]]:
    if not key:  # no primary key: the whole row is its identity
        return {" / ".join(row.values()): row for row in rows}
    return {" / ".join(row.get(k, "") for k in key): row for row in rows}


def _cell_changes(
    resource: str,
    item: str,
    a: dict[str, str],
    b: dict[str, str],
    *,
    kind: str,
    level: str,
    skip: Iterable[str] = (),
) -> list[Change]:
    changes = []
    for name, value in b.items():
        if name in a and name not in skip and a[name] != value:
            words = word_diff(a[name], value) if name in _TEXT_FIELDS else ()
            changes.append(
                Change(
                    level,
                    kind,
                    resource,
                    item,
                    f"{resource}: {item} {name} changed",
                    field=name,
                    old=a[name],
                    new=value,
                    words=words,
                )
            )
    return changes


def _statement_changes(a: dict[str, dict[str, str]], b: dict[str, dict[str, str]]) -> list[Change]:
    changes: list[Change] = []
    for sid, row in b.items():
        if sid not in a:
            changes.append(
                Change(
                    "minor",
                    "statement-added",
                    "statements",
                    sid,
                    f"statement {sid} added",
                    field="text",
                    new=row.get("text"),
                )
            )
            continue
        before = a[sid]
        was, now = before.get("status"), row.get("status")
        if was != now:
            if now == "withdrawn":
                # Withdrawal keeps the id and the record; the set of current statements changes.
                changes.append(
                    Change(
                        "minor",
                        "statement-withdrawn",
                        "statements",
                        sid,
                        f"statement {sid} withdrawn: {row.get('status_note') or '(no note)'}",
                        field="status",
                        old=was,
                        new=now,
                    )
                )
            else:
                changes.append(
                    Change(
                        "major",
                        "statement-reinstated",
                        "statements",
                        sid,
                        f"statement {sid} changed status {was} -> {now}",
                        field="status",
                        old=was,
                        new=now,
                    )
                )
        skip = ("status", "status_note") if was != now else ("status",)
        changes += _cell_changes(
            "statements", sid, before, row, kind="statement-changed", level="patch", skip=skip
        )
    changes += [
        Change(
            "major",
            "statement-removed",
            "statements",
            sid,
            f"statement {sid} removed (a statement is withdrawn, never deleted)",
            field="text",
            old=a[sid].get("text"),
        )
        for sid in a
        if sid not in b
    ]
    return changes


def _code_changes(a: dict[str, dict[str, str]], b: dict[str, dict[str, str]]) -> list[Change]:
    changes: list[Change] = []
    for cid, row in b.items():
        if cid not in a:
            changes.append(Change("minor", "code-added", "codes", cid, f"code {cid} added"))
            continue
        for change in _cell_changes("codes", cid, a[cid], row, kind="code-changed", level="patch"):
            if change.field in _CODE_MEANING or (
                change.field == "codable" and change.old == "true"
            ):
                change = Change(  # noqa: PLW2901 - the same change, at the level it needs
                    "major",
                    "code-meaning-changed",
                    "codes",
                    cid,
                    f"code {cid}: {change.field} changed (its meaning changes)",
                    field=change.field,
                    old=change.old,
                    new=change.new,
                    words=change.words,
                )
            changes.append(change)
    changes += [
        Change("major", "code-removed", "codes", cid, f"code {cid} removed")
        for cid in a
        if cid not in b
    ]
    return changes


def _coding_changes(a: dict[str, dict[str, str]], b: dict[str, dict[str, str]]) -> list[Change]:
    changes = [
        Change("patch", "coding-added", "codings", k, f"coding {k} added") for k in b if k not in a
    ]
    changes += [
        Change("patch", "coding-removed", "codings", k, f"coding {k} removed")
        for k in a
        if k not in b
    ]
    for k in (k for k in b if k in a):
        changes += _cell_changes("codings", k, a[k], b[k], kind="coding-changed", level="patch")
    return changes


# --- renderers ---------------------------------------------------------------------------------


def _headline(diff: Diff) -> str:
    level = diff.required_level
    need = f"needs at least a {level} version bump" if level else "no changes"
    return (
        f"Changes from {diff.old_version} ({diff.old_label}) to {diff.new_version} "
        f"({diff.new_label}): {len(diff.changes)} change(s); {need}"
    )


def _detail(change: Change, style: str) -> str:
    if change.kind == "statement-withdrawn":
        return change.message
    if change.words:
        return f"{change.field}: {render_words(change.words, style)}"
    if change.kind in ("statement-added", "statement-removed"):
        return change.new if change.kind == "statement-added" else change.old or ""
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
            f"| {c.level} | `{c.kind}` | `{c.item}` | {_md(_detail(c, 'markdown'))} |"
            for c in changes
        ]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def render_json(diff: Diff) -> str:
    return json.dumps(diff.to_dict(), ensure_ascii=False, indent=2) + "\n"


RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _grouped(diff: Diff) -> dict[str, list[Change]]:
    grouped: dict[str, list[Change]] = {}
    for change in diff.changes:
        grouped.setdefault(change.resource, []).append(change)
    return grouped


# --- versions from directories and git revisions -----------------------------------------------


def _git() -> str:
    git = shutil.which("git")
    if git is None:
        raise RevisionNotFoundError("git is not installed: name a directory instead")
    return git


def run_git(repo: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """Run git in `repo`; the caller reads returncode (a missing revision is not an exception)."""
    # Arguments are revisions and paths handed to git as separate argv items, never to a shell.
    return subprocess.run([_git(), "-C", str(repo), *args], capture_output=True, check=False)  # noqa: S603


def git_toplevel(path: Path) -> Path | None:
    """The root of the git work tree holding `path`, or None outside git."""
    if shutil.which("git") is None:
        return None
    done = run_git(path, "rev-parse", "--show-toplevel")
    return Path(done.stdout.decode().strip()) if done.returncode == 0 else None


def resolve_commit(repo: Path, revision: str) -> str | None:
    """The commit id a revision names, or None when it names none."""
    if revision.startswith("-"):  # never let a "revision" become a git option
        return None
    done = run_git(repo, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    return done.stdout.decode().strip() if done.returncode == 0 else None


def materialise(repo: Path, commit: str, dest: Path) -> None:
    """Write the tree of `commit` into `dest` (via `git archive`)."""
    done = run_git(repo, "archive", "--format=tar", commit)
    if done.returncode != 0:
        raise RevisionNotFoundError(f"git archive {commit} failed: {done.stderr.decode().strip()}")
    with tarfile.open(fileobj=io.BytesIO(done.stdout)) as archive:
        archive.extractall(dest, filter="data")


@contextmanager
def open_version(spec: str, root: Path) -> Iterator[tuple[Package, str]]:
    """The package at `spec`: a directory, or a git revision of the repository holding `root`.

    For a revision, the package is read from the same place inside the tree as `root` is in the
    working tree. Yields the package and a label for messages.
    """
    path = Path(spec)
    if path.is_dir() or path.name == DESCRIPTOR:
        yield Package.load(path), spec
        return
    top = git_toplevel(root)
    commit = resolve_commit(top, spec) if top else None
    if top is None or commit is None:
        where = f"the git repository at {top}" if top else f"{root} (not in a git repository)"
        raise RevisionNotFoundError(
            f"{spec!r} is neither a directory nor a git revision in {where}"
        )
    relative = root.resolve().relative_to(top.resolve())
    with tempfile.TemporaryDirectory(prefix="bloemdata-") as tmp:
        materialise(top, commit, Path(tmp))
        if not (Path(tmp) / relative / DESCRIPTOR).is_file():
            raise RevisionNotFoundError(f"revision {spec!r} has no {relative / DESCRIPTOR}")
        label = spec if commit.startswith(spec) else f"{spec} ({commit[:10]})"
        yield Package.load(Path(tmp) / relative), label
