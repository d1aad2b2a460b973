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
    """Anchors (column `anchor`, well-formed) exploded into fragments joined to their raw line.

    The explode keeps each anchor's fragments together and in order; `first` marks the first
    fragment of each row of `frame`.
    """
    parts = r"^([0-9]+):([0-9]+)-([0-9]+)([;~]?)$"
    return (
        frame.with_columns(pl.col("anchor").str.extract_all(_FRAGMENT).alias("fragment"))
        .explode("fragment")
        .with_columns(
            pl.col("fragment")
            .str.extract_groups(parts)
            .struct.rename_fields(["line", "start", "end", "join"])
            .alias("parts"),
            (pl.col("row") != pl.col("row").shift(1)).fill_null(value=True).alias("first"),
        )
        .unnest("parts")
        .with_columns(
            pl.col("line").cast(pl.Int64),
            pl.col("start").cast(pl.Int64),
            pl.col("end").cast(pl.Int64),
            pl.when(pl.col("join") == "").then(None).otherwise(pl.col("join")).alias("join"),
        )
        .join(lines, on=[*_KEYS, "line"], how="left", maintain_order="left")
        .with_columns(pl.col("line_text").str.len_chars().alias("length"))
    )


def screen(
    statements: pl.DataFrame, excluded: pl.DataFrame, lines: pl.DataFrame
) -> tuple[set[int], set[tuple[str, int]]]:
    """Rows of suspect statements, and suspect pages (whose coverage may not be exactly once)."""
    held = lines.select(_KEYS).unique().with_columns(pl.lit(value=True).alias("held"))
    frame = statements.join(held, on=_KEYS, how="left", maintain_order="left")
    well_formed = pl.col("anchor").fill_null("").str.contains(_ANCHOR)
    boundary = pl.col("text").fill_null("").str.contains(_STARTS) & pl.col("text").fill_null(
        ""
    ).str.contains(_ENDS)
    early = frame.filter(~well_formed | ~boundary | pl.col("held").is_null())
    frag = fragments(frame.filter(well_formed & boundary & pl.col("held").is_not_null()), lines)
    rows = set(early["row"].to_list()) | _odd_statements(frag)
    pages = set(_keys(early)) | _odd_pages(frag, excluded, lines)
    return rows, pages


def _odd_statements(frag: pl.DataFrame) -> set[int]:
    width = (pl.col("end") - pl.col("start")).clip(lower_bound=0)
    piece = pl.col("line_text").str.slice(pl.col("start"), width)
    before = pl.col("line_text").str.slice(0, pl.col("start")).str.strip_chars()
    after = pl.col("line_text").str.slice(pl.col("end")).str.strip_chars()
    hyphen = pl.col("join") == "~"
    checked = frag.with_columns(
        (
            pl.col("line_text").is_null()
            | (pl.col("end") <= pl.col("start"))
            | (pl.col("end") > pl.col("length"))
            | (hyphen & ~piece.str.ends_with("-"))
            # a fragment that is only a hyphen: the reference also strips the space before it
            | (hyphen & (piece.str.strip_suffix("-").str.strip_chars_end(" ") == ""))
            | (~pl.col("first") & (pl.col("line") <= pl.col("line").shift(1)))
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
    rebuilt = checked.group_by("row").agg(
        pl.col("odd").any(), pl.col("piece").str.join(""), pl.col("text").first()
    )
    odd = rebuilt.filter(pl.col("odd") | (pl.col("piece") != pl.col("text")))
    return set(odd["row"].to_list())


def _odd_pages(
    frag: pl.DataFrame, excluded: pl.DataFrame, lines: pl.DataFrame
) -> set[tuple[str, int]]:
    """Pages whose body may not be covered exactly once (statements plus heading/footer spans)."""
    fine = excluded.filter(pl.col("anchor").str.contains(_ANCHOR))
    heading = fragments(fine.with_columns(pl.lit("unknown").alias("column")), lines)
    columns = [*_KEYS, "line", "start", "end", "line_text", "length"]
    spans = pl.concat([frag.select(columns), heading.select(columns)])
    # The reference skips a whole anchor that does not parse or points outside the page, which
    # leaves words uncovered: such a page is a suspect.
    broken = pl.concat(
        [
            excluded.filter(~pl.col("anchor").str.contains(_ANCHOR)).select(_KEYS),
            spans.filter(pl.col("line_text").is_null() | (pl.col("end") <= pl.col("start"))).select(
                _KEYS
            ),
        ]
    )
    group = [*_KEYS, "line"]
    spans = (
        spans.filter(pl.col("line_text").is_not_null())
        .with_columns(pl.min_horizontal("end", "length").alias("end"))
        .filter(pl.col("start") < pl.col("end"))
        .sort([*group, "start"])
    )
    # Sorted by start, spans that never overlap have rising ends, so the previous span's end is
    # how far the line is covered; the first overlap marks the page anyway.
    same_line = pl.all_horizontal(pl.col(c) == pl.col(c).shift(1) for c in group).fill_null(
        value=False
    )
    reach = pl.when(same_line).then(pl.col("end").shift(1)).otherwise(0)
    spans = spans.with_columns(reach.alias("reach"))
    last = ~pl.all_horizontal(pl.col(c) == pl.col(c).shift(-1) for c in group).fill_null(
        value=False
    )
    gap = pl.col("line_text").str.slice(
        pl.col("reach"), (pl.col("start") - pl.col("reach")).clip(lower_bound=0)
    )
    odd = spans.filter(
        (pl.col("start") < pl.col("reach"))
        | ((pl.col("start") > pl.col("reach")) & (gap.str.strip_chars() != ""))
        | (last & (pl.col("line_text").str.slice(pl.col("end")).str.strip_chars() != ""))
    ).select(_KEYS)
    uncovered = (
        lines.join(spans.select(group).unique(), on=group, how="anti")
        .filter(pl.col("line_text").str.strip_chars() != "")
        .select(_KEYS)
    )
    return set(_keys(pl.concat([broken, odd, uncovered]).unique()))


def _keys(frame: pl.DataFrame) -> list[tuple[str, int]]:
    return list(zip(frame["source_id"].to_list(), frame["page"].to_list(), strict=True))
