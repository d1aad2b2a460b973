"""Text hygiene rules: each planted in a copy of the real package, and what must stay allowed."""

from __future__ import annotations

import unicodedata

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bloemdata.validation.checks.text import (
    TEXT_RULES,
    broken,
    broken_at_once,
    broken_by_filters,
    suspect,
)
from bloemdata.validation.validate import validate

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


# Characters a `SUSPECT`-free cell may hold, and the ones that make a cell suspect.
_SAFE_CHARS = [
    chr(c)
    for c in [*range(0x20, 0x7F), *range(0xA1, 0x300), 0x2013, 0x2014, 0x2026]
    if chr(c) not in '()[]{}"\xad'
]
_TRICKY = [" ", "-", "=", "+", "@", "(", ")", "’", "‘", "“", '"', "\u0301", "\xa0", "\t", "\xad"]


_NFC_STABLE = [
    chr(c) for c in [*range(0x300), *range(0x2010, 0x2028), *range(0x2030, 0x205F), 0x20AC]
]


def test_nfc_stable_characters_stay_in_any_pair():
    """No combining class, and no pair composes or reorders: a cell of only these is NFC."""
    assert all(unicodedata.combining(c) == 0 for c in _NFC_STABLE)
    for a in _NFC_STABLE:
        for b in _NFC_STABLE:
            assert unicodedata.is_normalized("NFC", a + b), (a, b)


_ALPHABET = [*_SAFE_CHARS[::7], *_TRICKY, "\u212b", "A", "\u030a", "\n", "\x00", "\u2028"]


@given(st.lists(st.text(st.sampled_from(_ALPHABET), max_size=12), max_size=30))
def test_a_rule_breaks_only_where_its_maybe_matches(values):
    frame = pl.DataFrame({"v": values}, schema={"v": pl.String})
    for text_rule in TEXT_RULES:
        if text_rule.maybe is None:
            continue
        rest = frame.filter(pl.col("v").str.contains(text_rule.maybe).not_())
        bad = rest.select(text_rule.bad(pl.col("v")).fill_null(value=False).alias("v"))
        assert not bad["v"].any(), (text_rule.rule.id, rest.filter(bad["v"]))


@given(st.lists(st.text(st.sampled_from(_ALPHABET), max_size=12), max_size=40))
def test_broken_in_one_query_finds_what_the_filters_find(values):
    cells = pl.DataFrame(
        {"row": range(len(values)), "v": values}, schema={"row": pl.UInt32, "v": pl.String}
    )
    at_once = broken_at_once(cells, pl.col("v"))
    assert at_once.equals(broken_by_filters(cells, pl.col("v")))


def test_broken_names_each_rule_a_cell_breaks():
    cells = pl.DataFrame({"row": [0, 1, 2], "v": ["fine.", "(a  b", "e\u0301"]})
    rows = broken(cells, "v")["row"].to_list()
    assert sorted(rows) == [1, 1, 2]


@given(st.lists(st.text(st.sampled_from(_SAFE_CHARS + _TRICKY), max_size=12), max_size=30))
def test_a_cell_not_suspect_breaks_no_text_rule(values):
    frame = pl.DataFrame({"v": values}, schema={"v": pl.String})
    clear = frame.filter(suspect(pl.col("v")).not_())
    for text_rule in TEXT_RULES:
        bad = clear.select(text_rule.bad(pl.col("v")).fill_null(value=False).alias("v"))
        assert not bad["v"].any(), clear.filter(bad["v"])


def test_suspect_flags_each_planted_problem():
    cells = ["a  b", "signa- leren", "wacht -lijsten", " a", "a ", "=1", "(a", "‘a", "e\u0301"]
    assert pl.Series(cells).to_frame("v").select(suspect(pl.col("v")))["v"].all()
