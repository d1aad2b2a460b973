"""Diacritics folding for the full-text index: `ideeën` is indexed as `ideeen`.

SQLite's trigram tokenizer folds diacritics (`remove_diacritics 1`) only from SQLite 3.45; before
that the index holds a folded copy of the text and the site folds the query the same way
(site/plugins/search.py keeps its own copy of `fold`, since a deployment does not install
bloemdata; tests/test_fold.py checks the two agree). A character folds only to a single
character, so offsets in the folded text are offsets in the original (highlighting relies on it).
"""

from __future__ import annotations

import re
import unicodedata


class _Folding(dict[int, str]):
    """str.translate table filled on first sight of each character."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        base = "".join(
            c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
        )
        self[code] = base if len(base) == 1 else char
        return self[code]


_FOLDING = _Folding()
# Only runs of non-ASCII characters are translated: most text is ASCII, and str.translate looks
# every character up in the table (the index is built from 200k folded cells at 100k statements:
# 0.45 s of CPU translating whole strings, 0.11 s translating runs).
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _fold_run(match: re.Match[str]) -> str:
    return match.group().translate(_FOLDING)


def fold(text: str | None) -> str | None:
    """`text` without diacritics, one character for one (`ideeën` -> `ideeen`, `ß` stays)."""
    if text is None or text.isascii():
        return text
    return _NON_ASCII.sub(_fold_run, text)
