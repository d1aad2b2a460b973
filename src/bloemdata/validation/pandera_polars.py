"""Pandera's polars API, loaded as in an install without pandas and Hypothesis.

Pandera imports pandas whenever it is installed (its top-level pandas API, and at the first
validation its pandas backend types), and Hypothesis for its data strategies. The development
environment has both (the README's pandas snippet and the property tests), so every `bloemdata
validate` there paid about 1.5 s of CPU, most of a small package's run, for libraries it never
calls. Pandera supports an install without them (pandera#2387: it catches `No module named ...`).
So pandera is loaded here, and one tiny frame validated (pandera imports the rest of what a
validation needs lazily, on the first one), while a finder says `HIDDEN` are not installed; then
the finder is removed: they stay importable by anything else, and in a process that has loaded
pandera or them already nothing changes.

Pandera's `register_check_method` is not used for the same reason: it imports the pandas data
strategies for any backend; `register` records a check method the way it finally does.
"""

from __future__ import annotations

import importlib
import importlib.abc
import sys
from collections.abc import Callable, Sequence
from functools import partial
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any

HIDDEN = ("pandas", "hypothesis")


class _Hidden(importlib.abc.MetaPathFinder):
    """A finder that says `HIDDEN` are not installed, in the words Python itself uses."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,  # noqa: ARG002 - the finder protocol
        target: ModuleType | None = None,  # noqa: ARG002
    ) -> ModuleSpec | None:
        if fullname.split(".", maxsplit=1)[0] in HIDDEN:
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)
        return None


def _load_without_hidden() -> None:
    if "pandera" in sys.modules:
        return  # loaded already, as it was
    finder = _Hidden()
    sys.meta_path.insert(0, finder)
    try:
        pandera = importlib.import_module("pandera.polars")
        polars = importlib.import_module("polars")
        # the first validation (of a column with a check) registers backends, importing more
        checked = pandera.Column(polars.String, checks=[pandera.Check(lambda _: True)])
        pandera.DataFrameSchema({"x": checked}).validate(polars.DataFrame({"x": ["x"]}))
    finally:
        sys.meta_path.remove(finder)


_load_without_hidden()

import pandera.polars as pa  # noqa: E402 - after the polars-only import above
from pandera.api.checks import Check  # noqa: E402
from pandera.api.polars.types import PolarsData  # noqa: E402
from pandera.errors import SchemaErrors  # noqa: E402

__all__ = ["Check", "PolarsData", "SchemaErrors", "pa", "register"]


def register(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Make `fn(data, **statistics)` the check method `Check.<fn name>` (once per process)."""
    if fn.__name__ not in Check.REGISTERED_CUSTOM_CHECKS:
        Check.REGISTERED_CUSTOM_CHECKS[fn.__name__] = partial(_check_method, fn)
    return fn


def _check_method(fn: Callable[..., Any], **statistics: Any) -> Check:
    return Check(partial(fn, **statistics), name=fn.__name__, statistics=statistics)
