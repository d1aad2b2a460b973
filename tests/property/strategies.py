"""Hypothesis strategies generated from the Table Schemas, and whole valid packages built from them.

`cells(field)` turns a field's type and constraints into a strategy for its CSV cell, so a schema
change changes what is generated. `packages()` fixes only the structure a valid package needs
(keys that join, raw pages the anchors point into, codings that follow the coding rules) and
draws every other cell from its field's strategy.
"""

from __future__ import annotations

import csv
import json
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from bloemdata.core.package import Package, refresh
from bloemdata.core.schema import Field, TableSchema

ROOT = Path(__file__).resolve().parents[2]

# Dutch letters (precomposed, so NFC) for words of arbitrary prose.
LETTERS = "abcdefghijklmnopqrstuvwxyzáäéëèêïíóöôúüçĳ"
CAPITALS = "ABCDEFGHIJKLMNOPRSTUVWZÉÖ"
PUNCTUATION = ["", "", "", ",", ";", ":"]
QUOTES = [("‘", "’"), ("“", "”"), ('"', '"'), ("(", ")")]


@cache
def schemas() -> dict[str, TableSchema]:
    """The shipped Table Schemas (frozen), read once: strategies ask for them at every draw."""
    return Package.load(ROOT).schemas


@st.composite
def words(draw: st.DrawFn) -> str:
    """A word, sometimes with trailing punctuation or wrapped in (typographic) quotes."""
    letters = draw(
        st.sampled_from(
            [LETTERS, st.characters(categories=("Ll", "Lu", "Lo"), exclude_characters="ͅ")]
        )
    )
    # Arbitrary letters of any script, composed (NFC) as the text rules require of real data.
    word = unicodedata.normalize("NFC", draw(st.text(alphabet=letters, min_size=1, max_size=10)))
    if draw(st.integers(0, 6)) == 0:
        left, right = draw(st.sampled_from(QUOTES))
        word = f"{left}{word}{right}"
    return word + draw(st.sampled_from(PUNCTUATION))


@st.composite
def prose(
    draw: st.DrawFn,
    min_size: int = 1,
    max_size: int = 200,
    sentence: bool = False,
    max_words: int = 4,
) -> str:
    """Words joined by single spaces within the length limits; a sentence starts and ends as one."""
    text = draw(st.sampled_from(CAPITALS)) + draw(st.text(alphabet=LETTERS, max_size=6))
    for word in draw(st.lists(words(), max_size=max_words)):
        if len(text) + len(word) + 2 > max_size:  # whole words only: a cut could split a quote
            break
        text = f"{text} {word}"
    text = text.rstrip(",;:")
    if sentence:
        text += "."
    text = text + "a" * (min_size - len(text))
    return text[:max_size]


def cells(f: Field) -> st.SearchStrategy[str]:
    """A strategy for the CSV cell of a field, from its type and constraints."""
    c = f.constraints
    if f.enum is not None:
        base: st.SearchStrategy[str] = st.sampled_from([str(v) for v in f.enum])
    elif f.type == "integer":
        base = st.integers(c.get("minimum", -(10**9)), c.get("maximum", 10**9)).map(str)
    elif f.type == "year":  # four digits (`core.cast`)
        base = st.integers(max(c.get("minimum", 0), 0), min(c.get("maximum", 9999), 9999)).map(
            "{:04d}".format
        )
    elif f.type == "number":
        base = st.floats(
            c.get("minimum", -1e9), c.get("maximum", 1e9), allow_nan=False, allow_infinity=False
        ).map(repr)
    elif f.type == "boolean":
        base = st.sampled_from([f.true_values[0], f.false_values[0]])
    elif f.pattern is not None:
        lo, hi = c.get("minLength", 0), c.get("maxLength", 10**6)
        base = st.from_regex(f.pattern, fullmatch=True).filter(lambda s: lo <= len(s) <= hi)
    else:
        base = prose(max(1, c.get("minLength", 1)), c.get("maxLength", 200))
    return base if f.required else st.one_of(st.just(""), base)


@st.composite
def row_for(draw: st.DrawFn, schema: TableSchema, fixed: dict[str, str]) -> dict[str, str]:
    """A row: the fixed cells, and every other field drawn from its own strategy."""
    return {f.name: fixed[f.name] if f.name in fixed else draw(cells(f)) for f in schema.fields}


@dataclass
class GeneratedPackage:
    """Rows per table (CSV strings) and raw page texts, ready to be written."""

    tables: dict[str, list[dict[str, str]]]
    pages: dict[str, str]  # resource name -> raw text
    page_paths: dict[str, str] = field(default_factory=dict)


def _slug(prefix: str, n: int) -> str:
    return f"{prefix}-{'abcdefghij'[n % 10]}{n}"


@st.composite
def packages(draw: st.DrawFn, max_pages: int = 2, max_statements: int = 4) -> GeneratedPackage:
    """A whole valid package: every rule of the project holds for it."""
    sc = schemas()
    source_id = draw(cells(sc["sources"].field("source_id")))
    page_numbers = draw(st.lists(st.integers(1, 999), min_size=1, max_size=max_pages, unique=True))
    source = draw(
        row_for(
            sc["sources"], {"source_id": source_id, "pages_held": ", ".join(map(str, page_numbers))}
        )
    )
    n_sections = draw(st.integers(1, 2))
    section_ids = draw(
        st.lists(
            cells(sc["sections"].field("section_id")),
            min_size=n_sections,
            max_size=n_sections,
            unique=True,
        )
    )
    tables: dict[str, list[dict[str, str]]] = {
        "sources": [source],
        "pages": [],
        "sections": [],
        "statements": [],
    }
    raw_pages: dict[str, str] = {}
    paths: dict[str, str] = {}
    for index, page in enumerate(page_numbers):
        lines: list[str] = []
        headings = []
        for section_id in section_ids if index == 0 else []:
            title = draw(cells(sc["sections"].field("title_nl")))
            lines.append(f"{section_id} {title}")
            headings.append(f"{len(lines)}:0-{len(lines[-1])}")
            tables["sections"].append(
                draw(
                    row_for(
                        sc["sections"],
                        {
                            "section_id": section_id,
                            "source_id": source_id,
                            "page": str(page),
                            "title_nl": title,
                            "anchor": headings[-1],
                        },
                    )
                )
            )
        n_statements = draw(st.integers(1, max_statements))
        for position in range(1, n_statements + 1):
            text = draw(prose(1, 300, sentence=True, max_words=12))
            anchor, column = _lay_out(draw, text, lines)
            tables["statements"].append(
                draw(
                    row_for(
                        sc["statements"],
                        {
                            "statement_id": f"BL-p{page:03d}-{position:02d}",
                            "source_id": source_id,
                            "page": str(page),
                            "section_id": draw(st.sampled_from(section_ids)),
                            "column": column,
                            "position": str(position),
                            "text": text,
                            "anchor": anchor,
                            "status": "current",
                            "status_note": "",
                        },
                    )
                )
            )
        lines.append(f"{source['title']} {page}")
        footer = f"{len(lines)}:0-{len(lines[-1])}"
        resource = f"page-p{page:03d}"
        raw = "\n".join(lines) + "\n"
        raw_pages[resource] = raw
        paths[resource] = f"datapackage/sources/{source_id}-p{page:03d}.txt"
        tables["pages"].append(
            draw(
                row_for(
                    sc["pages"],
                    {
                        "source_id": source_id,
                        "page": str(page),
                        "resource": resource,
                        "path": paths[resource],
                        "sha256": _sha256(raw),
                        "line_count": str(len(lines)),
                        "heading_anchor": ";".join(headings),
                        "footer_anchor": footer,
                    },
                )
            )
        )
    tables |= draw(_codebook_and_codings(sc, [s["statement_id"] for s in tables["statements"]]))
    tables["reliability"] = []  # agreement needs two coders in one round; see test_reliability
    return GeneratedPackage(tables, raw_pages, paths)


def _lay_out(draw: st.DrawFn, text: str, lines: list[str]) -> tuple[str, str]:
    """Append a statement's lines to a raw page: one line, or wrapped (with a hyphenated word)."""
    tokens = text.split(" ")
    if len(tokens) < 2 or draw(st.booleans()):
        lines.append(text)
        return f"{len(lines)}:0-{len(text)}", "unknown"
    cut = draw(st.integers(1, len(tokens) - 1))
    first, second = " ".join(tokens[:cut]), " ".join(tokens[cut:])
    head = tokens[cut]
    if len(head) >= 4 and head.isalpha() and draw(st.booleans()):
        split = draw(st.integers(2, len(head) - 2))
        spaced = draw(st.booleans())  # "wacht -" / "lijsten" as well as "signa-" / "leren"
        first = f"{first} {head[:split]}{' -' if spaced else '-'}"
        second = " ".join([head[split:], *tokens[cut + 1 :]])
        join = "~"
    else:
        join = ";"
    lines.extend([first, second])
    n = len(lines)
    return f"{n - 1}:0-{len(first)}{join}{n}:0-{len(second)}", "left"


@st.composite
def _codebook_and_codings(
    draw: st.DrawFn, sc: dict[str, TableSchema], statement_ids: list[str]
) -> dict[str, list[dict[str, str]]]:
    codes_schema = sc["codes"]
    dimensions = [str(d) for d in codes_schema.field("dimension").enum or []]
    children: dict[str, list[str]] = {}
    for dim in dimensions:
        most = min(3, len(statement_ids)) if dim == "valence" else 3
        children[dim] = [_slug(dim, i) for i in range(draw(st.integers(1, most)))]
    coder_ids = draw(
        st.lists(cells(sc["coders"].field("coder_id")), min_size=1, max_size=2, unique=True)
    )
    version = draw(cells(sc["codings"].field("codebook_version")))
    codings: list[dict[str, str]] = []
    example: dict[str, str] = {}
    for coder in coder_ids:
        chosen: dict[str, set[str]] = {s: set() for s in statement_ids}
        for j, sid in enumerate(statement_ids):
            chosen[sid].add(children["valence"][j % len(children["valence"])])
            chosen[sid].add(children["topic"][j % len(children["topic"])])
            for dim in dimensions:
                if dim != "valence":
                    chosen[sid] |= set(draw(st.lists(st.sampled_from(children[dim]), max_size=2)))
        used = set().union(*chosen.values())
        for dim in dimensions:
            chosen[statement_ids[0]] |= set(children[dim]) - used if dim != "valence" else set()
        for sid, code_ids in chosen.items():
            for code_id in sorted(code_ids):
                example.setdefault(code_id, sid)
                codings.append(
                    draw(
                        row_for(
                            sc["codings"],
                            {
                                "statement_id": sid,
                                "code_id": code_id,
                                "coder_id": coder,
                                "round": "1",
                                "codebook_version": version,
                            },
                        )
                    )
                )
    codes = []
    for dim in dimensions:
        codes.append(
            draw(
                row_for(
                    codes_schema,
                    {
                        "code_id": dim,
                        "dimension": dim,
                        "parent_id": "",
                        "codable": "false",
                        "example_statement_id": "",
                    },
                )
            )
        )
        codes.extend(
            draw(
                row_for(
                    codes_schema,
                    {
                        "code_id": code_id,
                        "dimension": dim,
                        "parent_id": dim,
                        "codable": "true",
                        "example_statement_id": example[code_id],
                    },
                )
            )
            for code_id in children[dim]
        )
    coders = [draw(row_for(sc["coders"], {"coder_id": c})) for c in coder_ids]
    return {"codes": codes, "coders": coders, "codings": codings}


def _sha256(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def real_package() -> GeneratedPackage:
    """The shipped package as a GeneratedPackage, for explicit regression examples."""
    package = Package.load(ROOT)
    tables = {name: package.rows(name) for name in package.table_names}
    pages = {row["resource"]: package.text(row["resource"]) for row in tables["pages"]}
    paths = {row["resource"]: row["path"] for row in tables["pages"]}
    return GeneratedPackage(tables, pages, paths)


def write_package(generated: GeneratedPackage, target: Path) -> Path:
    """Write a generated package like the real one: same descriptor, its own tables and pages."""
    if target.exists():
        shutil.rmtree(target)
    (target / "datapackage" / "sources").mkdir(parents=True)
    shutil.copytree(ROOT / "schemas", target / "schemas")
    descriptor: dict[str, Any] = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    tables = [r for r in descriptor["resources"] if "schema" in r]
    template = next(r for r in descriptor["resources"] if "schema" not in r)
    sc = schemas()
    for resource in tables:
        write_csv(
            target / resource["path"],
            sc[resource["name"]].names,
            generated.tables[resource["name"]],
        )
    pages = []
    for name, raw in generated.pages.items():
        path = generated.page_paths[name]
        (target / path).write_bytes(raw.encode("utf-8"))
        pages.append(template | {"name": name, "path": path, "title": f"Raw text of {name}"})
    descriptor["resources"] = tables + pages
    descriptor["sources"] = [{"title": "generated", "path": pages[0]["path"]}]
    (target / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False, indent=2))
    refresh(Package.load(target))
    return target


@contextmanager
def written(generated: GeneratedPackage, prefix: str = "bloemdata-prop-") -> Iterator[Path]:
    """The package written into a temporary folder, removed on exit.

    Hypothesis runs a test body once per example and pytest's tmp_path is one folder per test,
    so each example gets a folder of its own, and must remove it: nothing is left in /tmp.
    """
    with tempfile.TemporaryDirectory(prefix=prefix) as folder:
        yield write_package(generated, Path(folder) / "pkg")


def write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


__all__ = [
    "GeneratedPackage",
    "cells",
    "packages",
    "prose",
    "write_package",
    "written",
]
