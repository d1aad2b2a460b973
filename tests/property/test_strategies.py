"""The property tests' own helpers: a written package leaves nothing behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from bloemdata.core.package import Package, stale_resources

from .strategies import real_package, written


def test_a_written_package_is_removed_with_its_folder():
    with written(real_package()) as root:
        folder = root.parent
        assert stale_resources(Package.load(root)) == []
    assert not folder.exists()  # one folder per example, removed: /tmp does not fill up


def _failing_example(folders: list[Path]) -> None:
    with written(real_package()) as root:
        folders.append(root.parent)
        assert not root.exists(), "an example that fails"


def test_a_written_package_is_removed_when_the_example_fails():
    folders: list[Path] = []
    with pytest.raises(AssertionError, match="an example that fails"):
        _failing_example(folders)
    assert folders
    assert not folders[0].exists()
