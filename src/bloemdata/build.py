"""Build the SQLite database Datasette serves (`dist/bloemdata.db`) from a valid data package.

Tables are typed from the Table Schemas (never guessed from the CSV), with primary keys, foreign
keys, NOT NULL and only CHECKs that plain sqlite3 evaluates (no REGEXP). A trigram FTS5 index over
the Dutch text and its translation finds parts of compounds (`uitbuiting` in `arbeidsuitbuiting`),
and views answer the questions researchers ask. The same package gives the same bytes.

Other modules add tables or download files with one call: `register_table(ExtraTable(...))` or
`register_download_writer(fn)`; the build and the Datasette metadata pick them up.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bloemdata.diff import (
    CHANGES_DESCRIPTION,
    CHANGES_SCHEMA,
    CHANGES_TABLE,
    CHANGES_TITLE,
    changes_table_rows,
)
from bloemdata.errors import BloemdataError
from bloemdata.package import DESCRIPTOR, Package
from bloemdata.report import Report
from bloemdata.schema import TableSchema

DATABASE_NAME = "bloemdata"  # Datasette names a database by its file stem
DEFAULT_OUTPUT = Path("dist") / f"{DATABASE_NAME}.db"
FTS_TABLE = "statements_fts"
FTS_COLUMNS = ("text", "text_en")
# Dimension of the codebook whose code every statement gets exactly once (per coder and round).
VALENCE = "valence"


class BuildError(BloemdataError):
    """The database cannot be built (SQLite too old, unwritable output, ...)."""


class InvalidPackageError(BuildError):
    """The package fails validation: nothing is built. `report` holds the problems."""

    def __init__(self, message: str, report: Report) -> None:
        super().__init__(message)
        self.report = report


@dataclass(frozen=True)
class ExtraTable:
    """A table that is not a package resource (e.g. a release's `changes`), typed by its schema."""

    name: str
    title: str
    description: str
    schema: TableSchema
    rows: Callable[[Package], Iterable[dict[str, Any]]]


@dataclass(frozen=True)
class View:
    """A view: its SQL and a description of it and of every column it shows."""

    name: str
    title: str
    description: str
    columns: dict[str, str]
    sql: str


EXTRA_TABLES: list[ExtraTable] = []
DownloadWriter = Callable[[Package, Path], None]
DOWNLOAD_WRITERS: list[DownloadWriter] = []


def register_table(table: ExtraTable) -> None:
    """Add a table to every build (and to the Datasette metadata); idempotent by name."""
    EXTRA_TABLES[:] = [t for t in EXTRA_TABLES if t.name != table.name] + [table]


# What changed between releases, for users browsing versions (bloemdata.diff, issue 6).
register_table(
    ExtraTable(
        CHANGES_TABLE, CHANGES_TITLE, CHANGES_DESCRIPTION, CHANGES_SCHEMA, changes_table_rows
    )
)


def register_download_writer(writer: DownloadWriter) -> None:
    """Add a function `writer(package, downloads_dir)` that writes files for download."""
    if writer not in DOWNLOAD_WRITERS:
        DOWNLOAD_WRITERS.append(writer)


@dataclass(frozen=True)
class BuildResult:
    database: Path
    downloads: Path
    tables: dict[str, int]  # table -> rows loaded


def build(
    package_path: Path | str = ".",
    output: Path = DEFAULT_OUTPUT,
    downloads: Path | None = None,
) -> BuildResult:
    """Validate the package, then write the database and the download folder beside it."""
    from bloemdata.validate import validate  # noqa: PLC0415 - the validator is heavy to import

    package = Package.load(package_path)
    report = validate(package.root)
    if not report.valid:
        raise InvalidPackageError(
            f"{package.root / DESCRIPTOR}: the package is invalid "
            f"({len(report.errors)} error(s)); run `bloemdata validate` to see them. "
            "Nothing was built.",
            report,
        )
    counts = write_database(package, output)
    downloads = downloads or output.parent / "downloads"
    write_downloads(package, downloads)
    return BuildResult(database=output, downloads=downloads, tables=counts)


def write_database(package: Package, output: Path) -> dict[str, int]:
    """Write the database (no validation: `build` validates first). Returns rows per table."""
    _require_trigram()
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    partial.unlink(missing_ok=True)
    conn = sqlite3.connect(partial, isolation_level=None)
    try:
        counts = _fill(conn, package)
        violations = conn.execute("PRAGMA foreign_key_check").fetchall()
        if not violations:
            conn.execute("COMMIT")
    except sqlite3.Error as exc:
        conn.close()
        partial.unlink(missing_ok=True)
        raise BuildError(f"{output}: cannot build the database: {exc}") from exc
    except BaseException:
        conn.close()
        partial.unlink(missing_ok=True)
        raise
    conn.close()
    if violations:
        partial.unlink(missing_ok=True)
        raise BuildError(f"{output}: foreign keys do not resolve: {violations[:5]}")
    partial.replace(output)
    return counts


def _fill(conn: sqlite3.Connection, package: Package) -> dict[str, int]:
    """Create and load everything in one transaction (left open for the caller to commit)."""
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("BEGIN")
    schemas = table_schemas(package)
    for name, schema in schemas.items():
        conn.execute(create_table_sql(name, schema))
        for sql in index_sql(name, schema):
            conn.execute(sql)
    counts = {
        name: _load(conn, name, schema, _rows_of(package, name)) for name, schema in schemas.items()
    }
    _write_fts(conn)
    for view in views(package):
        conn.execute(f"CREATE VIEW {_q(view.name)} AS\n{view.sql}")
    return counts


def table_schemas(package: Package) -> dict[str, TableSchema]:
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
    for extra in EXTRA_TABLES:
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
        columns = ", ".join(_q(c) for c in fk.fields)
        statements.append(f"CREATE INDEX {_q(index)} ON {_q(name)} ({columns})")
    return statements


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


def _rows_of(package: Package, name: str) -> Iterable[dict[str, Any]]:
    for extra in EXTRA_TABLES:
        if extra.name == name:
            return extra.rows(package)
    return package.typed_rows(name)


def _load(
    conn: sqlite3.Connection, name: str, schema: TableSchema, rows: Iterable[dict[str, Any]]
) -> int:
    """Bulk insert in file order (executemany inside the caller's one transaction)."""
    names = schema.names
    sql = (
        f"INSERT INTO {_q(name)} ({', '.join(_q(c) for c in names)}) "  # noqa: S608 - quoted
        f"VALUES ({', '.join('?' for _ in names)})"
    )
    values = [tuple(_sqlite_value(row.get(c)) for c in names) for row in rows]
    conn.executemany(sql, values)
    return len(values)


def _sqlite_value(value: Any) -> Any:
    return int(value) if isinstance(value, bool) else value


def _require_trigram() -> None:
    if sqlite3.sqlite_version_info < (3, 34, 0):
        raise BuildError(
            f"SQLite {sqlite3.sqlite_version} has no trigram tokenizer; full-text search "
            "needs SQLite 3.34 or newer"
        )


def _write_fts(conn: sqlite3.Connection) -> None:
    """Trigram FTS5 over the statements: substrings match, so parts of Dutch compounds do."""
    columns = ", ".join(_q(c) for c in FTS_COLUMNS)
    # Datasette finds the index by `content="statements"` in its SQL: keep that spelling.
    conn.execute(
        f"CREATE VIRTUAL TABLE {_q(FTS_TABLE)} USING fts5({columns}, "
        'content="statements", content_rowid="rowid", tokenize="trigram")'
    )
    conn.execute(f"INSERT INTO {_q(FTS_TABLE)}({_q(FTS_TABLE)}) VALUES ('rebuild')")  # noqa: S608


def dimensions(package: Package) -> list[str]:
    """The codebook's dimensions (its root codes), in codebook order."""
    return [row["dimension"] for row in package.rows("codes") if row["parent_id"] == ""]


def views(package: Package) -> list[View]:
    """The views, generated for the codebook's dimensions."""
    dims = dimensions(package)
    # Aggregates over a join, not correlated subqueries: SQLite 3.40 returns no rows for
    # Datasette's array-facet query over a view built from correlated subqueries.
    per_dimension = ",\n".join(
        f"  json_group_array(g.code_id) FILTER (WHERE g.dimension = {_literal(d)}) AS {_q(d)}"
        for d in dims
    )
    current = "s.status = 'current'"
    return [
        View(
            name="statement_codes",
            title="Statements with their codes",
            description=(
                "One row per current statement and coding (coder and round): the statement's "
                "text and, per dimension of the codebook, the codes applied as a JSON array "
                "(facet on them as arrays)."
            ),
            columns={
                "statement_id": "The statement (see statements).",
                "coder_id": "The coder who coded it (see coders); empty if not yet coded.",
                "round": "The coding round.",
                "section_id": "Section of the anthology the statement belongs to.",
                "page": "Printed page number.",
                "text": "The statement in Dutch, verbatim.",
                "text_en": "Unofficial English translation.",
                **{
                    d: f"Codes of dimension `{d}` applied, as a JSON array of code ids."
                    for d in dims
                },
            },
            sql=(
                "SELECT s.statement_id, g.coder_id, g.round, s.section_id, s.page, s.text, "  # noqa: S608
                f"s.text_en,\n{per_dimension}\nFROM statements s LEFT JOIN "
                "(SELECT c.statement_id, c.coder_id, c.round, c.code_id, k.dimension "
                "FROM codings c JOIN codes k ON k.code_id = c.code_id ORDER BY k.rowid) g "
                f"ON g.statement_id = s.statement_id\nWHERE {current}\n"
                "GROUP BY s.statement_id, g.coder_id, g.round\n"
                "ORDER BY s.rowid, g.coder_id, g.round"
            ),
        ),
        View(
            name="code_frequencies",
            title="Code frequencies",
            description=(
                "Per codable code of the codebook: how many current statements have it "
                "(by any coder, in any round) and how many codings apply it."
            ),
            columns={
                "dimension": "Dimension of the codebook.",
                "code_id": "The code (see codes).",
                "label_nl": "Label of the code in Dutch.",
                "label_en": "Label of the code in English.",
                "n_statements": "Number of distinct current statements coded with it.",
                "n_codings": "Number of codings (statement x coder x round) applying it.",
            },
            sql=(
                "SELECT k.dimension, k.code_id, k.label_nl, k.label_en, "
                "COUNT(DISTINCT s.statement_id) AS n_statements, "
                "COUNT(s.statement_id) AS n_codings\n"
                "FROM codes k LEFT JOIN codings c ON c.code_id = k.code_id "
                f"LEFT JOIN statements s ON s.statement_id = c.statement_id AND {current}\n"
                "WHERE k.codable = 1 GROUP BY k.code_id ORDER BY k.rowid"
            ),
        ),
        View(
            name="code_cooccurrence",
            title="Co-occurrence of codes",
            description=(
                "Pairs of different codes applied to the same current statement by the same "
                "coder in the same round, with the number of statements. Both orders of each "
                "pair are listed: filter `dimension_a` and `dimension_b` for two dimensions, "
                "e.g. topic x exploitation."
            ),
            columns={
                "dimension_a": "Dimension of the first code.",
                "code_a": "The first code (see codes).",
                "label_a": "English label of the first code.",
                "dimension_b": "Dimension of the second code.",
                "code_b": "The second code (see codes).",
                "label_b": "English label of the second code.",
                "n_statements": "Number of distinct current statements with both codes.",
            },
            sql=(
                "SELECT ka.dimension AS dimension_a, a.code_id AS code_a, ka.label_en AS label_a, "
                "kb.dimension AS dimension_b, b.code_id AS code_b, kb.label_en AS label_b, "
                "COUNT(DISTINCT a.statement_id) AS n_statements\n"
                "FROM codings a JOIN codings b ON b.statement_id = a.statement_id "
                "AND b.coder_id = a.coder_id AND b.round = a.round AND b.code_id <> a.code_id\n"
                "JOIN codes ka ON ka.code_id = a.code_id JOIN codes kb ON kb.code_id = b.code_id\n"
                f"JOIN statements s ON s.statement_id = a.statement_id AND {current}\n"
                "GROUP BY a.code_id, b.code_id ORDER BY ka.rowid, kb.rowid"
            ),
        ),
        View(
            name="statements_by_section_valence",
            title="Statements per section and valence",
            description=(
                "Number of current statements per section of the anthology and valence code "
                "(development, bottleneck, mixed)."
            ),
            columns={
                "section_id": "Section of the anthology (see sections).",
                "title_nl": "Title of the section in Dutch, as printed.",
                "title_en": "Title of the section in English.",
                "valence": "The valence code (see codes).",
                "valence_label": "English label of the valence code.",
                "n_statements": "Number of distinct current statements.",
            },
            sql=(
                "SELECT s.section_id, sec.title_nl, sec.title_en, c.code_id AS valence, "
                "k.label_en AS valence_label, COUNT(DISTINCT s.statement_id) AS n_statements\n"
                "FROM statements s JOIN sections sec ON sec.section_id = s.section_id "
                "JOIN codings c ON c.statement_id = s.statement_id "
                f"JOIN codes k ON k.code_id = c.code_id AND k.dimension = {_literal(VALENCE)}\n"
                f"WHERE {current} GROUP BY s.section_id, c.code_id ORDER BY sec.rowid, k.rowid"
            ),
        ),
    ]


def write_downloads(package: Package, target: Path) -> list[Path]:
    """Copy datapackage.json, every resource, the schemas and data dictionary; run the writers."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    root = package.root
    written = []
    sources = [root / DESCRIPTOR, root / "DATA_DICTIONARY.md"]
    sources += [package.path_of(name) for name in package.resource_names]
    sources += sorted((root / "schemas").glob("*.json"))
    for source in sources:
        if not source.is_file():
            continue
        destination = target / source.relative_to(root)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
        written.append(destination)
    import bloemdata.exports  # noqa: F401, PLC0415 - registers its writer; it imports this module

    for writer in DOWNLOAD_WRITERS:
        writer(package, target)
    return written


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"
