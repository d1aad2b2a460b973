"""`page add`: a page added whole (ids, columns, positions, raw copy, hashes) or refused whole."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from bloemdata.cli import cli
from bloemdata.core.anchor import split_lines
from bloemdata.core.package import Package
from bloemdata.database.build import write_database
from bloemdata.database.defaults import EXTRA_TABLES
from bloemdata.database.layout import FTS_TABLE
from bloemdata.validation.checks.uncoded import release_problems
from bloemdata.validation.validate import validate
from bloemdata.versions import rules as release_rules
from bloemdata.versions.semver import next_versions
from tests.ingest.pages import seeded


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def _rows(root: Path, table: str) -> list[dict[str, str]]:
    with (root / "datapackage" / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _write(path: Path, paragraphs: list[str]) -> Path:
    path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def page10(package_copy: Path, tmp_path: Path):
    """Page 10 of the copy renumbered (footer) as a new page, with its shipped texts."""
    package = Package.load(package_copy)
    row = package.rows("pages")[0]
    new = int(row["page"]) + 1
    raw = package.text(row["resource"])
    raw = raw.replace(f" {row['page']}\n", f" {new}\n")
    raw_path = tmp_path / row["extracted_from"]
    raw_path.write_bytes(raw.encode("utf-8"))
    shipped = [s for s in package.rows("statements") if s["page"] == row["page"]]
    nl = _write(tmp_path / "nl.txt", [s["text"] for s in shipped])
    en = _write(tmp_path / "en.txt", [s["text_en"] for s in shipped])
    return package_copy, raw_path, new, row, shipped, nl, en


def _add(root: Path, raw: Path, page: int, nl: Path, *extra: str):
    args = ["page", "add", str(raw), "--page", str(page), "--section", "1.1"]
    args += ["--statements", str(nl), "--package", str(root), *extra]
    return CliRunner().invoke(cli, args)


def test_add_page_writes_everything_and_validates(page10):
    root, raw, page, row, shipped, nl, en = page10
    result = _add(root, raw, page, nl, "--translations", str(en))
    assert result.exit_code == 0, result.output
    added = [s for s in _rows(root, "statements") if s["page"] == str(page)]
    assert [s["statement_id"] for s in added] == [
        f"BL-p{page:03d}-{n:02d}" for n in range(1, len(shipped) + 1)
    ]
    fields = ["text", "text_en", "anchor", "column", "position", "section_id"]
    assert [[s[f] for f in fields] for s in added] == [[s[f] for f in fields] for s in shipped]
    new_row = next(r for r in _rows(root, "pages") if r["page"] == str(page))
    copied = (root / new_row["path"]).read_bytes()
    assert copied == raw.read_bytes()
    assert new_row["sha256"] == hashlib.sha256(copied).hexdigest()
    assert new_row["line_count"] == str(len(split_lines(copied.decode("utf-8"))))
    assert (new_row["heading_anchor"], new_row["footer_anchor"]) == (
        row["heading_anchor"],
        row["footer_anchor"],
    )
    assert new_row["extracted_from"] == raw.name
    assert _rows(root, "sources")[0]["pages_held"] == f"{row['page']}-{page}"
    report = validate(root, frictionless=True)
    assert report.errors == []
    uncoded = [p for p in report.warnings if p.rule == "statement-uncoded"]
    assert [p.message for p in uncoded] == [f"{s['statement_id']} is not yet coded" for s in added]
    assert "not yet coded" in result.output or "not coded yet" in result.output


def test_words_no_statement_covers_are_listed(page10):
    root, raw, page, _, shipped, _, _ = page10
    nl = _write(raw.parent / "fewer.txt", [s["text"] for s in shipped[1:]])
    en = _write(raw.parent / "fewer.en.txt", [s["text_en"] for s in shipped[1:]])
    result = _add(root, raw, page, nl, "--translations", str(en))
    assert result.exit_code == 0, result.output
    first_words = shipped[0]["text"].split()
    listed = result.output.split("Words of the page in no statement")[1]
    assert f"({len(first_words)}):" in listed
    assert all(word in listed for word in first_words)


def _refused(root: Path, result, *needles: str) -> None:
    assert result.exit_code == 1, result.output
    for needle in needles:
        assert needle in result.output, result.output


def test_refusals_leave_the_package_unchanged(page10):
    root, raw, page, row, shipped, nl, en = page10
    before = _files(root)
    tmp = raw.parent
    texts = [s["text"] for s in shipped]
    english = ["--translations", str(en)]

    # a word not on the page in order: named with its statement
    wrong = [*texts[:2], texts[2].replace(texts[2].split()[3], "walvis", 1), *texts[3:]]
    _refused(root, _add(root, raw, page, _write(tmp / "a.txt", wrong), *english),
             "statement 3", "'walvis'", "nothing written")  # fmt: skip
    # words claimed by two statements
    twice = [*texts, texts[4]]
    en_twice = _write(tmp / "b.en.txt", [*[s["text_en"] for s in shipped], "x"])
    result = _add(root, raw, page, _write(tmp / "b.txt", twice), "--translations", str(en_twice))
    _refused(root, result, f"statement {len(texts) + 1}", "statement 5", "already holds")
    # a page number already held
    held = tmp / "held.txt"
    held.write_bytes((root / row["path"]).read_bytes())
    _refused(root, _add(root, held, int(row["page"]), nl, *english), "already held")
    # a raw page that is not UTF-8
    latin = tmp / "latin1.txt"
    latin.write_bytes(raw.read_text(encoding="utf-8").replace("’", "'").encode("utf-8") + b"\xe9\n")
    _refused(root, _add(root, latin, page, nl, *english), "not UTF-8")
    # no translations while the schema requires text_en
    _refused(root, _add(root, raw, page, nl), "text_en is required", "--translations")
    # a section neither in sections.csv nor named by the page's heading
    result = CliRunner().invoke(cli, ["page", "add", str(raw), "--page", str(page), "--section",
                                      "9.9", "--statements", str(nl), "--package", str(root),
                                      *english])  # fmt: skip
    _refused(root, result, "section '9.9' is not in sections.csv")
    assert _files(root) == before


def test_failure_while_writing_puts_every_file_back(page10, monkeypatch):
    root, raw, page, _, _, nl, en = page10
    before = _files(root)
    from bloemdata.ingest import add as add_module

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(add_module, "_add_page_held", broken)
    with pytest.raises(OSError, match="disk full"):
        add_module.add_page(root, raw, page, "1.1", nl, translations_path=en)
    assert _files(root) == before


def test_uncoded_statements_block_a_release_until_coded(page10):
    root, raw, page, _, shipped, nl, en = page10
    assert _add(root, raw, page, nl, "--translations", str(en)).exit_code == 0
    package = Package.load(root)
    new_ids = [s["statement_id"] for s in package.rows("statements") if s["page"] == str(page)]
    problems = release_problems(package)
    assert [(p.rule, p.message.split()[0]) for p in problems] == [
        ("release-uncoded", sid) for sid in new_ids
    ]
    # release check reports them too (the copy has no git history: other rules may speak)
    shutil.copy2(Path(__file__).resolve().parents[2] / "releases.json", root)
    report = release_rules.check(root)
    assert sorted(p.message.split()[0] for p in report.errors if p.rule == "release-uncoded") == (
        sorted(new_ids)
    )
    _code_like(root, dict(zip(new_ids, [s["statement_id"] for s in shipped], strict=True)))
    assert release_problems(Package.load(root)) == []


def _code_like(root: Path, like: dict[str, str]) -> None:
    """Code each new statement as its model was coded (what a coder's sheet would add)."""
    codings = _rows(root, "codings")
    new = [dict(c, statement_id=sid) for sid, model in like.items() for c in codings
           if c["statement_id"] == model]  # fmt: skip
    path = root / "datapackage" / "codings.csv"
    with path.open("a", encoding="utf-8", newline="") as handle:
        csv.DictWriter(handle, fieldnames=list(codings[0]), lineterminator="\n").writerows(new)
    CliRunner().invoke(cli, ["refresh", "--package", str(root)])


def test_end_to_end_generated_page_added_coded_validated_and_searchable(package_copy, tmp_path):
    """Add a generated page, code it, validate, and find a new statement by full-text search."""
    page = seeded(7, page=12)
    raw = tmp_path / "p12.txt"
    raw.write_bytes(page.raw.encode("utf-8"))
    nl = _write(tmp_path / "nl.txt", page.texts)
    en = _write(tmp_path / "en.txt", [f"(English) {t}" for t in page.texts])
    args = ["--translations", str(en)]
    if page.section:
        args += ["--section-title-en", "Generated section"]
    result = CliRunner().invoke(cli, ["page", "add", str(raw), "--page", "12", "--section",
                                      page.section or "1.1", "--statements", str(nl),
                                      "--package", str(package_copy), *args])  # fmt: skip
    assert result.exit_code == 0, result.output
    package = Package.load(package_copy)
    new = [s for s in package.rows("statements") if s["page"] == "12"]
    assert [s["anchor"] for s in sorted(new, key=lambda s: int(s["position"]))] == page.anchors
    model = package.rows("statements")[0]["statement_id"]
    _code_like(package_copy, {s["statement_id"]: model for s in new})
    report = validate(package_copy, frictionless=True)
    assert report.errors == [], report.errors
    assert not [p for p in report.warnings if p.rule == "statement-uncoded"]
    # the release rules against the last release's files: a new page is a minor release
    root = Path(__file__).resolve().parents[2]
    shutil.copy2(root / "releases.json", package_copy)
    last = json.loads((root / "releases.json").read_text(encoding="utf-8"))["releases"][-1]
    minor = next_versions(last["version"])
    for level in ("patch", "minor"):
        check = release_rules.check(package_copy, version=minor[level], against=str(root))
        rules = {p.rule for p in check.errors}
        assert "release-uncoded" not in rules
        assert ("release-bump-too-small" in rules) == (level == "patch"), check.errors
    database = tmp_path / "bloemdata.db"
    write_database(Package.load(package_copy), database, tables=EXTRA_TABLES)
    longest = max(new, key=lambda s: len(s["text"]))
    with sqlite3.connect(database) as conn:
        found = conn.execute(
            f"SELECT s.statement_id FROM {FTS_TABLE} f JOIN statements s ON s.rowid = f.rowid "  # noqa: S608
            f"WHERE {FTS_TABLE} MATCH ?",
            ['"' + longest["text"].replace('"', '""') + '"'],
        ).fetchall()
    assert (longest["statement_id"],) in found


def test_a_statement_that_breaks_a_transcription_rule_is_refused(page10):
    """The validator's rebuild checks run before writing: a text that does not end like a
    sentence (a word left to its neighbour) is refused, and nothing is written."""
    root, raw, page, _, shipped, _, en = page10
    before = _files(root)
    texts = [s["text"] for s in shipped]
    cut = texts[0].rsplit(" ", 1)
    nl = _write(raw.parent / "cut.txt", [cut[0], *texts[1:]])
    result = _add(root, raw, page, nl, "--translations", str(en))
    _refused(root, result, "statement 1", "statement-boundary")
    assert _files(root) == before
