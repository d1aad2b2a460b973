"""Bad input: a report entry saying what is wrong and where; no traceback, no changed file."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bloemdata.cli import cli


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def _run(root: Path, *extra: str) -> tuple[int, dict]:
    """Validate as JSON; assert no traceback and no file changed; return exit code and report."""
    before = _snapshot(root)
    result = CliRunner().invoke(
        cli, ["validate", "--package", str(root), "--format", "json", *extra]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    assert _snapshot(root) == before
    return result.exit_code, json.loads(result.output)


def _entries(report: dict, rule: str) -> list[tuple]:
    return [(p["resource"], p["row"], p["field"]) for p in report["problems"] if p["rule"] == rule]


def _csv(root: Path, table: str) -> Path:
    return root / "datapackage" / f"{table}.csv"


def test_missing_file(package_copy):
    _csv(package_copy, "coders").unlink()
    code, report = _run(package_copy)
    assert code == 2
    assert report["could_not_run"] is True
    (problem,) = [p for p in report["problems"] if p["rule"] == "resource-missing"]
    assert problem["resource"] == "coders"
    assert "datapackage/coders.csv" in problem["message"]


def test_latin1_bytes(package_copy):
    path = _csv(package_copy, "statements")
    lines = path.read_bytes().split(b"\n")
    lines[3] = lines[3].replace(b"Als", "Alsé".encode("latin-1"), 1)
    path.write_bytes(b"\n".join(lines))
    code, report = _run(package_copy)
    assert code == 1
    (problem,) = [p for p in report["problems"] if p["rule"] == "encoding-utf8"]
    assert (problem["resource"], problem["row"]) == ("statements", 3)
    assert "0xe9" in problem["message"]
    assert "line 4" in problem["message"]


def test_byte_order_mark(package_copy):
    path = _csv(package_copy, "coders")
    path.write_bytes(codecs.BOM_UTF8 + path.read_bytes())
    code, report = _run(package_copy)
    assert code == 1
    assert _entries(report, "encoding-bom") == [("coders", 0, None)]


def test_empty_file(package_copy):
    _csv(package_copy, "sections").write_bytes(b"")
    code, report = _run(package_copy)
    assert code == 1
    assert _entries(report, "empty-file") == [("sections", None, None)]


def test_header_only(package_copy):
    path = _csv(package_copy, "coders")
    path.write_bytes(path.read_bytes().split(b"\n")[0] + b"\n")
    code, report = _run(package_copy)
    assert code == 1
    assert _entries(report, "no-rows") == [("coders", None, None)]
    assert ("codings", 1, "coder_id") in _entries(report, "foreign-key")


def test_ragged_rows(package_copy):
    path = _csv(package_copy, "codings")
    lines = path.read_bytes().split(b"\n")
    lines[2] = lines[2].rsplit(b",", 1)[0]  # one cell short
    lines[5] += b",extra"  # one cell too many
    path.write_bytes(b"\n".join(lines))
    code, report = _run(package_copy)
    assert code == 1
    assert _entries(report, "ragged-row") == [("codings", 2, None), ("codings", 5, None)]
    # frictionless says the same per cell; the fast path's entry is enough
    assert all(p["source"] == "bloemdata" for p in report["problems"] if p["resource"] == "codings")


def test_blank_row(package_copy):
    path = _csv(package_copy, "codings")
    lines = path.read_bytes().split(b"\n")
    lines.insert(3, b"")
    path.write_bytes(b"\n".join(lines))
    code, report = _run(package_copy)
    assert code == 1
    assert _entries(report, "blank-row") == [("codings", 3, None)]


def test_duplicated_header(package_copy):
    path = _csv(package_copy, "coders")
    path.write_bytes(path.read_bytes().replace(b"coder_id,role,", b"coder_id,coder_id,", 1))
    code, report = _run(package_copy)
    assert code == 1
    assert _entries(report, "header-duplicate") == [("coders", 0, "coder_id")]
    assert _entries(report, "header-missing") == [("coders", 0, "role")]


def test_missing_header(package_copy):
    path = _csv(package_copy, "sections")
    lines = path.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join(lines[1:]))  # the header line is gone
    code, report = _run(package_copy)
    assert code == 1
    assert ("sections", 0, "section_id") in _entries(report, "header-missing")


def test_extra_column(package_copy):
    path = _csv(package_copy, "coders")
    lines = path.read_bytes().split(b"\n")
    lines = [lines[0] + b",note"] + [line + b",x" for line in lines[1:-1]] + [b""]
    path.write_bytes(b"\n".join(lines))
    code, report = _run(package_copy)
    assert code == 1
    assert _entries(report, "header-extra") == [("coders", 0, "note")]


def test_nul_bytes(package_copy):
    path = _csv(package_copy, "statements")
    lines = path.read_bytes().split(b"\n")
    lines[7] = lines[7].replace(b" ", b"\x00", 1)
    path.write_bytes(b"\n".join(lines))
    code, report = _run(package_copy)
    assert code == 1
    assert ("statements", 7, None) in _entries(report, "nul-byte")
    assert ("statements", 7, "text") in _entries(report, "text-control-character")


@pytest.mark.slow  # 50 MB through every check
def test_fifty_megabyte_cell(package_copy):
    path = _csv(package_copy, "statements")
    lines = path.read_bytes().split(b"\n")
    head, _, tail = lines[2].partition(b",current,")
    cells = head.split(b",")
    big = b"a" * 50_000_000
    lines[2] = b",".join([*cells[:6], big, *cells[7:]]) + b",current," + tail
    path.write_bytes(b"\n".join(lines))
    code, report = _run(package_copy)
    assert code == 1
    (problem,) = [p for p in report["problems"] if p["rule"] == "max-length"]
    assert (problem["resource"], problem["row"], problem["field"]) == ("statements", 2, "text")
    assert len(problem["message"]) < 200
    assert all(len(p["message"]) < 1000 for p in report["problems"])


@pytest.mark.parametrize(
    "text", ["{not json", "[]", '{"resources": "x"}', '{"resources": [{"path": "x"}]}']
)
def test_broken_descriptor(package_copy, text):
    (package_copy / "datapackage.json").write_text(text, encoding="utf-8")
    code, report = _run(package_copy)
    assert code == 2
    assert _entries(report, "descriptor-invalid") == [("datapackage.json", None, None)]


def test_broken_table_schema(package_copy):
    (package_copy / "schemas" / "codes.json").write_text("{", encoding="utf-8")
    code, report = _run(package_copy)
    assert code == 2
    (problem,) = report["problems"]
    assert problem["rule"] == "descriptor-invalid"
    assert "codes.json" in problem["message"]


def test_no_descriptor(tmp_path):
    code, report = _run(tmp_path)
    assert code == 2
    assert _entries(report, "descriptor-missing") == [("datapackage.json", None, None)]


def test_bad_arguments(package_copy):
    result = CliRunner().invoke(
        cli, ["validate", "--package", str(package_copy), "--format", "xml"]
    )
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.output
