"""The likelihood of greedy word wrap when each row's room is known only to a few characters.

A column is set by greedy wrap: words go on a row while they fit its room, and the first word
that does not fit opens the next row. In a proportional font the room of a row, counted in
characters, is not the column width but varies around it: here it is drawn uniformly from
`width - jitter .. width + jitter` for each row. So a row of length L that its statement
continues with a word of length w had room r with L <= r < L + 1 + w (the word and its space
did not fit); a statement's last row only had L <= r; a row ending in a word cut by a line-wrap
hyphen had L <= r < L - 1 + t, t the tail's length (the whole word did not fit); a hyphenating
typesetter would have cut a long next word that left room. The probability of a row is the
share of the window that satisfies its bound, with a small floor so that one odd row (a word
longer than a row, a typesetter's choice) does not rule a reading out. Log-probabilities
throughout.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

_FLOOR = 1e-4  # a row the window cannot explain is very unlikely, not impossible
_HEAD = 7  # a space, a head of at least 3 letters, a hyphen and a little slack: cut words
CUTTABLE = 8  # letters of the shortest word a typesetter cuts


@dataclass(frozen=True)
class Room:
    """A column's rows: room uniform on width ± jitter characters."""

    width: int
    jitter: int
    hyphenates: float = 0.0  # how often the typesetter cuts a long word that leaves room
    _cache: dict[tuple[int, int, bool], float] = field(
        default_factory=dict, compare=False, repr=False
    )

    def _share(self, low: int, high: int) -> float:
        """P(low <= room <= high)."""
        lo = max(low, self.width - self.jitter)
        hi = min(high, self.width + self.jitter)
        return max(0, hi - lo + 1) / (2 * self.jitter + 1)

    def _between(self, low: int, high: int, cuttable: bool = False) -> float:
        """log P(low <= room <= high), and, when the next word is `cuttable`, not cut."""
        key = (low, high, cuttable)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        share = self._share(low, high)
        if cuttable and self.hyphenates:
            # room for a hyphenated head (3 letters, a hyphen, a space) and it was not cut
            roomy = self._share(max(low, low + _HEAD), high)
            share -= self.hyphenates * roomy
        value = math.log(max(share, _FLOOR))
        self._cache[key] = value
        return value

    def full(self, length: int, next_word: int, *, cuttable: bool = False) -> float:
        """A row of `length` after which its statement goes on with a word of `next_word`
        characters (`cuttable`: a long word a hyphenating typesetter would have cut)."""
        return self._between(length, length + next_word, cuttable)

    def cut(self, length: int, tail: int) -> float:
        """A row of `length` ending in a word cut by a hyphen, whose `tail` opens the next row:
        the whole word (the head without its hyphen, and the tail) did not fit."""
        return self._between(length, length - 2 + tail)

    def last(self, length: int) -> float:
        """A row of `length` that ends its statement, or ends in a cut word."""
        return self._between(length, self.width + self.jitter)

    def fits(self, length: int) -> bool:
        """Whether a row of `length` fits the widest room at all."""
        return length <= self.width + self.jitter
