"""The likelihood of greedy wrap with an unknown room per row."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from bloemdata.ingest.wrap import CUTTABLE, Room

rooms = st.builds(Room, st.integers(20, 90), st.integers(1, 10), st.sampled_from((0.0, 0.5, 0.9)))


@given(rooms, st.integers(1, 100), st.integers(1, 20))
def test_a_row_that_goes_on_is_no_likelier_than_one_that_ends(room, length, word):
    """Going on needs a room between the row and the row with the word; ending needs only the
    row: a subset of rooms, so never likelier."""
    assert room.full(length, word) <= room.last(length) <= 0.0


@given(rooms, st.integers(1, 100), st.integers(1, 20))
def test_a_longer_next_word_makes_a_break_likelier(room, length, word):
    assert room.full(length, word) <= room.full(length, word + 1)


def test_the_probabilities_are_shares_of_the_window():
    room = Room(60, 4)  # rooms 56..64, 9 of them
    assert math.isclose(room.last(60), math.log(5 / 9))
    assert math.isclose(room.full(58, 3), math.log(4 / 9))  # 58..61 is no room for the word
    # a row that would have held its next word in any room, or wider than any room
    assert room.full(40, 2) == room.last(70) < math.log(1 / 1000)


def test_a_hyphenating_typesetter_would_have_cut_a_long_word_that_left_room():
    plain, cutting = Room(60, 4), Room(60, 4, hyphenates=0.5)
    # a row of 50 and a word of 12: rooms 56..62 break there, all of them with room for a cut
    assert cutting.full(50, CUTTABLE + 4, cuttable=True) < plain.full(50, CUTTABLE + 4)
    assert cutting.full(50, CUTTABLE + 4) == plain.full(50, CUTTABLE + 4)
    # a full row leaves no room for a cut: no evidence either way
    assert cutting.full(60, 12, cuttable=True) == plain.full(60, 12)


def test_a_cut_word_did_not_fit_whole():
    room = Room(60, 4)  # rooms 56..64
    # `signa-` ends a row of 58, `leren` opens the next: `signaleren` needed room 62, so the
    # row's room was 58..61
    assert math.isclose(room.cut(58, len("leren")), math.log(4 / 9))
    assert room.cut(58, 3) < room.cut(58, 5) <= room.last(58)
