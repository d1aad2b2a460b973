"""Coding rules, each planted once in a copy of the real package."""

from __future__ import annotations

from bloemdata.validation.report import Severity
from bloemdata.validation.validate import validate


def _where(report, rule_id):
    return [(p.resource, p.row, p.field) for p in report.problems if p.rule == rule_id]


def _group_rows(plant, statement_id):
    return [
        i for i, r in enumerate(plant.rows("codings"), start=1) if r["statement_id"] == statement_id
    ]


def _dimension(plant):
    return {r["code_id"]: r["dimension"] for r in plant.rows("codes")}


def test_two_valences_blame_the_second(plant):
    rows = plant.rows("codings")
    dim = _dimension(plant)
    first = next(r for r in rows if dim[r["code_id"]] == "valence")
    other = next(
        c for c, d in dim.items() if d == "valence" and c not in {first["code_id"], "valence"}
    )
    rows.append({**first, "code_id": other})
    plant.write("codings", rows)
    report = validate(plant.root, frictionless=False)
    assert _where(report, "coding-one-valence") == [("codings", len(rows), "code_id")]


def test_missing_valence_and_topic(plant):
    rows = plant.rows("codings")
    dim = _dimension(plant)
    statement = rows[0]["statement_id"]
    kept = [
        r
        for r in rows
        if r["statement_id"] != statement or dim[r["code_id"]] not in {"valence", "topic"}
    ]
    plant.write("codings", kept)
    first = next(i for i, r in enumerate(kept, start=1) if r["statement_id"] == statement)
    report = validate(plant.root, frictionless=False)
    assert ("codings", first, "code_id") in _where(report, "coding-one-valence")
    assert _where(report, "coding-topic") == [("codings", first, "code_id")]


def test_root_code_is_not_codable(plant):
    row = plant.row_of("codings", "code_id", "topic-signalling")
    plant.cell("codings", row, "code_id", "topic")
    report = validate(plant.root, frictionless=False)
    assert ("codings", row, "code_id") in _where(report, "code-not-codable")


def test_unknown_code_is_a_foreign_key_problem(plant):
    plant.cell("codings", 3, "code_id", "topic-nonexistent")
    report = validate(plant.root, frictionless=False)
    assert _where(report, "foreign-key") == [("codings", 3, "code_id")]


def test_code_in_another_dimension(plant):
    row = plant.row_of("codes", "code_id", "topic-signalling")
    plant.cell("codes", row, "parent_id", "actor")
    report = validate(plant.root, frictionless=False)
    assert _where(report, "code-dimension") == [("codes", row, "dimension")]


def test_root_must_be_its_dimension(plant):
    row = plant.row_of("codes", "code_id", "topic-signalling")
    plant.cell("codes", row, "parent_id", "")
    report = validate(plant.root, frictionless=False)
    assert ("codes", row, "parent_id") in _where(report, "code-dimension")


def test_cycle_in_code_tree(plant):
    root = plant.row_of("codes", "code_id", "topic")
    plant.cell("codes", root, "parent_id", "topic-signalling")
    report = validate(plant.root, frictionless=False)
    assert ("codes", root, "parent_id") in _where(report, "code-cycle")


def test_unused_code_is_a_warning(plant):
    rows = [r for r in plant.rows("codings") if r["code_id"] != "actor-ngos"]
    plant.write("codings", rows)
    row = plant.row_of("codes", "code_id", "actor-ngos")
    plant.cell("codes", row, "example_statement_id", "")
    report = validate(plant.root, frictionless=False)
    (problem,) = [p for p in report.problems if p.rule == "code-unused"]
    assert (problem.resource, problem.row, problem.field) == ("codes", row, "code_id")
    assert problem.severity is Severity.WARNING
    assert [p.rule for p in report.errors] == ["descriptor-stale", "descriptor-stale"]


def test_example_not_coded_with_its_code(plant):
    row = plant.row_of("codes", "code_id", "actor-ngos")
    coded = {r["statement_id"] for r in plant.rows("codings") if r["code_id"] == "actor-ngos"}
    other = next(
        r["statement_id"] for r in plant.rows("statements") if r["statement_id"] not in coded
    )
    plant.cell("codes", row, "example_statement_id", other)
    report = validate(plant.root, frictionless=False)
    assert _where(report, "code-example") == [("codes", row, "example_statement_id")]


def test_uncoded_statement(plant):
    statement = plant.rows("statements")[4]["statement_id"]
    rows = [r for r in plant.rows("codings") if r["statement_id"] != statement]
    plant.write("codings", rows)
    report = validate(plant.root, frictionless=False)
    assert ("statements", 5, "statement_id") in _where(report, "statement-uncoded")
