"""The download folder beside the database: the release's files, then what the writers add."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

from bloemdata.core.package import DESCRIPTOR, Package

DownloadWriter = Callable[[Package, Path], None]


def write_downloads(
    package: Package, target: Path, writers: Sequence[DownloadWriter] = ()
) -> list[Path]:
    """Copy datapackage.json, every resource, the schemas and data dictionary into `target`
    (emptied first), then run each writer `writer(package, target)` (e.g. the exports)."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    root = package.root
    written = []
    sources = [root / DESCRIPTOR, root / "DATA_DICTIONARY.md"]
    sources += [package.path_of(name) for name in package.resource_names]
    sources += sorted((root / "schemas").glob("*.json"))
    for source in sources:
        if not source.is_file():
            continue
        destination = target / source.relative_to(root)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
        written.append(destination)
    for writer in writers:
        writer(package, target)
    return written
