"""The FTS5 build alternatives of issue 15, measured on a built database's statements.

Each variant copies the statements into a fresh database and builds the trigram index over
`text` and `text_en` with Datasette's query shape checked on it (a quoted phrase: `uitbuiting`
must find `arbeidsuitbuiting`, the same rows in every variant). CPU seconds of this thread (the
machine is shared: wall time says more about the neighbours), the file size, the CPU of a search.
`detail=column` and `detail=none` are refused by the check: FTS5 answers a phrase query only
with `detail=full`, and Datasette quotes every search term.

Example: python -m bench.fts_variants /tmp/bloemdata-bench/work/100k/bloemdata.db
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from pathlib import Path

PHRASE = '"uitbuiting"'
# name -> (page size, extra fts5 options, FTS5 config values set before the index is built)
VARIANTS: dict[str, tuple[int, str, dict[str, int]]] = {
    "4 KiB pages, automerge 0 (1.x build)": (4096, "", {"automerge": 0}),
    "+ columnsize=0": (4096, ", columnsize=0", {"automerge": 0}),
    "+ detail=column": (4096, ", detail=column", {"automerge": 0}),
    "+ hashsize 64 MiB": (4096, "", {"automerge": 0, "hashsize": 64 * 2**20}),
    "+ hashsize 256 MiB": (4096, "", {"automerge": 0, "hashsize": 256 * 2**20}),
    "64 KiB pages + hashsize 64 MiB (kept)": (65536, "", {"automerge": 0, "hashsize": 64 * 2**20}),
}


def variant(source: Path, folder: Path, page_size: int, options: str, config: dict) -> str:
    path = folder / f"fts-{page_size}-{len(options)}-{len(config)}.db"
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in (f"page_size = {page_size}", "journal_mode = OFF", "synchronous = OFF"):
        conn.execute(f"PRAGMA {pragma}")
    conn.execute("ATTACH ? AS src", (str(source),))
    conn.execute("CREATE TABLE statements AS SELECT * FROM src.statements ORDER BY rowid")
    started = time.thread_time()
    conn.execute(
        "CREATE VIRTUAL TABLE statements_fts USING fts5(text, text_en, content='statements', "
        f"content_rowid='rowid', tokenize='trigram'{options})"
    )
    for name, value in config.items():
        sql = "INSERT INTO statements_fts(statements_fts, rank) VALUES (?, ?)"
        conn.execute(sql, (name, value))
    conn.execute("INSERT INTO statements_fts(statements_fts) VALUES ('rebuild')")
    built = time.thread_time() - started
    try:
        sql = "SELECT rowid FROM statements_fts WHERE statements_fts MATCH ? ORDER BY rowid"
        started = time.thread_time()
        rows = [r[0] for r in conn.execute(sql, (PHRASE,))]
        query = time.thread_time() - started
    except sqlite3.OperationalError as exc:
        return f"build {built:6.2f} s CPU; search refused: {exc}"
    finally:
        conn.close()
    size = path.stat().st_size / 1e6
    path.unlink()
    return (
        f"build {built:6.2f} s CPU, {size:5.0f} MB, search {query * 1000:5.1f} ms CPU, "
        f"{len(rows)} matches (rowid sum {sum(rows)})"
    )


def main(argv: list[str]) -> int:
    source = Path(argv[0])
    with tempfile.TemporaryDirectory() as tmp:
        for name, (page_size, options, config) in VARIANTS.items():
            print(f"{name:<40} {variant(source, Path(tmp), page_size, options, config)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
