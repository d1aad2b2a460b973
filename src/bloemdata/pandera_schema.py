"""Pandera (polars backend) schemas generated from the Table Schemas: nothing typed twice.

A table is read as all-strings (so `1.10` stays `1.10`) and validated here against its Table
Schema: types, `required`, `unique`, `enum`, `pattern`, `minLength`/`maxLength`,
`minimum`/`maximum`, `categories`, the primary key (unique and, unlike frictionless, with no empty
field) and the text hygiene rules of `bloemdata.rules.text` on every string field. Values are
cast by the schema's type, never guessed. Failure cases map back to `Problem`s with the resource,
1-based data row, field and rule id. No I/O here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Any

import pandera.polars as pa
import polars as pl
from pandera.api.checks import Check
from pandera.api.polars.types import PolarsData
from pandera.errors import SchemaErrors
from pandera.extensions import register_check_method

from bloemdata.report import Problem
from bloemdata.rules import Rule, excerpt
from bloemdata.rules import table as t
from bloemdata.rules.text import TEXT_RULES, context
from bloemdata.schema import Field, TableSchema

# Lexical forms of the Table Schema types (frictionless' defaults); a cell that does not match is
# a type error rather than something polars would coerce.
TYPE_PATTERNS = {
    "integer": r"^-?[0-9]+$",
    "year": r"^-?[0-9]{4}$",
    "number": r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$",
    "date": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    "datetime": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?"
    r"(?:Z|[+-][0-9]{2}:[0-9]{2})?$",
}


def typed_expr(f: Field) -> pl.Expr:
    """The field's values cast by its Table Schema type; null where missing or not castable."""
    col = pl.col(f.name)
    match f.type:
        case "integer" | "year":
            expr = pl.when(col.str.contains(TYPE_PATTERNS[f.type])).then(
                col.cast(pl.Int64, strict=False)
            )
        case "number":
            expr = pl.when(col.str.contains(TYPE_PATTERNS["number"])).then(
                col.cast(pl.Float64, strict=False)
            )
        case "boolean":
            expr = (
                pl.when(col.is_in(list(f.true_values)))
                .then(pl.lit(value=True))
                .when(col.is_in(list(f.false_values)))
                .then(pl.lit(value=False))
            )
        case "date":
            expr = col.str.to_date("%Y-%m-%d", strict=False)
        case "datetime":  # kept as text (SQLite stores TEXT); the pattern checks the form
            expr = pl.when(col.str.contains(TYPE_PATTERNS["datetime"])).then(col)
        case _:
            expr = col
    return expr.alias(f.name)


def typed_frame(raw: pl.DataFrame, schema: TableSchema) -> pl.DataFrame:
    """Cast an all-strings table by its schema (bad cells become null; Pandera reports them)."""
    return raw.select([typed_expr(f) for f in schema.fields])


# --- registered custom checks -------------------------------------------------------------
# Each returns a LazyFrame of one boolean column, true where the cell passes; empty cells pass
# (`required` is a separate check).

CHECK_RULES: dict[str, Rule] = {}

# A cell of ASCII letters and digits joined by . _ : / - (no space, bracket, quote or control
# character; not starting like a formula) cannot break any text rule.
PLAIN = r"^[0-9A-Za-z][0-9A-Za-z._:/-]*$"


def _register(rule: Rule, statistics: list[str]) -> Callable[[Callable], Callable]:
    """Register a check function as a `Check.<name>` method and tie it to its rule."""

    def decorator(fn: Callable) -> Callable:
        CHECK_RULES[fn.__name__] = rule
        if fn.__name__ in Check.REGISTERED_CUSTOM_CHECKS:
            return fn
        try:
            register_check_method(fn, statistics=statistics)
        except ModuleNotFoundError:
            # pandera 0.35's register_check_method imports its pandas strategies even for the
            # polars backend (pandera#2387-like); pandas is not a dependency here, so register
            # the method the way register_check_method itself finally does.
            Check.REGISTERED_CUSTOM_CHECKS[fn.__name__] = partial(_check_method, fn)
        return fn

    return decorator


def _check_method(fn: Callable, **statistics: Any) -> Check:
    return Check(partial(fn, **statistics), name=fn.__name__, statistics=statistics)


def _passes(data: PolarsData, ok: pl.Expr) -> pl.LazyFrame:
    col = pl.col(data.key)
    return data.lazyframe.select((col.is_null() | ok).fill_null(value=False).alias(data.key))


def _field(data: PolarsData, kind: str, true_values: list[str], false_values: list[str]) -> Field:
    return Field(
        data.key, kind, "", true_values=tuple(true_values), false_values=tuple(false_values)
    )


@_register(t.TYPE_ERROR, ["kind", "true_values", "false_values"])
def field_type(
    data: PolarsData, *, kind: str, true_values: list[str], false_values: list[str]
) -> pl.LazyFrame:
    return _passes(data, typed_expr(_field(data, kind, true_values, false_values)).is_not_null())


@_register(t.PATTERN, ["pattern"])
def field_pattern(data: PolarsData, *, pattern: str) -> pl.LazyFrame:
    # Table Schema patterns match the whole value.
    return _passes(data, pl.col(data.key).str.contains(f"^(?:{pattern})$"))


@_register(t.MIN_LENGTH, ["limit"])
def field_min_length(data: PolarsData, *, limit: int) -> pl.LazyFrame:
    return _passes(data, pl.col(data.key).str.len_chars() >= limit)


@_register(t.MAX_LENGTH, ["limit"])
def field_max_length(data: PolarsData, *, limit: int) -> pl.LazyFrame:
    return _passes(data, pl.col(data.key).str.len_chars() <= limit)


def _typed(data: PolarsData, kind: str, true_values: list[str], false_values: list[str]) -> pl.Expr:
    return typed_expr(_field(data, kind, true_values, false_values))


@_register(t.ENUM, ["values", "kind", "true_values", "false_values"])
def field_enum(
    data: PolarsData,
    *,
    values: list[Any],
    kind: str,
    true_values: list[str],
    false_values: list[str],
) -> pl.LazyFrame:
    typed = _typed(data, kind, true_values, false_values)
    # a value that is not even of the type is a type error, not also an enum error
    return _passes(data, typed.is_null() | typed.is_in(values))


@_register(t.CATEGORIES, ["values", "kind", "true_values", "false_values"])
def field_categories(
    data: PolarsData,
    *,
    values: list[Any],
    kind: str,
    true_values: list[str],
    false_values: list[str],
) -> pl.LazyFrame:
    typed = _typed(data, kind, true_values, false_values)
    return _passes(data, typed.is_null() | typed.is_in(values))


@_register(t.MINIMUM, ["limit", "kind"])
def field_minimum(data: PolarsData, *, limit: Any, kind: str) -> pl.LazyFrame:
    typed = _typed(data, kind, [], [])
    return _passes(data, typed.is_null() | (typed >= limit))


@_register(t.MAXIMUM, ["limit", "kind"])
def field_maximum(data: PolarsData, *, limit: Any, kind: str) -> pl.LazyFrame:
    typed = _typed(data, kind, [], [])
    return _passes(data, typed.is_null() | (typed <= limit))


@_register(TEXT_RULES[0].rule, [])
def text_hygiene(data: PolarsData) -> pl.LazyFrame:
    """All text rules at once; failing cells are sorted into rules later (`_text_problems`).

    Most cells are identifiers or codes (`BL-p010-01`, `topic-signalling`): one cheap regex
    clears them, and only the rest go through the nine rules (polars would evaluate every rule
    on every row inside a `when`, so the rest are filtered out and joined back).
    """
    cells = data.lazyframe.select(pl.col(data.key).alias("cell")).with_row_index("row")
    suspects = cells.filter(pl.col("cell").str.contains(PLAIN).not_()).select(
        "row", pl.any_horizontal([r.bad(pl.col("cell")) for r in TEXT_RULES]).alias("bad")
    )
    return cells.join(suspects, on="row", how="left", maintain_order="left").select(
        pl.col("bad").fill_null(value=False).not_().alias(data.key)
    )


# --- schema generation --------------------------------------------------------------------


def categories(schema: TableSchema, name: str) -> list[Any] | None:
    """A field's Table Schema v2 `categories` (plain values or {value, label}), if any."""
    descriptor = next((d for d in schema.descriptor.get("fields", []) if d.get("name") == name), {})
    categories = descriptor.get("categories")
    if not isinstance(categories, list) or not categories:
        return None
    return [c["value"] if isinstance(c, dict) else c for c in categories]


def _checks(f: Field, schema: TableSchema) -> list[Check]:
    c = f.constraints
    bools = {"true_values": list(f.true_values), "false_values": list(f.false_values)}
    checks: list[Check] = []
    if f.type != "string":
        checks.append(Check.field_type(kind=f.type, **bools))
    if f.pattern:
        checks.append(Check.field_pattern(pattern=f.pattern))
    if "minLength" in c:
        checks.append(Check.field_min_length(limit=c["minLength"]))
    if "maxLength" in c:
        checks.append(Check.field_max_length(limit=c["maxLength"]))
    if f.enum is not None:
        checks.append(Check.field_enum(values=f.enum, kind=f.type, **bools))
    allowed = categories(schema, f.name)
    if allowed is not None:
        checks.append(Check.field_categories(values=allowed, kind=f.type, **bools))
    if "minimum" in c:
        checks.append(Check.field_minimum(limit=c["minimum"], kind=f.type))
    if "maximum" in c:
        checks.append(Check.field_maximum(limit=c["maximum"], kind=f.type))
    if f.type == "string":
        checks.append(Check.text_hygiene())
    return checks


def to_pandera(schema: TableSchema, name: str = "") -> pa.DataFrameSchema:
    """The Pandera schema of a Table Schema, for a frame of all-string columns."""
    columns = {
        f.name: pa.Column(
            pl.String,
            checks=_checks(f, schema),
            # primary-key fields may not be empty either: frictionless lets that through
            nullable=not (f.required or f.name in schema.primary_key),
            unique=f.unique,
            description=f.description or None,
        )
        for f in schema.fields
    }
    return pa.DataFrameSchema(
        columns,
        unique=list(schema.primary_key) or None,
        strict=True,
        name=name or None,
    )


def validate_frame(raw: pl.DataFrame, schema: TableSchema, resource: str) -> list[Problem]:
    """Every failure of an all-strings table against its schema, as problems (lazy: all at once)."""
    try:
        to_pandera(schema, resource).validate(raw, lazy=True)
    except SchemaErrors as exc:
        return failures_to_problems(exc.failure_cases, schema, resource)
    return []


def failures_to_problems(
    failures: pl.DataFrame, schema: TableSchema, resource: str
) -> list[Problem]:
    """Map Pandera failure cases to problems (row = index + 1; repeats after the first only)."""
    problems: list[Problem] = []
    failures = failures.with_columns(pl.col("check").str.extract(r"^([a-z_]+)").alias("name"))
    for (name, column), group in failures.group_by(["name", "column"], maintain_order=True):
        rows = group.sort("index")
        if name == "text_hygiene":
            problems += _text_problems(rows, resource)
            continue
        if name in {"field_uniqueness", "multiple_fields_uniqueness"}:
            rows = _repeats(rows, schema.primary_key if name.startswith("multiple") else ())
        for case in rows.iter_rows(named=True):
            row = None if case["index"] is None else case["index"] + 1
            problems.append(
                _problem(
                    name,
                    column=column,
                    value=case["failure_case"],
                    row=row,
                    schema=schema,
                    resource=resource,
                )
            )
    return problems


def _repeats(rows: pl.DataFrame, key: tuple[str, ...]) -> pl.DataFrame:
    """Pandera's polars backend reports every copy; like frictionless, blame the repeats only."""
    if key:  # the failure case is the whole row as JSON: compare the key fields only
        values = [
            json.dumps([json.loads(case).get(k) for k in key]) for case in rows["failure_case"]
        ]
        rows = rows.with_columns(pl.Series("failure_case", values))
    return rows.filter(pl.col("index") != pl.col("index").min().over("failure_case"))


def _text_problems(failures: pl.DataFrame, resource: str) -> list[Problem]:
    """Sort cells that failed `text_hygiene` into the text rules they break."""
    cells = failures.select("index", "column", pl.col("failure_case").alias("value"))
    broken = cells.with_columns([r.bad(pl.col("value")).alias(r.rule.id) for r in TEXT_RULES])
    problems = []
    for cell in broken.iter_rows(named=True):
        for text_rule in TEXT_RULES:
            if cell[text_rule.rule.id]:
                at = text_rule.locate(cell["value"])
                problems.append(
                    text_rule.rule.problem(
                        resource,
                        cell["index"] + 1,
                        cell["column"],
                        at="?" if at is None else at,
                        context=context(cell["value"], at),
                    )
                )
    return problems


def _problem(
    name: str,
    *,
    column: str | None,
    value: str | None,
    row: int | None,
    schema: TableSchema,
    resource: str,
) -> Problem:
    f = schema.field(column) if column in schema.names else None
    if name == "not_nullable" and f is not None:
        rule = t.REQUIRED if f.required else t.PRIMARY_KEY_NULL
        return rule.problem(resource, row, column, name=column)
    if name == "field_uniqueness":
        return t.UNIQUE.problem(resource, row, column, value=excerpt(value))
    if name == "multiple_fields_uniqueness":
        key = json.loads(value) if value else []  # the key's values, from _repeats
        shown = ", ".join(f"{k}={v}" for k, v in zip(schema.primary_key, key, strict=False))
        return t.PRIMARY_KEY.problem(
            resource, row, ",".join(schema.primary_key), value=excerpt(f"({shown})")
        )
    rule = CHECK_RULES.get(name)
    if rule is None or f is None:
        return t.PANDERA.problem(resource, row, column, check=name, value=excerpt(value))
    c = f.constraints
    limits = {
        "min-length": c.get("minLength"),
        "max-length": c.get("maxLength"),
        "minimum": c.get("minimum"),
        "maximum": c.get("maximum"),
    }
    return rule.problem(
        resource,
        row,
        column,
        value=excerpt(value),
        type=f.type,
        allowed=f.enum or categories(schema, f.name),
        pattern=f.pattern,
        limit=limits.get(rule.id),
    )
