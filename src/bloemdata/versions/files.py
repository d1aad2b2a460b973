"""The files a release reads and writes beside datapackage.json (paths relative to the package)."""

from __future__ import annotations

RELEASES = "releases.json"  # the release history, as data
CHANGELOG = "CHANGELOG.md"  # generated from the history
CITATION = "CITATION.cff"  # generated from the history and the descriptor
