"""The SQLite build: cells round-trip with their types; keys, indexes, FTS, views, refusals."""

from __future__ import annotations

import csv
import json
import re
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from bloemdata.cli import cli
from bloemdata.core.package import Package
from bloemdata.core.schema import schema_from_descriptor
from bloemdata.database.build import (
    FTS_SHADOW_TABLES,
    BuildError,
    _create_fts,
    build,
    dimensions,
    write_database,
)
from bloemdata.database.defaults import EXTRA_TABLES
from bloemdata.database.fold import fold
from bloemdata.database.layout import FTS_COLUMNS, FTS_TABLE, ExtraTable
from bloemdata.exports import write_all

from .roundtrip import assert_same_cells


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, package: Package) -> sqlite3.Connection:
    path = tmp_path_factory.mktemp("build") / "bloemdata.db"
    write_database(package, path, tables=EXTRA_TABLES)
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    return conn


def test_every_cell_round_trips_with_its_type(db: sqlite3.Connection, package: Package) -> None:
    assert_same_cells(db, package)


def test_section_ids_stay_text(package_copy: Path, tmp_path: Path) -> None:
    shipped = [r["section_id"] for r in Package.load(package_copy).rows("sections")]
    assert "1.1" in shipped  # the id a number cast would turn into 1.1 from 1.10
    sections = package_copy / "datapackage" / "sections.csv"
    with sections.open("a", encoding="utf-8", newline="") as handle:
        handle.write("1.10,bloemlezing,10,Proef,Trial,1:0-26\n")
    out = tmp_path / "bloemdata.db"
    write_database(Package.load(package_copy), out)
    rows = sqlite3.connect(out).execute(
        "SELECT section_id, typeof(section_id) FROM sections ORDER BY rowid"
    )
    assert rows.fetchall() == [(s, "text") for s in [*shipped, "1.10"]]


def test_keys_not_null_and_indexes_follow_the_schemas(
    db: sqlite3.Connection, package: Package
) -> None:
    for name in package.table_names:
        schema = package.schemas[name]
        info = {r["name"]: r for r in db.execute(f'PRAGMA table_info("{name}")')}
        assert list(info) == schema.names
        for f in schema.fields:
            assert info[f.name]["type"] == f.sqlite_type
            assert bool(info[f.name]["notnull"]) == (f.required or f.name in schema.primary_key)
        pk = sorted((r["pk"], r["name"]) for r in info.values() if r["pk"])
        assert tuple(c for _, c in pk) == schema.primary_key
        fks: dict[int, list[sqlite3.Row]] = {}
        for r in db.execute(f'PRAGMA foreign_key_list("{name}")'):
            fks.setdefault(r["id"], []).append(r)
        got = {
            (tuple(r["from"] for r in rs), rs[0]["table"], tuple(r["to"] for r in rs))
            for rs in fks.values()
        }
        want = {(fk.fields, fk.resource or name, fk.reference_fields) for fk in schema.foreign_keys}
        assert got == want, name
        indexed = [
            tuple(c["name"] for c in db.execute(f'PRAGMA index_info("{i["name"]}")'))
            for i in db.execute(f'PRAGMA index_list("{name}")')
        ]
        for fk in schema.foreign_keys:
            assert any(cols[: len(fk.fields)] == fk.fields for cols in indexed), (name, fk)


def test_plain_sqlite3_evaluates_every_constraint(db: sqlite3.Connection) -> None:
    sql = " ".join(r[0] or "" for r in db.execute("SELECT sql FROM sqlite_master"))
    assert "REGEXP" not in sql.upper()
    path = db.execute("PRAGMA database_list").fetchone()["file"]
    plain = sqlite3.connect(path)  # a client with no functions of its own
    assert plain.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    plain.execute("PRAGMA foreign_keys = ON")
    # Inserting evaluates every CHECK of the table; a bad enum value is refused.
    plain.execute(
        "INSERT INTO statements SELECT 'BL-p010-99', source_id, page, section_id, \"column\", "
        "position, text, text_en, anchor, status, status_note FROM statements LIMIT 1"
    )
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        plain.execute(
            "UPDATE statements SET \"column\" = 'middle' WHERE statement_id = 'BL-p010-99'"
        )
    plain.rollback()


def _matches(db: sqlite3.Connection, word: str) -> set[str]:
    rows = db.execute(
        f"SELECT statement_id FROM statements WHERE rowid IN "  # noqa: S608
        f"(SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?)",
        (f'"{word}"',),
    )
    return {r[0] for r in rows}


@pytest.mark.parametrize(
    ("word", "compound"), [("uitbuiting", "arbeidsuitbuiting"), ("handel", "mensenhandel")]
)
def test_full_text_search_finds_parts_of_compounds(
    db: sqlite3.Connection, package: Package, word: str, compound: str
) -> None:
    rows = package.rows("statements")
    expected = {r["statement_id"] for r in rows if word in (r["text"] + " " + r["text_en"]).lower()}
    with_compound = {r["statement_id"] for r in rows if compound in r["text"].lower()}
    assert with_compound, f"the data has no {compound}"
    assert with_compound <= expected
    assert _matches(db, word) == expected
    assert _matches(db, word.upper()) == expected  # case-insensitive


def _codings(package: Package) -> list[dict[str, str]]:
    current = {r["statement_id"] for r in package.rows("statements") if r["status"] == "current"}
    return [r for r in package.rows("codings") if r["statement_id"] in current]


def test_statement_codes_view_has_every_code_per_dimension(
    db: sqlite3.Connection, package: Package
) -> None:
    dimension = {r["code_id"]: r["dimension"] for r in package.rows("codes")}
    expected: dict[tuple[str, str, int], dict[str, set[str]]] = {}
    for r in _codings(package):
        key = (r["statement_id"], r["coder_id"], int(r["round"]))
        expected.setdefault(key, {d: set() for d in dimensions(package)})
        expected[key][dimension[r["code_id"]]].add(r["code_id"])
    got = {
        (r["statement_id"], r["coder_id"], r["round"]): {
            d: set(json.loads(r[d])) for d in dimensions(package)
        }
        for r in db.execute("SELECT * FROM statement_codes")
    }
    assert got == expected


def test_frequency_cooccurrence_and_section_views_count_statements(
    db: sqlite3.Connection, package: Package
) -> None:
    codings = _codings(package)
    per_code = Counter(c for c, _ in {(r["code_id"], r["statement_id"]) for r in codings})
    frequencies = {
        r["code_id"]: r["n_statements"] for r in db.execute("SELECT * FROM code_frequencies")
    }
    codable = {r["code_id"] for r in package.rows("codes") if r["codable"] == "true"}
    assert frequencies == {code: per_code.get(code, 0) for code in codable}

    by_unit: dict[tuple[str, str, str], set[str]] = {}
    for r in codings:
        by_unit.setdefault((r["statement_id"], r["coder_id"], r["round"]), set()).add(r["code_id"])
    pairs: dict[tuple[str, str], set[str]] = {}
    for (statement, _, _), codes in by_unit.items():
        for a in codes:
            for b in codes - {a}:
                pairs.setdefault((a, b), set()).add(statement)
    got = {
        (r["code_a"], r["code_b"]): r["n_statements"]
        for r in db.execute("SELECT * FROM code_cooccurrence")
    }
    assert got == {pair: len(s) for pair, s in pairs.items()}

    totals = db.execute("SELECT SUM(n_statements) FROM statements_by_section_valence").fetchone()[0]
    assert totals == len(
        {r["statement_id"] for r in codings if r["code_id"].startswith("valence-")}
    )


def test_build_is_deterministic(package: Package, tmp_path: Path) -> None:
    first, second = tmp_path / "a" / "bloemdata.db", tmp_path / "b" / "bloemdata.db"
    write_database(package, first)
    write_database(package, second)
    assert first.read_bytes() == second.read_bytes()


def test_an_extra_table_passed_by_the_caller_is_built(package: Package, tmp_path: Path) -> None:
    schema = schema_from_descriptor(
        {
            "fields": [
                {
                    "name": "version",
                    "type": "string",
                    "description": "Release.",
                    "constraints": {"required": True},
                },
                {"name": "n", "type": "integer", "description": "A count."},
            ],
            "primaryKey": ["version"],
        }
    )
    extra = ExtraTable(
        "changes", "Changes", "What changed.", schema, lambda _: [{"version": "1.0.0", "n": 3}]
    )
    out = tmp_path / "bloemdata.db"
    counts = write_database(package, out, tables=[extra])
    assert counts["changes"] == 1
    row = sqlite3.connect(out).execute("SELECT version, typeof(n), n FROM changes").fetchone()
    assert row == ("1.0.0", "integer", 3)


def test_unresolved_foreign_key_fails_and_leaves_no_file(
    package_copy: Path, tmp_path: Path
) -> None:
    codings = package_copy / "datapackage" / "codings.csv"
    with codings.open("a", encoding="utf-8", newline="") as handle:
        handle.write("BL-p010-01,topic-no-such-code,maintainer-1,1,1.0.0\n")
    out = tmp_path / "bloemdata.db"
    with pytest.raises(BuildError, match="foreign key"):
        write_database(Package.load(package_copy), out)
    assert list(tmp_path.glob("bloemdata.db*")) == []


def test_cli_build_writes_database_and_downloads(package_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist" / "bloemdata.db"
    result = CliRunner().invoke(
        cli, ["build", "--package", str(package_copy), "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    statements = len(Package.load(package_copy).rows("statements"))
    assert re.search(rf"\bstatements {statements}\b", result.output), result.output
    downloads = out.parent / "downloads"
    for relative in ("datapackage.json", "datapackage/statements.csv", "schemas/statements.json"):
        assert (downloads / relative).read_bytes() == (package_copy / relative).read_bytes()
    with (downloads / "datapackage" / "codings.csv").open(encoding="utf-8", newline="") as handle:
        assert (
            len(list(csv.DictReader(handle)))
            == sqlite3.connect(out).execute("SELECT count(*) FROM codings").fetchone()[0]
        )
    assert not (downloads / "exports").exists()  # the exports are their own step


def test_cli_build_exports_writes_every_export_for_download(
    package_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "dist" / "bloemdata.db"
    result = CliRunner().invoke(
        cli, ["build", "--package", str(package_copy), "--output", str(out), "--exports"]
    )
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (out.parent / "downloads" / "exports").iterdir())
    expected = sorted(p.name for p in write_all(Package.load(package_copy), tmp_path / "all"))
    assert written == expected
    assert "bloemdata-project.qdpx" in written


def test_cli_build_refuses_an_invalid_package(package_copy: Path, tmp_path: Path) -> None:
    statements = package_copy / "datapackage" / "statements.csv"
    text = statements.read_text(encoding="utf-8")
    statements.write_text(
        text.replace("BL-p010-01,bloemlezing,10,", "BL-p010-01,bloemlezing,ten,", 1),
        encoding="utf-8",
    )
    before = statements.read_bytes()
    out = tmp_path / "dist" / "bloemdata.db"
    result = CliRunner().invoke(
        cli, ["build", "--package", str(package_copy), "--output", str(out)]
    )
    assert result.exit_code == 1
    assert "invalid" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    assert statements.read_bytes() == before


def test_build_refuses_before_writing(package_copy: Path, tmp_path: Path) -> None:
    codes = package_copy / "datapackage" / "codes.csv"
    codes.write_text(
        codes.read_text(encoding="utf-8").replace(",true,", ",yes,", 1), encoding="utf-8"
    )
    with pytest.raises(BuildError, match="invalid"):
        build(package_copy, tmp_path / "bloemdata.db")
    assert not (tmp_path / "bloemdata.db").exists()
    assert not (tmp_path / "downloads").exists()


def test_fts_index_written_aside_equals_one_built_in_place(
    db: sqlite3.Connection, tmp_path: Path
) -> None:
    """The worker's index, copied in, is the one SQLite builds from the loaded table itself
    (same rowids, same folded text, same segments)."""
    (path,) = [r["file"] for r in db.execute("PRAGMA database_list") if r["name"] == "main"]
    copy = tmp_path / "inplace.db"
    copy.write_bytes(Path(path).read_bytes())
    conn = sqlite3.connect(copy, isolation_level=None)
    conn.execute(f'DROP TABLE "{FTS_TABLE}"')
    _create_fts(conn)
    conn.create_function("fold", 1, fold, deterministic=True)
    columns = ", ".join(f'"{c}"' for c in FTS_COLUMNS)
    folded = ", ".join(f'fold("{c}")' for c in FTS_COLUMNS)
    conn.execute(
        f'INSERT INTO "{FTS_TABLE}"(rowid, {columns}) SELECT rowid, {folded} FROM statements'  # noqa: S608
    )
    for suffix in FTS_SHADOW_TABLES:
        query = f'SELECT * FROM "{FTS_TABLE}_{suffix}" ORDER BY 1, 2'  # noqa: S608
        built = db.execute(query).fetchall()
        assert [tuple(r) for r in built] == conn.execute(query).fetchall(), suffix
        assert built, suffix


def _children(pid: int) -> set[int]:
    """The processes whose parent is `pid` (read from /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
def test_a_killed_build_leaves_no_worker_running(package_copy: Path, tmp_path: Path) -> None:
    """The validator and the full-text indexer die with the build (kernel's parent-death signal);
    before, a `kill -9` of the build left them to run their task out."""
    command = [sys.executable, "-c", "from bloemdata.cli import cli; cli()", "build",
               "--package", str(package_copy), "--output", str(tmp_path / "x.db")]  # fmt: skip
    build = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        workers: set[int] = set()
        while len(workers) < 2 and time.monotonic() < deadline and build.poll() is None:
            workers |= _children(build.pid)
            time.sleep(0.01)
        assert len(workers) >= 2, "the build started its validator and indexer"
    finally:
        build.kill()
        build.wait()
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [w for w in workers if _alive(w)]
