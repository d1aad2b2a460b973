"""The coded data the exports and the reliability figures read: one typed, checked view.

Only current statements are exported (a withdrawn statement is out of the data). A coding that
points at an unknown statement, code or coder is refused with the file and row named, rather than
dropped: an export must never silently lose a coding.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from bloemdata.core.errors import ResourceError
from bloemdata.core.package import Package

Row = dict[str, Any]


@dataclass(frozen=True)
class CodedData:
    """Statements, codebook, coders and codings of a package, typed and cross-checked."""

    version: str
    created: str | None
    sources: dict[str, Row]
    pages: list[Row]
    sections: dict[str, Row]
    statements: list[Row]  # current statements, by source, page and position
    codes: list[Row]  # codebook order
    coders: list[Row]  # coders.csv order
    codings: list[Row]  # codings of current statements, codings.csv order

    @classmethod
    def load(cls, package: Package) -> CodedData:
        typed = {
            name: package.typed_rows(name)
            for name in ("sources", "pages", "sections", "statements", "codes", "coders", "codings")
        }
        statements = sorted(
            (s for s in typed["statements"] if s["status"] == "current"),
            key=lambda s: (s["source_id"], s["page"], s["position"], s["statement_id"]),
        )
        known_statements = {s["statement_id"] for s in typed["statements"]}
        current = {s["statement_id"] for s in statements}
        codes = {c["code_id"]: c for c in typed["codes"]}
        coders = {c["coder_id"] for c in typed["coders"]}
        path = package.path_of("codings")
        for number, coding in enumerate(typed["codings"], start=2):
            where = f"{path}, row {number}"
            if coding["statement_id"] not in known_statements:
                raise ResourceError(f"{where}: statement_id {coding['statement_id']!r} is unknown")
            code = codes.get(coding["code_id"])
            if code is None or not code["codable"]:
                raise ResourceError(f"{where}: code_id {coding['code_id']!r} is not a codable code")
            if coding["coder_id"] not in coders:
                raise ResourceError(f"{where}: coder_id {coding['coder_id']!r} is unknown")
        return cls(
            version=package.version,
            created=package.descriptor.get("created"),
            sources={s["source_id"]: s for s in typed["sources"]},
            pages=typed["pages"],
            sections={s["section_id"]: s for s in typed["sections"]},
            statements=statements,
            codes=typed["codes"],
            coders=typed["coders"],
            codings=[c for c in typed["codings"] if c["statement_id"] in current],
        )

    @property
    def codable_codes(self) -> list[Row]:
        return [c for c in self.codes if c["codable"]]

    @property
    def dimensions(self) -> list[str]:
        """Dimensions in codebook order."""
        return list(dict.fromkeys(c["dimension"] for c in self.codes))

    def statements_on(self, page: Row) -> list[Row]:
        """The page's current statements, in page order."""
        return self._by_page.get((page["source_id"], page["page"]), [])

    @cached_property
    def _by_page(self) -> dict[tuple[str, int], list[Row]]:
        # One pass over the statements, not one per page (a package holds hundreds of pages).
        pages: dict[tuple[str, int], list[Row]] = {}
        for s in self.statements:
            pages.setdefault((s["source_id"], s["page"]), []).append(s)
        return pages

    def final_codings(self) -> list[Row]:
        """Each coder's codings of a statement in the last round that coder coded it.

        Formats without rounds (REFI-QDA, Taguette) show one coding per coder and code; a later
        round is a recoding that replaces the coder's earlier one.
        """
        last: dict[tuple[str, str], int] = {}
        for c in self.codings:
            key = (c["statement_id"], c["coder_id"])
            last[key] = max(last.get(key, 0), c["round"])
        return [c for c in self.codings if c["round"] == last[(c["statement_id"], c["coder_id"])]]
