"""Alpha and its companions (issue 13): published values, independent implementations."""

from __future__ import annotations

import random

import krippendorff
import numpy as np
import pytest
from nltk.metrics.agreement import AnnotationTask
from nltk.metrics.distance import masi_distance

from bloemdata.coding.alpha import agreement, masi, nominal

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", example C: 4 observers,
# 12 units, missing values; published: alpha (nominal) = 0.743, n = 40 pairable values.
K2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def units_of(coders):
    return list(zip(*coders, strict=True))


def test_published_example():
    result = agreement(units_of(K2011))
    assert round(result.alpha, 3) == 0.743
    assert result.values == 40
    assert result.units == 11


def random_data(seed, coders=3, units=60, categories=4, missing=0.2):
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    return [
        [None if rng.random() < missing else rng.randrange(categories) for _ in range(units)]
        for _ in range(coders)
    ]


@pytest.mark.parametrize("seed", range(5))
def test_nominal_alpha_agrees_with_the_krippendorff_package(seed):
    data = random_data(seed)
    matrix = np.array([[np.nan if v is None else v for v in row] for row in data], dtype=float)
    expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
    assert agreement(units_of(data)).alpha == pytest.approx(expected)


def nltk_task(data, distance):
    triples = [
        (f"c{c}", f"u{u}", value) for c, row in enumerate(data) for u, value in enumerate(row)
    ]
    return AnnotationTask(data=triples, distance=distance)


@pytest.mark.parametrize("seed", range(5))
def test_nominal_alpha_and_percent_agreement_agree_with_nltk(seed):
    data = random_data(seed, missing=0)  # NLTK's alpha takes complete data
    task = nltk_task(data, nominal)
    result = agreement(units_of(data))
    assert result.alpha == pytest.approx(task.alpha())
    assert result.percent == pytest.approx(task.avg_Ao())


def random_sets(seed, coders=2, units=50):
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    codes = ["a", "b", "c", "d"]
    return [
        [frozenset(rng.sample(codes, rng.randrange(1, 4))) for _ in range(units)]
        for _ in range(coders)
    ]


@pytest.mark.parametrize("seed", range(5))
def test_masi_alpha_agrees_with_nltk(seed):
    data = random_sets(seed, coders=2 + seed % 2)
    task = nltk_task(data, masi_distance)
    assert agreement(units_of(data), masi).alpha == pytest.approx(task.alpha())


def test_masi_distance_matches_nltk_and_takes_empty_sets():
    pairs = [({"a"}, {"a"}), ({"a"}, {"a", "b"}), ({"a", "c"}, {"a", "b"}), ({"a"}, {"b"})]
    for x, y in pairs:
        assert masi(frozenset(x), frozenset(y)) == pytest.approx(masi_distance(set(x), set(y)))
    assert masi(frozenset(), frozenset()) == 0
    assert masi(frozenset(), frozenset({"a"})) == 1


def test_masi_counts_partial_agreement_that_nominal_counts_as_none():
    first = [frozenset({"a", "b"}), frozenset({"c"}), frozenset({"a"}), frozenset({"b", "c"})]
    second = [frozenset({"a"}), frozenset({"c"}), frozenset({"a"}), frozenset({"b"})]
    units = units_of([first, second])
    assert agreement(units, masi).alpha > agreement(units, nominal).alpha


def test_bootstrap_interval_and_probabilities():
    data = random_data(7, coders=2, units=200, categories=3, missing=0)
    data[1] = [v if i % 4 else (v + 1) % 3 for i, v in enumerate(data[0])]  # 75% agreement
    result = agreement(units_of(data))
    assert result.ci_low < result.alpha < result.ci_high
    assert 0 <= result.p_below[1] <= result.p_below[0] <= 1
    assert result.p_below[0] > 0.5  # alpha ~0.63: most resamples fall short of 0.800
    assert agreement(units_of(data)) == result  # a fixed seed: the same figures every run
    wider = agreement(units_of([row[:50] for row in data]))
    assert wider.ci_high - wider.ci_low > result.ci_high - result.ci_low  # fewer units, wider


def test_undefined_without_variation_and_nothing_without_pairs():
    same = agreement([(1, 1), (1, 1)])
    assert same.alpha is None
    assert same.percent == 1
    assert agreement([(1, None), (None, 2)]).units == 0
