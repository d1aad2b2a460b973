"""Exports for researchers: REFI-QDA codebook and project, Taguette CSVs, a wide table.

`FORMATS` maps each format name to a writer `write(package, outdir) -> list[Path]`; `write_all`
writes every format (the release bundle calls it; `bloemdata build --exports` writes them all into
`downloads/exports/` through `write_downloads`, passed to it by its caller).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bloemdata.core.coded import CodedData
from bloemdata.core.errors import BloemdataError
from bloemdata.core.package import Package
from bloemdata.exports import qdc, qdpx, taguette, wide

EXPORTS_FOLDER = "exports"  # under the build's download folder

Writer = Callable[[Package, Path, CodedData | None], list[Path]]

FORMATS: dict[str, Writer] = {
    "qdc": qdc.write,
    "qdpx": qdpx.write,
    "taguette": taguette.write,
    "wide": wide.write,
}


class ExportError(BloemdataError):
    """An export cannot be written (unknown format, output folder not writable)."""


def write(package: Package, name: str, outdir: Path, data: CodedData | None = None) -> list[Path]:
    """Write one format into `outdir` (created if missing); return the files written.

    `data`: the package's `CodedData` when the caller has it (loaded once for every format).
    """
    writer = FORMATS.get(name)
    if writer is None:
        raise ExportError(f"unknown export format {name!r}; one of {', '.join(FORMATS)}")
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        return writer(package, outdir, data)
    except OSError as exc:
        raise ExportError(f"cannot write the {name} export into {outdir}: {exc}") from exc


def write_all(package: Package, outdir: Path) -> list[Path]:
    """Write every format into `outdir`; return the files written."""
    data = CodedData.load(package)  # read and checked once for all formats
    return [path for name in FORMATS for path in write(package, name, outdir, data)]


def write_downloads(package: Package, downloads: Path) -> None:
    """Write every export into `downloads/exports/` (a download writer: the hosts hand it to the
    build through `bloemdata.database.defaults`)."""
    write_all(package, downloads / EXPORTS_FOLDER)
