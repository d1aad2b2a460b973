"""Deterministic synthetic packages shaped exactly like ours, for the benchmarks (issue 8).

Same descriptor, same Table Schemas (copied from `schemas/`), the real codebook and coders; the
statements, pages, sections and codings are generated from one seed, so a size and a seed always
give the same bytes. Every package is valid by every rule of the project:

* each page is a raw text resource whose lines interleave a left and a right column, with
  line-wrap hyphenation (`signa-` / `leren`, `wacht -` / `lijsten`) joined by `~`, trailing spaces,
  a section heading (when a section starts there) and the running footer; anchors cover every
  non-space character of the body exactly once; a `left` fragment starts its line, a `right`
  fragment ends it, an `unknown` statement is a whole line;
* per statement and coder: exactly one valence, at least one topic; every codable code used;
  about three codings per statement.

Statement ids (`BL-p` + 3-digit page + `-` + 2-3 digits) allow at most 999 pages of 999
statements, so a page holds at least 25 statements and, at 1M, 999 of them: the "1M" package has
998,001 statements on 999 pages. That is also the realistic shape for the validator: a few
hundred large page files, not 40,000 small ones.

Example: python -m bench.generate --sizes 1k,10k --out /tmp/bloemdata-bench
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import random
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from bloemdata.core.package import DESCRIPTOR, Package, refresh, write_descriptor

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BASE = Path(tempfile.gettempdir()) / "bloemdata-bench"
DEFAULT_SEED = 20261128
# Bump when the output for a given size and seed changes: cached packages are then regenerated.
GENERATOR_VERSION = 2
SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000, "1M": 1_000_000}
MAX_PAGES = 999  # the statement id holds the page in 3 digits
MAX_PER_PAGE = 999  # and the number on the page in at most 3
MIN_PER_PAGE = 25  # about one printed page of the anthology
SECTION_EVERY = 4  # a new section heading every few pages
SECTIONS_PER_CHAPTER = 12  # so section ids run to 1.10, 1.11, 1.12 (the `1.10` is not `1.1` trap)
SOURCE_ID = "bloemlezing"
CODER = "maintainer-1"
COLUMN_WIDTH = 55


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


DUTCH = _words(
    "aandacht betrokkenheid mensenhandel arbeidsuitbuiting criminele uitbuiting seksuele "
    "gemeenten signaleren signalen meldingen slachtoffers professionals onderwijs scholen "
    "jongeren jeugdzorg preventie bewustwording samenwerking ketenpartners opsporing "
    "hulpverlening zorg ondersteuning toename afname steeds meer minder sterk groeiende "
    "bereidheid landelijke beleid aanpak uitvoering uitvoerders partners partijen publieke "
    "private organisaties wachtlijsten armoede verleidingen toegang sociale media "
    "kwetsbare situatie vrouwen mannen plegers zichtbaar transparant lastig echter hoewel "
    "waardoor doordat bovendien nog altijd niet genoeg herkend ingewonnen advies opgevolgd "
    "centraal decentraal regionaal netvlies ongrijpbaar film campagne week voorlichting "
    "training getraind bezorgdheid capaciteit financiering structureel projecten "
    "meldpunten coördinatoren zorgcoördinatie inspectie arbeidsmarkt uitzendbureaus "
    "huisvesting arbeidsmigranten grensoverschrijdend internationale netwerken wetgeving "
    "strafrecht vervolging rechtspraak bestuurlijke barrières informatie delen privacy "
    "de het een van en in op met voor door bij om te aan als dat er is zijn wordt worden "
    "kan moet blijft gaat krijgt vragen maken helpt"
)
ENGLISH = _words(
    "attention engagement trafficking labour exploitation criminal sexual municipalities "
    "signal signals reports victims professionals education schools young people youth care "
    "prevention awareness cooperation partners investigation assistance care support increase "
    "decrease more less strong growing willingness national policy approach implementation "
    "public private organisations waiting lists poverty temptations access social media "
    "vulnerable situation women men perpetrators visible transparent difficult however "
    "although because moreover still not enough recognised advice followed central local "
    "regional elusive campaign week training capacity funding structural projects "
    "coordinators inspection labour market agencies housing migrant workers networks "
    "legislation prosecution barriers information sharing privacy "
    "the a of and in on with for by at to as that there is are becomes can must remains"
)
SECTION_TITLES = (
    ("Aandacht/betrokkenheid", "Attention/engagement"),
    ("Signalering", "Signalling"),
    ("Samenwerking", "Cooperation"),
    ("Preventie", "Prevention"),
    ("Zorg en ondersteuning", "Care and support"),
    ("Opsporing en vervolging", "Investigation and prosecution"),
    ("Beleid en financiering", "Policy and funding"),
    ("Informatie delen", "Sharing information"),
)
# Phrases that a cell may quote or bracket, balanced as the text rules want them.
DUTCH_EXTRAS = ("‘Week tegen mensenhandel’", "(bijv. scholen)", "programma’s", "Ngo’s", "–")
VALENCE_WEIGHTS = (0.5, 0.35, 0.15)  # development, bottleneck, mixed
# A laid-out statement: column, fragments (line, start, end, join to the next), text, text_en.
Statement = tuple[str, list[tuple[int, int, int, str | None]], str, str]


def parse_size(label: str) -> int:
    """`1k`, `10k`, `100k`, `1M` or a plain number of statements."""
    label = label.strip()
    if label in SIZES:
        return SIZES[label]
    scale = {"k": 1_000, "K": 1_000, "m": 1_000_000, "M": 1_000_000}.get(label[-1:], 1)
    number = label[:-1] if scale != 1 else label
    try:
        value = int(float(number) * scale)
    except ValueError:
        raise click.BadParameter(f"{label!r} is not a size such as 1k, 10k, 100k, 1M") from None
    if value < 3:
        raise click.BadParameter(f"{label!r}: at least 3 statements (one per valence code)")
    return value


def page_counts(statements: int) -> list[int]:
    """Statements per page: at least 25 per page, at most 999 pages of at most 999."""
    statements = min(statements, MAX_PAGES * MAX_PER_PAGE)
    per_page = min(MAX_PER_PAGE, max(MIN_PER_PAGE, math.ceil(statements / MAX_PAGES)))
    pages = math.ceil(statements / per_page)
    return [per_page] * (pages - 1) + [statements - per_page * (pages - 1)]


@dataclass
class Codebook:
    """The real codebook: rows in file order and the codable children of each dimension."""

    header: list[str]
    rows: list[dict[str, str]]
    children: dict[str, list[str]] = field(default_factory=dict)
    order: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, root: Path) -> Codebook:
        with (root / "datapackage" / "codes.csv").open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
            header = list(reader.fieldnames or [])
        book = cls(header, rows)
        for index, row in enumerate(rows):
            book.order[row["code_id"]] = index
            if row["codable"] == "true":
                book.children.setdefault(row["dimension"], []).append(row["code_id"])
        return book


@dataclass
class Generated:
    """What was written, for the caller and the meta file."""

    path: Path
    statements: int
    codings: int
    pages: int
    sections: int
    seconds: float
    bytes: int


class _Writer:
    """Streams one package: pages and statements page by page, codings with them."""

    def __init__(self, target: Path, seed: int, statements: int, root: Path) -> None:
        self.target = target
        self.rng = random.Random(seed)
        self.counts = page_counts(statements)
        self.root = root
        self.book = Codebook.load(root)
        self.descriptor = json.loads((root / DESCRIPTOR).read_text(encoding="utf-8"))
        self.source = self._csv_rows("sources")[0]
        self.footer_title = self.source["title"]
        self.examples: dict[str, str] = {}
        self.n_statements = 0
        self.n_codings = 0
        self.sections: list[list[str]] = []
        self.page_rows: list[list[str]] = []
        # Codes no statement would get at a tiny size: the first statement takes them.
        self.leftover = [
            code
            for dim, codes in self.book.children.items()
            if dim != "valence"
            for code in codes[statements:]
        ]

    def _csv_rows(self, name: str) -> list[dict[str, str]]:
        path = self.root / "datapackage" / f"{name}.csv"
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    def _header(self, name: str) -> list[str]:
        schema = json.loads((self.root / "schemas" / f"{name}.json").read_text(encoding="utf-8"))
        return [f["name"] for f in schema["fields"]]

    # --- text -------------------------------------------------------------------------------

    def _tokens(self, words: tuple[str, ...], low: int, high: int, *, extras: bool) -> list[str]:
        rng = self.rng
        tokens = rng.choices(words, k=rng.randint(low, high))
        if extras and rng.random() < 0.15:
            tokens.insert(rng.randint(1, len(tokens) - 1), rng.choice(DUTCH_EXTRAS))
        tokens[0] = tokens[0].capitalize()
        tokens[-1] += "."
        return tokens

    def _statement_text(self, low: int, high: int) -> tuple[list[str], str]:
        nl = self._tokens(DUTCH, low, high, extras=True)
        en = " ".join(self._tokens(ENGLISH, low, high, extras=False))
        return nl, en

    def _pieces(self, tokens: list[str]) -> list[tuple[str, str | None]]:
        """Wrap tokens into column lines; sometimes hyphenate a long word across the break."""
        rng = self.rng
        pieces: list[tuple[str, str | None]] = []
        current: list[str] = []
        length = 0
        i = 0
        while i < len(tokens):
            token = tokens[i]
            extra = len(token) + (1 if current else 0)
            if current and length + extra > COLUMN_WIDTH:
                if len(token) >= 8 and token.isalpha() and rng.random() < 0.25:
                    cut = rng.randint(3, len(token) - 3)
                    hyphen = "-" if rng.random() < 0.8 else " -"
                    pieces.append((" ".join([*current, token[:cut]]) + hyphen, "~"))
                    current, length = [token[cut:]], len(token) - cut
                    i += 1
                    continue
                pieces.append((" ".join(current), ";"))
                current, length = [], 0
                continue
            current.append(token)
            length += extra
            i += 1
        pieces.append((" ".join(current), None))
        return pieces

    # --- pages ------------------------------------------------------------------------------

    def _trailing(self) -> str:
        return " " if self.rng.random() < 0.2 else ""

    def _body(self, count: int, lines: list[str]) -> list[Statement]:
        """Lay out `count` statements on the page's lines: single lines, a left column alone, or
        a left and a right statement interleaved line by line."""
        rng = self.rng
        made: list[Statement] = []
        while len(made) < count:
            left_over = count - len(made)
            roll = rng.random()
            if left_over == 1 or roll < 0.25:  # a pair needs two: never overshoot
                nl, en = self._statement_text(4, 10)
                text = " ".join(nl)
                lines.append(text)
                made.append(("unknown", [(len(lines), 0, len(text), None)], text, en))
            elif roll < 0.35:
                nl, en = self._statement_text(5, 20)
                fragments = []
                for piece, join in self._pieces(nl):
                    lines.append(piece + self._trailing())
                    fragments.append((len(lines), 0, len(piece), join))
                made.append(("left", fragments, " ".join(nl), en))
            else:
                l_nl, l_en = self._statement_text(5, 20)
                r_nl, r_en = self._statement_text(5, 20)
                left, right = self._pieces(l_nl), self._pieces(r_nl)
                l_frags, r_frags = [], []
                for row in range(max(len(left), len(right))):
                    line = ""
                    if row < len(left):
                        line = left[row][0]
                        l_frags.append((len(lines) + 1, 0, len(line), left[row][1]))
                    if row < len(right):
                        start = len(line) + 1 if line else 0
                        line = f"{line} {right[row][0]}" if line else right[row][0]
                        r_frags.append((len(lines) + 1, start, len(line), right[row][1]))
                    lines.append(line + self._trailing())
                made.append(("left", l_frags, " ".join(l_nl), l_en))
                made.append(("right", r_frags, " ".join(r_nl), r_en))
        return made

    def _page(self, index: int, page: int, count: int, st_out: Any, co_out: Any) -> None:
        lines: list[str] = []
        headings: list[str] = []
        if index % SECTION_EVERY == 0:
            k = len(self.sections)
            section_id = f"{k // SECTIONS_PER_CHAPTER + 1}.{k % SECTIONS_PER_CHAPTER + 1}"
            title_nl, title_en = SECTION_TITLES[k % len(SECTION_TITLES)]
            lines.append(f"{section_id} {title_nl}")
            headings.append(f"1:0-{len(lines[0])}")
            self.sections.append(
                [section_id, SOURCE_ID, str(page), title_nl, title_en, headings[-1]]
            )
        section_id = self.sections[-1][0]
        made = self._body(count, lines)
        lines.append(f"{self.footer_title} {page}")
        raw = "\n".join(lines) + "\n"
        name = f"page-p{page:03d}"
        path = f"datapackage/sources/{SOURCE_ID}-p{page:03d}.txt"
        (self.target / path).write_bytes(raw.encode("utf-8"))
        self.page_rows.append(
            [
                SOURCE_ID,
                str(page),
                name,
                path,
                hashlib.sha256(raw.encode("utf-8")).hexdigest(),
                str(len(lines)),
                ";".join(headings),
                f"{len(lines)}:0-{len(lines[-1])}",
                f"{page:03d}_synthetic.txt",
            ]
        )
        for position, (column, fragments, text, text_en) in enumerate(made, start=1):
            statement_id = f"BL-p{page:03d}-{position:02d}"
            anchor = "".join(f"{ln}:{s}-{e}{j or ''}" for ln, s, e, j in fragments)
            st_out.writerow(
                [
                    statement_id,
                    SOURCE_ID,
                    page,
                    section_id,
                    column,
                    position,
                    text,
                    text_en,
                    anchor,
                    "current",
                    "",
                ]
            )
            self._codings(statement_id, co_out)

    def _codings(self, statement_id: str, out: Any) -> None:
        """One valence, one or two topics, sometimes a form of exploitation and an actor."""
        rng = self.rng
        j = self.n_statements
        children = self.book.children
        chosen: set[str] = set()
        for dim, codes in children.items():
            if j < len(codes):  # the first statements use every codable code once
                chosen.add(codes[j])
            elif dim == "valence":
                chosen.add(rng.choices(codes, weights=VALENCE_WEIGHTS)[0])
            elif dim == "topic":
                chosen.update(rng.sample(codes, 2 if rng.random() < 0.2 else 1))
            elif rng.random() < 0.4:
                chosen.add(rng.choice(codes))
        if j == 0:
            chosen.update(self.leftover)
        for code in sorted(chosen, key=self.book.order.__getitem__):
            self.examples.setdefault(code, statement_id)
            out.writerow([statement_id, code, CODER, 1, self.descriptor["version"]])
        self.n_statements += 1
        self.n_codings += len(chosen)

    # --- package ----------------------------------------------------------------------------

    def write(self) -> None:
        target = self.target
        (target / "datapackage" / "sources").mkdir(parents=True)
        shutil.copytree(self.root / "schemas", target / "schemas")
        data = target / "datapackage"
        with (
            (data / "statements.csv").open("w", encoding="utf-8", newline="") as st_handle,
            (data / "codings.csv").open("w", encoding="utf-8", newline="") as co_handle,
        ):
            st_out = csv.writer(st_handle, lineterminator="\n")
            co_out = csv.writer(co_handle, lineterminator="\n")
            st_out.writerow(self._header("statements"))
            co_out.writerow(self._header("codings"))
            for index, count in enumerate(self.counts):
                self._page(index, index + 1, count, st_out, co_out)
        pages_held = "1" if len(self.counts) == 1 else f"1-{len(self.counts)}"
        source = self.source | {
            "pages_held": pages_held,
            "note": f"Synthetic benchmark data: {self.n_statements} generated statements on "
            f"{len(self.counts)} pages (bench/generate.py). Not the anthology.",
        }
        codes = [
            row | {"example_statement_id": self.examples.get(row["code_id"], "")}
            if row["codable"] == "true"
            else row
            for row in self.book.rows
        ]
        self._write_table("sources", [list(source.values())])
        self._write_table("pages", self.page_rows)
        self._write_table("sections", self.sections)
        self._write_table("codes", [[row[h] for h in self.book.header] for row in codes])
        self._write_table("coders", [list(r.values()) for r in self._csv_rows("coders")])
        self._write_table("reliability", [])  # one coder: agreement cannot be computed
        self._write_descriptor()

    def _write_table(self, name: str, rows: list[list[str]]) -> None:
        path = self.target / "datapackage" / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            out = csv.writer(handle, lineterminator="\n")
            out.writerow(self._header(name))
            out.writerows(rows)

    def _write_descriptor(self) -> None:
        descriptor = self.descriptor
        tables = [r for r in descriptor["resources"] if r.get("type") == "table"]
        template = next(r for r in descriptor["resources"] if r.get("type") != "table")
        pages = [
            template
            | {
                "name": row[2],
                "path": row[3],
                "title": f"Raw text of page {row[1]}",
                "description": f"Synthetic raw text of page {row[1]}: two interleaved columns "
                "with line-wrap hyphenation, as extracted from a PDF. statements.anchor points "
                "into it.",
            }
            for row in self.page_rows
        ]
        descriptor["resources"] = tables + pages
        descriptor["title"] += f" (synthetic: {self.n_statements} statements)"
        descriptor["sources"] = [
            {"title": "bench/generate.py (synthetic pages)", "path": pages[0]["path"]}
        ]
        package = Package(root=self.target, descriptor=descriptor, schemas={})
        write_descriptor(package)
        refresh(Package.load(self.target))


def generate(
    target: Path, statements: int, seed: int = DEFAULT_SEED, root: Path = ROOT
) -> Generated:
    """Write a valid synthetic package of about `statements` statements into `target`.

    `target` is replaced if it holds a package (or is empty); any other folder is refused.
    """
    target = Path(target)
    if target.exists():
        if any(target.iterdir()) and not (target / DESCRIPTOR).is_file():
            raise click.ClickException(f"{target} is not empty and holds no package: not replaced")
        shutil.rmtree(target)
    started = time.perf_counter()
    writer = _Writer(target, seed, statements, root)
    writer.write()
    size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    return Generated(
        path=target,
        statements=writer.n_statements,
        codings=writer.n_codings,
        pages=len(writer.counts),
        sections=len(writer.sections),
        seconds=time.perf_counter() - started,
        bytes=size,
    )


def meta_path(target: Path) -> Path:
    """Where `ensure` records what it generated (beside the package, not inside it)."""
    return target.with_name(target.name + ".generated.json")


def ensure(target: Path, statements: int, seed: int = DEFAULT_SEED) -> dict[str, Any]:
    """Generate unless `target` already holds this size, seed and generator version."""
    key = {"statements": statements, "seed": seed, "generator": GENERATOR_VERSION}
    meta = meta_path(target)
    if meta.is_file() and (target / DESCRIPTOR).is_file():
        recorded = json.loads(meta.read_text(encoding="utf-8"))
        if {k: recorded.get(k) for k in key} == key:
            return recorded | {"cached": True}
    meta.unlink(missing_ok=True)
    result = generate(target, statements, seed)
    recorded = key | {
        "path": str(result.path),
        "statements_written": result.statements,
        "codings": result.codings,
        "pages": result.pages,
        "sections": result.sections,
        "bytes": result.bytes,
        "seconds": round(result.seconds, 2),
    }
    meta.write_text(json.dumps(recorded, indent=2) + "\n", encoding="utf-8")
    return recorded | {"cached": False}


def iter_sizes(spec: str) -> Iterator[tuple[str, int]]:
    for label in spec.split(","):
        if label.strip():
            yield label.strip(), parse_size(label)


@click.command()
@click.option("--sizes", default="1k,10k,100k,1M", show_default=True, help="Comma-separated.")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_BASE,
    show_default=True,
    help="Folder that gets one package per size (<out>/<size>/).",
)
@click.option("--seed", default=DEFAULT_SEED, show_default=True, type=int)
@click.option("--force", is_flag=True, help="Regenerate even if a matching package exists.")
def main(sizes: str, out: Path, seed: int, force: bool) -> None:
    """Generate valid synthetic packages shaped like ours, one per size, outside the repository.

    Example: python -m bench.generate --sizes 1k,10k --out /tmp/bloemdata-bench
    """
    for label, statements in iter_sizes(sizes):
        target = out / label
        if force:
            meta_path(target).unlink(missing_ok=True)
        info = ensure(target, statements, seed)
        state = "cached" if info["cached"] else f"generated in {info['seconds']} s"
        click.echo(
            f"{label}: {info['statements_written']} statements, {info['codings']} codings, "
            f"{info['pages']} pages, {info['bytes'] / 1e6:.1f} MB at {target} ({state})"
        )


if __name__ == "__main__":
    main()
