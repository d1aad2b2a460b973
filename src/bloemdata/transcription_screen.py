"""A vectorised screen of the transcription checks, for packages of any size.

`bloemdata.transcription` holds the reference checks, one statement and one page at a time in
Python: exact, but about 50 µs a statement. This screen runs the same conditions over whole
tables with polars (anchors exploded into fragments, joined to the raw lines, texts rebuilt by
the two join rules, geometry, order, sentence boundaries, coverage by sorted spans) and only
flags *suspects*. Suspect statements and pages then go through the reference checks, which
write the findings: the screen decides where to look, never what is reported, so a bug in it
can cost speed but not change a message. It must not miss a suspect: the property tests compare
it with the reference on generated and mutated packages.
"""

from __future__ import annotations

import polars as pl

from bloemdata.anchor import split_lines

_ANCHOR = r"^[0-9]+:[0-9]+-[0-9]+(?:[;~][0-9]+:[0-9]+-[0-9]+)*$"
_FRAGMENT = r"[0-9]+:[0-9]+-[0-9]+[;~]?"
# `[\p{L}\p{N}_]` is Python's `\w` (str.isalnum or _); Rust's `\w` also takes combining marks.
_STARTS = r"^[\p{L}\p{N}_(‘“'\"]"
_ENDS = r"[.!?)’”'\"…]$"
_KEYS = ["source_id", "page"]


def page_lines_frame(texts: dict[tuple[str, int], str]) -> pl.DataFrame:
    """One row per raw line: source_id, page, line (1-based), line_text."""
    frames = []
    for (source_id, page), raw in texts.items():
        lines = split_lines(raw)
        frames.append(
            pl.DataFrame(
                {
                    "source_id": [source_id] * len(lines),
                    "page": pl.Series([page] * len(lines), dtype=pl.Int64),
                    "line": pl.Series(range(1, len(lines) + 1), dtype=pl.Int64),
                    "line_text": lines,
                }
            )
        )
    if not frames:
        return pl.DataFrame(
            schema={
                "source_id": pl.String,
                "page": pl.Int64,
                "line": pl.Int64,
                "line_text": pl.String,
            }
        )
    return pl.concat(frames)


def fragments(frame: pl.DataFrame, lines: pl.DataFrame) -> pl.DataFrame:
    """Anchors (column `anchor`, well-formed) exploded into fragments joined to their raw line."""
    return (
        frame.with_columns(pl.col("anchor").str.extract_all(_FRAGMENT).alias("fragment"))
        .explode("fragment")
        .with_columns(
            pl.int_range(pl.len()).over("row").alias("index"),
            pl.col("fragment").str.extract(r"^([0-9]+):", 1).cast(pl.Int64).alias("line"),
            pl.col("fragment").str.extract(r":([0-9]+)-", 1).cast(pl.Int64).alias("start"),
            pl.col("fragment").str.extract(r"-([0-9]+)", 1).cast(pl.Int64).alias("end"),
            pl.col("fragment").str.extract(r"([;~])$", 1).alias("join"),
        )
        .join(lines, on=[*_KEYS, "line"], how="left")
        .with_columns(pl.col("line_text").str.len_chars().alias("length"))
    )


def suspect_statements(statements: pl.DataFrame, lines: pl.DataFrame) -> set[int]:
    """Rows (1-based, column `row`) of statements any reference check might report."""
    held = lines.select(_KEYS).unique()
    held = held.with_columns(pl.lit(value=True).alias("held"))
    frame = statements.join(held, on=_KEYS, how="left")
    bad_anchor = ~pl.col("anchor").fill_null("").str.contains(_ANCHOR)
    boundary = ~pl.col("text").fill_null("").str.contains(_STARTS) | ~pl.col("text").fill_null(
        ""
    ).str.contains(_ENDS)
    first = frame.filter(bad_anchor | boundary | pl.col("held").is_null())
    suspects = set(first["row"].to_list())
    frag = fragments(frame.filter(~(bad_anchor | boundary | pl.col("held").is_null())), lines)
    width = (pl.col("end") - pl.col("start")).clip(lower_bound=0)
    piece = pl.col("line_text").str.slice(pl.col("start"), width)
    before = pl.col("line_text").str.slice(0, pl.col("start")).str.strip_chars()
    after = pl.col("line_text").str.slice(pl.col("end")).str.strip_chars()
    hyphen = pl.col("join") == "~"
    frag = frag.with_columns(
        (
            pl.col("line_text").is_null()
            | (pl.col("end") <= pl.col("start"))
            | (pl.col("end") > pl.col("length"))
            | (hyphen & ~piece.str.ends_with("-"))
            # a fragment that is only a hyphen: the reference also strips the space before it
            | (hyphen & (piece.str.strip_suffix("-").str.strip_chars_end(" ") == ""))
            | (pl.col("line") <= pl.col("line").shift(1).over("row"))
            | ((pl.col("column") == "left") & (before != ""))
            | ((pl.col("column") == "right") & (after != ""))
            | ((pl.col("column") == "unknown") & ((before != "") | (after != "")))
        ).alias("odd"),
        pl.when(hyphen)
        .then(piece.str.strip_suffix("-").str.strip_chars_end(" "))
        .when(pl.col("join") == ";")
        .then(piece + " ")
        .otherwise(piece)
        .alias("piece"),
    )
    rebuilt = frag.group_by("row").agg(
        pl.col("odd").any(),
        pl.col("piece").sort_by("index").str.join(""),
        pl.col("text").first(),
    )
    odd = rebuilt.filter(pl.col("odd") | (pl.col("piece") != pl.col("text")))
    return suspects | set(odd["row"].to_list())


def suspect_pages(
    statements: pl.DataFrame, excluded: pl.DataFrame, lines: pl.DataFrame
) -> set[tuple[str, int]]:
    """Pages whose body may not be covered exactly once (statements plus heading/footer spans)."""
    spans = pl.concat(
        [
            statements.select("row", *_KEYS, "anchor", pl.lit("statement").alias("column")),
            excluded.select("row", *_KEYS, "anchor", pl.lit("unknown").alias("column")),
        ]
    )
    all_frag = fragments(spans.filter(pl.col("anchor").str.contains(_ANCHOR)), lines)
    # The reference skips a whole anchor that does not parse or points outside the page, which
    # leaves words uncovered: such a page is a suspect.
    broken = pl.concat(
        [
            spans.filter(~pl.col("anchor").str.contains(_ANCHOR)).select(_KEYS),
            all_frag.filter(
                pl.col("line_text").is_null() | (pl.col("end") <= pl.col("start"))
            ).select(_KEYS),
        ]
    )
    frag = (
        all_frag.filter(pl.col("line_text").is_not_null())
        .with_columns(pl.min_horizontal("end", "length").alias("end"))
        .filter(pl.col("start") < pl.col("end"))
        .sort([*_KEYS, "line", "start"])
        .with_columns(
            pl.col("end").cum_max().shift(1).over([*_KEYS, "line"]).fill_null(0).alias("reach")
        )
    )
    gap = pl.col("line_text").str.slice(
        pl.col("reach"), (pl.col("start") - pl.col("reach")).clip(lower_bound=0)
    )
    odd = frag.filter(
        (pl.col("start") < pl.col("reach"))
        | ((pl.col("start") > pl.col("reach")) & (gap.str.strip_chars() != ""))
    ).select(_KEYS)
    tails = (
        frag.group_by([*_KEYS, "line"])
        .agg(pl.col("end").max(), pl.col("line_text").first())
        .filter(pl.col("line_text").str.slice(pl.col("end")).str.strip_chars() != "")
        .select(_KEYS)
    )
    uncovered = (
        lines.join(frag.select([*_KEYS, "line"]).unique(), on=[*_KEYS, "line"], how="anti")
        .filter(pl.col("line_text").str.strip_chars() != "")
        .select(_KEYS)
    )
    found = pl.concat([broken, odd, tails, uncovered]).unique()
    return {(r["source_id"], r["page"]) for r in found.iter_rows(named=True)}
