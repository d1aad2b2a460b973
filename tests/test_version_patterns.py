"""versions.patterns: a pattern change is called wider only when it provably is."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bloemdata.versions.patterns import widens

WIDER = [
    ("(nominal|kappa)", "(nominal|masi|kappa)"),
    ("^[a-z]+$", "^[a-z0-9]+$"),
    ("^r[0-9]+/(a|b)$", "^r[0-9]+/(a|b|c)$"),
    ("x", "x"),
    ("[ab]c", "[a-c]c"),
]
NOT_PROVED = [
    ("(nominal|masi|kappa)", "(nominal|kappa)"),  # an alternative removed: narrower
    ("^[a-z0-9]+$", "^[a-z]+$"),
    ("a+", "a{2,}"),
    ("[^a]", "[^ab]"),
    ("a", "b"),
    ("(", "a"),  # not a pattern at all
]


@pytest.mark.parametrize(("old", "new"), WIDER)
def test_added_alternatives_widen(old, new):
    assert widens(old, new)


@pytest.mark.parametrize(("old", "new"), NOT_PROVED)
def test_anything_else_is_not_proved_wider(old, new):
    assert not widens(old, new)


PATTERNS = st.sampled_from(
    [old for old, _ in WIDER + NOT_PROVED if old != "("]
    + [new for _, new in WIDER + NOT_PROVED]
    + ["^[a-z]+-[0-9]+$", "(ab|cd)+", "[0-9]{2,4}"]
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), old=PATTERNS, new=PATTERNS)
def test_a_proved_widening_accepts_every_string_the_old_pattern_does(data, old, new):
    if not widens(old, new):
        return
    text = data.draw(st.from_regex(old, fullmatch=True))
    assert re.fullmatch(new, text), (old, new, text)
