"""Pandera (polars backend) schemas generated from the Table Schemas: nothing typed twice.

A table is read as all-strings (so `1.10` stays `1.10`) and validated here against its Table Schema:
types (cast by `core.cast`, as the build casts), `required`, `unique`, `enum`, `pattern`,
`minLength`/`maxLength`, `minimum`/`maximum`, `categories`, the primary key (unique and, unlike
frictionless, with no empty field) and the text hygiene rules of `validation.checks.text` on every
string field. Values are cast by the schema's type, never guessed. Failure cases map back to
`Problem`s with the resource, 1-based data row, field and rule id. No I/O here."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import polars as pl

from bloemdata.core import cast
from bloemdata.core.schema import Field, TableSchema
from bloemdata.validation.checks import table as t
from bloemdata.validation.checks.text import TEXT_RULES, broken, context, suspect
from bloemdata.validation.pandera_polars import Check, PolarsData, SchemaErrors, pa, register
from bloemdata.validation.registry import RULES, Rule, excerpt, first
from bloemdata.validation.report import Problem

# --- the registered check: every constraint of a field in one polars pass ----------------
# Pandera collects each check on its own, so a check per constraint scanned a million-row
# column a dozen times. One check per field evaluates all its constraints as one expression;
# a failing cell is then sorted into the rules it breaks (`_field_problems`), in Python, on the
# failing cells only. Empty cells pass (`required` is Pandera's own `nullable`).

CHECK_NAME = "field_constraints"


@dataclass(frozen=True)
class Part:
    """One constraint of a field: `ok(col, params)` is true where a (non-empty) cell passes."""

    statistic: str
    rule: Rule
    ok: Callable[[pl.Expr, dict[str, Any]], pl.Expr]


def _typed(col: pl.Expr, params: dict[str, Any]) -> pl.Expr:
    f = Field(
        "",
        params["kind"],
        "",
        true_values=tuple(params["true_values"] or ()),
        false_values=tuple(params["false_values"] or ()),
    )
    return cast.typed(f, col)


def _in_values(col: pl.Expr, params: dict[str, Any], values: list[Any]) -> pl.Expr:
    typed = _typed(col, params)
    # a value that is not even of the type is a type error, not also an enum error
    return typed.is_null() | typed.is_in(values)


PARTS: tuple[Part, ...] = (
    Part("kind", t.TYPE_ERROR, lambda col, p: _typed(col, p).is_not_null()),
    # Table Schema patterns match the whole value
    Part("pattern", t.PATTERN, lambda col, p: col.str.contains(f"^(?:{p['pattern']})$")),
    Part("min_length", t.MIN_LENGTH, lambda col, p: col.str.len_chars() >= p["min_length"]),
    Part("max_length", t.MAX_LENGTH, lambda col, p: col.str.len_chars() <= p["max_length"]),
    Part("enum", t.ENUM, lambda col, p: _in_values(col, p, p["enum"])),
    Part("categories", t.CATEGORIES, lambda col, p: _in_values(col, p, p["categories"])),
    Part(
        "minimum",
        t.MINIMUM,
        lambda col, p: _typed(col, p).is_null() | (_typed(col, p) >= p["minimum"]),
    ),
    Part(
        "maximum",
        t.MAXIMUM,
        lambda col, p: _typed(col, p).is_null() | (_typed(col, p) <= p["maximum"]),
    ),
)


def _parts(params: dict[str, Any]) -> list[Part]:
    """The constraints a field has (a string field has no type to check)."""
    return [
        part
        for part in PARTS
        if params.get(part.statistic) is not None
        and not (part.statistic == "kind" and params["kind"] == "string")
    ]


def _passes(col: pl.Expr, ok: pl.Expr) -> pl.Expr:
    return (col.is_null() | ok).fill_null(value=False)


@register
def field_constraints(data: PolarsData, **params: Any) -> pl.LazyFrame:
    """Type, pattern, lengths, enum, categories, range and (string fields) text hygiene at once.

    Inside `validate_frame` the result was computed already, with every other field of the
    table in one pass (`evaluate_fields`); otherwise the field is evaluated here on its own.
    """
    done = _EVALUATED.get()
    if done is not None and (passed := done.get(_key(data.key, params))) is not None:
        return passed.alias(data.key).to_frame().lazy()
    ok, flagged = _field_exprs(data.key, params)
    if flagged is None:
        return data.lazyframe.select(ok.alias(data.key))
    cells = data.lazyframe.select(
        pl.col(data.key), ok.alias("__ok"), flagged.alias("__suspect")
    ).collect()
    return _text_rules(cells[data.key], cells["__ok"], cells["__suspect"]).to_frame().lazy()


def _field_exprs(name: str, params: dict[str, Any]) -> tuple[pl.Expr, pl.Expr | None]:
    """Where a field's cells pass its constraints; for a string field also where a cell may
    break a text rule (`text.suspect`), gathered in the same pass: polars would evaluate every
    text rule on every row inside a `when`."""
    col = pl.col(name)
    checks = [_passes(col, part.ok(col, params)) for part in _parts(params)]
    ok = pl.all_horizontal(checks) if checks else pl.repeat(value=True, n=pl.len())
    return ok, suspect(col).fill_null(value=False) if params.get("text") else None


def _text_rules(values: pl.Series, ok: pl.Series, flagged: pl.Series) -> pl.Series:
    """`ok`, and false where a flagged cell breaks a text rule (the rules run on those only)."""
    passed = ok.alias(values.name)
    if not flagged.any():  # the common case: no cell for the text rules to look at
        return passed
    rows = pl.int_range(pl.len(), dtype=pl.UInt32)
    cells = values.to_frame().select(rows.alias("row"), pl.col(values.name)).filter(flagged)
    bad = broken(cells, values.name)["row"]
    if not bad.len():
        return passed
    return passed.to_frame().select(pl.col(values.name) & rows.is_in(bad.implode()).not_())[
        values.name
    ]


# field -> its `field_constraints` result, while `validate_frame` has Pandera validate a table
_EVALUATED: ContextVar[dict[str, pl.Series] | None] = ContextVar("evaluated", default=None)


def _key(name: str, params: dict[str, Any]) -> str:
    return json.dumps([name, params], sort_keys=True, default=str)


def evaluate_fields(raw: pl.DataFrame, schema: pa.DataFrameSchema) -> dict[str, pl.Series]:
    """The `field_constraints` checks of every column of `schema`, evaluated in one `select`.

    Pandera runs a check per column, each its own query, one after the other; one query of all
    the fields' expressions lets polars evaluate the columns side by side (on every core) and
    spares a query per column. Keyed by field and statistics, for `field_constraints` to take.
    """
    fields: list[tuple[str, str, bool]] = []
    exprs: list[pl.Expr] = []
    for name, column in schema.columns.items():
        for check in column.checks:
            if check.name != CHECK_NAME or name not in raw.columns:
                continue
            ok, flagged = _field_exprs(name, check.statistics)
            exprs.append(ok.alias(f"ok{len(fields)}"))
            if flagged is not None:
                exprs.append(flagged.alias(f"suspect{len(fields)}"))
            fields.append((name, _key(name, check.statistics), flagged is not None))
    if not exprs:
        return {}
    cells = raw.select(exprs)
    evaluated: dict[str, pl.Series] = {}
    for i, (name, key, text) in enumerate(fields):
        passed = cells[f"ok{i}"]
        if passed.len() != raw.height:  # a field with no constraint: a single `True`
            passed = pl.repeat(value=True, n=raw.height, eager=True)
        evaluated[key] = _text_rules(raw[name], passed, cells[f"suspect{i}"]) if text else passed
    return evaluated


PRIMARY_KEY_CHECK = "primary_key_unique"


@register
def primary_key_unique(data: PolarsData, *, keys: list[str]) -> pl.LazyFrame:
    """False on each row that repeats an earlier row's primary key (the first copy passes).

    Frictionless blames the repeats only, and so does this check. The keys are hashed first (a
    u64 a row: a group-by of millions of string keys would cost hundreds of MB); only a table
    with a repeated hash compares its keys themselves. Empty key fields compare equal here; they
    are reported anyway (`primary-key-null`, `required`).
    """
    hashes = data.lazyframe.select(pl.struct(keys).hash().alias("__hash")).collect()
    if not hashes["__hash"].is_duplicated().any():
        return data.lazyframe.select(pl.repeat(value=True, n=pl.len()).alias("__unique"))
    return data.lazyframe.select(pl.struct(keys).is_first_distinct().alias("__unique"))


# --- schema generation --------------------------------------------------------------------


def categories(schema: TableSchema, name: str) -> list[Any] | None:
    """A field's Table Schema v2 `categories` (plain values or {value, label}), if any."""
    fields: list[dict[str, Any]] = schema.descriptor.get("fields", [])
    descriptor = next((d for d in fields if d.get("name") == name), {})
    categories = descriptor.get("categories")
    if not isinstance(categories, list) or not categories:
        return None
    return [c["value"] if isinstance(c, dict) else c for c in categories]


def field_params(f: Field, schema: TableSchema) -> dict[str, Any]:
    """The statistics of a field's `field_constraints` check: its type and constraints."""
    c = f.constraints
    return {
        "kind": f.type,
        "true_values": list(f.true_values),
        "false_values": list(f.false_values),
        # a pattern the linear-time engine refuses is reported (`pattern-unsupported`), not run
        "pattern": f.pattern if f.pattern and not t.pattern_error(str(f.pattern)) else None,
        "min_length": c.get("minLength"),
        "max_length": c.get("maxLength"),
        "enum": f.enum,
        "categories": categories(schema, f.name),
        "minimum": c.get("minimum"),
        "maximum": c.get("maximum"),
        "text": f.type == "string",
    }


def to_pandera(schema: TableSchema, name: str = "") -> pa.DataFrameSchema:
    """The Pandera schema of a Table Schema, for a frame of all-string columns."""
    columns = {
        f.name: pa.Column(
            pl.String,
            checks=[Check.field_constraints(**field_params(f, schema))],
            # primary-key fields may not be empty either: frictionless lets that through
            nullable=not (f.required or f.name in schema.primary_key),
            unique=f.unique,
            description=f.description or None,
        )
        for f in schema.fields
    }
    key = list(schema.primary_key)
    return pa.DataFrameSchema(
        columns,
        checks=[Check.primary_key_unique(keys=key)] if key else None,
        strict=True,
        name=name or None,
    )


def validate_frame(raw: pl.DataFrame, schema: TableSchema, resource: str) -> list[Problem]:
    """Every failure of an all-strings table against its schema, as problems (lazy: all at once)."""
    refused = t.pattern_problems(resource, schema)
    generated = to_pandera(schema, resource)
    token = _EVALUATED.set(evaluate_fields(raw, generated))
    try:
        generated.validate(raw, lazy=True)
    except SchemaErrors as exc:
        return refused + failures_to_problems(exc.failure_cases, schema, resource)
    finally:
        _EVALUATED.reset(token)
    return refused


def failures_to_problems(
    failures: pl.DataFrame, schema: TableSchema, resource: str
) -> list[Problem]:
    """Map Pandera failure cases to problems (row = index + 1; repeats after the first only)."""
    problems: list[Problem] = []
    failures = failures.with_columns(pl.col("check").str.extract(r"^([a-z_]+)").alias("name"))
    for (name, column), group in failures.group_by(["name", "column"], maintain_order=True):
        rows = group.sort("index")
        if name == CHECK_NAME and column in schema.names:
            problems += _field_problems(rows, schema.field(column), schema, resource)
            continue
        if name == PRIMARY_KEY_CHECK:  # the failure case is the whole row as JSON
            rows = rows.with_columns(
                pl.Series(
                    "failure_case",
                    [
                        json.dumps([json.loads(case).get(k) for k in schema.primary_key])
                        for case in rows["failure_case"]
                    ],
                    dtype=pl.String,
                )
            )
        elif name in {"field_uniqueness", "multiple_fields_uniqueness"}:
            rows = _repeats(rows, schema.primary_key if name.startswith("multiple") else ())
        cases, more = first(rows)
        listed = [
            _problem(
                "multiple_fields_uniqueness" if name == PRIMARY_KEY_CHECK else name,
                column=column,
                value=case["failure_case"],
                row=None if case["index"] is None else case["index"] + 1,
                schema=schema,
                resource=resource,
            )
            for case in cases.iter_rows(named=True)
        ]
        problems += listed
        if listed:
            problems += RULES[listed[-1].rule].left_out(resource, more)
    return problems


def _field_problems(
    rows: pl.DataFrame, f: Field, schema: TableSchema, resource: str
) -> list[Problem]:
    """Sort the cells that failed `field_constraints` into the rules they break."""
    params = field_params(f, schema)
    col = pl.col("failure_case")
    parts = _parts(params)
    flagged = rows.select(
        "index",
        "failure_case",
        *(_passes(col, part.ok(col, params)).not_().alias(part.statistic) for part in parts),
    )
    limits = {
        "min_length": params["min_length"],
        "max_length": params["max_length"],
        "minimum": params["minimum"],
        "maximum": params["maximum"],
    }
    problems = []
    for part in parts:  # the first `LIMIT` cells of each rule are listed, the rest counted
        cases, more = first(flagged.filter(pl.col(part.statistic)))
        problems += [
            part.rule.problem(
                resource,
                case["index"] + 1,
                f.name,
                value=excerpt(case["failure_case"]),
                type=f.type,
                allowed=excerpt(f.enum or params["categories"], 200),
                pattern=excerpt(f.pattern, 200),
                limit=limits.get(part.statistic),
            )
            for case in cases.iter_rows(named=True)
        ]
        problems += part.rule.left_out(resource, more)
    if params["text"]:
        problems += _text_problems(rows, resource)
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
    """The text rules that the failing cells of one string field break."""
    cells = failures.select("index", "column", pl.col("failure_case").alias("value"))
    broken = cells.with_columns([r.bad(pl.col("value")).alias(r.rule.id) for r in TEXT_RULES])
    problems = []
    for text_rule in TEXT_RULES:  # the first `LIMIT` cells of each rule, the rest counted
        flagged, more = first(broken.filter(pl.col(text_rule.rule.id).fill_null(value=False)))
        for cell in flagged.iter_rows(named=True):
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
        problems += text_rule.rule.left_out(resource, more)
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
    """A failure of one of Pandera's own checks (nullable, unique) as a problem."""
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
    return t.PANDERA.problem(resource, row, column, check=name, value=excerpt(value))
