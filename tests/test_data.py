"""The coded data follows the coding rules (issue 2): a check on the shipped data itself."""

from __future__ import annotations

from collections import Counter, defaultdict


def test_every_codable_code_is_used_and_no_root_is(package):
    codes = {r["code_id"]: r for r in package.typed_rows("codes")}
    used = Counter(r["code_id"] for r in package.typed_rows("codings"))
    for code_id, code in codes.items():
        assert (used[code_id] > 0) == code["codable"], code_id


def test_every_statement_has_one_valence_and_a_topic(package):
    dimension = {r["code_id"]: r["dimension"] for r in package.typed_rows("codes")}
    per: dict[tuple[str, str, int], Counter] = defaultdict(Counter)
    for r in package.typed_rows("codings"):
        per[(r["statement_id"], r["coder_id"], r["round"])][dimension[r["code_id"]]] += 1
    statements = {r["statement_id"] for r in package.typed_rows("statements")}
    assert {key[0] for key in per} == statements
    for key, counts in per.items():
        assert counts["valence"] == 1, key
        assert counts["topic"] >= 1, key


def test_code_tree_roots_are_the_dimensions(package):
    for code in package.typed_rows("codes"):
        if code["parent_id"] is None:
            assert code["code_id"] == code["dimension"]
            assert not code["codable"]
        else:
            assert code["parent_id"] == code["dimension"]
            assert code["code_id"].startswith(code["dimension"] + "-")


def test_example_statement_is_coded_with_its_code(package):
    coded = {(r["statement_id"], r["code_id"]) for r in package.typed_rows("codings")}
    for code in package.typed_rows("codes"):
        if code["codable"]:
            assert (code["example_statement_id"], code["code_id"]) in coded, code["code_id"]


def test_statement_ids_name_their_page(package):
    # ids are stable, so they need not follow `position` once statements are added or withdrawn
    for r in package.typed_rows("statements"):
        assert r["statement_id"].startswith(f"BL-p{r['page']:03d}-")
