"""Diacritics folding: one character for one, and the site plugin's copy agrees with the build's."""

from __future__ import annotations

import importlib.util
import sys

from bloemdata.core.package import Package
from bloemdata.database.fold import fold
from bloemdata.site import PLUGINS_DIR


def _plugin_fold():
    spec = importlib.util.spec_from_file_location(
        "bloemdata_search_plugin", PLUGINS_DIR / "search.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.fold


def test_fold_removes_diacritics_and_keeps_offsets():
    assert fold("ideeën") == "ideeen"
    assert fold("Één café, naïef, coördinatie") == "Een cafe, naief, coordinatie"
    for text in ("straße", "œuvre", "ĳs", "e\u0301"):  # no single-character base: kept
        assert len(fold(text) or "") == len(text)
    assert fold(None) is None


def test_the_plugins_fold_agrees_with_the_builds(root):
    plugin_fold = _plugin_fold()
    samples = ["".join(map(chr, range(0x20, 0x2500)))]
    samples += [r["text"] + r["text_en"] for r in Package.load(root).rows("statements")]
    for text in samples:
        assert plugin_fold(text) == fold(text)
