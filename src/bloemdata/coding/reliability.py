"""Inter-coder agreement: Krippendorff's alpha (nominal) and Cohen's kappa, per dimension and code.

Agreement is only defined between coders who coded the same statements in the same round. For
each such round:

* a one-code dimension (valence: every statement gets exactly one) is a nominal variable, one unit
  per statement valued with the code applied (`category`);
* a multi-code dimension (a statement may get several of its codes, or none) is compared as the
  presence (1) or absence (0) of each of its codes, pooled over statement x code units
  (`presence-pooled`);
* each code is the presence or absence of that code per statement (`presence`);
* a multi-code dimension is also compared as the set of its codes each coder applied to a
  statement (`set`), with alpha at the MASI distance (Passonneau 2006): two coders who share two
  of three codes disagree less than two who share none, as a set-valued alpha should have it.

Every alpha comes with what a methods section reports (`coding.alpha`): a bootstrap 95% interval,
the probability that alpha lies below 0.800 and 0.667 (Hayes & Krippendorff 2007), the percent
agreement, and the pairable units and values.

Alpha takes all coders of the round (missing values allowed: a coder who did not code a statement);
kappa is computed for every pair on the units both coded. The rows are the `reliability` resource
(schemas/reliability.json).
"""

from __future__ import annotations

import csv
import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path

import krippendorff
import numpy as np

from bloemdata.coding import alpha as standard
from bloemdata.core.coded import CodedData
from bloemdata.core.package import Package

ALPHA = "krippendorff-alpha-nominal"
ALPHA_MASI = "krippendorff-alpha-masi"
KAPPA = "cohen-kappa"

# The coding rule (README, tests/test_data.py): exactly one valence code per statement, coder and
# round. Other dimensions take any number of codes, so they are compared code by code.
SINGLE_CODE_DIMENSIONS = frozenset({"valence"})

FIELDS = (
    "reliability_id",
    "round",
    "dimension",
    "code_id",
    "measure",
    "statistic",
    "coder_a",
    "coder_b",
    "value",
    "ci_low",
    "ci_high",
    "p_alpha_below_0800",
    "p_alpha_below_0667",
    "percent_agreement",
    "units",
    "pairable_values",
    "coders",
)

Value = Hashable | None  # a coder's value for a unit; None = the coder did not code the unit


@dataclass(frozen=True)
class Agreement:
    """One row of the reliability table."""

    round: int
    dimension: str
    code_id: str | None
    measure: str
    statistic: str
    coder_a: str | None
    coder_b: str | None
    value: float | None
    units: int
    coders: int
    ci_low: float | None = None
    ci_high: float | None = None
    p_below_0800: float | None = None
    p_below_0667: float | None = None
    percent_agreement: float | None = None
    pairable_values: int | None = None

    @property
    def reliability_id(self) -> str:
        pair = f"{self.coder_a}+{self.coder_b}" if self.coder_a else "all"
        return f"r{self.round}/{self.code_id or self.dimension}/{self.statistic}/{pair}"

    def as_row(self) -> dict[str, str]:
        def number(x: float | None) -> str:
            return "" if x is None else repr(round(float(x), 6))

        cells = {
            "reliability_id": self.reliability_id,
            "round": str(self.round),
            "dimension": self.dimension,
            "code_id": self.code_id or "",
            "measure": self.measure,
            "statistic": self.statistic,
            "coder_a": self.coder_a or "",
            "coder_b": self.coder_b or "",
            "value": number(self.value),
            "ci_low": number(self.ci_low),
            "ci_high": number(self.ci_high),
            "p_alpha_below_0800": number(self.p_below_0800),
            "p_alpha_below_0667": number(self.p_below_0667),
            "percent_agreement": number(self.percent_agreement),
            "units": str(self.units),
            "pairable_values": "" if self.pairable_values is None else str(self.pairable_values),
            "coders": str(self.coders),
        }
        return {name: cells[name] for name in FIELDS}


@dataclass(frozen=True)
class RoundCoders:
    """Who coded in one round, and how many statements two or more of them coded."""

    round: int
    coders: tuple[str, ...]
    shared_statements: int

    @property
    def comparable(self) -> bool:
        return len(self.coders) >= 2 and self.shared_statements > 0


def cohen_kappa(a: Sequence[Value], b: Sequence[Value]) -> tuple[float | None, int]:
    """Cohen's kappa of two coders over the units both valued; None if chance agreement is 1."""
    pairs = [(x, y) for x, y in zip(a, b, strict=True) if x is not None and y is not None]
    n = len(pairs)
    if n == 0:
        return None, 0
    observed = sum(x == y for x, y in pairs) / n
    first, second = Counter(x for x, _ in pairs), Counter(y for _, y in pairs)
    expected = sum(first[k] * second[k] for k in first) / (n * n)
    if math.isclose(expected, 1.0):
        return None, n
    return (observed - expected) / (1 - expected), n


def krippendorff_alpha_nominal(data: Sequence[Sequence[Value]]) -> tuple[float | None, int]:
    """Krippendorff's alpha (nominal) of coders x units; None if the pairable values do not vary.

    Returns the number of pairable units (valued by two or more coders) with it.
    """
    units = list(zip(*data, strict=True))
    pairable = [u for u in units if sum(v is not None for v in u) >= 2]
    categories = sorted({v for u in pairable for v in u if v is not None}, key=repr)
    if len(categories) < 2:  # no variation: alpha is 0/0
        return None, len(pairable)
    index = {c: float(i) for i, c in enumerate(categories)}
    matrix = np.array([[np.nan if v is None else index[v] for v in u] for u in pairable]).T
    value = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
    return float(value), len(pairable)


def rounds(data: CodedData) -> list[RoundCoders]:
    """Every round with codings, its coders, and the statements coded by two or more of them."""
    coded: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for c in data.codings:
        coded[c["round"]][c["coder_id"]].add(c["statement_id"])
    order = [c["coder_id"] for c in data.coders]
    result = []
    for number in sorted(coded):
        by_coder = coded[number]
        counts = Counter(s for statements in by_coder.values() for s in statements)
        coders = tuple(c for c in order if c in by_coder)
        result.append(RoundCoders(number, coders, sum(n >= 2 for n in counts.values())))
    return result


def compute(data: CodedData) -> list[Agreement]:
    """All agreement figures of all comparable rounds (empty when no round has two coders)."""
    result: list[Agreement] = []
    for info in rounds(data):
        if info.comparable:
            result += _round_figures(data, info)
    return result


def _round_figures(data: CodedData, info: RoundCoders) -> list[Agreement]:
    applied: dict[tuple[str, str], set[str]] = defaultdict(set)  # (coder, statement) -> codes
    for c in data.codings:
        if c["round"] == info.round:
            applied[(c["coder_id"], c["statement_id"])].add(c["code_id"])
    statements = [s["statement_id"] for s in data.statements]

    def values(coder: str, statement: str, code_ids: list[str], measure: str) -> list[Value]:
        codes = applied.get((coder, statement))
        if codes is None:  # the coder did not code this statement in this round
            return [None] * (1 if measure in {"category", "set"} else len(code_ids))
        if measure == "category":
            chosen = [c for c in code_ids if c in codes]
            return [chosen[0] if len(chosen) == 1 else None]
        if measure == "set":
            return [frozenset(c for c in code_ids if c in codes)]
        return [int(c in codes) for c in code_ids]

    result = []
    for dimension in data.dimensions:
        code_ids = [c["code_id"] for c in data.codable_codes if c["dimension"] == dimension]
        if not code_ids:
            continue
        measure = "category" if dimension in SINGLE_CODE_DIMENSIONS else "presence-pooled"
        targets = [(None, code_ids, measure)]
        if measure == "presence-pooled":
            targets.append((None, code_ids, "set"))
        targets += [(c, [c], "presence") for c in code_ids]
        for code_id, ids, kind in targets:
            matrix = [
                [v for s in statements for v in values(coder, s, ids, kind)]
                for coder in info.coders
            ]
            result += _figures(info, dimension, code_id, kind, matrix)
    return result


def _figures(
    info: RoundCoders,
    dimension: str,
    code_id: str | None,
    measure: str,
    matrix: list[list[Value]],
) -> list[Agreement]:
    units = list(zip(*matrix, strict=True))
    masi = measure == "set"
    figures = standard.agreement(units, standard.masi if masi else standard.nominal)
    coders = sum(
        any(u[i] is not None for u in units if sum(v is not None for v in u) >= 2)
        for i in range(len(matrix))
    )
    rows = []
    if figures.units:
        rows.append(
            Agreement(
                info.round,
                dimension,
                code_id,
                measure,
                ALPHA_MASI if masi else ALPHA,
                None,
                None,
                None if figures.alpha is None else float(figures.alpha),
                figures.units,
                coders,
                ci_low=figures.ci_low,
                ci_high=figures.ci_high,
                p_below_0800=figures.p_below[0],
                p_below_0667=figures.p_below[1],
                percent_agreement=figures.percent,
                pairable_values=figures.values,
            )
        )
    if masi:
        return rows  # kappa is for one category per unit
    for (i, a), (j, b) in itertools.combinations(enumerate(info.coders), 2):
        kappa, n = cohen_kappa(matrix[i], matrix[j])
        if n:
            both = [(x, y) for x, y in zip(matrix[i], matrix[j], strict=True) if None not in (x, y)]
            rows.append(
                Agreement(
                    info.round,
                    dimension,
                    code_id,
                    measure,
                    KAPPA,
                    a,
                    b,
                    kappa,
                    n,
                    2,
                    percent_agreement=sum(x == y for x, y in both) / n,
                    pairable_values=2 * n,
                )
            )
    return rows


def write_table(package: Package, figures: list[Agreement]) -> Path:
    """Write the figures to the package's reliability resource (CSV, LF, header always)."""
    path = package.path_of("reliability")
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(f.as_row() for f in figures)
    return path


def explain(info: list[RoundCoders]) -> str:
    """Why agreement cannot be computed (no round with two coders on the same statements)."""
    lines = [
        (
            "Agreement cannot be computed: no statement was coded by two or more coders in the "
            "same round. Inter-coder agreement needs a second coder who codes the same statements "
            "in the same round."
        )
    ]
    if not info:
        lines.append("There are no codings.")
    for r in info:
        if len(r.coders) == 1:
            lines.append(f"Round {r.round}: coded by {r.coders[0]} only.")
        else:
            lines.append(f"Round {r.round}: {', '.join(r.coders)}, but on different statements.")
    return "\n".join(lines)


def render(figures: list[Agreement], info: list[RoundCoders]) -> str:
    """The figures as an aligned text table, round by round, as a methods section reports them."""
    header = (
        "dimension",
        "code",
        "measure",
        "statistic",
        "coders",
        "value",
        "95% CI",
        "P(<.800)",
        "P(<.667)",
        "agree",
        "units",
        "values",
    )
    names = {ALPHA: "alpha", ALPHA_MASI: "alpha-MASI", KAPPA: "kappa"}

    def number(x: float | None, digits: int = 3) -> str:
        return "" if x is None else f"{x:.{digits}f}"

    lines: list[str] = []
    for r in info:
        rows = [f for f in figures if f.round == r.round]
        if not rows:
            lines.append(f"Round {r.round}: not comparable ({', '.join(r.coders)}).")
            continue
        lines.append(
            f"Round {r.round}: coders {', '.join(r.coders)}; "
            f"{r.shared_statements} statements coded by two or more of them."
        )
        table = [header] + [
            (
                f.dimension,
                f.code_id or "(all codes)",
                f.measure,
                names[f.statistic],
                f"{f.coder_a}+{f.coder_b}" if f.coder_a else f"all ({f.coders})",
                "undefined" if f.value is None else f"{f.value:.3f}",
                "" if f.ci_low is None else f"[{f.ci_low:.3f}, {f.ci_high:.3f}]",
                number(f.p_below_0800),
                number(f.p_below_0667),
                "" if f.percent_agreement is None else f"{100 * f.percent_agreement:.1f}%",
                str(f.units),
                "" if f.pairable_values is None else str(f.pairable_values),
            )
            for f in rows
        ]
        widths = [max(len(row[i]) for row in table) for i in range(len(header))]
        for row in table:
            cells = [
                c.rjust(w) if i >= 5 else c.ljust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            ]
            lines.append("  ".join(cells).rstrip())
        lines.append("")
    lines.append(
        "alpha: Krippendorff's alpha, nominal, all coders; alpha-MASI: the same for the set of a "
        "dimension's codes a coder applied, at the MASI distance; kappa: Cohen's kappa per pair. "
        "95% CI: bootstrap over units (2,000 samples); P(<.800), P(<.667): share of bootstrap "
        "alphas below Krippendorff's thresholds; agree: percent agreement; values: pairable "
        "values. undefined: the values do not vary."
    )
    return "\n".join(lines)
