"""The yardsticks `bench/run.py` compares bloemdata with, each run as its own process.

* `parse DIR`: `polars.read_csv` of every CSV resource of the package, all columns as strings
  (what a validator must read at least: the parse floor).
* `sqlite-load DIR DATABASE`: a plain `sqlite3` bulk load of the same rows: one table per resource
  with the declared column types, `executemany` in one transaction, no keys, indexes or search.

Only the standard library and polars are imported, so the process measures the work, not the
imports of bloemdata.

Example: python -m bench.baselines parse /tmp/bloemdata-bench/1k
"""

from __future__ import annotations

import csv
import json
import sqlite3
import sys
from pathlib import Path

SQLITE_TYPES = {"integer": "INTEGER", "number": "REAL", "boolean": "INTEGER", "year": "INTEGER"}


def _tables(root: Path) -> list[tuple[str, Path, dict]]:
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    tables = []
    for resource in descriptor["resources"]:
        schema = resource.get("schema")
        if schema is None:
            continue
        if isinstance(schema, str):
            schema = json.loads((root / schema).read_text(encoding="utf-8"))
        tables.append((resource["name"], root / resource["path"], schema))
    return tables


def parse(root: Path) -> int:
    """Read every CSV resource with polars; return the number of rows read."""
    import polars as pl  # noqa: PLC0415 - only this baseline needs it

    rows = 0
    for _, path, _ in _tables(root):
        rows += pl.read_csv(path, infer_schema=False).height
    return rows


def sqlite_load(root: Path, database: Path) -> int:
    """Bulk-load every CSV resource into plain typed tables; return the number of rows."""
    database.unlink(missing_ok=True)
    conn = sqlite3.connect(database, isolation_level=None)
    rows = 0
    conn.execute("BEGIN")
    for name, path, schema in _tables(root):
        columns = [
            f'"{f["name"]}" {SQLITE_TYPES.get(f.get("type", "string"), "TEXT")}'
            for f in schema["fields"]
        ]
        conn.execute(f'CREATE TABLE "{name}" ({", ".join(columns)})')
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            values = [tuple(v if v != "" else None for v in row) for row in reader]
        marks = ", ".join("?" for _ in columns)
        conn.executemany(f'INSERT INTO "{name}" VALUES ({marks})', values)  # noqa: S608
        rows += len(values)
    conn.execute("COMMIT")
    conn.close()
    return rows


def main(argv: list[str]) -> int:
    usage = "usage: python -m bench.baselines parse DIR | sqlite-load DIR DATABASE"
    if len(argv) == 2 and argv[0] == "parse":
        print(f"{parse(Path(argv[1]))} rows parsed")
        return 0
    if len(argv) == 3 and argv[0] == "sqlite-load":
        print(f"{sqlite_load(Path(argv[1]), Path(argv[2]))} rows loaded")
        return 0
    print(usage, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
