"""Reading a version of the package: from a directory, or from a git revision via `git archive`."""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bloemdata.core.errors import BloemdataError
from bloemdata.core.package import DESCRIPTOR, Package


class RevisionNotFoundError(BloemdataError):
    """A version named on the command line is neither a directory nor a git revision."""


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
