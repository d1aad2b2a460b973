"""Inter-coder agreement (issue 7): worked examples with published values, a two-coder package."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from nltk.metrics.agreement import AnnotationTask
from nltk.metrics.distance import masi_distance

from bloemdata.cli import cli
from bloemdata.coding.reliability import (
    ALPHA,
    ALPHA_MASI,
    KAPPA,
    cohen_kappa,
    compute,
    krippendorff_alpha_nominal,
    rounds,
)
from bloemdata.core.coded import CodedData
from bloemdata.core.package import Package, refresh, stale_resources

SECOND = "reviewer-1"
VALENCE = ("valence-development", "valence-bottleneck", "valence-mixed")


def add_second_coder(root: Path, *, statements: int | None = None) -> None:
    """A second coder in round 1 who differs from maintainer-1 on purpose.

    Flips valence on statements 1-4, never uses topic-signalling, adds actor-society to
    statements 5-7; codes only the first `statements` statements when given.
    """
    with (root / "datapackage" / "coders.csv").open("a", encoding="utf-8", newline="") as f:
        f.write(f"{SECOND},reviewer,A constructed second coder for tests.\n")
    path = root / "datapackage" / "codings.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    ids = sorted({r["statement_id"] for r in rows})[:statements]
    extra = []
    for number, sid in enumerate(ids, start=1):
        codes = [r["code_id"] for r in rows if r["statement_id"] == sid]
        codes = [c for c in codes if c != "topic-signalling"]
        if number <= 4:
            codes = [VALENCE[(VALENCE.index(c) + 1) % 3] if c in VALENCE else c for c in codes]
        if 5 <= number <= 7 and "actor-society" not in codes:
            codes.append("actor-society")
        if not any(c.startswith("topic-") for c in codes):
            codes.append("topic-prevention")
        extra += [
            {
                "statement_id": sid,
                "code_id": c,
                "coder_id": SECOND,
                "round": "1",
                "codebook_version": "1.0.0",
            }
            for c in codes
        ]
    with path.open("a", encoding="utf-8", newline="") as f:
        csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n").writerows(extra)
    refresh(Package.load(root))


def reference_alpha(units: list[list[object]]) -> float:
    """Krippendorff's alpha (nominal) from the coincidence matrix, as in Krippendorff (2011)."""
    o: Counter = Counter()
    for unit in units:
        values = [v for v in unit if v is not None]
        m = len(values)
        for i, a in enumerate(values):
            for j, b in enumerate(values):
                if i != j:
                    o[(a, b)] += 1 / (m - 1)
    n_c: Counter = Counter()
    for (a, _), w in o.items():
        n_c[a] += w
    n = sum(n_c.values())
    disagreement = sum(w for (a, b), w in o.items() if a != b)
    expected = sum(n_c[a] * n_c[b] for a in n_c for b in n_c if a != b) / (n - 1)
    return 1 - disagreement / expected


def reference_kappa(a: list[object], b: list[object]) -> float:
    table = Counter(zip(a, b, strict=True))
    n = len(a)
    categories = set(a) | set(b)
    po = sum(table[(c, c)] for c in categories) / n
    pe = sum(a.count(c) * b.count(c) for c in categories) / n**2
    return (po - pe) / (1 - pe)


# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", example C: 4 observers,
# 12 units, missing values; published alpha (nominal) = 0.743.
K2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def test_krippendorff_published_example_nominal():
    value, units = krippendorff_alpha_nominal(K2011)
    assert round(value, 3) == 0.743
    assert units == 11  # unit 12 has one value: not pairable
    assert value == pytest.approx(reference_alpha([list(u) for u in zip(*K2011, strict=True)]))


def test_krippendorff_wikipedia_example_nominal():
    # The example of the Wikipedia article and of the `krippendorff` package: 3 coders, 15 units.
    n = None
    data = [
        [n, n, n, n, n, 3, 4, 1, 2, 1, 1, 3, 3, n, 3],
        [1, n, 2, 1, 3, 3, 4, 3, n, n, n, n, n, n, n],
        [n, n, 2, 1, 3, 4, 4, n, 2, 1, 1, 3, 3, n, 4],
    ]
    value, _ = krippendorff_alpha_nominal(data)
    assert round(value, 3) == 0.691  # the interval level would give 0.811


def test_alpha_of_categories_that_are_not_numbers():
    data = [["a", "b", "a", "c"], ["a", "b", "b", "c"]]
    value, units = krippendorff_alpha_nominal(data)
    assert value == pytest.approx(reference_alpha([list(u) for u in zip(*data, strict=True)]))
    assert units == 4


def test_alpha_is_undefined_without_variation():
    assert krippendorff_alpha_nominal([[1, 1, None], [1, 1, 1]]) == (None, 2)


@pytest.mark.parametrize(
    ("yes_yes", "yes_no", "no_yes", "no_no", "kappa"),
    [
        # Cohen's kappa, Wikipedia worked examples (50 / 100 / 100 items)
        (20, 5, 10, 15, 0.4),
        (45, 15, 25, 15, 0.1304),
        (25, 35, 5, 35, 0.2593),
    ],
)
def test_cohen_kappa_textbook_examples(yes_yes, yes_no, no_yes, no_no, kappa):
    pairs = [("y", "y")] * yes_yes + [("y", "n")] * yes_no
    pairs += [("n", "y")] * no_yes + [("n", "n")] * no_no
    a, b = [p[0] for p in pairs], [p[1] for p in pairs]
    value, n = cohen_kappa(a, b)
    assert round(value, 4) == kappa
    assert n == len(pairs)


def test_kappa_skips_units_one_coder_left_empty():
    value, n = cohen_kappa(["a", "b", None, "a"], ["a", "b", "b", None])
    assert (value, n) == (1.0, 2)
    assert cohen_kappa(["a", "a"], ["a", "a"]) == (None, 2)


def test_shipped_data_cannot_be_compared(package):
    data = CodedData.load(package)
    assert compute(data) == []
    assert [(r.round, r.coders) for r in rounds(data)] == [(1, ("maintainer-1",))]
    assert package.rows("reliability") == []


def test_reliability_command_with_one_coder_prints_no_figure(root):
    result = CliRunner().invoke(cli, ["reliability", "--package", str(root)])
    assert result.exit_code == 0, result.output
    assert "cannot be computed" in result.output
    assert "maintainer-1 only" in result.output
    assert not re.search(r"\d\.\d", result.output)


def _valence_matrix(data: CodedData) -> list[list[str]]:
    by = {
        (c["coder_id"], c["statement_id"]): c["code_id"]
        for c in data.codings
        if c["code_id"].startswith("valence-")
    }
    return [
        [by[(coder, s["statement_id"])] for s in data.statements]
        for coder in ("maintainer-1", SECOND)
    ]


def test_two_coders_valence_and_codes(package_copy):
    add_second_coder(package_copy)
    data = CodedData.load(Package.load(package_copy))
    figures = {f.reliability_id: f for f in compute(data)}

    first, second = _valence_matrix(data)
    alpha = figures[f"r1/valence/{ALPHA}/all"]
    assert alpha.measure == "category"
    assert (alpha.units, alpha.coders, alpha.code_id) == (len(data.statements), 2, None)
    assert alpha.value == pytest.approx(
        reference_alpha([[a, b] for a, b in zip(first, second, strict=True)])
    )
    kappa = figures[f"r1/valence/{KAPPA}/maintainer-1+{SECOND}"]
    assert kappa.value == pytest.approx(reference_kappa(first, second))
    assert kappa.value < 1

    signalling = figures[f"r1/topic-signalling/{KAPPA}/maintainer-1+{SECOND}"]
    assert signalling.measure == "presence"
    assert signalling.value == pytest.approx(0.0)  # the second coder never uses it
    # a code both coders applied to the same statements agrees perfectly
    assert figures[f"r1/exploitation-labour/{ALPHA}/all"].value == pytest.approx(1.0)
    topic = figures[f"r1/topic/{ALPHA}/all"]
    assert topic.measure == "presence-pooled"
    codable_topics = [c for c in data.codes if c["dimension"] == "topic" and c["codable"]]
    assert codable_topics
    assert topic.units == len(data.statements) * len(codable_topics)
    unused_by_both = [f for f in figures.values() if f.value is None]
    assert all(f.code_id for f in unused_by_both)


def test_alpha_counts_only_statements_both_coded(package_copy, package):
    shared = len(package.rows("statements")) // 2  # fewer than all, so the count must shrink
    assert 0 < shared < len(package.rows("statements"))
    add_second_coder(package_copy, statements=shared)
    data = CodedData.load(Package.load(package_copy))
    figures = {f.reliability_id: f for f in compute(data)}
    assert figures[f"r1/valence/{ALPHA}/all"].units == shared
    assert figures[f"r1/valence/{KAPPA}/maintainer-1+{SECOND}"].units == shared
    assert rounds(data)[0].shared_statements == shared


def test_reliability_write_on_two_coders(package_copy):
    from frictionless import Package as FrictionlessPackage

    add_second_coder(package_copy)
    result = CliRunner().invoke(cli, ["reliability", "--package", str(package_copy), "--write"])
    assert result.exit_code == 0, result.output
    assert "Round 1: coders maintainer-1, reviewer-1" in result.output
    assert re.search(r"valence\s+\(all codes\)\s+category\s+alpha", result.output)
    package = Package.load(package_copy)
    rows = package.typed_rows("reliability")
    assert len(rows) == len(compute(CodedData.load(package)))
    assert stale_resources(package) == []
    report = FrictionlessPackage(str(package_copy / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "message"])


def test_bad_coding_is_named_and_nothing_written(package_copy):
    path = package_copy / "datapackage" / "codings.csv"
    with path.open("a", encoding="utf-8") as f:
        f.write("BL-p010-01,topic-unknown,maintainer-1,1,1.0.0\n")
    # frictionless numbers rows from the header (row 1): the appended coding is the last one
    row = len(Package.load(package_copy).rows("codings")) + 1
    before = (package_copy / "datapackage" / "reliability.csv").read_bytes()
    result = CliRunner().invoke(cli, ["reliability", "--package", str(package_copy), "--write"])
    assert result.exit_code == 2
    assert f"codings.csv, row {row}:" in result.output
    assert "topic-unknown" in result.output
    assert "Traceback" not in result.output
    assert (package_copy / "datapackage" / "reliability.csv").read_bytes() == before


def test_set_valued_alpha_and_the_methods_section_figures(package_copy):
    add_second_coder(package_copy)
    data = CodedData.load(Package.load(package_copy))
    figures = {f.reliability_id: f for f in compute(data)}
    multi = [d for d in data.dimensions if d != "valence"]
    for dimension in multi:
        masi = figures[f"r1/{dimension}/{ALPHA_MASI}/all"]
        assert masi.measure == "set"
        assert masi.units == len(data.statements)  # one unit per statement both coded
        assert masi.pairable_values == 2 * masi.units
    assert f"r1/valence/{ALPHA_MASI}/all" not in figures  # one code per statement: nominal
    first = {(c["statement_id"]): set() for c in data.codings}
    second = {sid: set() for sid in first}
    for c in data.codings:
        if c["code_id"].startswith("topic-"):
            (first if c["coder_id"] == "maintainer-1" else second)[c["statement_id"]].add(
                c["code_id"]
            )
    sids = sorted(first)
    task = AnnotationTask(
        data=[("a", s, frozenset(first[s])) for s in sids]
        + [("b", s, frozenset(second[s])) for s in sids],
        distance=masi_distance,
    )
    assert figures[f"r1/topic/{ALPHA_MASI}/all"].value == pytest.approx(task.alpha())
    for f in figures.values():
        if f.statistic != KAPPA and f.value is not None:
            assert f.ci_low <= f.value <= f.ci_high
            assert 0 <= f.p_below_0667 <= f.p_below_0800 <= 1
        assert 0 <= f.percent_agreement <= 1
    valence = figures[f"r1/valence/{ALPHA}/all"]
    agree = sum(a == b for a, b in zip(*_valence_matrix(data), strict=True)) / valence.units
    assert valence.percent_agreement == pytest.approx(agree)
