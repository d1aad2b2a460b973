"""The coding sheet's layout, shared by `exports.sheet` and `coding.sheet_import`.

One row per current statement: its id, Dutch text and English translation (locked cells), then per
dimension the codes to choose: a dimension with exactly one code per statement (valence) is one
column with a drop-down of its codes, each shown as `label [code-id]`; a dimension that takes
several codes has a 0/1 column per code, headed `dimension: label [code-id]`. The code id in
brackets is what the import reads, so a header or choice survives a translated label.
"""

from __future__ import annotations

import re

from bloemdata.core.coded import Row

CODING_SHEET = "coding"
CODEBOOK_SHEET = "codebook"
ABOUT_SHEET = "about"

ID, TEXT, TEXT_EN = "statement_id", "text (nl)", "text (en)"
FIXED = (ID, TEXT, TEXT_EN)

# The coding rule (README; validation rule coding-one-valence): exactly one valence code per
# statement, coder and round. Every other dimension takes any number of its codes.
SINGLE_CODE_DIMENSIONS = frozenset({"valence"})

CODER_KEY = "coder_id"
VERSION_KEY = "bloemdata version"

_BRACKETED = re.compile(r"\[([a-z][a-z0-9]*(?:-[a-z0-9]+)*)\]\s*$")


def choice(code: Row) -> str:
    """How a code is offered in a drop-down: `label [code-id]`."""
    return f"{code['label_en']} [{code['code_id']}]"


def code_header(code: Row) -> str:
    """The header of a code's 0/1 column."""
    return f"{code['dimension']}: {code['label_en']} [{code['code_id']}]"


def bracketed(text: str) -> str | None:
    """The code id in brackets at the end of a header or choice, if any."""
    match = _BRACKETED.search(text or "")
    return match.group(1) if match else None
