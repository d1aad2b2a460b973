"""Text hygiene of every string cell: what Table Schema cannot say about a verbatim transcription.

Each rule is a vectorised polars expression that is true where a cell breaks it, so it runs over a
million cells at once. `validation.pandera_schema` runs them together as one registered Pandera
check on every string field and sorts the failing cells into these rules; `locate` runs in
Python only on those few cells, to say where in the cell.

The source prints typographic quotes (‘ ’), and ’ doubles as an apostrophe (`Ngo’s`,
`programma’s`, `’t`), so quote balance is counted after removing apostrophes. Real hyphens
(`Noord-Holland`), dashes (` – `, ` - `) and Dutch elision (`Noord- en Zuid-Holland`) stay allowed;
only a hyphen with a space on one side between two words is a leftover line-wrap (`signa- leren`,
`wacht -lijsten`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from bloemdata.validation.registry import Rule, register

GROUP = "text"

# Rust-regex (polars) patterns; `--` is class difference.
_LINE_BREAK = r"[\n\r\x0B\x0C\x{85}\x{2028}\x{2029}]"
_CONTROL = r"[\p{Cc}\p{Cf}--[\n\r\x0B\x0C\x{85}]]"
_ELISION = r"\p{L}- (?:en|of|tot|noch|dan|als|and|or|to|nor)(?:[^\p{L}]|$)"
_HYPHENATION = r"\p{L}- \p{Ll}|\p{L} -\p{Ll}"
_APOSTROPHE = r"\p{L}’\p{L}|(?:^|[\s(‘“])’[stn](?:[^\p{L}]|$)"
_POSSESSIVE = r"s’(?:[^\p{L}]|$)"
_FORMULA = r"^[=+\-@\t\r]"


# A cell of only these characters (printable ASCII but brackets and quotes; Latin-1 letters and
# signs but NBSP and the soft hyphen; Latin Extended, IPA, spacing modifiers; en and em dash,
# ellipsis) can break a text rule only by a doubled space, a space beside a hyphen, a space at
# either end or a formula start: `SUSPECT` finds the cells that need the rules at all, in one
# cheap pass (tests check that a cell it passes breaks no rule).
_SAFE = r" !#-'*-Z\\^-z|~\x{A1}-\x{AC}\x{AE}-\x{2FF}\x{2013}\x{2014}\x{2026}"
SUSPECT = rf"[^{_SAFE}]|  |- | -|^[=+\-@ ]| $"


# Characters that NFC leaves alone wherever they stand (no combining class, no decomposition, no
# composition with a neighbour; a test checks every pair): a cell of only these is in NFC.
_NFC_STABLE = r"\x00-\x{2FF}\x{2010}-\x{2027}\x{2030}-\x{205E}\x{20AC}"
NFC_MAYBE = rf"[^{_NFC_STABLE}]"


def suspect(col: pl.Expr) -> pl.Expr:
    """True where a cell may break a text rule; false only where it certainly breaks none."""
    return col.str.contains(SUSPECT)


def broken(cells: pl.DataFrame, column: str) -> pl.DataFrame:
    """The rows of `cells` whose `column` breaks a text rule (once per rule broken).

    Each rule's `bad` runs only on the cells its `maybe` lets through: NFC, bracket and quote
    counts are the costly rules and most cells hold nothing they look at. Eager on purpose: a
    lazy query would merge the two filters into one predicate and evaluate `bad` everywhere.
    """
    col = pl.col(column)
    return broken_at_once(cells, col) if cells.height <= FEW else broken_by_filters(cells, col)


FEW = 10_000  # cells that `broken` checks in one query: each rule's two filters cost more


def broken_by_filters(cells: pl.DataFrame, col: pl.Expr) -> pl.DataFrame:
    """`broken` rule by rule: `bad` only on the cells that `maybe` lets through."""
    parts = [
        (cells if r.maybe is None else cells.filter(col.str.contains(r.maybe))).filter(r.bad(col))
        for r in TEXT_RULES
    ]
    return pl.concat(parts)


def broken_at_once(cells: pl.DataFrame, col: pl.Expr) -> pl.DataFrame:
    """`broken` as one query: every rule on every cell (`maybe` and `bad`, as the filters), the
    same rows in the same order."""
    names = [f"__rule{i:03d}" for i in range(len(TEXT_RULES))]
    flags = [
        (r.bad(col) if r.maybe is None else col.str.contains(r.maybe) & r.bad(col))
        .fill_null(value=False)
        .alias(name)
        for name, r in zip(names, TEXT_RULES, strict=True)
    ]
    return (
        cells.lazy()
        .with_row_index("__cell")
        .with_columns(flags)
        .unpivot(on=names, index=["__cell", *cells.columns])
        .filter(pl.col("value"))
        .sort("variable", "__cell")  # rule by rule, cells in order: as the filters give them
        .select(cells.columns)
        .collect()
    )


@dataclass(frozen=True)
class TextRule:
    """A text rule: `bad(col)` is true where a cell breaks it; `locate` finds where, in Python."""

    rule: Rule
    bad: Callable[[pl.Expr], pl.Expr]
    locate: Callable[[str], int | None]
    # a regex that every cell breaking the rule matches: `bad` runs only on those (`broken`)
    maybe: str | None = None


def _nfc_bad(col: pl.Expr) -> pl.Expr:
    return col != col.str.normalize("NFC")


def _nfc_at(value: str) -> int | None:
    nfc = unicodedata.normalize("NFC", value)
    return next((i for i, (a, b) in enumerate(zip(value, nfc, strict=False)) if a != b), 0)


def _control_bad(col: pl.Expr) -> pl.Expr:
    return col.str.contains(_CONTROL)


def _control_at(value: str) -> int | None:
    return next(
        (
            i
            for i, ch in enumerate(value)
            if unicodedata.category(ch) in {"Cc", "Cf"} and ch not in "\n\r\x0b\x0c\x85"
        ),
        None,
    )


def _line_break_bad(col: pl.Expr) -> pl.Expr:
    return col.str.contains(_LINE_BREAK)


def _line_break_at(value: str) -> int | None:
    return _search(r"[\n\r\x0b\x0c\x85\u2028\u2029]", value)


def _outer_space_bad(col: pl.Expr) -> pl.Expr:
    return col.str.contains(r"^\s|\s$")


def _outer_space_at(value: str) -> int | None:
    return 0 if value[:1].isspace() else len(value) - 1


def _double_space_bad(col: pl.Expr) -> pl.Expr:
    return col.str.contains(r"\p{Zs}\p{Zs}")


def _double_space_at(value: str) -> int | None:
    return _search(r"[^\S\n\r\t\x0b\x0c]{2}", value)


def _hyphenation_bad(col: pl.Expr) -> pl.Expr:
    return col.str.replace_all(_ELISION, "").str.contains(_HYPHENATION)


def _hyphenation_at(value: str) -> int | None:
    return _search(r"[^\W\d_]- [a-zà-ÿ]|[^\W\d_] -[a-zà-ÿ]", value)


def _brackets_bad(col: pl.Expr) -> pl.Expr:
    bad = pl.lit(value=False)
    for opening, closing in ("()", "[]", "{}"):
        first_open = col.str.find(opening, literal=True)
        first_close = col.str.find(closing, literal=True)
        bad = (
            bad
            | (
                col.str.count_matches(opening, literal=True)
                != col.str.count_matches(closing, literal=True)
            )
            # a closing bracket before any opening one
            | (first_close.is_not_null() & (first_open.is_null() | (first_close < first_open)))
        )
    return bad


def _brackets_at(value: str) -> int | None:
    stack: list[tuple[str, int]] = []
    pairs = {")": "(", "]": "[", "}": "{"}
    for i, ch in enumerate(value):
        if ch in "([{":
            stack.append((ch, i))
        elif ch in pairs:
            if not stack or stack[-1][0] != pairs[ch]:
                return i
            stack.pop()
    return stack[0][1] if stack else None


def _quotes_bad(col: pl.Expr) -> pl.Expr:
    # Counted on the cell itself (each apostrophe match holds exactly one ’), so the cell is
    # scanned a few times rather than rewritten and scanned again per count.
    opening = col.str.count_matches("‘", literal=True)
    closing = col.str.count_matches("’", literal=True) - col.str.count_matches(_APOSTROPHE)
    # `municipalities’ radar`: a ’ after s may be a possessive apostrophe rather than a quote
    possessive = col.str.count_matches(_POSSESSIVE)
    return (
        (opening > closing)
        | (closing > opening + possessive)
        | (col.str.count_matches("“", literal=True) != col.str.count_matches("”", literal=True))
        | (col.str.count_matches('"', literal=True) % 2 == 1)
    )


def _quotes_at(value: str) -> int | None:
    return _search(r"[‘’“”\"]", value)


def _formula_bad(col: pl.Expr) -> pl.Expr:
    return col.str.contains(_FORMULA)


def _formula_at(value: str) -> int | None:
    return 0 if value else None


def _search(pattern: str, value: str) -> int | None:
    match = re.search(pattern, value)
    return match.start() if match else None


def _rule(rule_id: str, summary: str, problem: str) -> Rule:
    return register(rule_id, GROUP, summary, problem + " at character {at}: {context}")


TEXT_RULES: tuple[TextRule, ...] = (
    TextRule(
        _rule("text-nfc", "a string cell is in Unicode NFC", "text is not in Unicode NFC"),
        _nfc_bad,
        _nfc_at,
        NFC_MAYBE,
    ),
    TextRule(
        _rule(
            "text-control-character",
            "a string cell holds no control or invisible format character (tab, NUL, soft hyphen)",
            "control or invisible character",
        ),
        _control_bad,
        _control_at,
    ),
    TextRule(
        _rule("text-line-break", "a string cell holds no line break", "line break in a cell"),
        _line_break_bad,
        _line_break_at,
    ),
    TextRule(
        _rule(
            "text-outer-space",
            "a string cell has no leading or trailing space",
            "leading or trailing space",
        ),
        _outer_space_bad,
        _outer_space_at,
    ),
    TextRule(
        _rule("text-double-space", "a string cell has no doubled space", "doubled space"),
        _double_space_bad,
        _double_space_at,
    ),
    TextRule(
        _rule(
            "text-hyphenation",
            "no leftover line-wrap hyphenation (`signa- leren`, `wacht -lijsten`); real hyphens"
            " and dashes are fine",
            "leftover line-wrap hyphenation",
        ),
        _hyphenation_bad,
        _hyphenation_at,
        "- | -",
    ),
    TextRule(
        _rule(
            "text-brackets",
            "brackets ( ) [ ] { } are balanced",
            "unbalanced bracket",
        ),
        _brackets_bad,
        _brackets_at,
        r"[()\[\]{}]",
    ),
    TextRule(
        _rule(
            "text-quotes",
            'quotes ‘ ’, “ ” and " are balanced (’ inside a word is an apostrophe)',
            "unbalanced quotes",
        ),
        _quotes_bad,
        _quotes_at,
        '[‘’“”"]',
    ),
    TextRule(
        _rule(
            "text-formula",
            "no cell starts like a spreadsheet formula (`=`, `+`, `-`, `@`, tab, CR)",
            "cell would run as a spreadsheet formula",
        ),
        _formula_bad,
        _formula_at,
    ),
)


def context(value: str, at: int | None, width: int = 20) -> str:
    """A short window of the cell around character `at`, for the message."""
    if at is None:
        return repr(value[: 2 * width])
    start = max(0, at - width)
    window = value[start : at + width]
    return ("…" if start else "") + repr(window) + ("…" if at + width < len(value) else "")
