"""Coding rules: the codebook is a forest of dimensions, and codings follow it.

Joins and group-bys over the typed tables (polars), so 3 million codings cost a few passes.
That a code used exists is the foreign key codings.code_id -> codes.code_id (rule
`foreign-key`); the rest is here.
"""

from __future__ import annotations

import polars as pl

from bloemdata.validation.registry import register
from bloemdata.validation.report import Problem, Severity

GROUP = "coding"

ONE_VALENCE = register(
    "coding-one-valence",
    GROUP,
    "each statement has exactly one `valence` code per coder and round",
    "{statement} has {count} valence codes from {coder} in round {round} (exactly one needed)",
)
TOPIC = register(
    "coding-topic",
    GROUP,
    "each statement has at least one `topic` code per coder and round",
    "{statement} has no topic code from {coder} in round {round}",
)
# Not yet coded is a state, not a broken coding: a page just added waits for its coders. Validate
# lists each such statement as a warning; `release check` refuses to release them (`uncoded`).
UNCODED = register(
    "statement-uncoded",
    GROUP,
    "a current statement no coder has coded yet is listed as not yet coded (`release check`"
    " refuses to release it)",
    "{statement} is not yet coded",
    Severity.WARNING,
)
NOT_CODABLE = register(
    "code-not-codable",
    GROUP,
    "a code applied in codings is codable (dimension roots only group codes)",
    "{code} is not codable",
)
DIMENSION = register(
    "code-dimension",
    GROUP,
    "a code belongs to its dimension: its id starts with the dimension, its parent is in the same"
    " dimension, and a root is the (non-codable) dimension itself",
    "{code}: {detail}",
)
CYCLE = register(
    "code-cycle", GROUP, "the code tree has no cycle", "{code} is its own ancestor: {path}"
)
UNUSED = register(
    "code-unused",
    GROUP,
    "every codable code is used in at least one coding",
    "{code} is codable but never used",
    Severity.WARNING,
)
EXAMPLE = register(
    "code-example",
    GROUP,
    "a code's example statement is coded with that code",
    "example {statement} is not coded with {code}",
)


def _rows(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_row_index("__row", offset=1)


def codebook_problems(codes: pl.DataFrame) -> list[Problem]:
    """The code tree on its own: dimensions and cycles."""
    problems: list[Problem] = []
    rows = _rows(codes)
    parents = rows.select(
        pl.col("code_id").alias("parent_id"), pl.col("dimension").alias("parent_dimension")
    ).unique("parent_id")
    checked = rows.join(parents, on="parent_id", how="left")
    for r in checked.iter_rows(named=True):
        code, dimension = r["code_id"], r["dimension"]
        if code is None or dimension is None:
            continue  # required
        if r["parent_id"] is None:
            if code != dimension:
                detail = f"has no parent, so it is a root, but is not named {dimension!r}"
                problems.append(
                    DIMENSION.problem("codes", r["__row"], "parent_id", code=code, detail=detail)
                )
            elif r["codable"]:
                detail = "a dimension root only groups codes and cannot be codable"
                problems.append(
                    DIMENSION.problem("codes", r["__row"], "codable", code=code, detail=detail)
                )
            continue
        if r["parent_dimension"] is not None and r["parent_dimension"] != dimension:
            parent, theirs = r["parent_id"], r["parent_dimension"]
            detail = f"dimension {dimension!r} but parent {parent!r} is in {theirs!r}"
            problems.append(
                DIMENSION.problem("codes", r["__row"], "dimension", code=code, detail=detail)
            )
        elif not code.startswith(f"{dimension}-"):
            detail = f"id does not start with its dimension {dimension!r}"
            problems.append(
                DIMENSION.problem("codes", r["__row"], "code_id", code=code, detail=detail)
            )
    problems += _cycles(rows)
    return problems


def _cycles(rows: pl.DataFrame) -> list[Problem]:
    # The codebook is small (tens to hundreds of codes) even when codings run to millions.
    parent = {
        r["code_id"]: r["parent_id"]
        for r in rows.iter_rows(named=True)
        if r["code_id"] is not None and r["parent_id"] is not None
    }
    row_of = {r["code_id"]: r["__row"] for r in rows.iter_rows(named=True)}
    problems: list[Problem] = []
    for code in parent:
        path, current = [code], parent.get(code)
        while current is not None and current not in path:
            path.append(current)
            current = parent.get(current)
        if current == code:
            problems.append(
                CYCLE.problem(
                    "codes", row_of[code], "parent_id", code=code, path=" -> ".join([*path, code])
                )
            )
    return problems


def coding_problems(
    statements: pl.DataFrame, codes: pl.DataFrame, codings: pl.DataFrame
) -> list[Problem]:
    """Codings against the codebook and the statements.

    The codings are counted per statement, coder and round in one group-by; rows are looked up
    only for the groups that fail, which a valid package has none of.
    """
    problems: list[Problem] = []
    book = codes.drop_nulls("code_id").unique("code_id", keep="first")
    # the codebook is small: a lookup per coding rather than a join of millions of rows
    coded = codings.select(
        "statement_id",
        "code_id",
        "coder_id",
        "round",
        pl.col("code_id")
        .replace_strict(book["code_id"], book["dimension"], default=None)
        .alias("dimension"),
        pl.col("code_id")
        .replace_strict(book["code_id"], book["codable"], default=None, return_dtype=pl.Boolean)
        .alias("codable"),
    ).with_row_index("__row", offset=1)
    problems += [
        NOT_CODABLE.problem("codings", r["__row"], "code_id", code=r["code_id"])
        for r in coded.filter(pl.col("codable").not_()).iter_rows(named=True)
    ]
    keys = ["statement_id", "coder_id", "round"]
    # lazy, on the streaming engine: several times faster than an eager group-by at millions
    counts = (
        coded.lazy()
        .drop_nulls(keys)
        .group_by(keys)
        .agg(
            first=pl.col("__row").min(),
            valence=(pl.col("dimension") == "valence").sum(),
            topic=(pl.col("dimension") == "topic").sum(),
        )
        .collect(engine="streaming")
    )
    failing = counts.filter((pl.col("valence") != 1) | (pl.col("topic") == 0)).sort("first")
    if failing.height:
        valence_rows = (
            coded.filter(pl.col("dimension") == "valence")
            .join(failing.select(keys), on=keys, how="semi")
            .group_by(keys)
            .agg(pl.col("__row").sort().alias("valence_rows"))
        )
        failing = failing.join(valence_rows, on=keys, how="left", maintain_order="left")
    for g in failing.iter_rows(named=True):
        who = {"statement": g["statement_id"], "coder": g["coder_id"], "round": g["round"]}
        if g["valence"] == 0:
            problems.append(ONE_VALENCE.problem("codings", g["first"], "code_id", count=0, **who))
        for row in (g["valence_rows"] or [])[1:]:
            problems.append(
                ONE_VALENCE.problem("codings", row, "code_id", count=g["valence"], **who)
            )
        if g["topic"] == 0:
            problems.append(TOPIC.problem("codings", g["first"], "code_id", **who))
    current = _rows(statements).filter(pl.col("status") != "withdrawn")
    # a statement whose codings all lack coder or round still counts as coded
    coded_ids = pl.concat(
        [
            counts.select("statement_id"),
            coded.filter(pl.any_horizontal(pl.col(keys).is_null())).select("statement_id"),
        ]
    )
    uncoded = (
        current.lazy()
        .join(coded_ids.lazy(), on="statement_id", how="anti")
        .collect(engine="streaming")
        .sort("__row")
    )
    problems += [
        UNCODED.problem("statements", r["__row"], "statement_id", statement=r["statement_id"])
        for r in uncoded.drop_nulls("statement_id").iter_rows(named=True)
    ]
    used = codings.select(pl.col("code_id").unique())
    unused = _rows(codes).filter(pl.col("codable")).join(used, on="code_id", how="anti")
    problems += [
        UNUSED.problem("codes", r["__row"], "code_id", code=r["code_id"])
        for r in unused.iter_rows(named=True)
    ]
    examples = _rows(codes).filter(pl.col("codable") & pl.col("example_statement_id").is_not_null())
    # only the codings of the (few) example statements can match
    pairs = codings.filter(
        pl.col("statement_id").is_in(examples["example_statement_id"].implode())
    ).select(pl.col("statement_id").alias("example_statement_id"), "code_id")
    missing = examples.join(pairs.unique(), on=["example_statement_id", "code_id"], how="anti")
    problems += [
        EXAMPLE.problem(
            "codes",
            r["__row"],
            "example_statement_id",
            statement=r["example_statement_id"],
            code=r["code_id"],
        )
        for r in missing.iter_rows(named=True)
    ]
    return problems
