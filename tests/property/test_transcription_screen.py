"""The polars screen never misses what the reference checks would report (issue 8's fast path)."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bloemdata.core.anchor import format_anchor, parse
from bloemdata.core.errors import AnchorError
from bloemdata.core.package import Package
from bloemdata.validation.transcription import screen
from bloemdata.validation.transcription.check import check_package, check_package_reference

from .strategies import GeneratedPackage, packages, real_package, written

# Slow: many generated packages each (`pytest -m 'not slow'` leaves them out).
pytestmark = pytest.mark.slow


@st.composite
def perturbed(draw: st.DrawFn, base: st.SearchStrategy[GeneratedPackage]) -> GeneratedPackage:
    """A package with one to three statements' anchors, texts or columns nudged."""
    generated = copy.deepcopy(draw(base))
    rows = generated.tables["statements"]
    for _ in range(draw(st.integers(1, 3))):
        row = draw(st.sampled_from(rows))
        how = draw(st.sampled_from(["offset", "join", "line", "drop", "text", "column", "raw"]))
        try:
            fragments = parse(row["anchor"])
        except AnchorError:
            continue
        i = draw(st.integers(0, len(fragments) - 1))
        f = fragments[i]
        if how == "offset":
            delta = draw(st.integers(-3, 3))
            f = type(f)(
                f.line, max(0, f.start + draw(st.integers(-2, 2))), max(0, f.end + delta), f.join
            )
        elif how == "join" and f.join:
            f = type(f)(f.line, f.start, f.end, ";" if f.join == "~" else "~")
        elif how == "line":
            f = type(f)(max(0, f.line + draw(st.integers(-2, 2))), f.start, f.end, f.join)
        elif how == "drop" and len(fragments) > 1:
            fragments = fragments[:-1]
            fragments[-1] = type(f)(fragments[-1].line, fragments[-1].start, fragments[-1].end)
            f = fragments[min(i, len(fragments) - 1)]
        elif how == "text":
            text = row["text"]
            k = draw(st.integers(0, len(text) - 1))
            row["text"] = (
                text[:k] + draw(st.sampled_from(["", "x", " ", "-", "- "])) + text[k + 1 :]
            )
        elif how == "column":
            row["column"] = draw(st.sampled_from(["left", "right", "unknown"]))
        elif how == "raw":
            name = draw(st.sampled_from(sorted(generated.pages)))
            raw = generated.pages[name]
            k = draw(st.integers(0, len(raw) - 1))
            generated.pages[name] = raw[:k] + draw(st.sampled_from(["", "w", " ", "\n"])) + raw[k:]
        if how in {"offset", "join", "line"}:
            fragments[i] = f
        row["anchor"] = format_anchor(fragments)
    return generated


def _assert_screen_finds_what_the_reference_finds(generated: GeneratedPackage) -> None:
    """The screen's findings are the reference's, whatever the batch size (pages are screened
    in batches to bound memory: a batch of one page must not change a finding)."""
    with written(generated, "bloemdata-screen-") as root:
        package = Package.load(root)
        screened = check_package(package)
        assert screened == check_package_reference(package)
        saved = screen.BATCH
        screen.BATCH = 1
        try:
            assert check_package(package) == screened
        finally:
            screen.BATCH = saved


@given(perturbed(packages()))
def test_screen_finds_what_the_reference_finds(generated):
    _assert_screen_finds_what_the_reference_finds(generated)


@given(perturbed(st.just(real_package())))
def test_screen_finds_what_the_reference_finds_on_the_real_page(generated):
    _assert_screen_finds_what_the_reference_finds(generated)
