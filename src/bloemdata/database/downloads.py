"""The download folder beside the database: the release's files, then what the writers add."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

from bloemdata.core.package import Package, release_files

DownloadWriter = Callable[[Package, Path], None]
DICTIONARY = "DATA_DICTIONARY.md"


def write_downloads(
    package: Package, target: Path, writers: Sequence[DownloadWriter] = ()
) -> list[Path]:
    """Copy the release's files (`core.package.release_files`) and the data dictionary into
    `target` (emptied first), then run each writer `writer(package, target)` (e.g. the exports)."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    written = []
    sources = [package.root / relative for relative in [*release_files(package), DICTIONARY]]
    for source in sources:
        if not source.is_file():
            continue
        destination = target / source.relative_to(package.root)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
        written.append(destination)
    for writer in writers:
        writer(package, target)
    return written
