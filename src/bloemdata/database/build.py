"""Build the SQLite database Datasette serves (`dist/bloemdata.db`) from a valid data package.

Tables are typed from the Table Schemas (never guessed from the CSV), with primary keys, foreign
keys, NOT NULL and only CHECKs that plain sqlite3 evaluates (no REGEXP). A trigram FTS5 index over
the Dutch text and its translation finds parts of compounds (`uitbuiting` in `arbeidsuitbuiting`),
and derived tables (`database.derived`) answer the questions researchers ask. The same package
gives the same bytes.

Fast at scale: the CSVs are read by polars as strings and cast by the schema types (`core.cast`, the
cast validation uses), loaded with `executemany` in one transaction into a fresh `.partial` file (no
journal, no fsync: a failed build leaves no file), indexes are built once after loading, the FTS
index is written by a worker process into a file of its own meanwhile and copied in, polars
computes the derived tables in a thread meanwhile, and `build` runs the validator in another
worker; the file is renamed into place only when the package is
valid. The exports (REFI-QDA, Taguette, wide CSV/Excel) are not part
of the build: a caller that wants them passes their download writer (`bloemdata build --exports`,
`bloemdata serve`, the release bundle).

Tables that are not resources (a release's `changes`) and download writers (the exports) are
passed in by the caller (`bloemdata.database.defaults` lists the ones the hosts use); nothing
registers itself by being imported.
"""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from bloemdata.core.cast import read_typed
from bloemdata.core.errors import BloemdataError, ResourceError
from bloemdata.core.lifeline import die_with
from bloemdata.core.package import DESCRIPTOR, Package
from bloemdata.core.schema import TableSchema
from bloemdata.database.derived import Basis, DerivedTable, derived_tables
from bloemdata.database.downloads import DownloadWriter, check_writable, write_downloads
from bloemdata.database.fold import fold
from bloemdata.database.layout import (
    DEFAULT_OUTPUT,
    FTS_COLUMNS,
    FTS_TABLE,
    QUERY_INDEXES,
    TABLE_OPTIONS,
    ExtraTable,
)
from bloemdata.validation.report import Report

# Only while writing the fresh `.partial` file, which is renamed into place at the end: a crash
# leaves a partial file that is deleted, never a half-written database under the real name.
BUILD_PRAGMAS = (
    # First, before any page is written. Large pages: shallower B-trees for the build's sorts and
    # the site's lookups by rowid (a search's rows, count and facets); at 100k statements the
    # build takes ~9% less CPU and a search's queries ~10% less than with 4 KiB pages.
    "page_size = 65536",
    "journal_mode = OFF",
    "synchronous = OFF",
    "locking_mode = EXCLUSIVE",
    "temp_store = MEMORY",
    "cache_size = -512000",  # KiB: indexes and the FTS index are built in memory
    # CREATE INDEX sorts with a helper thread (the second core): at 100k statements the
    # `codings` code_id index takes ~20% less wall time.
    "threads = 2",
)
# The FTS index is written aside, beside the `.partial` file, while the tables are loaded.
ASIDE_PRAGMAS = (*BUILD_PRAGMAS[:-2], "cache_size = -65536")
FTS_SHADOW_TABLES = ("data", "idx", "docsize", "config")

# FTS5 settings while its index is built (and stored in its config: they only matter to writes).
FTS_BUILD_OPTIONS = {"automerge": 0, "hashsize": 64 * 2**20}


_Derived = tuple[DerivedTable, pl.DataFrame]


class BuildError(BloemdataError):
    """The database cannot be built (SQLite too old, unwritable output, ...)."""


class InvalidPackageError(BuildError):
    """The package fails validation: nothing is built. `report` holds the problems."""

    def __init__(self, message: str, report: Report) -> None:
        super().__init__(message)
        self.report = report


@dataclass(frozen=True)
class BuildResult:
    database: Path
    downloads: Path
    tables: dict[str, int]  # table -> rows loaded


def build(
    package_path: Path | str = ".",
    output: Path = DEFAULT_OUTPUT,
    downloads: Path | None = None,
    *,
    tables: Sequence[ExtraTable] = (),
    writers: Sequence[DownloadWriter] = (),
) -> BuildResult:
    """Validate the package and write the database, and the download folder beside it.

    The validator runs in a worker process while the database is written into a `.partial` file;
    only a valid package's database is renamed into place (an invalid one leaves no file). The
    download folder gets copies of the release's files, then each of `writers` runs on it.
    `tables`: tables that are not resources (e.g. `changes`), built after them.
    """
    package = Package.load(package_path)
    downloads = downloads or output.parent / "downloads"
    check_writable(package, downloads)  # before any work: nothing half-built is left
    context = multiprocessing.get_context("spawn")  # polars' threads make fork unsafe
    with ProcessPoolExecutor(
        max_workers=1, mp_context=context, initializer=die_with, initargs=(os.getpid(),)
    ) as pool:
        verdict = pool.submit(_validate, package.root)

        def require_valid() -> None:
            report = verdict.result()
            if not report.valid:
                raise InvalidPackageError(
                    f"{package.root / DESCRIPTOR}: the package is invalid "
                    f"({len(report.errors)} error(s)); run `bloemdata validate` to see them. "
                    "Nothing was built.",
                    report,
                )

        try:
            # Foreign keys: the validator checks them (and a bad one makes it refuse).
            counts = write_database(
                package,
                output,
                tables=tables,
                before_publish=require_valid,
                check_foreign_keys=False,
            )
        except InvalidPackageError:
            raise
        except BloemdataError:  # a BuildError, or a table unreadable as typed (ResourceError)
            require_valid()  # bad data usually breaks the load first: say it is invalid
            raise
    write_downloads(package, downloads, writers)
    return BuildResult(database=output, downloads=downloads, tables=counts)


SQLITE_HEADER = b"SQLite format 3\0"


def _check_replaceable(output: Path) -> None:
    """Refuse to replace a file that is not an SQLite database (a maintainer's own file)."""
    if not output.exists() and not output.is_symlink():
        return
    refused = BuildError(f"{output}: exists and is not an SQLite database; not replaced")
    if output.is_symlink() or not output.is_file():  # never opened: a FIFO would block
        raise refused
    try:
        with output.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise BuildError(f"{output}: exists and cannot be read: {exc.strerror or exc}") from exc
    if header != SQLITE_HEADER:
        raise refused


def _validate(root: Path) -> Report:
    """`bloemdata validate` in the worker process (imported there: it is heavy)."""
    from bloemdata.validation.validate import validate  # noqa: PLC0415

    return validate(root)


def write_database(
    package: Package,
    output: Path,
    *,
    tables: Sequence[ExtraTable] = (),
    before_publish: Callable[[], None] | None = None,
    check_foreign_keys: bool = True,
) -> dict[str, int]:
    """Write the database (no validation: `build` validates). Returns rows per table.

    `tables`: the extra tables to build after the resources' (the hosts pass
    `database.defaults.EXTRA_TABLES`). `before_publish` runs after the file is complete and
    before it is renamed into place; if it raises, the file is deleted. `check_foreign_keys`
    checks every foreign key at the end. The FTS index is written meanwhile into
    `<output>.fts.partial` (as large as the index), deleted once copied in or on failure.
    """
    _require_trigram()
    output.parent.mkdir(parents=True, exist_ok=True)
    _check_replaceable(output)
    partial = output.with_name(output.name + ".partial")
    aside = output.with_name(output.name + ".fts.partial")
    partial.unlink(missing_ok=True)
    aside.unlink(missing_ok=True)
    try:
        conn = sqlite3.connect(partial, isolation_level=None)
        try:
            counts = _fill(conn, package, tables, aside)
            violations = (
                conn.execute("PRAGMA foreign_key_check").fetchall() if check_foreign_keys else []
            )
            conn.execute("COMMIT")
        finally:
            conn.close()
        if violations:
            raise BuildError(f"{output}: foreign keys do not resolve: {violations[:5]}")  # noqa: TRY301 - the partial file goes too
        if before_publish is not None:
            before_publish()
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise BuildError(f"{output}: cannot build the database: {exc}") from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        aside.unlink(missing_ok=True)
    partial.replace(output)
    return counts


def _fill(
    conn: sqlite3.Connection, package: Package, tables: Sequence[ExtraTable], aside: Path
) -> dict[str, int]:
    """Create and load everything in one transaction (left open for the caller to commit).

    The FTS index (the build's largest single step, SQLite's own trigram indexing) is written
    by a worker process into the file `aside` while this connection loads the tables and
    builds the indexes and derived tables, then copied in: on two cores it is off the critical
    path. (A thread would contend for the GIL with the load, which binds every value in Python.)
    """
    for pragma in BUILD_PRAGMAS:
        conn.execute(f"PRAGMA {pragma}")
    conn.execute("BEGIN")
    schemas = table_schemas(package, tables)
    extra = {table.name: table for table in tables}
    frames = {name: read_table(package, name) for name in package.table_names}
    context = multiprocessing.get_context("spawn")  # polars' threads make fork unsafe
    stop = context.Event()
    with (
        ProcessPoolExecutor(
            max_workers=1,
            mp_context=context,
            initializer=_start_worker,
            initargs=(stop, os.getpid()),
        ) as side,
        ThreadPoolExecutor(max_workers=1) as computing,
    ):
        fts = side.submit(_write_fts_aside, aside, package.root)
        # polars computes the derived tables without the GIL while SQLite loads the tables
        derived = computing.submit(_compute_derived, frames, dimensions(package))
        try:
            counts = _fill_tables(
                conn,
                package,
                schemas=schemas,
                extra=extra,
                frames=frames,
                derived=derived,
                fts=fts,
                aside=aside,
            )
        finally:
            stop.set()  # the worker stops early if the load failed
    return counts


def _compute_derived(frames: dict[str, pl.DataFrame], dims: list[str]) -> list[_Derived]:
    basis = Basis.of(frames, dims)
    return [(table, table.compute(basis)) for table in derived_tables(dims)]


def _fill_tables(
    conn: sqlite3.Connection,
    package: Package,
    *,
    schemas: dict[str, TableSchema],
    extra: dict[str, ExtraTable],
    frames: dict[str, pl.DataFrame],
    derived: Future[list[_Derived]],
    fts: Future[None],
    aside: Path,
) -> dict[str, int]:
    counts = {}
    for name, schema in schemas.items():
        conn.execute(create_table_sql(name, schema))
        if name in frames:
            rows: Iterable[Sequence[Any]] = frames[name].iter_rows()
        else:
            rows = (
                [_sqlite_value(r.get(c)) for c in schema.names] for r in extra[name].rows(package)
            )
        counts[name] = _load(conn, name, schema.names, rows)
    # Indexes after the rows: one sort per index instead of a B-tree update per row.
    for name, schema in schemas.items():
        for sql in index_sql(name, schema) + facet_index_sql(name, schema):
            conn.execute(sql)
    _create_fts(conn)
    for table, frame in derived.result():
        columns = ", ".join(f"{_q(c)} {t}" for c, t in table.types.items())
        if table.primary_key:
            columns += f", PRIMARY KEY ({', '.join(_q(c) for c in table.primary_key)})"
        conn.execute(f"CREATE TABLE {_q(table.name)} ({columns})")
        _load(conn, table.name, list(table.types), frame.iter_rows())
        for index in table.indexes:
            name = f"idx_{table.name}_{'_'.join(index)}"
            columns = ", ".join(_q(c) for c in index)
            conn.execute(f"CREATE INDEX {_q(name)} ON {_q(table.name)} ({columns})")
    fts.result()
    _copy_fts(conn, aside)
    return counts


def read_table(package: Package, name: str) -> pl.DataFrame:
    """A resource as a polars frame typed by its Table Schema (`core.cast`, as validation casts).

    A cell that does not cast raises BuildError naming the file, row and field (`build`
    validates first, so this only happens to `write_database` on an unvalidated package).
    """
    try:
        return read_typed(package.path_of(name), package.schemas[name], name)
    except ResourceError as exc:
        raise BuildError(str(exc)) from exc


def table_schemas(package: Package, tables: Sequence[ExtraTable] = ()) -> dict[str, TableSchema]:
    """Every table to build, parents before children (foreign keys), then the extra tables."""
    schemas = {name: package.schemas[name] for name in package.table_names}
    ordered: dict[str, TableSchema] = {}

    def visit(name: str, seen: tuple[str, ...]) -> None:
        if name in ordered or name in seen:
            return
        for fk in schemas[name].foreign_keys:
            if fk.resource and fk.resource in schemas:
                visit(fk.resource, (*seen, name))
        ordered[name] = schemas[name]

    for name in schemas:
        visit(name, ())
    for extra in tables:
        ordered[extra.name] = extra.schema
    return ordered


def create_table_sql(name: str, schema: TableSchema) -> str:
    """CREATE TABLE with types, NOT NULL, UNIQUE, PK, FKs and CHECKs sqlite3 can evaluate."""
    lines = []
    for f in schema.fields:
        column = f"{_q(f.name)} {f.sqlite_type}"
        if f.required or f.name in schema.primary_key:
            column += " NOT NULL"
        if f.unique and (f.name,) != schema.primary_key:
            column += " UNIQUE"
        checks = _checks(f)
        if checks:
            column += f" CHECK ({' AND '.join(checks)})"
        lines.append(column)
    if schema.primary_key:
        lines.append(f"PRIMARY KEY ({', '.join(_q(c) for c in schema.primary_key)})")
    for fk in schema.foreign_keys:
        target = fk.resource or name
        lines.append(
            f"FOREIGN KEY ({', '.join(_q(c) for c in fk.fields)}) REFERENCES {_q(target)} "
            f"({', '.join(_q(c) for c in fk.reference_fields)}) DEFERRABLE INITIALLY DEFERRED"
        )
    body = ",\n  ".join(lines)
    return f"CREATE TABLE {_q(name)} (\n  {body}\n)"


def index_sql(name: str, schema: TableSchema) -> list[str]:
    """An index on every foreign key (unless the primary key already starts with its columns)."""
    statements = []
    seen: set[tuple[str, ...]] = set()
    for fk in schema.foreign_keys:
        if fk.fields in seen or schema.primary_key[: len(fk.fields)] == fk.fields:
            continue
        seen.add(fk.fields)
        index = f"idx_{name}_{'_'.join(fk.fields)}"
        # Then the rest of the primary key: rows of one parent come in key order, so a query
        # by code ordered by statement (the canned `statements_by_code`) needs no sort.
        rest = tuple(c for c in schema.primary_key if c not in fk.fields)
        columns = ", ".join(_q(c) for c in fk.fields + rest)
        statements.append(f"CREATE INDEX {_q(index)} ON {_q(name)} ({columns})")
    return statements


def facet_index_sql(name: str, schema: TableSchema) -> list[str]:
    """An index on each column Datasette facets by default (`layout.TABLE_OPTIONS`) that no
    index starts with yet: a facet's count is then a scan of the index, not of the table."""
    starts = {fk.fields[0] for fk in schema.foreign_keys} | set(schema.primary_key[:1])
    facets = [c for c in TABLE_OPTIONS.get(name, {}).get("facets", []) if isinstance(c, str)]
    return [
        f"CREATE INDEX {_q(f'idx_{name}_{column}')} ON {_q(name)} ({_q(column)})"
        for column in dict.fromkeys(facets + QUERY_INDEXES.get(name, []))
        if column in schema.names and column not in starts
    ]


def _checks(f: Any) -> list[str]:
    """Constraints as plain SQL: enum, minimum/maximum, booleans as 0/1 (never REGEXP)."""
    column = _q(f.name)
    checks = []
    if f.type == "boolean":
        checks.append(f"{column} IN (0, 1)")
    if f.enum:
        checks.append(f"{column} IN ({', '.join(_literal(v) for v in f.enum)})")
    if f.type in {"integer", "number", "year"}:
        if "minimum" in f.constraints:
            checks.append(f"{column} >= {_literal(f.constraints['minimum'])}")
        if "maximum" in f.constraints:
            checks.append(f"{column} <= {_literal(f.constraints['maximum'])}")
    return checks


def _load(
    conn: sqlite3.Connection, name: str, columns: list[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Bulk insert in the given order (executemany inside the caller's one transaction)."""
    sql = (
        f"INSERT INTO {_q(name)} ({', '.join(_q(c) for c in columns)}) "  # noqa: S608 - quoted
        f"VALUES ({', '.join('?' for _ in columns)})"
    )
    cursor = conn.executemany(sql, rows)
    return max(cursor.rowcount, 0)


def _sqlite_value(value: Any) -> Any:
    return int(value) if isinstance(value, bool) else value


def _require_trigram() -> None:
    if sqlite3.sqlite_version_info < (3, 34, 0):
        raise BuildError(
            f"SQLite {sqlite3.sqlite_version} has no trigram tokenizer; full-text search "
            "needs SQLite 3.34 or newer"
        )


def _create_fts(conn: sqlite3.Connection) -> None:
    """Trigram FTS5 over the statements: substrings match, so parts of Dutch compounds do."""
    columns = ", ".join(_q(c) for c in FTS_COLUMNS)
    # Datasette finds the index by `content="statements"` in its SQL: keep that spelling.
    conn.execute(
        f"CREATE VIRTUAL TABLE {_q(FTS_TABLE)} USING fts5({columns}, "
        'content="statements", content_rowid="rowid", tokenize="trigram")'
    )
    # No incremental merging while the index is built once (about a third faster); the segments
    # stay as written, which search reads as fast on this immutable database. The terms of 64 MiB
    # of text are gathered in memory before a segment is written, not 1 MiB: at 100k statements
    # the index is built in a quarter less CPU and 8% smaller (bench/fts_variants.py).
    for option, value in FTS_BUILD_OPTIONS.items():
        conn.execute(
            f"INSERT INTO {_q(FTS_TABLE)}({_q(FTS_TABLE)}, rank) VALUES (?, ?)",  # noqa: S608
            (option, value),
        )


_STOP: list[Any] = []  # in the FTS worker: the build's stop event


def _start_worker(stop: Any, parent: int) -> None:
    die_with(parent)  # a killed build leaves no indexer writing on
    _STOP[:] = [stop]


def _write_fts_aside(aside: Path, root: Path) -> None:
    """Write the FTS index of the package's statements into the database file `aside` (in a
    worker process; `_copy_fts` takes it in).

    The rows get the rowids the load gives them (1, 2, ... in file order), read by the same
    cast as the load. The index holds the text folded (no diacritics: `ideeen` finds `ideeën`),
    the table the text as written; folding keeps every offset, so highlight() marks the right
    characters. An external-content FTS5 table only writes its index on INSERT, so `statements`
    need not exist in `aside`.
    """
    statements = read_table(Package.load(root), "statements").select(FTS_COLUMNS)
    conn = sqlite3.connect(aside, isolation_level=None)
    try:
        for pragma in ASIDE_PRAGMAS:
            conn.execute(f"PRAGMA {pragma}")
        conn.execute("BEGIN")
        _create_fts(conn)
        columns = ", ".join(_q(c) for c in FTS_COLUMNS)

        def rows() -> Iterator[tuple[Any, ...]]:
            for rowid, values in enumerate(statements.iter_rows(), start=1):
                if rowid % 4096 == 0 and _STOP and _STOP[0].is_set():
                    return  # the build failed: stop early (the file is deleted)
                yield (rowid, *map(fold, values))

        conn.executemany(
            f"INSERT INTO {_q(FTS_TABLE)}(rowid, {columns}) "  # noqa: S608
            f"VALUES (?, {', '.join('?' for _ in FTS_COLUMNS)})",
            rows(),
        )
        conn.execute("COMMIT")
    finally:
        conn.close()


def _copy_fts(conn: sqlite3.Connection, aside: Path) -> None:
    """Replace the (empty) FTS index's shadow tables by those `_write_fts_aside` wrote."""
    # Attached inside the build's transaction, which cannot detach it: it stays attached
    # until the connection closes.
    conn.execute("ATTACH DATABASE ? AS aside", (str(aside),))
    for suffix in FTS_SHADOW_TABLES:
        table = _q(f"{FTS_TABLE}_{suffix}")
        conn.execute(f"DELETE FROM main.{table}")  # noqa: S608
        conn.execute(f"INSERT INTO main.{table} SELECT * FROM aside.{table}")  # noqa: S608


def dimensions(package: Package) -> list[str]:
    """The codebook's dimensions (its root codes), in codebook order."""
    return [row["dimension"] for row in package.rows("codes") if row["parent_id"] == ""]


def derived(package: Package) -> list[DerivedTable]:
    """The derived tables (a statement's codes per dimension, frequencies, ...) of the package."""
    return derived_tables(dimensions(package))


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"
