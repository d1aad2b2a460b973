"""Arbitrary JSON at any key of the descriptor or of a Table Schema: `validate` ends with a
report and exit 0, 1 or 2, never a traceback, writes nothing and opens no connection
(issue 16: property tests of hostile input)."""

from __future__ import annotations

import json
import shutil
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bloemdata.cli import cli

from .strategies import ROOT

pytestmark = pytest.mark.slow

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


DESCRIPTOR = _load(ROOT / "datapackage.json")
TABLE = next(r for r in DESCRIPTOR["resources"] if isinstance(r.get("schema"), str))
SCHEMA = _load(ROOT / TABLE["schema"])
# (where, path of keys): every top-level key, every key of a table resource, every key of a
# Table Schema and of its first field
KEYS = (
    [("descriptor", (key,)) for key in DESCRIPTOR]
    + [("descriptor", ("resources", DESCRIPTOR["resources"].index(TABLE), key)) for key in TABLE]
    + [("schema", (key,)) for key in SCHEMA]
    + [("schema", ("fields", 0, key)) for key in SCHEMA["fields"][0]]
)


def _set(document: Any, keys: tuple, value: Any) -> None:
    for key in keys[:-1]:
        document = document[key]
    document[keys[-1]] = value


def _snapshot(top: Path) -> dict[str, bytes]:
    return {str(p.relative_to(top)): p.read_bytes() for p in sorted(top.rglob("*")) if p.is_file()}


@contextmanager
def _copy() -> Iterator[Path]:
    """A copy of the package in a fresh folder (pytest's tmp_path is one per test, not example)."""
    with tempfile.TemporaryDirectory(prefix="bloemdata-hostile-json-") as top:
        root = Path(top) / "pkg"
        root.mkdir()
        shutil.copy2(ROOT / "datapackage.json", root)
        shutil.copytree(ROOT / "datapackage", root / "datapackage")
        shutil.copytree(ROOT / "schemas", root / "schemas")
        yield root


@pytest.fixture
def no_connections(monkeypatch) -> list[object]:
    """Every connection attempt in this process, refused and recorded."""
    attempts: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("a test refused a connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


# the connection guard holds for every example; its list must stay empty throughout
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(where_keys=st.sampled_from(KEYS), value=JSON)
def test_any_json_at_any_key(no_connections, where_keys, value):
    where, keys = where_keys
    with _copy() as root:
        path = root / (TABLE["schema"] if where == "schema" else "datapackage.json")
        document = _load(path)
        _set(document, keys, value)
        path.write_text(json.dumps(document), encoding="utf-8")
        before = _snapshot(root.parent)
        result = CliRunner().invoke(
            cli, ["validate", "--package", str(root), "--no-frictionless", "--format", "json"]
        )
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        assert "Traceback" not in result.output
        assert result.exit_code in {0, 1, 2}, result.output
        json.loads(result.output)  # a report, whatever the value
        assert _snapshot(root.parent) == before
    assert no_connections == []


def test_validate_opens_no_connection(no_connections, tmp_path):
    """The guard itself works, and validate (in this process) makes no connection attempt."""
    with pytest.raises(OSError, match="refused"):
        socket.create_connection(("127.0.0.1", 9), timeout=1)
    assert len(no_connections) == 1
    no_connections.clear()
    with _copy() as root:
        descriptor = _load(root / "datapackage.json")
        descriptor["resources"][0]["dialect"] = "http://127.0.0.1:9/dialect.json"
        (root / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
        result = CliRunner().invoke(cli, ["validate", "--package", str(root)])
    assert result.exit_code == 1, result.output
    assert no_connections == []
