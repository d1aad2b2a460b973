from __future__ import annotations

from click.testing import CliRunner

from bloemdata.cli import cli
from bloemdata.core.schema import Field
from bloemdata.exports.dictionary import constraints_text, render


def test_committed_dictionary_is_fresh(root, package):
    committed = (root / "DATA_DICTIONARY.md").read_text(encoding="utf-8")
    assert committed == render(package), "run `bloemdata dictionary` and commit the result"


def test_dictionary_names_every_field_and_code(package):
    text = render(package)
    for schema in package.schemas.values():
        for field in schema.fields:
            assert f"| `{field.name}` |" in text
    for code in package.rows("codes"):
        assert f"`{code['code_id']}`" in text


def test_constraints_text():
    field = Field("x", "string", "d", constraints={"required": True, "enum": ["a", "b"]})
    assert constraints_text(field) == "required; one of `a`, `b`"


def test_dictionary_command_prints(package_copy):
    args = ["dictionary", "--package", str(package_copy), "--output", "-"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0
    assert result.output.startswith("# Data dictionary")
