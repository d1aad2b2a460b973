"""Offset readings and where a selection lies (issue 13)."""

from __future__ import annotations

from bloemdata.coding.positions import (
    CODE_POINTS,
    CODE_POINTS_LF,
    UTF16,
    SourceText,
    Spans,
    at_word_edges,
    find_statements,
)


def test_utf16_offsets_count_astral_characters_twice_and_crlf_as_two():
    raw = "\U0001d518 ab\r\ncd"
    text = SourceText.of(raw)
    assert text.text == "\U0001d518 ab\ncd"
    start16 = len("\U0001d518 ab\r\n".encode("utf-16-le")) // 2  # NVivo's count
    a, b = text.span(UTF16, start16, start16 + 2)
    assert text.text[a:b] == "cd"
    a, b = text.span(CODE_POINTS, len("\U0001d518 ab\r\n"), len(raw))
    assert text.text[a:b] == "cd"
    a, b = text.span(CODE_POINTS_LF, len("\U0001d518 ab\n"), len(text.text))
    assert text.text[a:b] == "cd"


def test_an_offset_inside_a_surrogate_pair_or_past_the_end_does_not_fit():
    text = SourceText.of("\U0001d518x")
    assert text.span(UTF16, 1, 3) is None
    assert text.span(UTF16, 0, 4) is None
    assert text.span(CODE_POINTS, 0, 3) is None
    assert text.span(CODE_POINTS, 2, 1) is None


def test_a_selection_belongs_only_to_the_statement_it_lies_inside():
    text = "S1\nAlpha beta.\n\nS2\nGamma delta.\n"
    spans = Spans.of(find_statements(text, {"S1": "Alpha beta.", "S2": "Gamma delta."}))
    assert spans.locate(text, 3, 14) == ("S1", "")
    assert spans.locate(text, 2, 15) == ("S1", "")  # line ends around it are trimmed
    assert spans.locate(text, 9, 14) == ("S1", "")  # a phrase inside
    assert spans.locate(text, 0, 14)[1] == "reaches outside statement S1"
    assert spans.locate(text, 3, 30)[1] == "spans several statements (S1, S2)"
    assert spans.locate(text, 0, 2)[1] == "lies outside every statement"
    assert spans.exact(text, "S1", 3, 14)
    assert not spans.exact(text, "S1", 9, 14)


def test_a_text_found_twice_is_not_placed():
    assert find_statements("Same.\nSame.\n", {"S1": "Same."}) == {}


def test_word_edges():
    assert at_word_edges("ab cd", 3, 5)
    assert not at_word_edges("ab cd", 4, 5)
