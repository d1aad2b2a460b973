"""What the database holds and how it is named: constants the build and the site share.

The site (Datasette metadata) and the build both read these; neither imports the other for them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bloemdata.core.package import Package
from bloemdata.core.schema import TableSchema

DATABASE_NAME = "bloemdata"  # Datasette names a database by its file stem
DEFAULT_OUTPUT = Path("dist") / f"{DATABASE_NAME}.db"
FTS_TABLE = "statements_fts"
FTS_COLUMNS = ("text", "text_en")
# Columns the site's queries filter on besides facets: `status = 'current'` (dashboard metric).
QUERY_INDEXES = {"statements": ["status"]}

# Default facets cost a scan of the (filtered) table on every page view, searches included: on
# the big tables only the ones researchers use most, each on an index the build creates
# (`build.facet_index_sql`); any other column is one `?_facet=` away. statement_codes has no
# default array facets (a json_each over every row): `?_facet_array=valence` gives one.
TABLE_OPTIONS: dict[str, dict[str, Any]] = {
    "statements": {"sort": "statement_id", "facets": ["section_id"]},
    "codes": {"facets": ["dimension", "codable"]},
    "codings": {"sort": "statement_id", "facets": ["code_id"]},
    "statement_codes": {"facets": ["section_id"]},
    "reliability": {"facets": ["measure", "dimension"]},
    "code_frequencies": {"facets": ["dimension"]},
    "code_cooccurrence": {"facets": ["dimension_a", "dimension_b"]},
    "statements_by_section_valence": {"facets": ["section_id", "valence"]},
}


@dataclass(frozen=True)
class ExtraTable:
    """A table that is not a package resource (e.g. a release's `changes`), typed by its schema."""

    name: str
    title: str
    description: str
    schema: TableSchema
    rows: Callable[[Package], Iterable[dict[str, Any]]]
