"""Mutation strategies: from a valid generated package, plant exactly one violation of one kind.

Each mutation returns the mutated package and what the report must name: the resource, the
1-based data row (None for a file-level problem), and the rule ids any of which names it. Where
a kind applies to many fields (types, enums, patterns, lengths, keys) the field is drawn from
the Table Schemas, so a new field is mutated too.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st

from bloemdata.core.schema import Field, TableSchema

from .strategies import GeneratedPackage, schemas


@dataclass
class Planted:
    kind: str
    resource: str
    row: int | None
    rules: frozenset[str]
    # applied after writing (stale hash: a file edited without `bloemdata refresh`)
    after_write: Callable[[Path], None] | None = field(default=None, repr=False)


def _fields(
    generated: GeneratedPackage, keep: Callable[[str, TableSchema, Field], bool]
) -> list[tuple[str, str]]:
    return [
        (name, f.name)
        for name, schema in schemas().items()
        if generated.tables.get(name)
        for f in schema.fields
        if keep(name, schema, f)
    ]


def _free_text(_name: str, _schema: TableSchema, f: Field) -> bool:
    return f.type == "string" and f.enum is None and f.pattern is None


@st.composite
def _cell(  # noqa: PLR0917 - a strategy built by st.composite takes its arguments positionally
    draw: st.DrawFn,
    generated: GeneratedPackage,
    kind: str,
    keep: Callable[[str, TableSchema, Field], bool],
    value: Callable[[Field], str],
    rules: set[str],
) -> tuple[GeneratedPackage, Planted]:
    """Set one drawn cell of a drawn field to a bad value."""
    name, field_name = draw(st.sampled_from(_fields(generated, keep)))
    rows = generated.tables[name]
    index = draw(st.integers(0, len(rows) - 1))
    rows[index][field_name] = value(schemas()[name].field(field_name))
    return generated, Planted(kind, name, index + 1, frozenset(rules))


@st.composite
def mutated(
    draw: st.DrawFn, base: st.SearchStrategy[GeneratedPackage], kinds: list[str] | None = None
):
    """A valid package with exactly one planted violation, and what the report must say."""
    generated = copy.deepcopy(draw(base))
    kind = draw(st.sampled_from(kinds or KINDS))
    return draw(MUTATIONS[kind](generated))


def wrong_type(g: GeneratedPackage):
    return _cell(
        g,
        "wrong-type",
        lambda _n, _s, f: f.type in {"integer", "number", "boolean"},
        lambda _f: "not-a-value",
        {"type-error"},
    )


def missing_required(g: GeneratedPackage):
    return _cell(
        g,
        "missing-required",
        lambda _n, _s, f: f.required,
        lambda _f: "",
        {"required", "primary-key-null"},
    )


def enum_outside(g: GeneratedPackage):
    return _cell(
        g, "enum", lambda _n, _s, f: f.enum is not None, lambda _f: "zzz-not-listed", {"enum"}
    )


def pattern_mismatch(g: GeneratedPackage):
    return _cell(
        g,
        "pattern",
        lambda _n, _s, f: f.pattern is not None and f.enum is None,
        lambda _f: "Not a match!",
        {"pattern"},
    )


def too_long(g: GeneratedPackage):
    return _cell(
        g,
        "too-long",
        lambda n, s, f: "maxLength" in f.constraints and _free_text(n, s, f),
        lambda f: "Lang" + "a" * int(f.constraints["maxLength"]),
        {"max-length"},
    )


def formula(g: GeneratedPackage):
    return _cell(g, "formula", _free_text, lambda _f: '=HYPERLINK("x")', {"text-formula"})


@st.composite
def duplicate_key(draw: st.DrawFn, g: GeneratedPackage):
    name = draw(st.sampled_from([n for n in schemas() if g.tables.get(n)]))
    rows = g.tables[name]
    rows.append(dict(draw(st.sampled_from(rows))))
    return g, Planted("duplicate-key", name, len(rows), frozenset({"primary-key", "unique"}))


@st.composite
def null_in_composite_key(draw: st.DrawFn, g: GeneratedPackage):
    options = [
        (n, k)
        for n, s in schemas().items()
        if len(s.primary_key) > 1 and g.tables.get(n)
        for k in s.primary_key
    ]
    name, key = draw(st.sampled_from(options))
    index = draw(st.integers(0, len(g.tables[name]) - 1))
    g.tables[name][index][key] = ""
    return g, Planted("null-in-key", name, index + 1, frozenset({"required", "primary-key-null"}))


@st.composite
def orphan_foreign_key(draw: st.DrawFn, g: GeneratedPackage):
    options = [
        (name, fk)
        for name, schema in schemas().items()
        for fk in schema.foreign_keys
        if len(fk.fields) == 1 and any(r[fk.fields[0]] for r in g.tables.get(name, []))
    ]
    name, fk = draw(st.sampled_from(options))
    rows = g.tables[name]
    index = draw(st.sampled_from([i for i, r in enumerate(rows) if r[fk.fields[0]]]))
    target = {r[fk.reference_fields[0]] for r in g.tables[fk.resource or name]}
    f = schemas()[name].field(fk.fields[0])
    value = draw(_valid_value(f).filter(lambda v: v and v not in target))
    rows[index][fk.fields[0]] = value
    return g, Planted("orphan-foreign-key", name, index + 1, frozenset({"foreign-key"}))


def _valid_value(f: Field) -> st.SearchStrategy[str]:
    from .strategies import cells

    return cells(f)


@st.composite
def stale_hash(draw: st.DrawFn, g: GeneratedPackage):
    name = draw(st.sampled_from(sorted(n for n in schemas() if g.tables.get(n))))

    def edit(root: Path) -> None:
        # Quote the first cell of the first row: the same data in other bytes, so the only
        # problem is the descriptor's stale bytes/hash.
        path = root / f"datapackage/{name}.csv"
        header, first, rest = path.read_bytes().split(b"\n", 2)
        cell, tail = first.split(b",", 1)
        path.write_bytes(b"\n".join([header, b'"' + cell + b'",' + tail, rest]))

    return g, Planted("stale-hash", name, None, frozenset({"descriptor-stale"}), edit)


@st.composite
def hyphenation_left_in(draw: st.DrawFn, g: GeneratedPackage):
    rows = g.tables["statements"]
    index = draw(st.integers(0, len(rows) - 1))
    word = draw(st.sampled_from(["signa- leren", "wacht -lijsten", "mogelijkhe- den"]))
    rows[index]["text"] = f"Er zijn {word} genoeg."
    return g, Planted("hyphenation", "statements", index + 1, frozenset({"text-hyphenation"}))


@st.composite
def second_valence(draw: st.DrawFn, g: GeneratedPackage):
    codes = g.tables["codes"]
    valence = [
        c["code_id"] for c in codes if c["dimension"] == "valence" and c["codable"] == "true"
    ]
    coding = dict(draw(st.sampled_from(g.tables["codings"])))
    statement_codes = {
        c["code_id"]
        for c in g.tables["codings"]
        if (c["statement_id"], c["coder_id"], c["round"])
        == (coding["statement_id"], coding["coder_id"], coding["round"])
    }
    other = [v for v in valence if v not in statement_codes]
    if not other:  # a new, valid valence code, used only here
        new = dict(next(c for c in codes if c["code_id"] in valence), code_id="valence-extra")
        new["example_statement_id"] = coding["statement_id"]
        codes.append(new)
        other = ["valence-extra"]
    coding["code_id"] = draw(st.sampled_from(other))
    g.tables["codings"].append(coding)
    rows = len(g.tables["codings"])
    return g, Planted("second-valence", "codings", rows, frozenset({"coding-one-valence"}))


@st.composite
def unknown_code(draw: st.DrawFn, g: GeneratedPackage):
    rows = g.tables["codings"]
    index = draw(st.integers(0, len(rows) - 1))
    rows[index]["code_id"] = "topic-not-in-codebook"
    return g, Planted("unknown-code", "codings", index + 1, frozenset({"foreign-key"}))


MUTATIONS = {
    "wrong-type": wrong_type,
    "missing-required": missing_required,
    "duplicate-key": duplicate_key,
    "null-in-key": null_in_composite_key,
    "orphan-foreign-key": orphan_foreign_key,
    "enum": enum_outside,
    "pattern": pattern_mismatch,
    "too-long": too_long,
    "stale-hash": stale_hash,
    "formula": formula,
    "hyphenation": hyphenation_left_in,
    "second-valence": second_valence,
    "unknown-code": unknown_code,
}
KINDS = list(MUTATIONS)
# Row-level kinds that frictionless and the Pandera schemas can both judge (a null inside a
# composite key is not one: frictionless lets it through, a documented gap we close ourselves).
SHARED_KINDS = ["wrong-type", "missing-required", "duplicate-key", "enum", "pattern", "too-long"]
