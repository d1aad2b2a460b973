"""A second coder's REFI-QDA project back into codings: which statement, code and coder each is.

* Source: one of our transcripts by its GUID or its text (line ends aside), else any text source
  in which our statements' texts can be found; other sources' selections are reported.
* Offsets: read as code points, as UTF-16 code units (CRLF = 2, as NVivo counts) and as code points
  with CRLF as one; the reading under which most selections fall inside one statement is used and
  named in the summary.
* Statement: the one whose text the selection lies inside. A selection that spans several
  statements, reaches outside one, or lies outside all is reported, never guessed.
* Code: by our stable GUID, else by code id (`[code-id]` in the description, or the name), else
  by the English or Dutch label. An unknown or non-codable code is reported.
* Coder: each user is mapped to a pseudonymous coder id with `--coder NAME=CODER_ID` (name, id or
  GUID). Users of our own export (our coder GUIDs) are recognised and their codings checked
  against the package, not imported again. A user with codings and no mapping refuses the
  project, naming the user; the user's name goes nowhere else.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bloemdata.coding import positions, refi_reader
from bloemdata.core.coded import CodedData, Row
from bloemdata.core.errors import InvalidInputError
from bloemdata.core.refi_qda import code_guid, coder_guid, transcript, transcript_guid

CODER_ID = re.compile(r"^[a-z]+-[0-9]+$")
_CODE_IN_DESCRIPTION = re.compile(r"^\s*\[([a-z][a-z0-9]*(?:-[a-z0-9]+)*)\]")
_STATEMENT_ID = re.compile(r"BL-p[0-9]{3}-[0-9]{2,3}")
_SEARCH_ALL_LIMIT = 20_000  # statements searched in a foreign text without their id beside them


@dataclass
class Imported:
    """What a project holds for this package, before it is merged."""

    source: str  # the file, for messages
    reading: str  # the offset reading used
    alike: tuple[str, ...]  # other readings that place every selection the same way
    codings: dict[str, dict[str, set[str]]]  # coder_id -> statement_id -> code_ids
    checked: dict[str, int] = field(default_factory=dict)  # own coder -> codings found equal
    skipped: Counter[str] = field(default_factory=Counter)  # reason -> selections or codings
    examples: dict[str, str] = field(default_factory=dict)  # reason -> one example

    def describe_reading(self) -> str:
        if not self.alike:
            return f"{self.reading} (other readings place fewer selections inside a statement)"
        return f"{self.reading} (here the same as {' and '.join(self.alike)})"

    def skip(self, reason: str, example: str, n: int = 1) -> None:
        self.skipped[reason] += n
        self.examples.setdefault(reason, example)


def parse_coders(values: tuple[str, ...]) -> dict[str, str]:
    """`NAME=CODER_ID` options as {NAME: CODER_ID}; InvalidInputError on a malformed one."""
    result: dict[str, str] = {}
    for value in values:
        name, sep, coder = value.rpartition("=")
        name, coder = name.strip(), coder.strip()
        if not sep or not name:
            raise InvalidInputError(f"--coder {value!r}: write it as NAME=CODER_ID")
        if not CODER_ID.match(coder):
            raise InvalidInputError(
                f"--coder: {coder!r} is not a coder id: a role and a number, e.g. reviewer-1"
            )
        if name in result and result[name] != coder:
            raise InvalidInputError(f"--coder: one user mapped to {result[name]} and {coder}")
        result[name] = coder
    return result


def read_project(path: Path, data: CodedData, coders: dict[str, str]) -> Imported:
    """The codings a project holds for this package, by coder id; InvalidInputError if refused."""
    project = refi_reader.read(path)
    users = _users(project, data, coders)
    codes = _codes(project, data)
    placed = _place(project, data)
    reading, alike, fits = _choose_reading(placed)
    if not fits:
        raise InvalidInputError(
            f"{path}: no selection lies inside a statement of this package (bloemdata "
            f"{data.version}); the project is not about this package, nothing was imported",
            _why_no_fit(placed),
        )
    unmapped = Counter(
        c.user or ""
        for source in project.sources
        for selection in source.selections
        for c in selection.codings
        if (c.user or "") not in users
    )
    if unmapped:
        raise InvalidInputError(
            f"{path}: users with codings are not mapped to a coder id; add --coder "
            '"NAME=CODER_ID" for each (the name stays out of the package)',
            [_describe_user(project, guid, n) for guid, n in sorted(unmapped.items())],
        )
    result = Imported(str(path), reading, alike, defaultdict(dict))
    found = _collect(project, placed, users, codes, result)
    own = {c["coder_id"] for c in data.coders}
    for coder, statements in found.items():
        if coder in own and coder not in set(coders.values()):
            result.checked[coder] = _check_own(data, coder, statements, result)
        else:
            result.codings[coder] = dict(statements)
    return result


def _collect(
    project: refi_reader.Project,
    placed: list[Placed],
    users: dict[str, str],
    codes: dict[str, str],
    result: Imported,
) -> dict[str, dict[str, set[str]]]:
    """Coder id -> statement -> codes of every coding that maps; the rest recorded as skipped."""
    reading = result.reading
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for source, where in placed:
        if where is None:
            n = sum(len(s.codings) for s in source.selections) + source.whole_codings
            if n:
                why = source.problem or "none of this package's statement texts is in it"
                result.skip(f"source not from this package ({why})", f"source {source.name!r}", n)
            continue
        if source.whole_codings:
            result.skip("coding of a whole source", f"source {source.name!r}", source.whole_codings)
        for selection in source.selections:
            label = f"selection {selection.guid or selection.name} in source {source.name!r}"
            statement = _statement(selection, where, reading=reading, result=result, label=label)
            if statement is None:
                continue
            for coding in selection.codings:
                code = codes.get(coding.code or "")
                if code is None:
                    known = project.codes.get(coding.code or "")
                    shown = known.name if known else coding.code
                    result.skip("unknown code", f"{label}: code {shown!r}")
                elif code.startswith("!"):
                    result.skip(code[1:], f"{label}: code {coding.code}")
                else:
                    found[users[coding.user or ""]][statement].add(code)
    return found


def _users(project: refi_reader.Project, data: CodedData, coders: dict[str, str]) -> dict[str, str]:
    """User GUID -> coder id: our own coders by GUID, the others by --coder."""
    # Our own coders, as our export names them: by GUID, or by coder id as the user's name (a
    # tool that gives users its own GUIDs keeps the name). Pseudonymous ids, no person's name.
    own = {coder_guid(c["coder_id"]): c["coder_id"] for c in data.coders}
    ids = {c["coder_id"] for c in data.coders}
    result = {
        guid: own.get(guid) or user.name
        for guid, user in project.users.items()
        if guid in own or user.name in ids
    }
    matched = set()
    for guid, user in project.users.items():
        for key in (guid, user.name, user.id):
            if key and key in coders:
                result[guid] = coders[key]
                matched.add(key)
    used = {c.user for s in project.sources for sel in s.selections for c in sel.codings}
    for key in coders.keys() - matched:
        if key not in used:  # a user named only by GUID on its codings (no Users element) is fine
            raise InvalidInputError(
                f"{project.path}: --coder names a user the project does not have; its users "
                "are listed below",
                [_describe_user(project, guid, None) for guid in project.users]
                or ["(the project lists no users)"],
            )
        result[key] = coders[key]
    return result


def _describe_user(project: refi_reader.Project, guid: str, codings: int | None) -> str:
    user = project.users.get(guid)
    who = f"user {user.name!r} (GUID {guid})" if user else f"user with GUID {guid or '(none)'}"
    return who + ("" if codings is None else f": {codings} coding(s)")


def _codes(project: refi_reader.Project, data: CodedData) -> dict[str, str]:
    """Project code GUID -> our code id, or '!reason' for a code that cannot be applied."""
    ours = {code_guid(c["code_id"]): c for c in data.codes}
    by_id = {c["code_id"]: c for c in data.codes}
    by_label: dict[str, Row] = {}
    for c in data.codes:
        for label in (c["label_en"], c["label_nl"]):
            by_label.setdefault(_fold(label), c)
    result: dict[str, str] = {}
    for guid, code in project.codes.items():
        match = _CODE_IN_DESCRIPTION.match(code.description)
        row = (
            ours.get(guid)
            or (by_id.get(match.group(1)) if match else None)
            or by_id.get(code.name.strip())
            or by_label.get(_fold(code.name))
        )
        if row is None:
            continue
        if not row["codable"]:
            result[guid] = f"!code not codable (the dimension {row['code_id']!r} groups codes)"
        else:
            result[guid] = row["code_id"]
    return result


def _fold(label: str) -> str:
    return " ".join(label.casefold().split())


Placed = tuple[refi_reader.Source, tuple[positions.SourceText, positions.Spans] | None]


def _place(project: refi_reader.Project, data: CodedData) -> list[Placed]:
    """Each source with its text and our statements' spans in it (None: not one of ours)."""
    transcripts = {}
    by_text = {}
    for page in data.pages:
        t = transcript(data, page)
        transcripts[transcript_guid(page)] = t
        by_text[t.text] = t
    texts = {s["statement_id"]: s["text"] for s in data.statements}
    result: list[Placed] = []
    for source in project.sources:
        if source.text is None:
            result.append((source, None))
            continue
        text = positions.SourceText.of(source.text)
        known = transcripts.get(source.guid)
        if known is None or known.text != text.text:
            known = by_text.get(text.text)
        if known is not None:
            spans = known.spans
        else:
            candidates = texts
            if len(texts) > _SEARCH_ALL_LIMIT:
                named = set(_STATEMENT_ID.findall(text.text))
                candidates = {k: v for k, v in texts.items() if k in named}
            spans = positions.find_statements(text.text, candidates)
        result.append((source, (text, positions.Spans.of(spans)) if spans else None))
    return result


def _choose_reading(placed: list[Placed]) -> tuple[str, tuple[str, ...], int]:
    """The reading under which the selections fit our statements best; ties by preference.

    Best: most selections inside one statement, then most that are exactly a statement's text,
    then most that start and end at word edges. A reading one character off may still land
    inside a statement (spaces and line ends at a selection's ends are trimmed) but cuts words.
    """
    scores: dict[str, tuple[int, int, int]] = {}
    for reading in positions.READINGS:
        fits = exact = edges = 0
        for source, where in placed:
            if where is None:
                continue
            text, spans = where
            for s in source.selections:
                if s.start is None or s.end is None:
                    continue
                span = text.span(reading, s.start, s.end)
                if span is None:
                    continue
                statement, _ = spans.locate(text.text, *span)
                if statement is None:
                    continue
                fits += 1
                exact += spans.exact(text.text, statement, *span)
                edges += positions.at_word_edges(text.text, *span)
        scores[reading] = (fits, exact, edges)
    best = max(positions.READINGS, key=lambda r: (scores[r], -positions.READINGS.index(r)))
    alike = tuple(r for r in positions.READINGS if r != best and scores[r] == scores[best])
    return best, alike, scores[best][0]


def _statement(
    selection: refi_reader.Selection,
    where: tuple[positions.SourceText, positions.Spans],
    *,
    reading: str,
    result: Imported,
    label: str,
) -> str | None:
    """The statement a coded selection belongs to; None (and the reason recorded) if none."""
    n = len(selection.codings)
    if not n:
        return None  # a selection without codings (a memo anchor) codes nothing
    text, spans = where
    if selection.start is None or selection.end is None:
        result.skip("selection without integer start and end", label, n)
        return None
    span = text.span(reading, selection.start, selection.end)
    if span is None:
        result.skip(f"selection does not fit its source's text ({reading})", label, n)
        return None
    statement, why = spans.locate(text.text, *span)
    if statement is None:
        result.skip(f"selection {why}", label, n)
    return statement


def _why_no_fit(placed: list[Placed]) -> list[str]:
    lines = []
    for source, where in placed:
        if where is None:
            reason = source.problem or "none of this package's statement texts is in it"
            lines.append(f"source {source.name!r}: {reason}")
        elif source.selections:
            lines.append(f"source {source.name!r}: no selection lies inside one statement")
    return lines or ["the project has no sources"]


def _check_own(
    data: CodedData, coder: str, statements: dict[str, set[str]], result: Imported
) -> int:
    """Codings of one of our own coders, as exported: compare with the package, import nothing."""
    final: dict[str, set[str]] = defaultdict(set)
    for c in data.final_codings():
        if c["coder_id"] == coder:
            final[c["statement_id"]].add(c["code_id"])
    differ = [s for s, codes in statements.items() if final.get(s) != codes]
    if differ:
        result.skip(
            f"codings of {coder} (from our export) differ from the package; not imported "
            f"(map the user with --coder to import them as a new round)",
            f"statement {differ[0]}",
            sum(len(statements[s]) for s in differ),
        )
    return sum(len(c) for c in statements.values())


def refuse_skips(imported: Imported) -> None:
    """Refuse a project in which something does not map (unless the caller allows skipping)."""
    if imported.skipped:
        raise InvalidInputError(
            f"{imported.source}: {sum(imported.skipped.values())} coding(s) do not map to this "
            "package; nothing was imported. Fix them in the QDA software, or pass "
            "--skip-unmapped to import the rest and leave these out",
            [
                f"{n} x {reason} (e.g. {imported.examples[reason]})"
                for reason, n in imported.skipped.most_common()
            ],
        )
