"""A vectorised screen of the transcription checks, for packages of any size.

`transcription.check` holds the reference checks, one statement and one page at a time in
Python: exact, but about 50 µs a statement. This screen runs the same conditions over whole
tables with polars (anchors exploded into fragments, each looked up in the raw lines, texts
compared piece by piece, geometry, order, sentence boundaries, coverage by sorted spans) and only
flags *suspects*. Suspect statements and pages then go through the reference checks, which
write the findings: the screen decides where to look, never what is reported, so a bug in it
can cost speed but not change a message. It must not miss a suspect: the property tests compare
it with the reference on generated and mutated packages.

All raw lines of all pages sit in one frame, page after page, so a fragment finds its line by
position (`offset + line - 1`: a gather, not a join on strings), and spans sort by integers.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from bloemdata.core.anchor import ANCHOR_PATTERN

# `[\p{L}\p{N}_]` is Python's `\w` (str.isalnum or _); Rust's `\w` also takes combining marks.
_STARTS = r"^[\p{L}\p{N}_(‘“'\"]"
_ENDS = r"[.!?)’”'\"…]$"
_KEYS = ["source_id", "page"]
_HELD = ["offset", "count", "pidx"]
BATCH = 200_000  # statements screened at once


@dataclass(frozen=True)
class PageLines:
    """Every raw line of every page, in one frame.

    `pages`: source_id, page, offset (row of its first line in `lines`), count (its lines).
    `lines`: gidx (its row), pidx (its page's row in `pages`), line_text, length, and lead and
    trail (the whitespace it starts and ends with, in characters).
    """

    pages: pl.DataFrame
    lines: pl.DataFrame


def page_lines(texts: dict[tuple[str, int], str]) -> PageLines:
    """The raw pages split into lines as `anchor.split_lines` does (a final newline ends a line)."""
    pages = pl.DataFrame(
        {
            "source_id": [key[0] for key in texts],
            "page": pl.Series([key[1] for key in texts], dtype=pl.Int64),
            "raw": list(texts.values()),
        },
        schema={"source_id": pl.String, "page": pl.Int64, "raw": pl.String},
    ).with_columns(
        # "a\n" is one line, "" none: drop the final newline, then split (an empty page: [])
        pl.when(pl.col("raw") == "")
        .then(pl.lit([], dtype=pl.List(pl.String)))
        .otherwise(pl.col("raw").str.strip_suffix("\n").str.split("\n"))
        .alias("line_text")
    )
    pages = pages.with_columns(
        pl.col("line_text").list.len().cast(pl.Int64).alias("count"),
        pl.int_range(pl.len(), dtype=pl.Int64).alias("pidx"),
    ).with_columns((pl.col("count").cum_sum() - pl.col("count")).alias("offset"))
    lines = (
        pages.select("pidx", "line_text")
        .explode("line_text", keep_nulls=False, empty_as_null=False)
        .with_row_index("gidx")
        .with_columns(pl.col("gidx").cast(pl.Int64))
        .with_columns(pl.col("line_text").str.len_chars().cast(pl.Int64).alias("length"))
        .with_columns(
            # the space at either end, measured without copying the line (strip_chars would)
            pl.col("line_text").str.extract(r"^(\s*)").str.len_chars().cast(pl.Int64).alias("lead"),
            pl.col("line_text")
            .str.extract(r"(\s*)$")
            .str.len_chars()
            .cast(pl.Int64)
            .alias("trail"),
        )
    )
    return PageLines(pages.select(*_KEYS, *_HELD), lines)


def fragments(frame: pl.DataFrame, held: PageLines, columns: list[str]) -> pl.DataFrame:
    """Anchors (column `anchor`, well-formed) exploded into fragments, each with its raw line.

    `frame` has the page's `offset` and `count` (from `held.pages`); a fragment whose line is
    not on the page gets a null `line_text`. Only the anchors are exploded (split, not matched
    by a regex); `columns` of `frame` are then gathered per fragment. The fragments of an anchor
    stay together and in order; `first` marks the first fragment of each row of `frame`.
    """
    split = frame.select(
        pl.int_range(pl.len(), dtype=pl.UInt32).alias("i"),
        # "1:0-5~2:0-9;3:0-4" -> "1:0-5~", "2:0-9", "3:0-4": each keeps its hyphen join
        pl.col("anchor").str.replace_all("~", "~;", literal=True).str.split(";").alias("part"),
    ).explode("part")
    line, span = (
        pl.col("part").str.split_exact(":", 1).struct.field(f) for f in ("field_0", "field_1")
    )
    first = (pl.col("i") != pl.col("i").shift(1)).fill_null(value=True)
    last = (pl.col("i") != pl.col("i").shift(-1)).fill_null(value=True)
    frag = split.with_columns(
        line.cast(pl.Int64, strict=False).alias("line"),
        span.str.split_exact("-", 1).alias("span"),
        first.alias("first"),
        pl.when(pl.col("part").str.ends_with("~"))
        .then(pl.lit("~"))
        .when(~last)
        .then(pl.lit(";"))
        .alias("join"),
    ).select(
        "i",
        "line",
        pl.col("span").struct.field("field_0").cast(pl.Int64, strict=False).alias("start"),
        pl.col("span")
        .struct.field("field_1")
        .str.strip_suffix("~")
        .cast(pl.Int64, strict=False)
        .alias("end"),
        "join",
        "first",
    )
    per_row = frame.select(pl.col([*columns, "offset", "count"]).gather(frag["i"]))
    frag = pl.concat([frag, per_row], how="horizontal").with_columns(
        pl.when((pl.col("line") >= 1) & (pl.col("line") <= pl.col("count")))
        .then(pl.col("offset") + pl.col("line") - 1)
        .alias("gidx")
    )
    found = held.lines.select(pl.col("line_text", "length", "lead", "trail").gather(frag["gidx"]))
    return pl.concat([frag, found], how="horizontal")


def screen(
    statements: pl.DataFrame, excluded: pl.DataFrame, held: PageLines
) -> tuple[set[int], set[tuple[str, int]]]:
    """Rows of suspect statements, and suspect pages (whose coverage may not be exactly once)."""
    frame = statements.join(
        held.pages,
        on=_KEYS,
        how="left",
        maintain_order="left",
    )
    well_formed = pl.col("anchor").fill_null("").str.contains(ANCHOR_PATTERN)
    boundary = pl.col("text").fill_null("").str.contains(_STARTS) & pl.col("text").fill_null(
        ""
    ).str.contains(_ENDS)
    fine = well_formed & boundary & pl.col("offset").is_not_null()
    frame = frame.with_columns(fine.alias("fine"))
    early = frame.filter(~pl.col("fine")).select("row", *_KEYS)
    rows, pages = set(early["row"].to_list()), set(_keys(early))
    frame = frame.filter(pl.col("fine")).select("row", "column", "text", "anchor", *_HELD)
    # pages in batches of about BATCH statements: the fragment frames of a million statements
    # would hold several copies of every text at once
    count = held.pages.height
    step = max(1, -(-count // max(1, -(-frame.height // BATCH))))
    for first in range(0, max(count, 1), step):
        in_batch = pl.col("pidx").is_between(first, first + step - 1)
        frag = fragments(frame.filter(in_batch), held, ["row", "column", "text", "pidx"])
        rows |= _odd_statements(frag)
        pages |= _odd_pages(frag, excluded, held, in_batch)
    return rows, pages


def _odd_statements(frag: pl.DataFrame) -> set[int]:
    width = (pl.col("end") - pl.col("start")).clip(lower_bound=0)
    piece = pl.col("line_text").str.slice(pl.col("start"), width)
    hyphen = (pl.col("join") == "~").fill_null(value=False)
    starts_line = pl.col("start") <= pl.col("lead")  # nothing but space before the fragment
    ends_line = pl.col("end") >= pl.col("length") - pl.col("trail")
    # lazy: common subexpression elimination slices each piece once (eager, polars sliced it
    # for every use)
    checked = frag.lazy().with_columns(
        (
            pl.col("line_text").is_null()
            | (pl.col("end") <= pl.col("start"))
            | (pl.col("end") > pl.col("length"))
            | (hyphen & ~piece.str.ends_with("-"))
            # a fragment that is only a hyphen: the reference also strips the space before it
            | (hyphen & (piece.str.strip_suffix("-").str.strip_chars_end(" ") == ""))
            | (~pl.col("first") & (pl.col("line") <= pl.col("line").shift(1)))
            | ((pl.col("column") == "left") & ~starts_line)
            | ((pl.col("column") == "right") & ~ends_line)
            | ((pl.col("column") == "unknown") & ~(starts_line & ends_line))
        )
        .fill_null(value=True)
        .alias("odd"),
        pl.when(hyphen)
        .then(piece.str.strip_suffix("-").str.strip_chars_end(" "))
        .when(pl.col("join") == ";")
        .then(piece + " ")
        .otherwise(piece)
        .alias("piece"),
    )
    # The rebuilt text is the pieces in order: each piece must stand in the text where the
    # pieces before it end, and the last must end the text (no string is built per statement).
    size = pl.col("piece").str.len_chars().cast(pl.Int64).fill_null(0)
    ends = size.cum_sum()
    checked = checked.with_columns(
        (ends - size).alias("before"),
        pl.when(pl.col("first")).then(ends - size).forward_fill().alias("row_start"),
        (pl.col("row") != pl.col("row").shift(-1)).fill_null(value=True).alias("last"),
    ).with_columns((pl.col("before") - pl.col("row_start")).alias("at"))
    text = pl.col("text")
    odd = checked.filter(
        (
            pl.col("odd")
            | pl.col("piece").is_null()
            | (text.str.slice(pl.col("at"), size) != pl.col("piece"))
            | (pl.col("last") & (pl.col("at") + size != text.str.len_chars()))
        ).fill_null(value=True)
    ).select("row")
    return set(odd.collect()["row"].to_list())


def _odd_pages(
    frag: pl.DataFrame, excluded: pl.DataFrame, held: PageLines, in_batch: pl.Expr
) -> set[tuple[str, int]]:
    """Pages of the batch whose body may not be covered exactly once (statements, headings)."""
    pages = held.pages.filter(in_batch)
    on_pages = excluded.join(pages, on=_KEYS, how="inner", maintain_order="left")
    well_formed = pl.col("anchor").str.contains(ANCHOR_PATTERN)
    heading = fragments(on_pages.filter(well_formed), held, ["pidx"])
    columns = ["pidx", "gidx", "start", "end", "line_text", "length", "trail"]
    spans = pl.concat([frag.select(columns), heading.select(columns)])
    # The reference skips a whole anchor that does not parse or points outside the page, which
    # leaves words uncovered: such a page is a suspect.
    broken = pl.concat(
        [
            on_pages.filter(~well_formed).select("pidx"),
            spans.filter(pl.col("line_text").is_null() | (pl.col("end") <= pl.col("start"))).select(
                "pidx"
            ),
        ]
    )
    spans = (
        spans.filter(pl.col("line_text").is_not_null())
        .with_columns(pl.min_horizontal("end", "length").alias("end"))
        .filter(pl.col("start") < pl.col("end"))
        .sort(["gidx", "start"])
    )
    # Sorted by start, spans that never overlap have rising ends, so the previous span's end is
    # how far the line is covered; the first overlap marks the page anyway.
    same_line = (pl.col("gidx") == pl.col("gidx").shift(1)).fill_null(value=False)
    reach = pl.when(same_line).then(pl.col("end").shift(1)).otherwise(0)
    spans = spans.with_columns(reach.alias("reach"))
    last = (pl.col("gidx") != pl.col("gidx").shift(-1)).fill_null(value=True)
    gap = pl.col("line_text").str.slice(
        pl.col("reach"), (pl.col("start") - pl.col("reach")).clip(lower_bound=0)
    )
    odd = spans.filter(
        (pl.col("start") < pl.col("reach"))
        | ((pl.col("start") > pl.col("reach")) & (gap.str.strip_chars() != ""))
        | (last & (pl.col("end") < pl.col("length") - pl.col("trail")))
    ).select("pidx")
    covered = spans["gidx"].unique()
    uncovered = (
        held.lines.filter(in_batch)
        .filter((pl.col("lead") < pl.col("length")) & ~pl.col("gidx").is_in(covered))
        .select("pidx")
    )
    suspects = pl.concat([broken, odd, uncovered]).unique()
    return set(_keys(pages.join(suspects, on="pidx", how="semi")))


def _keys(frame: pl.DataFrame) -> list[tuple[str, int]]:
    return list(zip(frame["source_id"].to_list(), frame["page"].to_list(), strict=True))
