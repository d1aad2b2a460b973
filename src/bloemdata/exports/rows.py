"""Write a frame as CSV in slices through Python's `csv` (the bytes the exports always had).

polars' own CSV writer quotes and spells values differently (booleans, empty strings), so the rows
go through `csv.writer`; a slice at a time keeps the Python objects of one slice alive, not of all.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

import polars as pl

SLICE_ROWS = 50_000


def write_rows(
    path: Path, header: Sequence[str], frame: pl.DataFrame | Iterable[pl.DataFrame]
) -> Path:
    """Write `header` and the rows (a frame, or its slices; in column order) to `path`."""
    parts = frame.iter_slices(SLICE_ROWS) if isinstance(frame, pl.DataFrame) else frame
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for part in parts:
            writer.writerows(part.iter_rows())
    return path
