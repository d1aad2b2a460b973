"""Whether a changed `pattern` constraint provably accepts everything the old one did.

Regular-language inclusion is costly in general; a data release usually widens a pattern one way:
by adding alternatives (`(a|b)` -> `(a|b|c)`, `[a-z]` -> `[a-z0-9]`). This proof walks both parsed
patterns in step and accepts only that: the same structure everywhere, where a branch or character
set of the new pattern holds every alternative of the old one. Anything else "cannot be proved
wider" (a major change), which errs on the safe side.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

# The standard library's own regex parser (re._parser, untyped): no second grammar to keep.
sre_parse: Any = importlib.import_module("re._parser")

_BRANCH = sre_parse.BRANCH
_IN = sre_parse.IN
_SUBPATTERN = sre_parse.SUBPATTERN


def widens(old: str, new: str) -> bool:
    """True when every string `old` matches, `new` matches too, by the structural proof above."""
    try:
        a, b = sre_parse.parse(old), sre_parse.parse(new)
    except (re.error, RecursionError, OverflowError):
        return False
    return _covers(list(a), list(b))


def _covers(old: list[Any], new: list[Any]) -> bool:
    if len(old) != len(new):
        return False
    return all(_item_covers(o, n) for o, n in zip(old, new, strict=True))


def _item_covers(old: tuple[Any, Any], new: tuple[Any, Any]) -> bool:
    (op_a, av_a), (op_b, av_b) = old, new
    if op_a is _IN and op_b is _IN:
        return _set_covers(av_a, av_b)
    if op_a is not op_b or op_a is _IN:
        return old == new
    if op_a is _BRANCH:
        return all(any(_covers(list(o), list(n)) for n in av_b[1]) for o in av_a[1])
    if op_a is _SUBPATTERN:  # (group, add flags, del flags, body): same flags, covering body
        return av_a[1:3] == av_b[1:3] and _covers(list(av_a[3]), list(av_b[3]))
    if isinstance(av_a, tuple) and len(av_a) == 3 and isinstance(av_a[2], sre_parse.SubPattern):
        # repeats: (min, max, body)
        return av_a[:2] == av_b[:2] and _covers(list(av_a[2]), list(av_b[2]))
    return old == new


def _set_covers(old: list[Any], new: list[Any]) -> bool:
    """A character set covers another when each old item is an item or inside a range of new."""
    negated = [item for item in old if item[0] is sre_parse.NEGATE]
    if negated or any(item[0] is sre_parse.NEGATE for item in new):
        return old == new
    ranges = [item[1] for item in new if item[0] is sre_parse.RANGE]
    literals = {item[1] for item in new if item[0] is sre_parse.LITERAL}
    for op, value in old:
        if op is sre_parse.LITERAL:
            if value not in literals and not any(lo <= value <= hi for lo, hi in ranges):
                return False
        elif op is sre_parse.RANGE:
            lo, hi = value
            if not any(r_lo <= lo and hi <= r_hi for r_lo, r_hi in ranges):
                return False
        elif (op, value) not in new:
            return False
    return True
