"""Forms v1 writes through googleapiclient: forms.create then forms.batchUpdate, as on Google."""

from __future__ import annotations

from typing import Any

import pytest
from googleapiclient.errors import HttpError


def _choice(title: str, options: list[str], kind: str = "CHECKBOX") -> dict[str, Any]:
    return {
        "title": title,
        "questionItem": {
            "question": {
                "choiceQuestion": {"type": kind, "options": [{"value": o} for o in options]}
            }
        },
    }


def test_a_form_is_created_with_a_title_only(forms: Any) -> None:
    made = forms.forms().create(body={"info": {"title": "Event sign-up"}}).execute()
    assert made["info"] == {"title": "Event sign-up", "documentTitle": "Event sign-up"}
    assert "items" not in made and made["revisionId"]  # an empty list is left out
    with pytest.raises(HttpError) as err:
        forms.forms().create(
            body={"info": {"title": "X", "description": "no"}, "items": []}
        ).execute()
    assert err.value.resp.status == 400


def test_batch_update_creates_updates_moves_and_deletes_items(forms: Any) -> None:
    form_id = forms.forms().create(body={"info": {"title": "Sign-up"}}).execute()["formId"]
    reply = (
        forms.forms()
        .batchUpdate(
            formId=form_id,
            body={
                "includeFormInResponse": True,
                "requests": [
                    {
                        "createItem": {
                            "item": {
                                "title": "School name",
                                "questionItem": {
                                    "question": {"required": True, "textQuestion": {}}
                                },
                            },
                            "location": {"index": 0},
                        }
                    },
                    {
                        "createItem": {
                            "item": _choice("Events", ["A", "B"]),
                            "location": {"index": 1},
                        }
                    },
                ],
            },
        )
        .execute()
    )
    created = reply["replies"][1]["createItem"]
    assert created["itemId"] and len(created["questionId"]) == 1
    form = reply["form"]
    assert [i["title"] for i in form["items"]] == ["School name", "Events"]
    revision = form["revisionId"]
    forms.forms().batchUpdate(
        formId=form_id,
        body={
            "writeControl": {"requiredRevisionId": revision},
            "requests": [
                {
                    "updateItem": {
                        "item": _choice("Events", ["B", "C"]),
                        "location": {"index": 1},
                        "updateMask": "questionItem.question.choiceQuestion.options",
                    }
                },
                {"moveItem": {"originalLocation": {"index": 1}, "newLocation": {"index": 0}}},
            ],
        },
    ).execute()
    got = forms.forms().get(formId=form_id).execute()
    options = got["items"][0]["questionItem"]["question"]["choiceQuestion"]["options"]
    assert [o["value"] for o in options] == ["B", "C"]
    assert got["items"][0]["questionItem"]["question"]["questionId"] == created["questionId"][0]
    assert got["revisionId"] != revision
    with pytest.raises(HttpError) as err:  # a stale revision is refused
        forms.forms().batchUpdate(
            formId=form_id,
            body={
                "writeControl": {"requiredRevisionId": revision},
                "requests": [{"deleteItem": {"location": {"index": 0}}}],
            },
        ).execute()
    assert err.value.resp.status == 400
    forms.forms().batchUpdate(
        formId=form_id, body={"requests": [{"deleteItem": {"location": {"index": 0}}}]}
    ).execute()
    assert [i["title"] for i in forms.forms().get(formId=form_id).execute()["items"]] == [
        "School name"
    ]


def test_a_change_that_changes_nothing_keeps_the_revision(forms: Any) -> None:
    form_id = forms.forms().create(body={"info": {"title": "T"}}).execute()["formId"]
    before = forms.forms().get(formId=form_id).execute()["revisionId"]
    forms.forms().batchUpdate(
        formId=form_id,
        body={"requests": [{"updateFormInfo": {"info": {"title": "T"}, "updateMask": "title"}}]},
    ).execute()
    assert forms.forms().get(formId=form_id).execute()["revisionId"] == before


@pytest.mark.parametrize(
    "request_",
    [
        {"deleteItem": {"location": {"index": 5}}},
        {"createItem": {"item": {"title": "x"}, "location": {"index": 0}}},
        {"createItem": {"item": _choice("E", []), "location": {"index": 0}}},
        {"createItem": {"item": _choice("E", ["a", "a"]), "location": {"index": 0}}},
        {"updateItem": {"item": {"title": "x"}, "location": {"index": 0}}},
    ],
)
def test_bad_requests_are_refused_whole(forms: Any, request_: dict[str, Any]) -> None:
    form_id = forms.forms().create(body={"info": {"title": "T"}}).execute()["formId"]
    with pytest.raises(HttpError) as err:
        forms.forms().batchUpdate(formId=form_id, body={"requests": [request_]}).execute()
    assert err.value.resp.status == 400
    assert "items" not in forms.forms().get(formId=form_id).execute()
