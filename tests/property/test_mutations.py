"""Every planted violation is caught and named; frictionless and Pandera agree (issue 4).

That a generated package with nothing planted passes is checked in test_packages.py.
"""

from __future__ import annotations

import io
import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bloemdata.cli import cli
from bloemdata.core.package import Package
from bloemdata.validation import frictionless_worker
from bloemdata.validation.checks.structure import read_frame
from bloemdata.validation.pandera_schema import validate_frame
from bloemdata.validation.report import Problem
from bloemdata.validation.validate import validate

from .mutations import KINDS, SHARED_KINDS, Planted, mutated
from .strategies import ROOT, GeneratedPackage, packages, real_package, written

# Slow: many generated packages each (`pytest -m 'not slow'` leaves them out).
pytestmark = pytest.mark.slow

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


@contextmanager
def _write(generated: GeneratedPackage, planted: Planted | None = None) -> Iterator[Path]:
    """The package written to a temporary folder (removed on exit), the violation planted."""
    with written(generated, "bloemdata-mut-") as root:
        if planted is not None and planted.after_write is not None:
            planted.after_write(root)
        yield root


def _validate(generated: GeneratedPackage, planted: Planted | None = None):
    with _write(generated, planted) as root:
        return validate(root, frictionless=False)


def _null_in_composite_key() -> tuple[GeneratedPackage, Planted]:
    generated = real_package()
    generated.tables["codings"][0]["coder_id"] = ""
    return generated, Planted("null-in-key", "codings", 1, frozenset({"required"}))


def _assert_rejected_and_named(generated: GeneratedPackage, planted: Planted) -> None:
    report = _validate(generated, planted)
    assert not report.valid, planted
    named = {(p.resource, p.row, p.rule) for p in report.errors}
    wanted = {(planted.resource, planted.row, rule) for rule in planted.rules}
    assert named & wanted, (planted, sorted(named, key=str))


# Each kind gets its own examples, so none is left to chance (ci: 5 a kind, 65 in all); the
# test of any kind below adds mixed draws and carries the example that found a bug.
PER_KIND = settings(max_examples=max(3, settings.default.max_examples // 12))
ANY_KIND = settings(max_examples=max(3, settings.default.max_examples // 4))


@pytest.mark.parametrize("kind", KINDS)
@PER_KIND
@given(data=st.data())
def test_each_kind_alone_is_rejected_and_named(kind, data):
    generated, planted = data.draw(mutated(packages(), [kind]))
    assert planted.kind == kind
    _assert_rejected_and_named(generated, planted)


@ANY_KIND
@given(mutated(packages()))
# Found by this property: an empty field of a composite key crashed the mapping of Pandera's
# `not_nullable` failure to a problem (TypeError: `field` given twice, pandera_schema._problem).
@example(_null_in_composite_key())
def test_every_planted_violation_is_rejected_and_named(case):
    _assert_rejected_and_named(*case)


def _frictionless_in_process(descriptor: Path) -> list[Problem]:
    """The frictionless worker's own code (its `main`, then `problem`) run in this process.

    Starting the worker's interpreter costs about a second of CPU (the frictionless import) per
    example; `validate` starting it is tested on the real package in test_validate.py.
    """
    out = io.StringIO()
    with redirect_stdout(out):
        frictionless_worker.main(str(descriptor))
    return [frictionless_worker.problem(e) for e in json.loads(out.getvalue())]


def _rows_flagged_by_frictionless(root: Path) -> set[tuple[str, int]]:
    return {
        (p.resource, p.row)
        for p in _frictionless_in_process(root / "datapackage.json")
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


# On a package with nothing planted both flag nothing: test_packages.py checks both pass it.
@given(mutated(packages(), SHARED_KINDS))
def test_frictionless_and_pandera_agree(case):
    generated, planted = case
    with _write(generated, planted) as root:
        assert _rows_flagged_by_frictionless(root) == _rows_flagged_by_pandera(root), planted


RESOURCE = st.sampled_from(["statements", "codings", "codes", "pages", "sources"])
# Arbitrary bytes, and arbitrary text as UTF-8 (which reaches past the encoding check).
CONTENT = st.one_of(st.binary(max_size=2000), st.text(max_size=2000).map(str.encode))


@given(RESOURCE, CONTENT, st.booleans())
@example("statements", b"\xef\xbb\xbfstatement_id\n", True)
@example("codings", b"\x00\x00\x00", True)
@example("statements", b'statement_id,text\n"unclosed\n', True)
# Found by this property: a bare carriage return in the header line crashed the header scan
# (csv.Error from the csv module); fixed in rules/structure.py `_header`.
@example("statements", b"\r0", True)
def test_arbitrary_content_never_crashes_validate(resource, data, frictionless):
    """Any file content gives a report naming the file, exit 1 or 2, never a traceback.

    Half the examples leave out frictionless (about a second of CPU in its own process each):
    the property is about bloemdata's own reading; frictionless' path is still taken by half.
    """
    _assert_reported(resource, data, frictionless=frictionless)


def _assert_reported(resource: str, data: bytes, *, frictionless: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="bloemdata-bytes-") as folder:
        root = Path(folder) / "pkg"
        shutil.copytree(ROOT / "datapackage", root / "datapackage")
        shutil.copytree(ROOT / "schemas", root / "schemas")
        shutil.copy2(ROOT / "datapackage.json", root)
        (root / "datapackage" / f"{resource}.csv").write_bytes(data)
        args = ["validate", "--package", str(root), "--format", "json"]
        if not frictionless:
            args.append("--no-frictionless")
        result = CliRunner().invoke(cli, args)
    assert result.exit_code in {1, 2}, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    report = json.loads(result.output)
    assert report["valid"] is False
    assert any(p["resource"] == resource for p in report["problems"])
