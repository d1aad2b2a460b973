"""Hostile inputs (issue 16, findings 7-8): every command ends with a message and its exit code,
never a traceback, and writes nothing, planted in a copy of the package."""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from bloemdata.cli import cli
from tests.conftest import ROOT

FILES = ["datapackage.json", "releases.json", "CHANGELOG.md", "CITATION.cff", "README.md"]


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "pkg"
    target.mkdir()
    for name in [*FILES, "DATA_DICTIONARY.md"]:
        shutil.copy2(ROOT / name, target)
    for folder in ["datapackage", "schemas"]:
        shutil.copytree(ROOT / folder, target / folder)
    return target


def _snapshot(top: Path) -> dict[str, bytes]:
    return {str(p.relative_to(top)): p.read_bytes() for p in sorted(top.rglob("*")) if p.is_file()}


def _edit_descriptor(root: Path, change: Callable[[dict], None]) -> None:
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    change(descriptor)
    (root / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")


def _nul_path(root: Path) -> None:
    _edit_descriptor(root, lambda d: d["resources"][0].update(path="datapackage/a\x00b.csv"))


def _deep(root: Path) -> None:
    text = (root / "datapackage.json").read_text(encoding="utf-8").rstrip()
    nested = "[" * 100_000 + "]" * 100_000
    (root / "datapackage.json").write_text(f'{text[:-1]}, "x": {nested}}}', encoding="utf-8")


def _name_list(root: Path) -> None:
    _edit_descriptor(root, lambda d: d["resources"][0].update(name=["a", "b"]))


HOSTILE = {
    "nul-in-path": (_nul_path, "not a usable file path"),
    "nested-100k": (_deep, "nested too deeply"),
    "name-is-a-list": (_name_list, "a resource 'name' is a string, not list"),
}


def _args(command: str, root: Path, out: Path) -> list[str]:
    return {
        "validate": ["validate", "--package", str(root)],
        "build": ["build", "--package", str(root), "--output", str(out / "x.db")],
        "bundle": ["bundle", "--package", str(root), "--output", str(out)],
        "release check": ["release", "check", "--package", str(root)],
        "diff": ["diff", str(ROOT), str(root), "--package", str(root)],
    }[command]


def _invoke(tmp_path: Path, command: str) -> tuple[int, str]:
    """Run `command` on the copy; assert no traceback and nothing in tmp_path written."""
    root = tmp_path / "pkg"
    before = _snapshot(tmp_path)
    result = CliRunner().invoke(cli, _args(command, root, tmp_path / "out"))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    assert _snapshot(tmp_path) == before
    return result.exit_code, result.output


COMMANDS = ["validate", "build", "bundle", "release check", "diff"]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_unreadable_descriptor_could_not_run(tmp_path, case, command):
    """Finding 7: a descriptor the loader cannot take is "could not run" (2), with a message."""
    plant, message = HOSTILE[case]
    plant(_copy(tmp_path))
    code, output = _invoke(tmp_path, command)
    assert code == 2, output
    assert message in output


def test_release_date_yesterday_bundle(tmp_path):
    """Finding 7: a release date of "yesterday": bundle refuses (1) with the rule, no crash."""
    root = _copy(tmp_path)
    history = json.loads((root / "releases.json").read_text(encoding="utf-8"))
    history["releases"][-1]["date"] = "yesterday"
    (root / "releases.json").write_text(json.dumps(history), encoding="utf-8")
    code, output = _invoke(tmp_path, "bundle")
    assert code == 1, output
    assert "release-date-invalid" in output


def _repeat_key(path: Path, key: str, value: str) -> None:
    text = path.read_text(encoding="utf-8").rstrip()
    assert text.endswith("}")
    path.write_text(f"{text[:-1]}, {json.dumps(key)}: {value}}}\n", encoding="utf-8")


def test_duplicate_key_in_descriptor_warns(tmp_path):
    root = _copy(tmp_path)
    _repeat_key(root / "datapackage.json", "title", '"again"')
    code, output = _invoke(tmp_path, "validate")
    assert code == 0, output
    assert "json-duplicate-key" in output
    assert "datapackage.json: key 'title' appears more than once" in output


def test_duplicate_key_in_schema_warns(tmp_path):
    root = _copy(tmp_path)
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    schema = next(r["schema"] for r in descriptor["resources"] if isinstance(r.get("schema"), str))
    fields = json.loads((root / schema).read_text(encoding="utf-8"))["fields"]
    _repeat_key(root / schema, "fields", json.dumps(fields))
    code, output = _invoke(tmp_path, "validate")
    assert code == 0, output
    assert "json-duplicate-key" in output
    assert f"{Path(schema).name}: key 'fields' appears more than once" in output


def test_duplicate_key_in_releases_warns(tmp_path):
    root = _copy(tmp_path)
    history = json.loads((root / "releases.json").read_text(encoding="utf-8"))
    _repeat_key(root / "releases.json", "releases", json.dumps(history["releases"]))
    code, output = _invoke(tmp_path, "release check")
    assert "release-history-duplicate-key" in output
    assert "releases.json: key 'releases' appears more than once" in output
    assert code == 0, output


def _table(root: Path) -> Path:
    return root / "datapackage" / "coders.csv"


def _url_path(root: Path) -> None:
    def change(descriptor: dict) -> None:
        resource = next(r for r in descriptor["resources"] if r["name"] == "coders")
        resource["path"] = "https://127.0.0.1:9/coders.csv"  # never requested: refused first

    _edit_descriptor(root, change)


def _utf16(root: Path) -> None:
    _table(root).write_bytes(_table(root).read_text(encoding="utf-8").encode("utf-16"))


def _gzip(root: Path) -> None:
    _table(root).write_bytes(gzip.compress(_table(root).read_bytes()))


def _missing(root: Path) -> None:
    _table(root).unlink()


# unreadable, not UTF-8 or not CSV content is invalid data (1); a file that is not there: 2
SAME_CODE = {"url-path": (_url_path, 1), "utf-16": (_utf16, 1), "gzip": (_gzip, 1)}
SAME_CODE["missing-file"] = (_missing, 2)


@pytest.mark.parametrize("command", ["validate", "build", "bundle"])
@pytest.mark.parametrize("case", sorted(SAME_CODE))
def test_one_exit_code_for_every_command(tmp_path, case, command):
    """Finding 8: validate, build and bundle exit with the same code for the same input."""
    plant, expected = SAME_CODE[case]
    plant(_copy(tmp_path))
    code, output = _invoke(tmp_path, command)
    assert code == expected, output
    # build refuses as a whole and points to validate; the others list the problem
    assert ("run `bloemdata validate`" if command == "build" else "coders") in output
