"""The extra tables and download writers the hosts (CLI, site, bundle) hand to the build.

Like Datasette's `DEFAULT_PLUGINS`: one list, read by whoever builds; nothing registers itself by
being imported. A new table or download writer is added here.
"""

from __future__ import annotations

from bloemdata.database.changes import CHANGES
from bloemdata.database.downloads import DownloadWriter
from bloemdata.database.layout import ExtraTable
from bloemdata.exports import write_downloads as write_exports

# What changed between releases, for users browsing versions.
EXTRA_TABLES: tuple[ExtraTable, ...] = (CHANGES,)
# The exports (REFI-QDA, Taguette, wide CSV/Excel) under downloads/exports/.
DOWNLOAD_WRITERS: tuple[DownloadWriter, ...] = (write_exports,)
