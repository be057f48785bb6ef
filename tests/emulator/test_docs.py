"""Docs v1 through googleapiclient: blank documents, UTF-16 indexes, atomic batches."""

from __future__ import annotations

from typing import Any

import pytest
from googleapiclient.errors import HttpError


def _texts(doc: dict[str, Any]) -> list[str]:
    return [
        c["paragraph"]["elements"][0]["textRun"]["content"]
        for c in doc["body"]["content"]
        if "paragraph" in c
    ]


@pytest.fixture
def doc_id(docs: Any) -> str:
    return str(docs.documents().create(body={"title": "Feedback"}).execute()["documentId"])


def test_blank_document_shape(docs: Any, doc_id: str) -> None:
    doc = docs.documents().get(documentId=doc_id).execute()
    assert doc["title"] == "Feedback" and doc["revisionId"]
    first, second = doc["body"]["content"]
    assert first["endIndex"] == 1 and "startIndex" not in first and "sectionBreak" in first
    assert (second["startIndex"], second["endIndex"]) == (1, 2)
    assert _texts(doc) == ["\n"]
    tabs = docs.documents().get(documentId=doc_id, includeTabsContent=True).execute()
    assert (
        "body" not in tabs and tabs["tabs"][0]["documentTab"]["body"]["content"][1]["endIndex"] == 2
    )


def test_utf16_indexes_and_paragraph_styles(docs: Any, doc_id: str) -> None:
    update = docs.documents().batchUpdate
    update(
        documentId=doc_id,
        body={
            "requests": [
                {"insertText": {"location": {"index": 1}, "text": "Hi 😀 there\nSecond\n"}},
                {
                    "updateParagraphStyle": {
                        "range": {"startIndex": 1, "endIndex": 2},
                        "paragraphStyle": {"namedStyleType": "HEADING_1"},
                        "fields": "namedStyleType",
                    }
                },
            ]
        },
    ).execute()
    doc = docs.documents().get(documentId=doc_id).execute()
    paragraphs = doc["body"]["content"][1:]
    assert _texts(doc) == ["Hi 😀 there\n", "Second\n", "\n"]
    assert paragraphs[0]["endIndex"] == 1 + len("Hi  there\n") + 2  # the emoji counts 2
    assert paragraphs[0]["paragraph"]["paragraphStyle"]["namedStyleType"] == "HEADING_1"
    assert paragraphs[1]["paragraph"]["paragraphStyle"]["namedStyleType"] == "NORMAL_TEXT"
    with pytest.raises(HttpError) as caught:  # index 5 is the middle of the emoji
        update(
            documentId=doc_id,
            body={"requests": [{"insertText": {"location": {"index": 5}, "text": "x"}}]},
        ).execute()
    assert caught.value.status_code == 400


def test_final_newline_cannot_be_deleted_and_batches_are_atomic(docs: Any, doc_id: str) -> None:
    update = docs.documents().batchUpdate
    update(
        documentId=doc_id,
        body={"requests": [{"insertText": {"endOfSegmentLocation": {}, "text": "abc"}}]},
    ).execute()
    with pytest.raises(HttpError) as caught:
        update(
            documentId=doc_id,
            body={
                "requests": [
                    {"insertText": {"location": {"index": 1}, "text": "zzz"}},
                    {"deleteContentRange": {"range": {"startIndex": 1, "endIndex": 8}}},
                ]
            },
        ).execute()
    assert "newline" in caught.value.reason
    assert _texts(docs.documents().get(documentId=doc_id).execute()) == ["abc\n"]
    update(
        documentId=doc_id,
        body={"requests": [{"deleteContentRange": {"range": {"startIndex": 1, "endIndex": 3}}}]},
    ).execute()
    assert _texts(docs.documents().get(documentId=doc_id).execute()) == ["c\n"]


def test_bullets_remove_leading_tabs(docs: Any, doc_id: str) -> None:
    update = docs.documents().batchUpdate
    update(
        documentId=doc_id,
        body={
            "requests": [
                {"insertText": {"location": {"index": 1}, "text": "one\n\ttwo"}},
                {
                    "createParagraphBullets": {
                        "range": {"startIndex": 1, "endIndex": 9},
                        "bulletPreset": "BULLET_DISC_CIRCLE_SQUARE",
                    }
                },
            ]
        },
    ).execute()
    doc = docs.documents().get(documentId=doc_id).execute()
    assert _texts(doc) == ["one\n", "two\n"]
    paragraphs = [c["paragraph"] for c in doc["body"]["content"][1:]]
    assert (
        paragraphs[1]["bullet"]["nestingLevel"] == 1
        and "nestingLevel" not in paragraphs[0]["bullet"]
    )


def test_replace_all_text_and_revision_control(docs: Any, doc_id: str) -> None:
    update = docs.documents().batchUpdate
    first = update(
        documentId=doc_id,
        body={
            "requests": [
                {"insertText": {"location": {"index": 1}, "text": "Dear {{school}}, {{SCHOOL}}"}}
            ]
        },
    ).execute()
    revision = first["writeControl"]["requiredRevisionId"]
    reply = update(
        documentId=doc_id,
        body={
            "writeControl": {"requiredRevisionId": revision},
            "requests": [
                {
                    "replaceAllText": {
                        "containsText": {"text": "{{school}}", "matchCase": True},
                        "replaceText": "Hill",
                    }
                },
                {"replaceAllText": {"containsText": {"text": "{{nothing}}"}, "replaceText": "x"}},
            ],
        },
    ).execute()
    assert reply["replies"] == [
        {"replaceAllText": {"occurrencesChanged": 1}},
        {"replaceAllText": {}},
    ]
    assert _texts(docs.documents().get(documentId=doc_id).execute()) == ["Dear Hill, {{SCHOOL}}\n"]
    with pytest.raises(HttpError) as stale:
        update(
            documentId=doc_id,
            body={
                "writeControl": {"requiredRevisionId": revision},
                "requests": [{"insertText": {"location": {"index": 1}, "text": "x"}}],
            },
        ).execute()
    assert stale.value.status_code == 400


def test_missing_document_is_404(docs: Any, admin: Any) -> None:
    with pytest.raises(HttpError) as caught:
        docs.documents().get(documentId="missing").execute()
    assert caught.value.status_code == 404
