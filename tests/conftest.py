"""Shared fixtures: the real package, and copies of it to plant problems in."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bloemdata.package import Package

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seeds" / "000_90388600be16cf4c.txt"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def package() -> Package:
    """The real package, read-only."""
    return Package.load(ROOT)


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """A copy of the real package's files in tmp_path, to plant problems in."""
    target = tmp_path / "pkg"
    target.mkdir()
    shutil.copy2(ROOT / "datapackage.json", target)
    shutil.copytree(ROOT / "datapackage", target / "datapackage")
    shutil.copytree(ROOT / "schemas", target / "schemas")
    return target
