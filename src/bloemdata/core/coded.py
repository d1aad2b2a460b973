"""The coded data the exports and the reliability figures read: one typed, checked view.

Only current statements are exported (a withdrawn statement is out of the data). A coding that
points at an unknown statement, code or coder is refused with the file and row named, rather than
dropped: an export must never silently lose a coding.

The two large tables are polars frames (`statement_frame`, `coding_frame`): a million statements
and three million codings as Python dicts took gigabytes. Every table is read by the one Table
Schema cast (`core.cast.read_typed`, which names file, row and field of a bad cell); `statements`
and `codings` give the rows as dicts for the readers that want them (built on first use).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import polars as pl

from bloemdata.core.cast import read_typed
from bloemdata.core.errors import ResourceError
from bloemdata.core.package import Package

Row = dict[str, Any]
STATEMENT_ORDER = ("source_id", "page", "position", "statement_id")


@dataclass(frozen=True)
class CodedData:
    """Statements, codebook, coders and codings of a package, typed and cross-checked."""

    version: str
    created: str | None
    sources: dict[str, Row]
    pages: list[Row]
    sections: dict[str, Row]
    statement_frame: pl.DataFrame  # current statements, by source, page and position
    codes: list[Row]  # codebook order
    coders: list[Row]  # coders.csv order
    coding_frame: pl.DataFrame  # codings of current statements, codings.csv order

    @classmethod
    def load(cls, package: Package) -> CodedData:
        # In this order, so that the first bad cell reported is the one it always was.
        names = ("sources", "pages", "sections", "statements", "codes", "coders", "codings")
        frames = {name: _frame(package, name) for name in names}
        statements, codings = frames.pop("statements"), frames.pop("codings")
        small = {name: frame.to_dicts() for name, frame in frames.items()}
        _check_references(package, codings, statements, small["codes"], small["coders"])
        current = statements.filter(pl.col("status") == "current").sort(STATEMENT_ORDER)
        return cls(
            version=package.version,
            created=package.descriptor.get("created"),
            sources={s["source_id"]: s for s in small["sources"]},
            pages=small["pages"],
            sections={s["section_id"]: s for s in small["sections"]},
            statement_frame=current,
            codes=small["codes"],
            coders=small["coders"],
            coding_frame=codings.filter(
                pl.col("statement_id").is_in(current["statement_id"].implode())
            ),
        )

    @cached_property
    def statements(self) -> list[Row]:
        """Current statements as dicts, by source, page and position."""
        return self.statement_frame.to_dicts()

    @cached_property
    def codings(self) -> list[Row]:
        """Codings of current statements as dicts, codings.csv order."""
        return self.coding_frame.to_dicts()

    @property
    def codable_codes(self) -> list[Row]:
        return [c for c in self.codes if c["codable"]]

    @property
    def dimensions(self) -> list[str]:
        """Dimensions in codebook order."""
        return list(dict.fromkeys(c["dimension"] for c in self.codes))

    def statements_on(self, page: Row) -> list[Row]:
        """The page's current statements, in page order (as dicts: one page's, never all)."""
        start, count = self.page_slice(page)
        return self.statement_frame.slice(start, count).to_dicts() if count else []

    def page_slice(self, page: Row) -> tuple[int, int]:
        """Where the page's statements are in `statement_frame`: (first row, number of rows)."""
        return self._page_slices.get((page["source_id"], page["page"]), (0, 0))

    @cached_property
    def _page_slices(self) -> dict[tuple[str, int], tuple[int, int]]:
        # The frame is sorted by source and page: each page is one slice (start, length).
        pages = (
            self.statement_frame.with_row_index("start")
            .group_by("source_id", "page", maintain_order=True)
            .agg(pl.col("start").first(), pl.len().alias("count"))
        )
        return {(r[0], r[1]): (r[2], r[3]) for r in pages.iter_rows()}

    def final_coding_frame(self) -> pl.DataFrame:
        """`final_codings` as a frame (codings.csv order)."""
        last = pl.col("round").max().over("statement_id", "coder_id")
        return self.coding_frame.filter(pl.col("round") == last)

    def final_codings(self) -> list[Row]:
        """Each coder's codings of a statement in the last round that coder coded it.

        Formats without rounds (REFI-QDA, Taguette) show one coding per coder and code; a later
        round is a recoding that replaces the coder's earlier one.
        """
        return self.final_coding_frame().to_dicts()


def _check_references(
    package: Package,
    codings: pl.DataFrame,
    statements: pl.DataFrame,
    codes: list[Row],
    coders: list[Row],
) -> None:
    """Refuse the first coding (in file order) whose statement, code or coder is unknown."""
    codable = [c["code_id"] for c in codes if c["codable"]]
    checks = {
        "statement_id": ~pl.col("statement_id").is_in(statements["statement_id"].implode()),
        "code_id": ~pl.col("code_id").is_in(codable),
        "coder_id": ~pl.col("coder_id").is_in([c["coder_id"] for c in coders]),
    }
    flags = codings.select(
        pl.int_range(pl.len()).alias("index"),
        *(e.fill_null(value=True).alias(n) for n, e in checks.items()),
    ).filter(pl.any_horizontal(list(checks)))
    if not flags.height:
        return
    first = flags.row(0, named=True)
    row = codings.row(first["index"], named=True)
    where = f"{package.path_of('codings')}, row {first['index'] + 2}"
    if first["statement_id"]:
        raise ResourceError(f"{where}: statement_id {row['statement_id']!r} is unknown")
    if first["code_id"]:
        raise ResourceError(f"{where}: code_id {row['code_id']!r} is not a codable code")
    raise ResourceError(f"{where}: coder_id {row['coder_id']!r} is unknown")


def _frame(package: Package, name: str) -> pl.DataFrame:
    """A table typed by its Table Schema (`core.cast`)."""
    schema = package.schemas.get(name)
    if schema is None:
        raise ResourceError(f"the package has no table {name!r}")
    return read_typed(package.path_of(name), schema, name)
