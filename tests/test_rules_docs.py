"""Documentation rules, and the rules' own documentation: every rule is listed in README."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from bloemdata.cli import cli
from bloemdata.validation.registry import RULES, all_rules, register, rules_markdown
from bloemdata.validation.validate import validate


def _where(report, rule_id):
    return [(p.resource, p.row, p.field) for p in report.problems if p.rule == rule_id]


def test_resource_without_description(plant):
    descriptor = plant.root / "datapackage.json"
    data = json.loads(descriptor.read_text(encoding="utf-8"))
    data["resources"][2]["description"] = " "
    descriptor.write_text(json.dumps(data, indent=2), encoding="utf-8")
    report = validate(plant.root, frictionless=False)
    assert _where(report, "resource-description") == [(data["resources"][2]["name"], None, None)]


def test_field_without_description(plant):
    path = plant.root / "schemas" / "codings.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    del schema["fields"][3]["description"]
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    report = validate(plant.root, frictionless=False)
    assert _where(report, "field-description") == [("codings", None, "round")]


def test_every_rule_is_documented_in_readme(root):
    """README's rule table is `--list-rules` verbatim: a new or changed rule fails here."""
    readme = (root / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- rules:start -->\n", 1)[1].split("<!-- rules:end -->", 1)[0]
    assert block == rules_markdown()
    assert all(f"`{r.id}`" in block for r in all_rules())


def test_rules_are_kebab_case_with_a_summary_and_template():
    for rule in all_rules():
        assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", rule.id)
        assert rule.summary
        assert rule.template


def test_a_rule_id_is_defined_once():
    all_rules()  # every rule module imported, whatever ran before in this process
    with pytest.raises(ValueError, match="twice"):
        register("text-nfc", "text", "again", "again")
    assert RULES["text-nfc"].summary != "again"


def test_list_rules_prints_every_rule():
    result = CliRunner().invoke(cli, ["validate", "--list-rules"])
    assert result.exit_code == 0
    assert result.output == rules_markdown()
    assert all(f"`{r.id}`" in result.output for r in all_rules())
