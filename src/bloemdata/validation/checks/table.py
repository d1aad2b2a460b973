"""Table Schema constraints, row by row, and foreign keys across tables.

The per-table constraints run as a Pandera schema generated from the Table Schema
(`validation.pandera_schema`); this module names their rules and checks foreign keys with polars
anti-joins, which Pandera (one frame at a time) cannot.
"""

from __future__ import annotations

import functools

import polars as pl

from bloemdata.core.schema import TableSchema
from bloemdata.validation.registry import excerpt, first, register
from bloemdata.validation.report import Problem, Severity

GROUP = "table"

TYPE_ERROR = register(
    "type-error", GROUP, "a cell can be read as its field's type", "{value} is not a valid {type}"
)
REQUIRED = register("required", GROUP, "a required field has a value", "a value is required")
UNIQUE = register(
    "unique", GROUP, "a unique field has no repeated value", "{value} repeats an earlier row"
)
ENUM = register(
    "enum", GROUP, "a value is one of the field's `enum`", "{value} is not one of {allowed}"
)
PATTERN = register(
    "pattern", GROUP, "a value matches the field's `pattern`", "{value} does not match {pattern}"
)
PATTERN_UNSUPPORTED = register(
    "pattern-unsupported",
    GROUP,
    "a field's `pattern` runs on the linear-time regex engine (no look-around or backreference,"
    " a bounded compiled size): a pattern that could backtrack without end is refused",
    "pattern {pattern} cannot be run: {reason}",
)
MIN_LENGTH = register(
    "min-length",
    GROUP,
    "a value is at least `minLength` long",
    "{value} is shorter than {limit} characters",
)
MAX_LENGTH = register(
    "max-length",
    GROUP,
    "a value is at most `maxLength` long",
    "{value} is longer than {limit} characters",
)
MINIMUM = register("minimum", GROUP, "a value is at least `minimum`", "{value} is below {limit}")
MAXIMUM = register("maximum", GROUP, "a value is at most `maximum`", "{value} is above {limit}")
CATEGORIES = register(
    "categories",
    GROUP,
    "a value is one of the field's `categories` (frictionless does not check them)",
    "{value} is not one of the categories {allowed}",
)
PRIMARY_KEY = register(
    "primary-key",
    GROUP,
    "no two rows share a primary key",
    "primary key {value} repeats an earlier row",
)
PRIMARY_KEY_NULL = register(
    "primary-key-null",
    GROUP,
    "no field of a primary key is empty (frictionless lets nulls into composite keys)",
    "primary key field {name} is empty",
)
PANDERA = register(
    "pandera-check",
    GROUP,
    "any other Pandera failure (a safety net; no rule of ours should land here)",
    "Pandera check {check} failed on {value}",
)
FRICTIONLESS = register(
    "frictionless",
    GROUP,
    "any other error the frictionless validator finds (descriptor profile, formats, ...)",
    "{message}",
)
FRICTIONLESS_CUT_SHORT = register(
    "frictionless-cut-short",
    GROUP,
    "the frictionless validator (the independent check) finishes within its time limit",
    "{message}",
    Severity.WARNING,
)
FOREIGN_KEY = register(
    "foreign-key",
    GROUP,
    "a foreign key points to an existing row (also: every code used exists)",
    "{value} has no match in {target}",
)


@functools.lru_cache(maxsize=256)
def pattern_error(pattern: str) -> str | None:
    """Why polars' regex engine (Rust `regex`: linear time, no backtracking) cannot run a Table
    Schema pattern, or None when it can."""
    try:
        pl.Series([""], dtype=pl.String).str.contains(f"^(?:{pattern})$")
    except pl.exceptions.PolarsError as exc:
        text = str(exc).split("This error occurred", 1)[0]
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        found = [line.removeprefix("error: ") for line in lines if line.startswith("error:")]
        return (found or lines or [type(exc).__name__])[-1].removeprefix("regex error: ")
    return None


def pattern_problems(resource: str, schema: TableSchema) -> list[Problem]:
    """The fields whose pattern is refused (and not checked)."""
    return [
        PATTERN_UNSUPPORTED.problem(
            resource, None, f.name, pattern=excerpt(f.pattern), reason=excerpt(reason, 200)
        )
        for f in schema.fields
        if f.pattern is not None and (reason := pattern_error(str(f.pattern)))
    ]


def foreign_key_problems(
    resource: str, schema: TableSchema, typed: dict[str, pl.DataFrame]
) -> tuple[list[Problem], list[str]]:
    """Rows whose foreign key matches no row of the referenced table; and notes of skipped keys.

    A key with an empty field is not checked (Table Schema semantics). Joins run on the typed
    values, so `10` matches `10` whatever the CSV spelling.
    """
    problems: list[Problem] = []
    notes: list[str] = []
    child = typed[resource]
    for fk in schema.foreign_keys:
        target = fk.resource or resource
        if target not in typed:
            notes.append(
                f"{resource}: foreign key ({', '.join(fk.fields)}) -> {target} not checked:"
                f" {target} could not be read"
            )
            continue
        absent = (set(fk.fields) - set(child.columns)) | (
            set(fk.reference_fields) - set(typed[target].columns)
        )
        if absent or len(fk.fields) != len(fk.reference_fields):
            notes.append(f"{resource}: foreign key ({', '.join(fk.fields)}) is malformed")
            continue
        # compared as text after the typed cast: two tables typing a key differently still join
        pairs = zip(fk.fields, fk.reference_fields, strict=True)
        parent = typed[target].select([pl.col(r).cast(pl.String).alias(f) for f, r in pairs])
        keys = child.select(
            pl.int_range(pl.len()).alias("__row"), *(pl.col(f).cast(pl.String) for f in fk.fields)
        ).drop_nulls(list(fk.fields))
        # an anti-join needs no unique parent: a repeated key matches as well as one
        missing = (
            keys.lazy()
            .join(parent.lazy(), on=list(fk.fields), how="anti", nulls_equal=False)
            .collect(engine="streaming")  # several times faster than eager at millions of rows
        )
        label = f"{target}.{', '.join(fk.reference_fields)}"
        rows, more = first(missing.sort("__row"))
        problems += FOREIGN_KEY.left_out(resource, more)
        for row in rows.iter_rows(named=True):
            value = ", ".join(str(row[f]) for f in fk.fields)
            problems.append(
                FOREIGN_KEY.problem(
                    resource,
                    row["__row"] + 1,
                    ",".join(fk.fields),
                    value=excerpt(value),
                    target=label,
                )
            )
    return problems, notes


def referrers(schemas: dict[str, TableSchema]) -> dict[str, set[str]]:
    """For each table, the other tables whose foreign keys point to it."""
    found: dict[str, set[str]] = {}
    for name, schema in schemas.items():
        for fk in schema.foreign_keys:
            if fk.resource and fk.resource != name:
                found.setdefault(fk.resource, set()).add(name)
    return found
