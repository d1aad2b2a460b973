"""Every planted violation is caught and named; frictionless and Pandera agree (issue 4)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bloemdata.cli import cli
from bloemdata.core.package import Package
from bloemdata.validation.checks.structure import read_frame
from bloemdata.validation.frictionless_worker import frictionless_problems
from bloemdata.validation.pandera_schema import validate_frame
from bloemdata.validation.validate import validate

from .mutations import KINDS, SHARED_KINDS, Planted, mutated
from .strategies import GeneratedPackage, packages, real_package, write_package

SHARED_RULES = {
    "type-error",
    "required",
    "enum",
    "pattern",
    "max-length",
    "min-length",
    "minimum",
    "maximum",
    "unique",
    "primary-key",
}


def _write(generated: GeneratedPackage, planted: Planted | None = None) -> Path:
    root = write_package(generated, Path(tempfile.mkdtemp(prefix="bloemdata-mut-")) / "pkg")
    if planted is not None and planted.after_write is not None:
        planted.after_write(root)
    return root


@given(packages())
def test_generated_packages_pass_bloemdata_validate(generated):
    report = validate(_write(generated), frictionless=False)
    assert report.valid, [p.to_dict() for p in report.errors]
    assert not report.warnings, [p.to_dict() for p in report.warnings]


def _null_in_composite_key() -> tuple[GeneratedPackage, Planted]:
    generated = real_package()
    generated.tables["codings"][0]["coder_id"] = ""
    return generated, Planted("null-in-key", "codings", 1, frozenset({"required"}))


@given(mutated(packages()))
# Found by this property: an empty field of a composite key crashed the mapping of Pandera's
# `not_nullable` failure to a problem (TypeError: `field` given twice, pandera_schema._problem).
@example(_null_in_composite_key())
def test_every_planted_violation_is_rejected_and_named(case):
    generated, planted = case
    report = validate(_write(generated, planted), frictionless=False)
    assert not report.valid, planted
    named = {(p.resource, p.row, p.rule) for p in report.errors}
    wanted = {(planted.resource, planted.row, rule) for rule in planted.rules}
    assert named & wanted, (planted, sorted(named, key=str))


# Each kind gets its own examples, so none is left to chance; a fifth of the profile's budget each.
PER_KIND = settings(max_examples=max(3, settings.default.max_examples // 5))


@pytest.mark.parametrize("kind", KINDS)
@PER_KIND
@given(data=st.data())
def test_each_kind_alone_is_rejected_and_named(kind, data):
    generated, planted = data.draw(mutated(packages(), [kind]))
    assert planted.kind == kind
    report = validate(_write(generated, planted), frictionless=False)
    named = {(p.resource, p.row, p.rule) for p in report.errors}
    assert any((planted.resource, planted.row, rule) in named for rule in planted.rules), planted


def _rows_flagged_by_frictionless(root: Path) -> set[tuple[str, int]]:
    return {
        (p.resource, p.row)
        for p in frictionless_problems(root / "datapackage.json")
        if p.rule in SHARED_RULES and p.row is not None
    }


def _rows_flagged_by_pandera(root: Path) -> set[tuple[str, int]]:
    package = Package.load(root)
    flagged = set()
    for name in package.table_names:
        data = package.path_of(name).read_bytes()
        frame, _ = read_frame(name, data, package.schemas[name])
        assert frame is not None, name
        for p in validate_frame(frame, package.schemas[name], name):
            if p.rule in SHARED_RULES and p.row is not None:
                flagged.add((p.resource, p.row))
    return flagged


@given(st.one_of(packages().map(lambda g: (g, None)), mutated(packages(), SHARED_KINDS)))
def test_frictionless_and_pandera_agree(case):
    generated, planted = case
    root = _write(generated, planted)
    assert _rows_flagged_by_frictionless(root) == _rows_flagged_by_pandera(root), planted


RESOURCE = st.sampled_from(["statements", "codings", "codes", "pages", "sources"])


@given(RESOURCE, st.binary(max_size=2000))
@example("statements", b"\xef\xbb\xbfstatement_id\n")
@example("codings", b"\x00\x00\x00")
def test_arbitrary_bytes_never_crash_validate(resource, data):
    _assert_reported(resource, data)


@given(RESOURCE, st.text(max_size=2000))
@example("statements", 'statement_id,text\n"unclosed\n')
# Found by this property: a bare carriage return in the header line crashed the header scan
# (csv.Error from the csv module); fixed in rules/structure.py `_header`.
@example("statements", "\r0")
def test_arbitrary_text_never_crashes_validate(resource, text):
    _assert_reported(resource, text.encode("utf-8"))


def _assert_reported(resource: str, data: bytes) -> None:
    root = Path(tempfile.mkdtemp(prefix="bloemdata-bytes-")) / "pkg"
    import shutil

    shutil.copytree(Path(__file__).resolve().parents[2] / "datapackage", root / "datapackage")
    shutil.copytree(Path(__file__).resolve().parents[2] / "schemas", root / "schemas")
    shutil.copy2(Path(__file__).resolve().parents[2] / "datapackage.json", root)
    (root / "datapackage" / f"{resource}.csv").write_bytes(data)
    result = CliRunner().invoke(cli, ["validate", "--package", str(root), "--format", "json"])
    assert result.exit_code in {1, 2}, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    report = json.loads(result.output)
    assert report["valid"] is False
    assert any(p["resource"] == resource for p in report["problems"])
