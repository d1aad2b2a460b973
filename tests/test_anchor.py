from __future__ import annotations

import pytest

from bloemdata.core.anchor import Fragment, format_anchor, parse, resolve, split_lines
from bloemdata.core.errors import AnchorError

LINES = [
    "Steeds meer partijen om te signa-",
    "leren (bijv. scholen).",
    "door wacht -",
    "lijsten etc.",
]


def test_parse_and_format_round_trip():
    anchor = "1:0-33~2:0-22;3:0-12"
    fragments = parse(anchor)
    assert fragments == [Fragment(1, 0, 33, "~"), Fragment(2, 0, 22, ";"), Fragment(3, 0, 12)]
    assert format_anchor(fragments) == anchor


@pytest.mark.parametrize("bad", ["", "1:0", "1:0-5;", "a:0-1", "1:5-5", "0:0-3", "1:0-3 2:0-1"])
def test_parse_rejects_malformed(bad):
    with pytest.raises(AnchorError):
        parse(bad)


def test_resolve_repairs_hyphenation_with_and_without_space():
    assert (
        resolve(LINES, "1:0-33~2:0-22") == "Steeds meer partijen om te signaleren (bijv. scholen)."
    )
    assert resolve(LINES, "3:0-12~4:0-12") == "door wachtlijsten etc."


def test_resolve_space_join_keeps_a_real_hyphen():
    assert resolve(LINES, "1:0-33;2:0-5") == "Steeds meer partijen om te signa- leren"


def test_resolve_refuses_hyphen_join_without_hyphen():
    with pytest.raises(AnchorError, match="hyphen"):
        resolve(LINES, "2:0-22~3:0-4")


@pytest.mark.parametrize("anchor", ["9:0-3", "1:0-99"])
def test_resolve_refuses_fragments_outside_the_page(anchor):
    with pytest.raises(AnchorError, match="past"):
        resolve(LINES, anchor)


def test_split_lines_ignores_final_newline_only():
    assert split_lines("a\nb\n") == ["a", "b"]
    assert split_lines("a\n\nb") == ["a", "", "b"]
