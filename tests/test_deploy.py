"""`bloemdata publish DIR`: the deployment's files, its requirements and its refusal to replace
what it did not write. (Served from a fresh environment: tests/browser/test_deployment.py.)"""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import tomllib
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from bloemdata.cli import cli
from bloemdata.publish.deploy import (
    DOCKERFILE,
    INSTALL,
    PLUGINS,
    REQUIREMENTS,
    START,
    SUMS,
    TEMPLATES,
    PublishError,
    publish,
    serve_command,
)
from bloemdata.site import PLUGINS_DIR, TEMPLATES_DIR
from bloemdata.site.serve import SETTINGS, Site, serve_options

NOT_FOR_SERVING = {"bloemdata", "polars", "pandera", "frictionless", "numpy", "rich", "pytest"}


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory, root: Path) -> Path:
    target = tmp_path_factory.mktemp("publish") / "deploy"
    result = CliRunner().invoke(cli, ["publish", str(target), "--package", str(root)])
    assert result.exit_code == 0, result.output
    return target


def _requirement_names(text: str) -> set[str]:
    return {m.group(1).lower() for m in re.finditer(r"^([A-Za-z0-9_.-]+)==", text, re.M)}


def test_the_deployment_holds_what_serving_needs(deployment: Path) -> None:
    for name in ("bloemdata.db", "metadata.json", "inspect.json", REQUIREMENTS, START, DOCKERFILE):
        assert (deployment / name).is_file(), name
    assert (deployment / "README.md").read_text(encoding="utf-8").startswith("# ")
    assert (deployment / "downloads" / "datapackage.json").is_file()
    assert sorted(p.name for p in (deployment / TEMPLATES).iterdir()) == sorted(
        p.name for p in TEMPLATES_DIR.glob("*.html")
    )
    assert sorted(p.name for p in (deployment / PLUGINS).iterdir()) == sorted(
        p.name for p in PLUGINS_DIR.glob("*.py")
    )
    assert os.access(deployment / START, os.X_OK)
    assert not list(deployment.parent.glob(".deploy-*"))  # the staging folder is gone


def test_the_operator_readme_names_every_file_it_ships(deployment: Path) -> None:
    """A file added to the deployment and not to its README leaves the operator guessing."""
    readme = (deployment / "README.md").read_text(encoding="utf-8")
    files = readme.split("## Files", 1)[1]
    for entry in deployment.iterdir():
        name = f"{entry.name}/" if entry.is_dir() else entry.name
        if name != "README.md":
            assert f"`{name}`" in files, name


def test_sha256sums_lists_and_matches_every_file(deployment: Path) -> None:
    lines = (deployment / SUMS).read_text(encoding="utf-8").splitlines()
    listed = {}
    for line in lines:
        digest, name = line.split("  ", 1)
        listed[name] = digest
    present = {p.relative_to(deployment).as_posix() for p in deployment.rglob("*") if p.is_file()}
    assert set(listed) == present - {SUMS}
    for name, digest in listed.items():
        assert hashlib.sha256((deployment / name).read_bytes()).hexdigest() == digest, name


def _contents(path: Path) -> list[tuple[str, bytes]]:
    """A file's bytes, and the bytes of every member if it is a zip (qdpx, xlsx)."""
    data = path.read_bytes()
    found = [(str(path), data)]
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            found += [(f"{path}!{n}", archive.read(n)) for n in archive.namelist()]
    return found


def test_nothing_names_a_path_of_the_building_machine(deployment: Path, root: Path) -> None:
    machine = {str(root), str(deployment), str(deployment.parent), str(Path.home())}
    machine |= {str(root.resolve()), str(deployment.resolve()), os.environ.get("VIRTUAL_ENV", "")}
    machine = {m.encode() for m in machine if len(m) > 1}
    for path in deployment.rglob("*"):
        if path.is_file():
            for where, data in _contents(path):
                for text in machine:
                    assert text not in data, f"{where} names {text.decode()}"


def test_requirements_are_locked_with_hashes_and_only_for_serving(
    deployment: Path, root: Path
) -> None:
    text = (deployment / REQUIREMENTS).read_text(encoding="utf-8")
    names = _requirement_names(text)
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    serving = {re.split(r"[<>=\[ ]", d)[0].lower() for d in pyproject["dependency-groups"]["serve"]}
    assert serving <= names
    assert not names & NOT_FOR_SERVING
    # every pinned requirement carries at least one hash, as pip --require-hashes needs
    for block in re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 3)[3]):
        if "==" in block:
            assert "--hash=sha256:" in block, block.splitlines()[0]
    lock = tomllib.loads((root / "uv.lock").read_text(encoding="utf-8"))
    locked = {p["name"]: p["version"] for p in lock["package"]}
    for match in re.finditer(r"^([A-Za-z0-9_.-]+)==(\S+)", text, re.M):
        assert locked[match.group(1)] == match.group(2)


def test_the_serve_group_lists_the_datasette_dependencies(root: Path) -> None:
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    runtime = {d for d in pyproject["project"]["dependencies"] if d.startswith("datasette")}
    assert runtime == set(pyproject["dependency-groups"]["serve"])


def test_the_dockerfile_runs_exactly_the_install_and_the_start_script(deployment: Path) -> None:
    steps = [
        line.split(" ", 1)
        for line in (deployment / DOCKERFILE).read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    runs = [rest for kind, rest in steps if kind == "RUN"]
    assert runs == [INSTALL]
    assert [rest for kind, rest in steps if kind == "CMD"] == [f'["sh", "{START}"]']


def test_start_script_serves_with_the_settings_of_bloemdata_serve(deployment: Path) -> None:
    script = (deployment / START).read_text(encoding="utf-8")
    assert script.startswith("#!/bin/sh\n")
    assert 'cd "$(dirname "$0")"' in script
    assert '--host "${HOST:-0.0.0.0}" --port "${PORT:-8001}"' in script
    assert f"exec {shlex.join(serve_command())}" in script
    options = serve_options(Site.at(Path("bloemdata.db")), templates=Path(TEMPLATES))
    for name, value in SETTINGS.items():
        assert f"--setting {name} {value}" in script
        assert shlex.join(["--setting", name, str(value)]) in shlex.join(options)


def test_publish_refuses_a_folder_it_did_not_write(package_copy: Path, tmp_path: Path) -> None:
    target = tmp_path / "mine"
    target.mkdir()
    (target / "notes.txt").write_text("keep me", encoding="utf-8")
    result = CliRunner().invoke(cli, ["publish", str(target), "--package", str(package_copy)])
    assert result.exit_code == 2
    assert "not empty" in result.output
    assert "Traceback" not in result.output
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".mine-")]


def test_publish_replaces_its_own_deployment_but_not_one_with_added_files(
    package_copy: Path, tmp_path: Path, root: Path
) -> None:
    target = tmp_path / "deploy"
    first = publish(package_copy, target, project=root)
    again = publish(package_copy, target, project=root)
    assert first.files == again.files
    (target / "downloads" / "added.txt").write_text("an operator's file", encoding="utf-8")
    with pytest.raises(PublishError, match="not empty"):
        publish(package_copy, target, project=root)
    assert (target / "downloads" / "added.txt").is_file()


def test_publish_needs_the_lock_file(package_copy: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["publish", str(tmp_path / "d"), "--package", str(package_copy)]
    )
    assert result.exit_code == 2
    assert "uv.lock" in result.output
    assert not (tmp_path / "d").exists()
