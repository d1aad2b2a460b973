"""Tables derived from the package at build time, for the questions researchers ask.

The database is immutable, so what a view would compute on every page view (a statement's codes
per dimension, code frequencies, co-occurrence, statements per section and valence) is computed
once, with polars group-bys over the typed tables, and stored as a plain indexed table: Datasette
then pages, facets and filters it like any table. Only current statements count.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

# Dimension of the codebook whose code every statement gets exactly once (per coder and round).
VALENCE = "valence"

Frames = dict[str, pl.DataFrame]  # the package's typed tables, in file order
MAX_BITS = 62  # codes per dimension a bit mask holds (int64)


@dataclass(frozen=True)
class Basis:
    """What every derived table starts from, computed once: current statements and codings."""

    frames: Frames
    dims: list[str]
    statements: pl.DataFrame  # current statements; `order`: position in statements.csv
    codings: pl.DataFrame  # codings of current statements with `order`, code position and dimension

    @classmethod
    def of(cls, frames: Frames, dims: list[str]) -> Basis:
        statements = (
            frames["statements"].with_row_index("order").filter(pl.col("status") == "current")
        )
        codes = frames["codes"].with_row_index("code_order")
        codes = codes.with_columns(
            pl.col("code_order").rank("ordinal").over("dimension").cast(pl.Int64).alias("bit") - 1
        )
        # the code's bit in its dimension's mask (`statement_codes`); 0 beyond MAX_BITS
        masks = [1 << b if b <= MAX_BITS else 0 for b in codes["bit"].to_list()]
        codes = codes.with_columns(pl.Series("mask", masks, dtype=pl.Int64)).select(
            "code_id", "dimension", "code_order", "bit", "mask"
        )
        codings = (
            frames["codings"]
            .select("statement_id", "coder_id", "round", "code_id")
            .join(statements.select("statement_id", "order"), on="statement_id", how="inner")
            .join(codes, on="code_id", how="inner")
        )
        return cls(frames, dims, statements, codings)


@dataclass(frozen=True)
class DerivedTable:
    """A table computed from the package: a description of it and of every column, the SQLite
    type of every column, the indexes its filters need, and the function that computes it."""

    name: str
    title: str
    description: str
    columns: dict[str, str]  # column -> description
    types: dict[str, str]  # column -> SQLite type
    compute: Callable[[Basis], pl.DataFrame]
    indexes: tuple[tuple[str, ...], ...] = field(default=())
    # None: Datasette shows SQLite's rowid, described by ROWID_DESCRIPTION
    primary_key: tuple[str, ...] | None = None


ROWID_DESCRIPTION = (
    "Row number (no key of its own: a statement nobody coded has no coder and round)."
)


def statement_codes(basis: Basis) -> pl.DataFrame:
    """One row per current statement and unit (coder, round); per dimension a JSON array of the
    codes applied, in codebook order. A statement nobody coded has one row with empty arrays.

    Each unit's codes of a dimension are summed as a bit mask (one integer group-by, no string
    work per coding); each distinct mask is then written as its JSON array once.
    """
    codings = basis.codings
    highest = codings["bit"].max()  # None when there are no codings
    if isinstance(highest, int) and highest > MAX_BITS:
        raise ValueError(f"a dimension has more than {MAX_BITS + 1} codes")
    masks = codings.group_by("order", "coder_id", "round").agg(
        pl.when(pl.col("dimension") == d).then(pl.col("mask")).otherwise(0).sum().alias(d)
        for d in basis.dims
    )
    codes = basis.frames["codes"]
    for d in basis.dims:
        ids = codes.filter(pl.col("dimension") == d)["code_id"].to_list()
        arrays = {
            mask: json.dumps([c for i, c in enumerate(ids) if mask >> i & 1], separators=(",", ":"))
            for mask in masks[d].unique().to_list()
        }
        masks = masks.with_columns(
            pl.col(d).replace_strict(arrays, return_dtype=pl.String) if arrays else pl.col(d)
        )
    statements = basis.statements.select(
        "order", "statement_id", "section_id", "page", "text", "text_en"
    )
    joined = statements.join(masks, on="order", how="left").with_columns(
        pl.col(d).cast(pl.String).fill_null("[]") for d in basis.dims
    )
    return joined.sort("order", "coder_id", "round", nulls_last=False).select(
        "statement_id", "coder_id", "round", "section_id", "page", "text", "text_en", *basis.dims
    )


def code_frequencies(basis: Basis) -> pl.DataFrame:
    """Per codable code: distinct current statements with it, and codings applying it."""
    counts = basis.codings.group_by("code_id").agg(
        pl.col("order").n_unique().alias("n_statements"), pl.len().alias("n_codings")
    )
    codes = basis.frames["codes"].filter(pl.col("codable"))
    return (
        codes.join(counts, on="code_id", how="left", maintain_order="left")
        .with_columns(pl.col("n_statements", "n_codings").fill_null(0).cast(pl.Int64))
        .select("dimension", "code_id", "label_nl", "label_en", "n_statements", "n_codings")
    )


def code_cooccurrence(basis: Basis) -> pl.DataFrame:
    """Pairs of different codes on one current statement by one coder in one round (both
    orders), with the number of distinct statements, in codebook order (integer keys only)."""
    units = basis.codings.select(
        "order",
        pl.col("coder_id").cast(pl.Categorical).to_physical().alias("coder"),
        "round",
        "code_order",
    )
    pairs = (
        units.join(units, on=["order", "coder", "round"], suffix="_b")
        .filter(pl.col("code_order") != pl.col("code_order_b"))
        .group_by("code_order", "code_order_b")
        .agg(pl.col("order").n_unique().cast(pl.Int64).alias("n_statements"))
    )
    codes = basis.frames["codes"].with_row_index("code_order")
    a = codes.select(
        "code_order",
        pl.col("dimension").alias("dimension_a"),
        pl.col("code_id").alias("code_a"),
        pl.col("label_en").alias("label_a"),
    )
    b = codes.select(
        pl.col("code_order").alias("code_order_b"),
        pl.col("dimension").alias("dimension_b"),
        pl.col("code_id").alias("code_b"),
        pl.col("label_en").alias("label_b"),
    )
    return (
        pairs.join(a, on="code_order")
        .join(b, on="code_order_b")
        .sort("code_order", "code_order_b")
        .select(
            "dimension_a", "code_a", "label_a", "dimension_b", "code_b", "label_b", "n_statements"
        )
    )


def statements_by_section_valence(basis: Basis) -> pl.DataFrame:
    """Distinct current statements per section and valence code, in section and codebook order."""
    codings = basis.codings.filter(pl.col("dimension") == VALENCE)
    sections = basis.frames["sections"].with_row_index("section_order")
    codes = basis.frames["codes"].select("code_id", pl.col("label_en").alias("valence_label"))
    return (
        codings.join(basis.statements.select("order", "section_id"), on="order")
        .group_by("section_id", "code_id", "code_order")
        .agg(pl.col("order").n_unique().cast(pl.Int64).alias("n_statements"))
        .join(
            sections.select("section_id", "title_nl", "title_en", "section_order"),
            on="section_id",
        )
        .join(codes, on="code_id")
        .sort("section_order", "code_order")
        .select(
            "section_id",
            "title_nl",
            "title_en",
            pl.col("code_id").alias("valence"),
            "valence_label",
            "n_statements",
        )
    )


def derived_tables(dims: list[str]) -> list[DerivedTable]:
    """The derived tables, generated for the codebook's dimensions."""
    return [
        DerivedTable(
            name="statement_codes",
            title="Statements with their codes",
            description=(
                "One row per current statement and coding (coder and round): the statement's "
                "text and, per dimension of the codebook, the codes applied as a JSON array "
                "(facet on them as arrays)."
            ),
            columns={
                "statement_id": "The statement (see statements).",
                "coder_id": "The coder who coded it (see coders); empty if not yet coded.",
                "round": "The coding round.",
                "section_id": "Section of the anthology the statement belongs to.",
                "page": "Printed page number.",
                "text": "The statement in Dutch, verbatim.",
                "text_en": "Unofficial English translation.",
                **{
                    d: f"Codes of dimension `{d}` applied, as a JSON array of code ids."
                    for d in dims
                },
            },
            types={
                "statement_id": "TEXT",
                "coder_id": "TEXT",
                "round": "INTEGER",
                "section_id": "TEXT",
                "page": "INTEGER",
                "text": "TEXT",
                "text_en": "TEXT",
                **dict.fromkeys(dims, "TEXT"),
            },
            compute=statement_codes,
            indexes=(("statement_id",), ("section_id",), ("coder_id",)),
        ),
        DerivedTable(
            name="code_frequencies",
            title="Code frequencies",
            description=(
                "Per codable code of the codebook: how many current statements have it "
                "(by any coder, in any round) and how many codings apply it."
            ),
            columns={
                "dimension": "Dimension of the codebook.",
                "code_id": "The code (see codes).",
                "label_nl": "Label of the code in Dutch.",
                "label_en": "Label of the code in English.",
                "n_statements": "Number of distinct current statements coded with it.",
                "n_codings": "Number of codings (statement x coder x round) applying it.",
            },
            types={
                "dimension": "TEXT",
                "code_id": "TEXT",
                "label_nl": "TEXT",
                "label_en": "TEXT",
                "n_statements": "INTEGER",
                "n_codings": "INTEGER",
            },
            compute=code_frequencies,
            indexes=(("dimension",),),
            primary_key=("code_id",),
        ),
        DerivedTable(
            name="code_cooccurrence",
            title="Co-occurrence of codes",
            description=(
                "Pairs of different codes applied to the same current statement by the same "
                "coder in the same round, with the number of statements. Both orders of each "
                "pair are listed: filter `dimension_a` and `dimension_b` for two dimensions, "
                "e.g. topic x exploitation."
            ),
            columns={
                "dimension_a": "Dimension of the first code.",
                "code_a": "The first code (see codes).",
                "label_a": "English label of the first code.",
                "dimension_b": "Dimension of the second code.",
                "code_b": "The second code (see codes).",
                "label_b": "English label of the second code.",
                "n_statements": "Number of distinct current statements with both codes.",
            },
            types={
                "dimension_a": "TEXT",
                "code_a": "TEXT",
                "label_a": "TEXT",
                "dimension_b": "TEXT",
                "code_b": "TEXT",
                "label_b": "TEXT",
                "n_statements": "INTEGER",
            },
            compute=code_cooccurrence,
            indexes=(("dimension_a", "dimension_b"),),
            primary_key=("code_a", "code_b"),
        ),
        DerivedTable(
            name="statements_by_section_valence",
            title="Statements per section and valence",
            description=(
                "Number of current statements per section of the anthology and valence code "
                "(development, bottleneck, mixed)."
            ),
            columns={
                "section_id": "Section of the anthology (see sections).",
                "title_nl": "Title of the section in Dutch, as printed.",
                "title_en": "Title of the section in English.",
                "valence": "The valence code (see codes).",
                "valence_label": "English label of the valence code.",
                "n_statements": "Number of distinct current statements.",
            },
            types={
                "section_id": "TEXT",
                "title_nl": "TEXT",
                "title_en": "TEXT",
                "valence": "TEXT",
                "valence_label": "TEXT",
                "n_statements": "INTEGER",
            },
            compute=statements_by_section_valence,
            indexes=(("valence",),),
            primary_key=("section_id", "valence"),
        ),
    ]
