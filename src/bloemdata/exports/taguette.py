"""CSVs that Taguette imports: the codebook (`tag`, `description`) and highlights per coder.

Taguette has neither coders nor rounds, so each coder's highlights are a file of their own
(their last round, see `CodedData.final_codings`). A highlight is a whole statement; its `id`
is the statement id, repeated for every tag on it, as in Taguette's own highlight export.

The highlights are joined and ordered by polars and written in slices: memory stays bounded by a
slice, not by the package.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from bloemdata.core.coded import CodedData
from bloemdata.core.package import Package
from bloemdata.exports.rows import SLICE_ROWS, write_rows

CODEBOOK = "bloemdata-taguette-codebook.csv"
HIGHLIGHTS = "bloemdata-taguette-highlights-{coder}.csv"
HIGHLIGHT_FIELDS = ("id", "document", "tag", "content")


def codebook_rows(data: CodedData) -> list[dict[str, str]]:
    """One tag per codable code: the code id as tag (stable, and says its dimension)."""
    return [
        {
            "tag": code["code_id"],
            "description": f"{code['label_en']} / {code['label_nl']}: {code['definition_en']}",
        }
        for code in data.codable_codes
    ]


def highlights(data: CodedData, coder_id: str) -> pl.DataFrame:
    """A coder's highlights as (statement order, tag), in page and codebook order."""
    statements = data.statement_frame.select("statement_id").with_row_index("statement_order")
    codes = [c["code_id"] for c in data.codable_codes]
    order = pl.DataFrame({"code_id": codes, "code_order": range(len(codes))})
    return (
        data.final_coding_frame()
        .filter(pl.col("coder_id") == coder_id)
        .select("statement_id", "code_id")
        .unique()
        .join(statements, on="statement_id")
        .join(order, on="code_id")
        .sort("statement_order", "code_order")
        .select("statement_order", pl.col("code_id").alias("tag"))
    )


def highlight_slices(data: CodedData, coder_id: str) -> Iterator[pl.DataFrame]:
    """One row per statement and tag a coder applied (`HIGHLIGHT_FIELDS`), a slice at a time:
    the statements' texts are taken for one slice, never copied for all."""
    for part in highlights(data, coder_id).iter_slices(SLICE_ROWS):
        statements = data.statement_frame[part["statement_order"]]
        yield pl.DataFrame(
            {
                "id": statements["statement_id"],
                "document": statements.select(
                    pl.format("{} p. {}", "source_id", "page")
                ).to_series(),
                "tag": part["tag"],
                "content": statements["text"],
            }
        )


def highlight_rows(data: CodedData, coder_id: str) -> list[dict[str, str]]:
    """One row per statement and tag a coder applied, in page and codebook order."""
    return [row for part in highlight_slices(data, coder_id) for row in part.iter_rows(named=True)]


def write(package: Package, outdir: Path, data: CodedData | None = None) -> list[Path]:
    """Write the files into `outdir` (`data`: the package's CodedData, if already loaded)."""
    data = data or CodedData.load(package)
    paths = [_write_csv(outdir / CODEBOOK, ("tag", "description"), codebook_rows(data))]
    coders = set(data.coding_frame["coder_id"].unique())
    for coder in (c["coder_id"] for c in data.coders if c["coder_id"] in coders):
        path = outdir / HIGHLIGHTS.format(coder=coder)
        paths.append(write_rows(path, HIGHLIGHT_FIELDS, highlight_slices(data, coder)))
    return paths


def _write_csv(path: Path, fields: tuple[str, ...], rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path
