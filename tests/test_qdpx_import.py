"""`bloemdata import qdpx` (issue 13): a second coder's project back from QualCoder, NVivo,
ATLAS.ti and MAXQDA; what is reported and refused; nothing changed on a refusal."""

from __future__ import annotations

import csv
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from bloemdata.cli import cli
from bloemdata.coding import refi_reader
from bloemdata.coding.positions import CODE_POINTS, UTF16
from bloemdata.coding.reliability import compute
from bloemdata.core.coded import CodedData
from bloemdata.core.package import Package, refresh
from bloemdata.validation.validate import validate

from .refi_tools import ATLAS, MAXQDA, NVIVO, QUALCODER, TOOLS, Extras, Tool, handback, plant
from .test_reliability import SECOND, add_second_coder

NAME = "Jan de Vries-Ördögh"  # a real-looking name that must never enter the package
CODER = "reviewer-1"


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def run(root: Path, *args: str):
    return CliRunner().invoke(cli, ["import", "qdpx", *args, "--package", str(root)])


def export(root: Path, outdir: Path) -> Path:
    result = CliRunner().invoke(
        cli, ["export", "qdpx", "--package", str(root), "--output", str(outdir)]
    )
    assert result.exit_code == 0, result.output
    return outdir / "bloemdata-project.qdpx"


def coded_by(root: Path, coder: str) -> set[tuple[str, str, str]]:
    rows = Package.load(root).rows("codings")
    return {(r["statement_id"], r["code_id"], r["round"]) for r in rows if r["coder_id"] == coder}


def handed_back(root: Path, tmp_path: Path, tool: Tool, extras: Extras | None = None):
    data = CodedData.load(Package.load(root))
    planted = plant(data)
    path = handback(
        export(root, tmp_path / "export"),
        data,
        tool,
        planted,
        NAME,
        tmp_path / f"{tool.name}.qdpx",
        extras,
    )
    return path, planted


def put_astral_first(root: Path) -> None:
    """A character outside the BMP at the start of the first statement: UTF-16 and code-point
    offsets of every later selection on the page differ by one. The statement no longer matches
    the raw page, so only a dry run can import against it."""
    path = root / "datapackage" / "statements.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    rows[0]["text"] = "\U0001d518 " + rows[0]["text"]
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    refresh(Package.load(root))


@pytest.mark.parametrize("tool", TOOLS, ids=lambda t: t.name)
def test_a_second_coder_comes_back_from_each_tool(package_copy, tmp_path, tool):
    path, planted = handed_back(package_copy, tmp_path, tool)
    result = run(package_copy, str(path), "--coder", f"{NAME}={CODER}")
    assert result.exit_code == 0, result.output
    expected = {(s, c, "1") for s, codes in planted.items() for c in codes}
    assert coded_by(package_copy, CODER) == expected
    assert (
        f"{CODER} (new coder): added {len(expected)} coding(s) of {len(planted)} statement(s)"
        in result.output
    )
    assert "maintainer-1" in result.output
    assert "not imported again" in result.output
    for name, content in snapshot(package_copy).items():
        assert NAME.encode() not in content, name
        assert b"Jan de Vries" not in content, name
    assert validate(package_copy, frictionless=True).valid
    figures = compute(CodedData.load(Package.load(package_copy)))
    assert any(f.coder_a is None and f.value is not None and f.units for f in figures)


def test_importing_the_same_file_twice_adds_nothing(package_copy, tmp_path):
    path, _ = handed_back(package_copy, tmp_path, NVIVO)
    assert run(package_copy, str(path), "--coder", f"{NAME}={CODER}").exit_code == 0
    before = snapshot(package_copy)
    again = run(package_copy, str(path), "--coder", f"{NAME}={CODER}")
    assert again.exit_code == 0, again.output
    assert "already in the package: nothing added" in again.output
    assert "Nothing new: the package is unchanged." in again.output
    assert snapshot(package_copy) == before


@pytest.mark.parametrize(("tool", "reading"), [(NVIVO, UTF16), (QUALCODER, CODE_POINTS)])
def test_the_offset_reading_that_fits_is_found_and_named(package_copy, tmp_path, tool, reading):
    put_astral_first(package_copy)  # (the text no longer matches the raw page: a dry run)
    path, planted = handed_back(package_copy, tmp_path, tool)
    result = run(package_copy, str(path), "--coder", f"{NAME}={CODER}", "--dry-run")
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if "offsets read as" in x)
    assert line.strip().startswith(f"offsets read as {reading} (")
    other = CODE_POINTS if reading == UTF16 else UTF16
    assert other not in line  # the astral character tells the two apart
    n = sum(len(c) for c in planted.values())
    assert f"would add {n} coding(s) of {len(planted)} statement(s)" in result.output


def test_an_unmapped_user_is_refused_by_name_and_nothing_changes(package_copy, tmp_path):
    path, _ = handed_back(package_copy, tmp_path, QUALCODER)
    before = snapshot(package_copy)
    result = run(package_copy, str(path))
    assert result.exit_code == 1
    assert NAME in result.output
    assert "--coder" in result.output
    assert "Traceback" not in result.output
    assert snapshot(package_copy) == before


def test_unmappable_selections_and_codes_are_reported_never_guessed(package_copy, tmp_path):
    statements = [s["statement_id"] for s in CodedData.load(Package.load(package_copy)).statements]
    extras = Extras(spanning=[(statements[0], statements[1])], unknown_code=[statements[2]])
    path, planted = handed_back(package_copy, tmp_path, ATLAS, extras)
    before = snapshot(package_copy)
    refused = run(package_copy, str(path), "--coder", f"{NAME}={CODER}")
    assert refused.exit_code == 1, refused.output
    assert "spans several statements" in refused.output
    assert "unknown code" in refused.output
    assert snapshot(package_copy) == before
    result = run(package_copy, str(path), "--coder", f"{NAME}={CODER}", "--skip-unmapped")
    assert result.exit_code == 0, result.output
    assert (
        f"skipped 1: selection spans several statements ({statements[0]}, {statements[1]})"
        in result.output
    )
    assert "skipped 1: unknown code" in result.output
    assert "Interessant" in result.output
    assert coded_by(package_copy, CODER) == {
        (s, c, "1") for s, codes in planted.items() for c in codes
    }


def test_codings_that_break_the_rules_are_refused_before_anything_is_written(
    package_copy, tmp_path
):
    data = CodedData.load(Package.load(package_copy))
    planted = plant(data)
    first = sorted(planted)[0]
    planted[first] = {c for c in planted[first] if not c.startswith("valence-")}
    path = handback(
        export(package_copy, tmp_path / "e"), data, QUALCODER, planted, NAME, tmp_path / "p.qdpx"
    )
    before = snapshot(package_copy)
    result = run(package_copy, str(path), "--coder", f"{NAME}={CODER}")
    assert result.exit_code == 1, result.output
    assert "would make the package invalid" in result.output
    assert first in result.output
    assert "valence" in result.output
    assert snapshot(package_copy) == before


def test_a_given_round_that_already_holds_other_codes_is_refused(package_copy, tmp_path):
    path, _ = handed_back(package_copy, tmp_path, MAXQDA)
    before = snapshot(package_copy)
    result = run(package_copy, str(path), "--coder", f"{NAME}=maintainer-1", "--round", "1")
    assert result.exit_code == 1, result.output
    assert "round 1 of maintainer-1 already holds other codes" in result.output
    assert snapshot(package_copy) == before


def test_a_project_about_something_else_is_refused(package_copy, tmp_path):
    path = tmp_path / "other.qdpx"
    qde = (
        '<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="x">'
        '<Users><User guid="5b2f0b4e-0000-4000-8000-000000000001" name="Piet"/></Users>'
        '<CodeBook><Codes><Code guid="5b2f0b4e-0000-4000-8000-000000000002" name="Theme" '
        'isCodable="true"/></Codes></CodeBook>'
        '<Sources><TextSource guid="5b2f0b4e-0000-4000-8000-000000000003" name="Interview 1" '
        'plainTextPath="internal://a.txt">'
        '<PlainTextSelection guid="5b2f0b4e-0000-4000-8000-000000000004" startPosition="0" '
        'endPosition="9" creatingUser="5b2f0b4e-0000-4000-8000-000000000001">'
        '<Coding guid="5b2f0b4e-0000-4000-8000-000000000005">'
        '<CodeRef targetGUID="5b2f0b4e-0000-4000-8000-000000000002"/></Coding>'
        "</PlainTextSelection></TextSource></Sources></Project>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Interviews.qde", qde)
        archive.writestr("Sources/a.txt", "\ufeffInterview about something else.\r\n")
    before = snapshot(package_copy)
    result = run(package_copy, str(path), "--coder", "Piet=reviewer-2")
    assert result.exit_code == 1, result.output
    assert "not about this package" in result.output
    assert "Traceback" not in result.output
    assert snapshot(package_copy) == before


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY a "aaaaaaaaaa">'
    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    '<Project xmlns="urn:QDA-XML:project:1.0" name="&c;"/>'
)
EXTERNAL = (
    '<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    '<Project xmlns="urn:QDA-XML:project:1.0" name="&x;"/>'
)


def _zip(path: Path, entries: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return path


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("not-a-zip", "not a REFI-QDA project"),
        ("no-qde", "exactly one project file"),
        ("two-qde", "exactly one project file"),
        ("billion-laughs", "DOCTYPE"),
        ("external-entity", "DOCTYPE"),
        ("broken-xml", "not well-formed XML"),
        ("bomb", "bytes once decompressed"),
        ("missing", "no such file"),
    ],
)
def test_bad_files_leave_the_package_unchanged(package_copy, tmp_path, monkeypatch, case, message):
    monkeypatch.setattr(refi_reader, "MAX_PROJECT_BYTES", 1_000_000)
    files = {
        "not-a-zip": lambda p: (p.write_bytes(b"<Project/>"), p)[1],
        "no-qde": lambda p: _zip(p, {"sources/a.txt": "x"}),
        "two-qde": lambda p: _zip(p, {"a.qde": "<Project/>", "b.qde": "<Project/>"}),
        "billion-laughs": lambda p: _zip(p, {"project.qde": BILLION_LAUGHS}),
        "external-entity": lambda p: _zip(p, {"project.qde": EXTERNAL}),
        "broken-xml": lambda p: _zip(p, {"project.qde": "<Project><Users>"}),
        "bomb": lambda p: _zip(p, {"project.qde": "<Project>" + " " * 5_000_000 + "</Project>"}),
        "missing": lambda p: p,
    }
    path = files[case](tmp_path / f"{case}.qdpx")
    before = snapshot(package_copy)
    result = run(package_copy, str(path), "--coder", f"{NAME}={CODER}")
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert snapshot(package_copy) == before


def test_a_malformed_coder_option_is_refused(package_copy, tmp_path):
    path, _ = handed_back(package_copy, tmp_path, QUALCODER)
    result = run(package_copy, str(path), "--coder", f"{NAME}=Jan")
    assert result.exit_code == 1
    assert "is not a coder id" in result.output


def test_a_coder_option_naming_no_user_is_refused(package_copy, tmp_path):
    path, _ = handed_back(package_copy, tmp_path, QUALCODER)
    result = run(
        package_copy, str(path), "--coder", f"{NAME}={CODER}", "--coder", "Nobody=reviewer-2"
    )
    assert result.exit_code == 1
    assert "names a user the project does not have" in result.output


def test_our_own_export_with_a_second_coder_round_trips(package_copy, tmp_path):
    """A project we wrote ourselves (every GUID ours) with a second coder in it."""
    donor = tmp_path / "donor"
    shutil.copytree(package_copy, donor)
    add_second_coder(donor)
    path = export(donor, tmp_path / "export")
    expected = {
        (r["statement_id"], r["code_id"], r["round"])
        for r in Package.load(donor).rows("codings")
        if r["coder_id"] == SECOND
    }
    result = run(package_copy, str(path), "--coder", f"{SECOND}={SECOND}")
    assert result.exit_code == 0, result.output
    assert coded_by(package_copy, SECOND) == expected
    assert validate(package_copy).valid
