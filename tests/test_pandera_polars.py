"""Pandera is loaded as in an install without pandas and Hypothesis, and nothing else changes."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pandera.polars as pa

from bloemdata.validation import pandera_polars, pandera_schema

# A fresh process (this one has pandas and Hypothesis loaded by the tests): validate the real
# package, then say which hidden libraries it loaded, and whether they still load afterwards.
PROBE = """
import importlib, json, sys
from bloemdata.validation.validate import validate
report = validate(sys.argv[1], frictionless=False)
loaded = sorted({m.split(".")[0] for m in sys.modules} & set(sys.argv[2:]))
finders = [type(f).__name__ for f in sys.meta_path]
importable = [importlib.import_module(name).__name__ for name in sys.argv[2:]]
print(json.dumps({"valid": report.valid, "loaded": loaded, "finders": finders,
                  "importable": importable}))
"""


def test_validate_loads_neither_pandas_nor_hypothesis(root):
    installed = [name for name in pandera_polars.HIDDEN if importlib.util.find_spec(name)]
    assert installed, "the test environment has pandas and Hypothesis; the probe needs them"
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(root), *installed],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    result = json.loads(out)
    assert result["valid"]
    assert result["loaded"] == []
    assert "_Hidden" not in result["finders"]  # the finder is gone once pandera is loaded
    assert result["importable"] == installed  # and they import as usual afterwards


def test_the_custom_checks_are_pandera_check_methods():
    for name in (pandera_schema.CHECK_NAME, pandera_schema.PRIMARY_KEY_CHECK):
        check = getattr(pa.Check, name)(**({"keys": ["a"]} if "key" in name else {"kind": "x"}))
        assert isinstance(check, pa.Check)
        assert check.name == name
