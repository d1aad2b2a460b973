"""Shared fixtures: the real package, and copies of it to plant problems in."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from bloemdata.package import Package

# Hypothesis profiles: `dev` (quick, the default) and `ci` (more examples, derandomised, no
# example database), chosen with HYPOTHESIS_PROFILE (.ci/run sets `ci`).
settings.register_profile(
    "dev", max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

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
