"""The Pandera schemas are generated from the Table Schemas, and each constraint is reported."""

from __future__ import annotations

import json

import pandera.polars as pa
import polars as pl
import pytest
from pandera.api.checks import Check

from bloemdata.core.cast import typed_frame
from bloemdata.core.schema import schema_from_descriptor
from bloemdata.validation.pandera_schema import (
    CHECK_NAME,
    PARTS,
    PRIMARY_KEY_CHECK,
    to_pandera,
    validate_frame,
)
from bloemdata.validation.registry import RULES
from bloemdata.validation.validate import validate


def test_one_column_per_field_with_the_schema_constraints(package):
    for name, schema in package.schemas.items():
        generated = to_pandera(schema, name)
        assert list(generated.columns) == schema.names
        for f in schema.fields:
            column = generated.columns[f.name]
            assert column.nullable == (not f.required and f.name not in schema.primary_key)
            assert column.unique == f.unique
            assert column.description == (f.description or None)
        checks = [(c.name, c.statistics) for c in generated.checks]
        key = list(schema.primary_key)
        assert checks == ([(PRIMARY_KEY_CHECK, {"keys": key})] if key else [])


def test_one_registered_check_per_field(package):
    assert CHECK_NAME in Check.REGISTERED_CUSTOM_CHECKS
    assert all(part.rule.id in RULES for part in PARTS)
    for name, schema in package.schemas.items():
        for column in to_pandera(schema, name).columns.values():
            assert [c.name for c in column.checks] == [CHECK_NAME]


def test_values_are_cast_by_the_schema_never_guessed(package):
    schema = package.schemas["sections"]
    raw = pl.DataFrame(
        {f.name: ["1.10"] if f.name == "section_id" else ["10"] for f in schema.fields}
    )
    typed = typed_frame(raw, schema)
    assert typed["section_id"].to_list() == ["1.10"]
    assert typed["page"].dtype == pl.Int64


def test_real_tables_pass(package):
    for name, schema in package.schemas.items():
        raw = pl.read_csv(package.path_of(name), infer_schema=False)
        assert validate_frame(raw, schema, name) == []


def _where(report, rule_id):
    return [(p.resource, p.row, p.field) for p in report.problems if p.rule == rule_id]


CONSTRAINTS = [
    # rule, table, row, field, planted value
    ("type-error", "statements", 4, "page", "1x"),
    ("type-error", "codes", 2, "codable", "yes"),
    ("required", "statements", 3, "text_en", ""),
    ("enum", "statements", 2, "column", "middle"),
    ("pattern", "codings", 5, "coder_id", "Maintainer 1"),
    ("max-length", "codes", 6, "label_en", "x" * 81),
    ("minimum", "statements", 7, "position", "0"),
    ("maximum", "codings", 8, "round", "100"),
]


@pytest.mark.parametrize("case", CONSTRAINTS, ids=[f"{c[0]}-{c[3]}" for c in CONSTRAINTS])
def test_planted_constraint_violation(plant, case):
    rule, table, row, field, value = case
    plant.cell(table, row, field, value)
    report = validate(plant.root, frictionless=False)
    assert (table, row, field) in _where(report, rule)


def _edit_field(root, table, field, **constraints):
    path = root / "schemas" / f"{table}.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    for f in schema["fields"]:
        if f["name"] == field:
            f["constraints"].update(constraints)
            f["constraints"] = {k: v for k, v in f["constraints"].items() if v is not None}
    path.write_text(json.dumps(schema), encoding="utf-8")


def test_min_length(plant):
    _edit_field(plant.root, "coders", "description", minLength=10)
    plant.cell("coders", 1, "description", "short")
    report = validate(plant.root, frictionless=False)
    assert _where(report, "min-length") == [("coders", 1, "description")]


def test_unique_blames_the_repeat(plant):
    first = plant.rows("coders")[0]
    plant.write("coders", [first, {**first, "role": "reviewer"}])
    report = validate(plant.root, frictionless=False)
    assert _where(report, "unique") == [("coders", 2, "coder_id")]
    assert _where(report, "primary-key") == [("coders", 2, "coder_id")]


def test_composite_primary_key_repeat_and_null(plant):
    rows = plant.rows("codings")
    rows.append(dict(rows[0]))
    rows.append({**rows[1], "round": ""})
    plant.write("codings", rows)
    report = validate(plant.root, frictionless=False)
    assert ("codings", len(rows) - 1, "statement_id,code_id,coder_id,round") in _where(
        report, "primary-key"
    )
    # round is required anyway; a null in a key field that is not required is primary-key-null
    assert ("codings", len(rows), "round") in _where(report, "required")


def test_null_in_composite_key_frictionless_lets_through(plant):
    _edit_field(plant.root, "pages", "page", required=None)
    plant.cell("pages", 1, "page", "")
    report = validate(plant.root, frictionless=False)
    assert _where(report, "primary-key-null") == [("pages", 1, "page")]


def test_categories_are_enforced(package):
    descriptor = {
        "fields": [
            {
                "name": "role",
                "type": "string",
                "description": "d",
                "categories": [{"value": "maintainer", "label": "M"}, "reviewer"],
            }
        ],
        "primaryKey": [],
    }
    schema = schema_from_descriptor(descriptor)
    raw = pl.DataFrame({"role": ["maintainer", "reviewer", "owner", None]})
    problems = validate_frame(raw, schema, "coders")
    assert [(p.rule, p.row, p.field) for p in problems] == [("categories", 3, "role")]


def test_lazy_collects_every_failure(package):
    schema = package.schemas["coders"]
    raw = pl.DataFrame(
        {
            "coder_id": ["A", "b-1", "b-1"],
            "role": ["x", "maintainer", "y"],
            "description": ["d"] * 3,
        }
    )
    rules = sorted((p.rule, p.row) for p in validate_frame(raw, schema, "coders"))
    assert rules == sorted(
        [("pattern", 1), ("enum", 1), ("unique", 3), ("primary-key", 3), ("enum", 3)]
    )


def test_generated_schema_is_a_pandera_schema(package):
    assert isinstance(to_pandera(package.schemas["codings"]), pa.DataFrameSchema)


def test_a_cell_breaking_several_constraints_is_named_for_each(package):
    schema = package.schemas["codes"]
    raw = pl.read_csv(package.path_of("codes"), infer_schema=False)
    raw = raw.with_columns(
        pl.when(pl.int_range(pl.len()) == 1)
        .then(pl.lit("Bad  label" + "x" * 80))
        .otherwise(pl.col("label_en"))
        .alias("label_en")
    )
    found = sorted((p.rule, p.row, p.field) for p in validate_frame(raw, schema, "codes"))
    assert ("max-length", 2, "label_en") in found
    assert ("text-double-space", 2, "label_en") in found
