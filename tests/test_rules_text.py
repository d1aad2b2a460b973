"""Text hygiene rules: each planted in a copy of the real package, and what must stay allowed."""

from __future__ import annotations

import polars as pl
import pytest

from bloemdata.rules.text import TEXT_RULES
from bloemdata.validate import validate

BY_ID = {t.rule.id: t for t in TEXT_RULES}


def _hits(report, rule_id):
    return [p for p in report.problems if p.rule == rule_id]


PLANTED = [
    # (rule, table, field, value builder from the old value)
    ("text-nfc", "statements", "text", lambda v: v.replace("e", "e\u0301", 1)),
    ("text-control-character", "statements", "text", lambda v: v.replace(" ", "\u00ad", 1)),
    ("text-line-break", "statements", "text_en", lambda v: v.replace(" ", "\n", 1)),
    ("text-outer-space", "codes", "label_en", lambda v: v + " "),
    ("text-double-space", "statements", "text", lambda v: v.replace(" ", "  ", 1)),
    ("text-hyphenation", "statements", "text", lambda v: v[:-1] + " signa- leren."),
    ("text-hyphenation", "statements", "text", lambda v: v[:-1] + " wacht -lijsten."),
    ("text-brackets", "statements", "text", lambda v: v.replace(".", " (zie boven.", 1)),
    ("text-quotes", "statements", "text", lambda v: "‘" + v),
    ("text-formula", "statements", "text_en", lambda v: "=" + v),
    ("text-formula", "sections", "title_en", lambda v: "@" + v),
]


@pytest.mark.parametrize(("rule", "table", "field", "change"), PLANTED)
def test_planted_text_problem_is_named(plant, rule, table, field, change):
    row = len(plant.rows(table))  # the last row, so row numbers are not all 1
    old = plant.rows(table)[row - 1][field]
    plant.cell(table, row, field, change(old))
    report = validate(plant.root, frictionless=False)
    hits = [(p.resource, p.row, p.field) for p in _hits(report, rule)]
    assert (table, row, field) in hits
    assert not report.valid


def test_a_text_problem_says_where(plant):
    old = plant.cell("statements", 1, "text", "Ondanks de  grotere aandacht.")
    assert old
    report = validate(plant.root, frictionless=False)
    (problem,) = _hits(report, "text-double-space")
    assert "character 10" in problem.message


def _bad(rule_id: str, values: list[str]) -> list[bool]:
    frame = pl.DataFrame({"v": values})
    return frame.select(BY_ID[rule_id].bad(pl.col("v")).alias("v"))["v"].to_list()


def test_real_hyphens_dashes_and_elision_are_allowed():
    fine = [
        "Noord-Holland",
        "Steeds meer – alle – gemeenten aandacht.",
        "bloemlezing - programma samen tegen mensenhandel",
        "Noord- en Zuid-Holland",
        "land- of tuinbouw",
        "e-mail",
    ]
    assert _bad("text-hyphenation", fine) == [False] * len(fine)
    assert _bad("text-hyphenation", ["signa- leren", "wacht -lijsten"]) == [True, True]


def test_apostrophes_are_not_quotes():
    fine = [
        "Ngo’s vragen minder sterk door.",
        "Meer programma’s ontwikkeld.",
        "Zoals ‘Buit’ en de film ‘Zicht’.",
        "’t Is al heel wat.",
        "on municipalities’ radar",
    ]
    assert _bad("text-quotes", fine) == [False] * len(fine)
    assert _bad("text-quotes", ["Zoals ‘Buit en de film.", "“open", 'a "b']) == [True] * 3


def test_brackets_balanced_and_in_order():
    assert _bad("text-brackets", ["(drugs)criminaliteit", "a [b] {c}"]) == [False, False]
    assert _bad("text-brackets", ["a) b (c", "(a", "a]"]) == [True, True, True]


def test_missing_values_pass_text_rules():
    for text_rule in TEXT_RULES:
        frame = pl.DataFrame({"v": [None]}, schema={"v": pl.String})
        result = frame.select(text_rule.bad(pl.col("v")).alias("v"))["v"].to_list()
        assert result in ([None], [False])
