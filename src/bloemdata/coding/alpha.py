"""Krippendorff's alpha for any distance, with what methods sections print beside it.

`agreement(units, distance)` gives alpha, a bootstrap 95% interval and the probability that alpha
lies below 0.800 and 0.667 (the thresholds of Krippendorff 2004 and Hayes & Krippendorff 2007),
the pairwise percent agreement, and the number of pairable units and values.

Alpha (Krippendorff 2011): each unit valued by m >= 2 coders adds each ordered pair of its values
(c, k) to the coincidence matrix with weight 1/(m - 1); with n_c its margins and n the pairable
values, alpha = 1 - D_o / D_e, D_o = sum o_ck d(c, k) / n, D_e = sum n_c n_k d(c, k) / (n (n - 1)).
A distance d other than the nominal one gives, e.g., alpha for sets of codes with MASI (Passonneau
2006), the set-valued alpha of coders who may apply several codes of a dimension.

The bootstrap resamples units with replacement (2,000 samples, a fixed seed, so a figure is the same
on every run) and takes the 2.5th and 97.5th percentiles; units with the same values are one
pattern, so a sample is one multinomial draw over the patterns, whatever the number of units.
Hayes & Krippendorff's KALPHA resamples pairs of values instead; at the sample sizes of a
reliability study both give close intervals, and unit resampling keeps the unit the sampling unit.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np

Value = Hashable | None  # None: the coder did not value the unit
Distance = Callable[[Hashable, Hashable], float]

SAMPLES = 2000
SEED = 20070101  # Hayes & Krippendorff (2007); any fixed value keeps the figures reproducible
THRESHOLDS = (0.800, 0.667)


def nominal(a: Hashable, b: Hashable) -> float:
    return 0.0 if a == b else 1.0


def masi(a: Hashable, b: Hashable) -> float:
    """MASI distance (Passonneau 2006): 1 - Jaccard x monotonicity; 0 for two empty sets."""
    x, y = frozenset(cast("Iterable[Hashable]", a)), frozenset(cast("Iterable[Hashable]", b))
    if x == y:
        return 0.0
    union = len(x | y)
    common = len(x & y)
    if x <= y or y <= x:
        monotonicity = 2 / 3
    elif common:
        monotonicity = 1 / 3
    else:
        monotonicity = 0.0
    return 1.0 - (common / union) * monotonicity


@dataclass(frozen=True)
class Agreement:
    alpha: float | None  # None: the pairable values do not vary (alpha is 0/0)
    ci_low: float | None
    ci_high: float | None
    p_below: tuple[float | None, ...]  # P(alpha < threshold), per THRESHOLDS
    percent: float | None  # mean over pairable units of the share of agreeing pairs
    units: int  # pairable units
    values: int  # pairable values


def agreement(units: Sequence[Sequence[Value]], distance: Distance = nominal) -> Agreement:
    """Alpha and its companions for units (each a sequence of coders' values, None = missing)."""
    patterns = Counter(
        tuple(sorted((v for v in unit if v is not None), key=repr))
        for unit in units
        if sum(v is not None for v in unit) >= 2
    )
    n_units = sum(patterns.values())
    if not n_units:
        return Agreement(None, None, None, (None,) * len(THRESHOLDS), None, 0, 0)
    categories = sorted({v for p in patterns for v in p}, key=repr)
    index = {c: i for i, c in enumerate(categories)}
    k = len(categories)
    delta = np.array([[distance(a, b) for b in categories] for a in categories])
    rows, counts, agree = [], [], []
    for pattern, count in patterns.items():
        o = np.zeros((k, k))
        m = len(pattern)
        for i, j in itertools.permutations(range(m), 2):
            o[index[pattern[i]], index[pattern[j]]] += 1 / (m - 1)
        rows.append(o.ravel())
        counts.append(count)
        pairs = list(itertools.combinations(pattern, 2))
        agree.append(sum(distance(a, b) == 0 for a, b in pairs) / len(pairs))
    contributions = np.array(rows)  # patterns x k*k
    weights = np.array(counts, dtype=float)
    percent = float(np.dot(weights, agree) / n_units)
    values = round(float(weights @ contributions.sum(axis=1)))
    point = _alpha(weights @ contributions, delta, k)
    if point is None:
        return Agreement(None, None, None, (None,) * len(THRESHOLDS), percent, n_units, values)
    rng = np.random.default_rng(SEED)
    draws = rng.multinomial(n_units, weights / n_units, size=SAMPLES)  # samples x patterns
    samples = np.array([_alpha(o, delta, k) for o in draws @ contributions], dtype=float)
    samples = samples[~np.isnan(samples)]
    low, high = (float(x) for x in np.percentile(samples, [2.5, 97.5]))
    below = tuple(float(np.mean(samples < t)) for t in THRESHOLDS)
    return Agreement(point, low, min(high, 1.0), below, percent, n_units, values)


def _alpha(flat: np.ndarray, delta: np.ndarray, k: int) -> float | None:
    o = flat.reshape(k, k)
    n_c = o.sum(axis=1)
    n = n_c.sum()
    expected = float(n_c @ delta @ n_c) / (n * (n - 1)) if n > 1 else 0.0
    if expected <= 1e-12:  # no variation in the pairable values: alpha is 0/0
        return None
    observed = float((o * delta).sum()) / n
    return 1.0 - observed / expected
