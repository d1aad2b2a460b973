"""A release's files, found in git history and verified by their hashes; diffs between releases."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from itertools import pairwise
from pathlib import Path

from bloemdata.core.package import DESCRIPTOR, Package
from bloemdata.versions.change import Diff
from bloemdata.versions.diff import diff_packages
from bloemdata.versions.files import RELEASES
from bloemdata.versions.git import git_toplevel, materialise, run_git
from bloemdata.versions.history import Release, load_history
from bloemdata.versions.snapshot import is_release


def _candidate_commits(top: Path, relative: Path, version: str) -> list[str]:
    """Tags first (`vX.Y.Z`, `X.Y.Z`), then every commit that touched the descriptor or history."""
    commits = []
    for tag in (f"v{version}", version):
        done = run_git(top, "rev-parse", "--verify", "--quiet", f"refs/tags/{tag}^{{commit}}")
        if done.returncode == 0:
            commits.append(done.stdout.decode().strip())
    paths = [str(relative / DESCRIPTOR), str(relative / RELEASES)]
    done = run_git(top, "log", "--format=%H", "--", *paths)
    if done.returncode == 0:
        commits += done.stdout.decode().split()
    return list(dict.fromkeys(commits))


def _descriptor_matches(top: Path, commit: str, relative: Path, release: Release) -> bool:
    done = run_git(top, "show", f"{commit}:{(relative / DESCRIPTOR).as_posix()}")
    if done.returncode != 0:
        return False
    try:
        descriptor = json.loads(done.stdout)
        hashes = {r["name"]: r.get("hash") for r in descriptor["resources"]}
    except (ValueError, KeyError, TypeError):
        return False
    return descriptor.get("version") == release.version and hashes == release.resources


@contextmanager
def release_tree(root: Path, release: Release) -> Iterator[Package | None]:
    """The files of `release` from git history (verified by their hashes), or None if not found."""
    top = git_toplevel(root)
    if top is None:
        yield None
        return
    relative = root.resolve().relative_to(top.resolve())
    for commit in _candidate_commits(top, relative, release.version):
        if not _descriptor_matches(top, commit, relative, release):
            continue
        with tempfile.TemporaryDirectory(prefix="bloemdata-release-") as tmp:
            materialise(top, commit, Path(tmp))
            package = Package.load(Path(tmp) / relative)
            if is_release(package, release):
                yield package
                return
    yield None


def history_diffs(root: Path) -> list[tuple[Diff, bool]]:
    """Diffs between consecutive releases found in git, then last release -> working tree.

    Each comes with whether its newer side is a recorded release.
    """
    history = load_history(root)
    working = Package.load(root)
    diffs: list[tuple[Diff, bool]] = []
    with ExitStack() as stack:
        trees = [stack.enter_context(release_tree(root, r)) for r in history.releases]
        if trees and trees[-1] is None and is_release(working, history.releases[-1]):
            trees[-1] = working  # recorded, not yet committed: the working tree is the release
        pairs = zip(pairwise(trees), pairwise(history.releases), strict=True)
        for (a, b), (ra, rb) in pairs:
            if a is not None and b is not None:
                diffs.append((diff_packages(a, b, ra.version, rb.version), True))
        if trees and trees[-1] is not None:
            diff = diff_packages(trees[-1], working, history.releases[-1].version, "working tree")
            if diff.changes:
                diffs.append((diff, False))
    return diffs
