"""Forms v1 through googleapiclient: form shape, answers, edits, timestamp filters, 5,000-per-page paging."""

from __future__ import annotations

from typing import Any

import pytest
from googleapiclient.errors import HttpError

from sos_sync.emulator.client import EmulatorAdmin

ITEMS = [
    {"title": "School name", "questionId": "q_school", "required": True},
    {"title": "School URN", "questionId": "q_urn"},
    {
        "title": "Which events would you like to attend?",
        "questionId": "q_events",
        "kind": "checkbox",
        "options": ["Network meeting", "Refugee Week"],
    },
    {
        "title": "Has your school signed the pledge?",
        "questionId": "q_pledge",
        "kind": "radio",
        "options": ["Yes", "No", "Not yet – planning to"],
    },
    {"title": "Section 2", "kind": "pageBreak"},
    {
        "title": "Ratings",
        "kind": "grid",
        "options": ["Developing", "Embedded"],
        "rows": [{"title": "L1", "questionId": "q_l1"}, {"title": "L2", "questionId": "q_l2"}],
    },
]


@pytest.fixture
def form(admin: EmulatorAdmin) -> dict[str, Any]:
    return admin.create_form("Expression of interest", ITEMS, form_id="eoi-form")


def test_form_shape(form: dict[str, Any], forms: Any) -> None:
    got = forms.forms().get(formId="eoi-form").execute()
    assert got["info"]["title"] == "Expression of interest"
    questions = [i["questionItem"]["question"] for i in got["items"] if "questionItem" in i]
    assert [q["questionId"] for q in questions] == ["q_school", "q_urn", "q_events", "q_pledge"]
    assert questions[2]["choiceQuestion"]["type"] == "CHECKBOX"
    assert questions[3]["choiceQuestion"]["options"][2] == {"value": "Not yet – planning to"}
    grid = next(i for i in got["items"] if "questionGroupItem" in i)["questionGroupItem"]
    assert [q["questionId"] for q in grid["questions"]] == ["q_l1", "q_l2"]
    assert any("pageBreakItem" in i for i in got["items"])
    assert "responses" not in got


def test_missing_form_is_404(admin: EmulatorAdmin, forms: Any) -> None:
    with pytest.raises(HttpError) as caught:
        forms.forms().get(formId="nope").execute()
    assert caught.value.status_code == 404


def test_answers_by_question_id(form: dict[str, Any], admin: EmulatorAdmin, forms: Any) -> None:
    admin.add_response(
        "eoi-form",
        {
            "q_school": "Hill Primary",
            "School URN": "100001",
            "q_events": ["Network meeting", "Refugee Week"],
            "q_l1": "Embedded",
        },
        response_id="R1",
        respondent_email="head@hill.sch.uk",
        submitted="2024-10-01T09:00:00.123456Z",
    )
    listed = forms.forms().responses().list(formId="eoi-form").execute()["responses"]
    assert len(listed) == 1 and "formId" not in listed[0]
    answers = listed[0]["answers"]
    assert answers["q_urn"]["textAnswers"]["answers"] == [{"value": "100001"}]
    assert [a["value"] for a in answers["q_events"]["textAnswers"]["answers"]] == [
        "Network meeting",
        "Refugee Week",
    ]
    assert "q_pledge" not in answers  # unanswered: absent
    assert listed[0]["respondentEmail"] == "head@hill.sch.uk"
    one = forms.forms().responses().get(formId="eoi-form", responseId="R1").execute()
    assert one["formId"] == "eoi-form" and one["lastSubmittedTime"] == "2024-10-01T09:00:00.123456Z"
    with pytest.raises(HttpError) as caught:
        forms.forms().responses().get(formId="eoi-form", responseId="R404").execute()
    assert caught.value.status_code == 404


def test_no_responses_is_an_empty_object(form: dict[str, Any], forms: Any) -> None:
    assert forms.forms().responses().list(formId="eoi-form").execute() == {}


def test_timestamp_filters_edits_and_deletes(
    form: dict[str, Any], admin: EmulatorAdmin, forms: Any
) -> None:
    admin.add_response(
        "eoi-form", {"q_school": "A"}, response_id="RA", submitted="2024-10-01T09:00:00Z"
    )
    admin.add_response(
        "eoi-form", {"q_school": "B"}, response_id="RB", submitted="2024-10-02T09:00:00.000000001Z"
    )
    responses = forms.forms().responses()

    def ids(text: str) -> list[str]:
        return [
            r["responseId"]
            for r in responses.list(formId="eoi-form", filter=text).execute().get("responses", [])
        ]

    assert ids("timestamp >= 2024-10-02T09:00:00.000000001Z") == ["RB"]
    assert ids("timestamp > 2024-10-02T09:00:00.000000001Z") == []
    assert ids("timestamp > 2024-10-01T09:00:00Z") == ["RB"]
    edited = admin.edit_response(
        "eoi-form", "RA", {"q_school": "A (renamed)"}, submitted="2024-10-03T09:00:00Z"
    )
    assert edited["responseId"] == "RA"
    assert ids("timestamp >= 2024-10-03T00:00:00Z") == ["RA"]
    again = responses.get(formId="eoi-form", responseId="RA").execute()
    assert again["answers"]["q_school"]["textAnswers"]["answers"][0]["value"] == "A (renamed)"
    assert again["createTime"].startswith("2024-10-01")
    admin.delete_response("eoi-form", "RB")
    assert ids("timestamp > 2000-01-01T00:00:00Z") == ["RA"]


@pytest.mark.parametrize(
    "bad",
    [
        "timestamp = 2024-01-01T00:00:00Z",
        "timestamp > yesterday",
        "timestamp > 2024-01-01T00:00:00+01:00",
        "createTime > 2024-01-01T00:00:00Z",
    ],
)
def test_bad_filter_is_400(form: dict[str, Any], forms: Any, bad: str) -> None:
    with pytest.raises(HttpError) as caught:
        forms.forms().responses().list(formId="eoi-form", filter=bad).execute()
    assert caught.value.status_code == 400


def test_pages_of_5000(form: dict[str, Any], admin: EmulatorAdmin, forms: Any) -> None:
    batch = [
        {
            "answers": {"q_school": f"School {n}"},
            "responseId": f"R{n:05d}",
            "lastSubmittedTime": f"2024-10-01T09:{n // 3600 % 60:02d}:{n % 60:02d}.{n:06d}Z",
        }
        for n in range(5003)
    ]
    admin.add_responses("eoi-form", batch)
    responses = forms.forms().responses()
    request = responses.list(formId="eoi-form")
    pages = []
    while request is not None:
        reply = request.execute()
        pages.append(len(reply.get("responses", [])))
        request = responses.list_next(request, reply)
    assert pages == [5000, 3]
    small = responses.list(formId="eoi-form", pageSize=2).execute()
    assert len(small["responses"]) == 2 and small["nextPageToken"]
    with pytest.raises(HttpError) as caught:  # a token only works with the same filter
        responses.list(
            formId="eoi-form",
            pageToken=small["nextPageToken"],
            filter="timestamp > 2000-01-01T00:00:00Z",
        ).execute()
    assert caught.value.status_code == 400
    with pytest.raises(HttpError):
        responses.list(formId="eoi-form", pageToken="garbage").execute()
