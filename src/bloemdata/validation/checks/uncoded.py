"""The release rule on coding: no current statement is released that no coder has coded.

`validate` only warns about such statements (rule `statement-uncoded`: a page just added waits
for its coders); a release must not carry them. `versions.rules.check` calls `release_problems`;
the rule is declared with the other release rules (`checks/release.py`).
"""

from __future__ import annotations

import polars as pl

from bloemdata.core.errors import ResourceError
from bloemdata.core.package import Package
from bloemdata.validation.checks.release import UNCODED
from bloemdata.validation.report import Problem


def uncoded(package: Package) -> pl.DataFrame:
    """Current statements with no coding: `row` (1-based data row) and `statement_id`."""
    statements = _read(package, "statements", ["statement_id", "status"])
    codings = _read(package, "codings", ["statement_id"])
    return (
        statements.with_row_index("row", offset=1)
        .filter(pl.col("status") != "withdrawn")
        .join(codings.unique(), on="statement_id", how="anti")
        .select(pl.col("row").cast(pl.Int64), "statement_id")
        .sort("row")
    )


def release_problems(package: Package) -> list[Problem]:
    """One error per current statement that no coder has coded."""
    return [
        UNCODED.problem(
            "statements", r["row"], "statement_id", source="release", statement=r["statement_id"]
        )
        for r in uncoded(package).iter_rows(named=True)
    ]


def _read(package: Package, name: str, columns: list[str]) -> pl.DataFrame:
    path = package.path_of(name)
    try:
        return pl.read_csv(path, infer_schema=False, columns=columns, encoding="utf8")
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise ResourceError(f"{path}: cannot read {name!r}: {exc}") from exc
