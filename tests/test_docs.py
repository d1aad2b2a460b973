"""Everything a user can run is documented: commands, options, nox sessions, the citation."""

from __future__ import annotations

import ast
import json
import re

import click
import pytest

from bloemdata.cli import cli


def _commands(group: click.Group, prefix: str = "bloemdata") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        found.append((path, command))
        if isinstance(command, click.Group):
            found += _commands(command, path)
    return found


COMMANDS = _commands(cli)


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_every_command_has_a_docstring_with_an_example(path, command):
    assert command.help, path
    if not isinstance(command, click.Group):
        assert re.search(r"Example: bloemdata ", command.help), f"{path}: no 'Example:' line"


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_every_option_has_help(path, command):
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"{path} {param.opts}: no help text"


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_every_command_is_in_the_readme(root, path, command):
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert f"`{path}" in readme, f"{path} is not documented in README.md"


def test_every_nox_session_is_in_the_readme(root):
    tree = ast.parse((root / "noxfile.py").read_text(encoding="utf-8"))
    sessions = [
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
        and any("session" in ast.unparse(d) for d in node.decorator_list)
    ]
    assert sessions
    readme = (root / "README.md").read_text(encoding="utf-8")
    for session in sessions:
        assert f"`{session}`" in readme, f"nox session {session} is not documented in README.md"


def test_readme_cites_the_current_version(root):
    version = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))["version"]
    readme = (root / "README.md").read_text(encoding="utf-8")
    cited = re.findall(r"\(version (\d+\.\d+\.\d+)\)", readme)
    assert cited == [version]


def test_ci_runs_the_readme_test_command(root):
    readme = (root / "README.md").read_text(encoding="utf-8")
    ci = (root / ".ci" / "run").read_text(encoding="utf-8")
    command = "python3 -m pip install nox uv && python3 -m nox"
    assert f"{command}\n" in readme
    assert f"{command}\n" in ci


def test_every_datasette_setting_is_in_the_readme(root):
    from bloemdata.site.serve import SETTINGS

    readme = (root / "README.md").read_text(encoding="utf-8")
    for name, value in SETTINGS.items():
        assert f"| `{name}` | {value} |" in readme, f"Datasette setting {name} is not documented"
