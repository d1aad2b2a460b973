"""The concept DOI of the package, kept in one place: datapackage.json `id`.

The Data Package standard's `id` is the package's globally unique identifier, "e.g. a DOI" as a
`https://doi.org/...` URL. Until a deposit has one, `id` is the package name and every generated
file (the JSON-LD, `.zenodo.json`, the citation) says that no DOI is recorded: a DOI is never
invented. `bloemdata doi record 10.5281/zenodo.N` stores it once the deposit is published.
"""

from __future__ import annotations

import re
from typing import Any

DOI_URL = "https://doi.org/"
# Crossref's recommended pattern for modern DOIs: 10.<registrant>/<suffix>, no spaces.
_DOI = re.compile(r"^10\.\d{4,9}/[-._;()/:A-Za-z0-9]+$")
NO_DOI = "No DOI is recorded yet: cite the version and the repository."


def is_doi(value: str) -> bool:
    return bool(_DOI.match(value))


def concept_doi(descriptor: dict[str, Any]) -> str | None:
    """The DOI in `id` (`https://doi.org/10...` or a bare `10...`), or None when there is none."""
    identifier = str(descriptor.get("id") or "")
    doi = identifier.removeprefix(DOI_URL)
    return doi if is_doi(doi) else None


def with_doi(descriptor: dict[str, Any], doi: str) -> dict[str, Any]:
    """The descriptor with `id` set to the DOI's URL (`ValueError` if it is not a DOI)."""
    doi = doi.strip().removeprefix(DOI_URL)
    if not is_doi(doi):
        raise ValueError(f"{doi!r} is not a DOI (10.<registrant>/<suffix>)")
    return {**descriptor, "id": DOI_URL + doi}
