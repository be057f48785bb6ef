"""Fidelity to Google's documented examples: for each endpoint the product uses, the emulator's
status and JSON shape match a fixture written by hand from Google's REST reference
(`fixtures/google_examples.json`; no recorded traffic), through the real googleapiclient."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from googleapiclient.errors import HttpError
from googleapiclient.http import MediaIoBaseUpload

from sos_sync.emulator.client import EmulatorAdmin

FIXTURES = json.loads((Path(__file__).parent / "fixtures" / "google_examples.json").read_text())
CAL = "sos-fidelity@group.calendar.google.com"
DOC = "application/vnd.google-apps.document"

Services = dict[str, Any]
Call = Callable[[Services, EmulatorAdmin], Any]


def _event(summary: str = "Network meeting") -> dict[str, Any]:
    return {
        "id": "sos0001",
        "summary": summary,
        "start": {"dateTime": "2024-11-06T15:30:00Z", "timeZone": "Europe/London"},
        "end": {"dateTime": "2024-11-06T17:00:00Z", "timeZone": "Europe/London"},
        "extendedProperties": {"private": {"sos_key": "k"}},
    }


def _calendar(s: Services, admin: EmulatorAdmin) -> Any:
    admin.create_calendar(CAL, "Schools of Sanctuary")
    events = s["calendar"].events()
    events.insert(calendarId=CAL, body=_event()).execute()
    return events


def _doc(s: Services, admin: EmulatorAdmin, fields: str = "id") -> Any:
    admin.create_folder("Documents", folder_id="fold1")
    media = MediaIoBaseUpload(io.BytesIO(b"<p>Hello</p>"), "text/html", resumable=False)
    return (
        s["drive"]
        .files()
        .create(
            body={
                "name": "Award letter",
                "mimeType": DOC,
                "parents": ["fold1"],
                "appProperties": {"sos_key": "k"},
            },
            media_body=media,
            fields=fields,
        )
        .execute()
    )


def _form(s: Services) -> tuple[Any, str, str]:
    forms = s["forms"].forms()
    made = forms.create(body={"info": {"title": "Expression of interest"}}).execute()
    reply = forms.batchUpdate(
        formId=made["formId"],
        body={
            "requests": [
                {
                    "createItem": {
                        "item": {
                            "title": "School name",
                            "questionItem": {"question": {"textQuestion": {}}},
                        },
                        "location": {"index": 0},
                    }
                }
            ]
        },
    ).execute()
    return forms, made["formId"], reply["replies"][0]["createItem"]["questionId"][0]


def _sheet(admin: EmulatorAdmin) -> str:
    admin.create_spreadsheet("Tracker", "sheet1")
    return "sheet1"


def _values_write(s: Services, admin: EmulatorAdmin) -> Any:
    return (
        s["sheets"]
        .spreadsheets()
        .values()
        .batchUpdate(
            spreadsheetId=_sheet(admin),
            body={
                "valueInputOption": "RAW",
                "data": [{"range": "Sheet1!A1:B2", "values": [["Item", "Cost"], ["Tea", "2"]]}],
            },
        )
        .execute()
    )


def _values_read(s: Services, admin: EmulatorAdmin) -> Any:
    _values_write(s, admin)
    values = s["sheets"].spreadsheets().values()
    return values.batchGet(
        spreadsheetId="sheet1", ranges=["Sheet1!A1:B2", "Sheet1!F1:G2"]
    ).execute()


def _add_sheet(s: Services, admin: EmulatorAdmin) -> Any:
    props = {"title": "Deposits", "gridProperties": {"rowCount": 20, "columnCount": 12}}
    body = {"requests": [{"addSheet": {"properties": props}}]}
    return s["sheets"].spreadsheets().batchUpdate(spreadsheetId=_sheet(admin), body=body).execute()


def _update_doc(s: Services, admin: EmulatorAdmin) -> Any:
    made = _doc(s, admin)
    media = MediaIoBaseUpload(io.BytesIO(b"<p>Again</p>"), "text/html", resumable=False)
    return (
        s["drive"]
        .files()
        .update(
            fileId=made["id"],
            body={"name": "Award letter (2)"},
            media_body=media,
            fields="id,name,version,modifiedTime",
        )
        .execute()
    )


def _responses(s: Services, admin: EmulatorAdmin) -> Any:
    forms, form_id, qid = _form(s)
    admin.add_response(form_id, {qid: "Greenway Primary School"})
    return forms.responses().list(formId=form_id).execute()


CALLS: dict[str, Call] = {
    "sheets.spreadsheets.get (fields=sheets.properties)": lambda s, a: (
        s["sheets"]
        .spreadsheets()
        .get(spreadsheetId=_sheet(a), fields="sheets.properties")
        .execute()
    ),
    "sheets.spreadsheets.batchUpdate (addSheet)": _add_sheet,
    "sheets.spreadsheets.values.batchGet": _values_read,
    "sheets.spreadsheets.values.batchUpdate": _values_write,
    "sheets error 404": lambda s, a: s["sheets"].spreadsheets().get(spreadsheetId="nope").execute(),
    "drive.files.create (multipart upload, fields)": lambda s, a: _doc(
        s, a, "id,name,mimeType,webViewLink,appProperties"
    ),
    "drive.files.list (default fields)": lambda s, a: (
        _doc(s, a),
        s["drive"].files().list(q="'fold1' in parents").execute(),
    )[1],
    "drive.files.get (default fields)": lambda s, a: (
        s["drive"].files().get(fileId=_doc(s, a)["id"]).execute()
    ),
    "drive.files.update (media)": _update_doc,
    "drive error 404": lambda s, a: s["drive"].files().get(fileId="nope").execute(),
    "calendar.events.insert": lambda s, a: (
        a.create_calendar(CAL, "Schools of Sanctuary"),
        s["calendar"].events().insert(calendarId=CAL, body=_event()).execute(),
    )[1],
    "calendar.events.get": lambda s, a: (
        _calendar(s, a).get(calendarId=CAL, eventId="sos0001").execute()
    ),
    "calendar.events.update": lambda s, a: (
        _calendar(s, a)
        .update(calendarId=CAL, eventId="sos0001", body=_event("Network meeting (moved)"))
        .execute()
    ),
    "calendar.events.list": lambda s, a: (
        _calendar(s, a)
        .list(calendarId=CAL, privateExtendedProperty="sos_key=k", showDeleted=True)
        .execute()
    ),
    "calendar error 409 (the id exists)": lambda s, a: (
        _calendar(s, a).insert(calendarId=CAL, body=_event()).execute()
    ),
    "calendar error 404": lambda s, a: (
        a.create_calendar(CAL),
        s["calendar"].events().get(calendarId=CAL, eventId="nope0001").execute(),
    )[1],
    "forms.forms.create": lambda s, a: (
        s["forms"].forms().create(body={"info": {"title": "Expression of interest"}}).execute()
    ),
    "forms.forms.batchUpdate (createItem)": lambda s, a: _form_reply(s),
    "forms.forms.get": lambda s, a: (lambda f: f[0].get(formId=f[1]).execute())(_form(s)),
    "forms.forms.responses.list": _responses,
    "forms.forms.responses.list (no responses)": lambda s, a: (
        lambda f: f[0].responses().list(formId=f[1]).execute()
    )(_form(s)),
}


def _form_reply(s: Services) -> Any:
    forms = s["forms"].forms()
    made = forms.create(body={"info": {"title": "Expression of interest"}}).execute()
    item = {"title": "School name", "questionItem": {"question": {"textQuestion": {}}}}
    body = {"requests": [{"createItem": {"item": item, "location": {"index": 0}}}]}
    return forms.batchUpdate(formId=made["formId"], body=body).execute()


def _at(value: Any, path: str) -> tuple[bool, Any]:
    for part in path.split("."):
        if isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        elif isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, dict) and part.startswith("<") and len(value) == 1:
            value = next(iter(value.values()))  # a map's one entry, whatever its key
        else:
            return False, None
    return True, value


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return type(value).__name__


def _shape_errors(example: Any, got: Any, path: str = "") -> list[str]:
    if _kind(example) != _kind(got):
        return [f"{path or '.'}: {_kind(got)} where Google has {_kind(example)}"]
    if isinstance(example, dict):
        errors = []
        for key, sub in example.items():
            if key.startswith("<"):  # any key of a map: every entry has the shape
                if not got:
                    errors.append(f"{path}.{key}: empty map")
                for name, item in got.items():
                    errors += _shape_errors(sub, item, f"{path}.{name}")
            elif key not in got:
                errors.append(f"{path}.{key}: missing")
            else:
                errors += _shape_errors(sub, got[key], f"{path}.{key}")
        return errors
    if isinstance(example, list) and example and got:
        return _shape_errors(example[0], got[0], f"{path}[0]")
    return []


def _reply(call: Call, services: Services, admin: EmulatorAdmin) -> tuple[int, Any]:
    try:
        return 200, call(services, admin)
    except HttpError as exc:
        return int(exc.resp.status), json.loads(exc.content)


def test_every_fixture_has_a_call() -> None:
    assert {f["name"] for f in FIXTURES["fixtures"]} == set(CALLS)


@pytest.mark.parametrize("fixture", FIXTURES["fixtures"], ids=lambda f: f["name"])
def test_the_emulator_answers_as_googles_documented_example(
    fixture: dict[str, Any], _services: Services, admin: EmulatorAdmin
) -> None:
    admin.reset()
    status, body = _reply(CALLS[fixture["name"]], _services, admin)
    assert status == fixture["status"], body
    assert _shape_errors(fixture["example"], body) == [], body
    for path, value in fixture.get("equal", {}).items():
        assert _at(body, path) == (True, value), (path, body)
    for path in fixture.get("absent", []):
        assert not _at(body, path)[0], (path, body)
