"""The download folder beside the database: the release's files, then what the writers add.

The folder is bloemdata's own: it is written fresh beside the old one and swapped in, with a
manifest (`MANIFEST`) of every file written. An existing folder is replaced only when the manifest
lists every file in it; a folder bloemdata did not write, or one holding a file someone added, is
refused and left as it was (a maintainer's file is never deleted).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from bloemdata.core.errors import BloemdataError
from bloemdata.core.package import Package, package_file, release_files

DownloadWriter = Callable[[Package, Path], None]
MANIFEST = ".bloemdata-downloads.json"
DICTIONARY = "DATA_DICTIONARY.md"


class DownloadsError(BloemdataError):
    """The download folder cannot be written without touching files bloemdata did not write."""


def check_writable(package: Package, target: Path) -> None:
    """Raise before any work when `write_downloads` would refuse: the folder is not bloemdata's,
    or a package file is not a regular file inside the package (DescriptorError)."""
    check_replaceable(target)
    for relative in _sources(package):
        package_file(package.root, relative)


def check_replaceable(target: Path) -> None:
    """Raise DownloadsError unless `target` is absent, empty, or a folder bloemdata wrote whole."""
    if not os.path.lexists(target):
        return
    if target.is_symlink() or not target.is_dir():
        raise DownloadsError(f"{target}: exists and is not a folder bloemdata wrote; not replaced")
    found = _files(target)
    if not found:
        return
    try:
        listed = set(json.loads((target / MANIFEST).read_text(encoding="utf-8"))["files"])
    except (OSError, ValueError, KeyError, TypeError):
        raise DownloadsError(
            f"{target}: this folder was not written by bloemdata (no {MANIFEST}); nothing was"
            " replaced: move it away or choose another --output"
        ) from None
    unknown = sorted(found - listed - {MANIFEST})
    if unknown:
        more = f" and {len(unknown) - 1} more" if len(unknown) > 1 else ""
        raise DownloadsError(
            f"{target}: holds {unknown[0]!r}{more}, which bloemdata did not write; nothing was"
            " replaced: move it away first"
        )


def write_downloads(
    package: Package, target: Path, writers: Sequence[DownloadWriter] = ()
) -> list[Path]:
    """Copy datapackage.json, every resource, the schemas it uses and the data dictionary into a
    fresh folder, run each writer `writer(package, folder)` (e.g. the exports), then swap the folder
    in for `target` (only when `check_replaceable` allows it)."""
    check_replaceable(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        fresh.chmod(0o755)  # mkdtemp makes it private; the folder is published
        copied = [relative for relative in _sources(package) if _copy(package, relative, fresh)]
        for writer in writers:
            writer(package, fresh)
        files = sorted(_files(fresh))
        (fresh / MANIFEST).write_text(
            json.dumps({"files": files}, indent=2) + "\n", encoding="utf-8", newline="\n"
        )
        check_replaceable(target)  # again: someone may have added a file meanwhile
        _swap(fresh, target)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    return [target / relative for relative in copied]


def _sources(package: Package) -> list[str]:
    """The release's files (`core.package.release_files`) and the data dictionary, relative."""
    return [*release_files(package), DICTIONARY]


def _copy(package: Package, relative: str, folder: Path) -> bool:
    """Copy one package file (a regular file inside the package, else refused) if it exists."""
    source = package_file(package.root, relative)
    if source is None:
        return False
    destination = folder / relative
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, destination)
    return True


def _files(folder: Path) -> set[str]:
    """Every entry in `folder` that is not a directory (symlinks not followed), relative."""
    found = set()
    for directory, dirs, names in os.walk(folder):
        base = Path(directory)
        links = [d for d in dirs if (base / d).is_symlink()]
        found |= {(base / name).relative_to(folder).as_posix() for name in [*names, *links]}
    return found


def _swap(fresh: Path, target: Path) -> None:
    if not os.path.lexists(target):
        fresh.replace(target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
    target.replace(old / target.name)
    fresh.replace(target)
    shutil.rmtree(old)
