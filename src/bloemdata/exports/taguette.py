"""CSVs that Taguette imports: the codebook (`tag`, `description`) and highlights per coder.

Taguette has neither coders nor rounds, so each coder's highlights are a file of their own
(their last round, see `CodedData.final_codings`). A highlight is a whole statement; its `id`
is the statement id, repeated for every tag on it, as in Taguette's own highlight export.
"""

from __future__ import annotations

import csv
from pathlib import Path

from bloemdata.core.coded import CodedData
from bloemdata.core.package import Package

CODEBOOK = "bloemdata-taguette-codebook.csv"
HIGHLIGHTS = "bloemdata-taguette-highlights-{coder}.csv"


def codebook_rows(data: CodedData) -> list[dict[str, str]]:
    """One tag per codable code: the code id as tag (stable, and says its dimension)."""
    return [
        {
            "tag": code["code_id"],
            "description": f"{code['label_en']} / {code['label_nl']}: {code['definition_en']}",
        }
        for code in data.codable_codes
    ]


def highlight_rows(data: CodedData, coder_id: str) -> list[dict[str, str]]:
    """One row per statement and tag a coder applied, in page and codebook order."""
    by_statement: dict[str, set[str]] = {}
    for c in data.final_codings():
        if c["coder_id"] == coder_id:
            by_statement.setdefault(c["statement_id"], set()).add(c["code_id"])
    return [
        {
            "id": statement["statement_id"],
            "document": f"{statement['source_id']} p. {statement['page']}",
            "tag": code["code_id"],
            "content": statement["text"],
        }
        for statement in data.statements
        for code in data.codable_codes
        if code["code_id"] in by_statement.get(statement["statement_id"], set())
    ]


def write(package: Package, outdir: Path, data: CodedData | None = None) -> list[Path]:
    """Write the files into `outdir` (`data`: the package's CodedData, if already loaded)."""
    data = data or CodedData.load(package)
    paths = [_write_csv(outdir / CODEBOOK, ("tag", "description"), codebook_rows(data))]
    coders = dict.fromkeys(c["coder_id"] for c in data.codings)
    for coder in (c["coder_id"] for c in data.coders if c["coder_id"] in coders):
        rows = highlight_rows(data, coder)
        fields = ("id", "document", "tag", "content")
        paths.append(_write_csv(outdir / HIGHLIGHTS.format(coder=coder), fields, rows))
    return paths


def _write_csv(path: Path, fields: tuple[str, ...], rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path
