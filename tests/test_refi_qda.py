"""What the REFI-QDA export and import share (issue 13): GUIDs and the transcript."""

from __future__ import annotations

import uuid

import pytest

from bloemdata.core.coded import CodedData
from bloemdata.core.refi_qda import GUID_NAMESPACE, code_guid, guid, transcript, uuid5


@pytest.mark.parametrize("name", ["", "valence-mixed", "coder:maintainer-1", "é\U0001d518 x:1"])
def test_uuid5_is_the_standard_librarys(name):
    assert uuid5(name) == str(uuid.uuid5(GUID_NAMESPACE, name))


def test_guids_are_derived_from_ids():
    assert code_guid("topic-prevention") == str(uuid.uuid5(GUID_NAMESPACE, "topic-prevention"))
    assert guid("coding", "BL-p010-01", "x", 2) == str(
        uuid.uuid5(GUID_NAMESPACE, "coding:BL-p010-01:x:2")
    )


def test_each_statement_stands_at_its_span_in_the_transcript(package):
    data = CodedData.load(package)
    for page in data.pages:
        page_transcript = transcript(data, page)
        for statement in data.statements_on(page):
            start, end = page_transcript.spans[statement["statement_id"]]
            assert page_transcript.text[start:end] == statement["text"]
            assert page_transcript.text[: start - 1].endswith(statement["statement_id"])
