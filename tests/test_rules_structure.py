"""The structure fast path (`parse_table`) agrees with the line-by-line scan wherever it answers."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from bloemdata.cli import cli
from bloemdata.core.package import Package
from bloemdata.core.schema import schema_from_descriptor
from bloemdata.validation.checks.structure import parse_table, read_frame, scan_csv, stream_stats
from bloemdata.validation.validate import validate

SCHEMA = schema_from_descriptor({"fields": [{"name": n, "type": "string"} for n in "abc"]})
PIECES = [b"a,b,c\n", b"1,2,3\n", b"\n", b"\r\n", b'"', b",", b"x", b'""', b"\r", b" ", b"\0"]


def _both(data: bytes) -> tuple[object, object] | None:
    with tempfile.TemporaryDirectory(prefix="bloemdata-structure-") as folder:
        path = Path(folder) / "t.csv"
        path.write_bytes(data)
        fast = parse_table("t", path, stream_stats(path), SCHEMA)
    if fast is None:
        return None
    scan = scan_csv("t", data, SCHEMA)
    frame, problems = read_frame("t", data, SCHEMA) if scan.readable else (None, [])
    slow = (
        [p.to_dict() for p in scan.problems + problems],
        None if frame is None else frame.rows(),
    )
    return ([p.to_dict() for p in fast[0].problems], fast[1].rows()), slow


@given(st.lists(st.sampled_from(PIECES), max_size=14))
def test_fast_path_answers_only_what_the_scan_answers(pieces):
    both = _both(b"a,b,c\n" + b"".join(pieces))
    if both is not None:
        assert both[0] == both[1]


def test_fast_path_declines_blank_short_and_broken_rows():
    for data in [b"a,b,c\n1,2,3\n\n", b"a,b,c\n1,2\n", b"a,b,c\n,,\n", b'a,b,c\n1,a"b,3\n']:
        assert _both(data) is None, data


def test_fast_path_takes_quoted_separators_and_line_breaks():
    for data in [b'a,b,c\n"1,2",,3\n', b'a,b,c\n"x\ny",2,3\n', b'\xef\xbb\xbfa,b,c\n"x""y",2,3\n']:
        both = _both(data)
        assert both is not None, data
        assert both[0] == both[1]


def test_stream_stats_counts_separators_outside_quotes_across_chunks(monkeypatch, tmp_path):
    from bloemdata.validation.checks import structure

    monkeypatch.setattr(structure, "CHUNK", 3)
    path = tmp_path / "t.csv"
    path.write_bytes(b'a,b\n"x,""y",2\n')
    stats = stream_stats(path)
    assert (stats.size, stats.separators, stats.nul, stats.bom) == (14, 2, False, False)


# --- a `"` inside a header label: every reader must see the same records (issue 16) ----------


def _quote_in_header(root: Path, label: str) -> None:
    """Rename the last field of `coders` to `desc"ription`, written in the header as `label`."""
    schema_path = root / "schemas" / "coders.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    schema["fields"][-1]["name"] = 'desc"ription'
    schema_path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    table = root / "datapackage" / "coders.csv"
    lines = table.read_text(encoding="utf-8").split("\n")
    lines[0] = lines[0].rsplit(",", 1)[0] + "," + label
    table.write_text("\n".join(lines), encoding="utf-8")


@pytest.mark.parametrize("label", ['desc"ription', '"desc""ription"'])
def test_a_quote_in_a_header_label_is_refused_not_read_as_no_rows(
    package_copy: Path, tmp_path: Path, label: str
) -> None:
    _quote_in_header(package_copy, label)
    rows = len(Package.load(package_copy).rows("coders"))  # what Python's csv reads
    assert rows > 0
    report = validate(package_copy, frictionless=False)
    (problem,) = [p for p in report.problems if p.rule == "csv-ambiguous"]
    assert problem.resource == "coders"
    assert f"Python's csv module {rows} under" in problem.message
    assert not report.valid
    result = CliRunner().invoke(
        cli, ["build", "--package", str(package_copy), "--output", str(tmp_path / "x.db")]
    )
    assert result.exit_code == 1, result.output
    assert not (tmp_path / "x.db").exists()  # no database with the rows lost
