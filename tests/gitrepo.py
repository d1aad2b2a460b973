"""A temporary git repository holding a copy of the package, for the release and diff tests."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

from bloemdata.core.package import Package, refresh, write_descriptor

GIT = [
    "git",
    "-c",
    "user.name=test",
    "-c",
    "user.email=test@example.org",
    "-c",
    "tag.gpgSign=false",
]

# The statements plant_changes touches, taken from the shipped package so that a new page or
# statement does not break the release and diff tests.
_IDS = [
    r["statement_id"] for r in Package.load(Path(__file__).resolve().parents[1]).rows("statements")
]
CORRECTED, DUPLICATED, WITHDRAWN, LAST = _IDS[0], _IDS[1], _IDS[2], _IDS[-1]


def next_statement_id(statement_id: str) -> str:
    """The id after `statement_id` on its page: BL-p010-24 -> BL-p010-25."""
    stem, position = statement_id.rsplit("-", 1)
    return f"{stem}-{int(position) + 1:02d}"


ADDED = next_statement_id(LAST)

# The versions the tests release, from the shipped package's version, so that the next data release
# does not break them: BASE is the shipped (latest recorded) version.
_SHIPPED = Package.load(Path(__file__).resolve().parents[1])
BASE = _SHIPPED.version
_MAJOR, _MINOR, _PATCH = (int(part) for part in BASE.split("."))
PATCH = f"{_MAJOR}.{_MINOR}.{_PATCH + 1}"
MINOR = f"{_MAJOR}.{_MINOR + 1}.0"
SKIPPED_MINOR = f"{_MAJOR}.{_MINOR + 3}.0"  # skips two minor versions
MAJOR = f"{_MAJOR + 1}.0.0"
MAJOR_THEN_MINOR = f"{_MAJOR + 1}.1.0"


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        [*GIT, "-C", str(repo), *args], capture_output=True, text=True, check=True
    )
    return done.stdout


def make_repo(root: Path, target: Path) -> Path:
    """Copy the package and its release history into `target`, commit it as release BASE."""
    target.mkdir()
    for name in ("datapackage.json", "releases.json"):
        shutil.copy2(root / name, target / name)
    for folder in ("datapackage", "schemas"):
        shutil.copytree(root / folder, target / folder)
    git(target, "init", "-q", "-b", "main")
    commit(target, f"release {BASE}")
    return target


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def read_rows(repo: Path, name: str) -> list[dict[str, str]]:
    return Package.load(repo).rows(name)


def write_rows(repo: Path, name: str, rows: list[dict[str, str]]) -> None:
    """Write a table back in the package's CSV dialect and refresh bytes/hash."""
    path = Package.load(repo).path_of(name)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    refresh(Package.load(repo))


def set_version(repo: Path, version: str) -> None:
    package = Package.load(repo)
    package.descriptor["version"] = version
    write_descriptor(package)


def plant_changes(repo: Path) -> None:
    """An addition, a withdrawal, a text correction and a recoding (a minor release).

    CORRECTED gets a text correction, WITHDRAWN is withdrawn as a duplicate of DUPLICATED
    (whose valence-mixed becomes valence-bottleneck), and ADDED is added, coded like LAST.
    """
    statements = read_rows(repo, "statements")
    assert [s["statement_id"] for s in statements[:3]] == [CORRECTED, DUPLICATED, WITHDRAWN]
    statements[0]["text"] = statements[0]["text"].replace("grotere", "groter wordende")
    statements[2]["status"] = "withdrawn"
    statements[2]["status_note"] = f"Withdrawn in {MINOR}: duplicate of {DUPLICATED}."
    last = statements[-1]
    assert last["statement_id"] == LAST
    statements.append(dict(last, statement_id=ADDED, position=str(int(last["position"]) + 1)))
    write_rows(repo, "statements", statements)
    codings = read_rows(repo, "codings")
    for row in codings:
        if row["statement_id"] == DUPLICATED and row["code_id"] == "valence-mixed":
            row["code_id"] = "valence-bottleneck"
    codings += [dict(row, statement_id=ADDED) for row in codings if row["statement_id"] == LAST]
    write_rows(repo, "codings", codings)
