"""Issue 16: where the emulator used to differ from Google, through the real gspread / googleapiclient."""

from __future__ import annotations

import json
from typing import Any

import gspread
import pytest
from googleapiclient.errors import HttpError

from sos_sync.emulator.client import EmulatorAdmin

CAL = "school@group.calendar.google.com"


def _error(exc: HttpError) -> dict[str, Any]:
    return json.loads(exc.content)["error"]  # type: ignore[no-any-return]


def _event(event_id: str, **extra: Any) -> dict[str, Any]:
    day = {"start": {"date": "2025-03-04"}, "end": {"date": "2025-03-05"}}
    return {"id": event_id, "summary": "Network meeting", **day, **extra}


# stricter than Google ------------------------------------------------------------------------


def test_drive_ignores_unknown_parameters_gspread_sends(
    admin: EmulatorAdmin, gc: gspread.Client
) -> None:
    admin.create_spreadsheet("T", "s1")
    assert gc.open_by_key("s1").get_lastUpdateTime()  # files.get with includeItemsFromAllDrives


def test_batch_update_requests_as_one_object_nested_or_snake_case(
    admin: EmulatorAdmin, sheets_api: Any
) -> None:
    admin.create_spreadsheet("T", "s1")
    book = sheets_api.spreadsheets()
    one = {"addSheet": {"properties": {"title": "One"}}}
    book.batchUpdate(spreadsheetId="s1", body={"requests": one}).execute()
    nested = [[{"addSheet": {"properties": {"title": "Two"}}}]]
    book.batchUpdate(spreadsheetId="s1", body={"requests": nested}).execute()
    snake = [{"add_sheet": {"properties": {"title": "Three"}}}]
    book.batchUpdate(spreadsheetId="s1", body={"requests": snake}).execute()
    titles = [s["properties"]["title"] for s in book.get(spreadsheetId="s1").execute()["sheets"]]
    assert titles == ["Sheet1", "One", "Two", "Three"]


# more lenient than Google ----------------------------------------------------------------------


def test_invalid_attendee_email_fails_the_event(admin: EmulatorAdmin, calendar: Any) -> None:
    admin.create_calendar(CAL)
    attendees = [{"email": "head@hill.example.sch.uk"}, {"email": "jo.park@willow"}]
    with pytest.raises(HttpError) as caught:
        calendar.events().insert(
            calendarId=CAL, body=_event("e0001", attendees=attendees)
        ).execute()
    assert caught.value.resp.status == 400
    assert _error(caught.value)["message"] == "Invalid attendee email."
    fine = _event("e0002", attendees=attendees[:1])
    assert calendar.events().insert(calendarId=CAL, body=fine).execute()["attendees"]


def test_payload_over_10_mb_is_refused(admin: EmulatorAdmin, sheets_api: Any) -> None:
    admin.create_spreadsheet("T", "s1")
    rows = [["x" * 40_000] for _ in range(270)]
    with pytest.raises(HttpError) as caught:
        sheets_api.spreadsheets().values().batchUpdate(
            spreadsheetId="s1",
            body={"valueInputOption": "RAW", "data": [{"range": "A1", "values": rows}]},
        ).execute()
    assert (
        "Request payload size exceeds the limit: 10485760 bytes." in _error(caught.value)["message"]
    )


def test_cell_over_50000_characters_is_refused(admin: EmulatorAdmin, gc: gspread.Client) -> None:
    admin.create_spreadsheet("T", "s1")
    sheet = gc.open_by_key("s1").sheet1
    sheet.update([["y" * 50_000]], "A1")
    with pytest.raises(gspread.exceptions.APIError) as caught:
        sheet.update([["y" * 50_001]], "A2")
    assert caught.value.code == 400 and "50000 characters" in caught.value.error["message"]


def test_grid_over_ten_million_cells_is_refused(admin: EmulatorAdmin, gc: gspread.Client) -> None:
    admin.create_spreadsheet("T", "s1")
    book = gc.open_by_key("s1")
    book.add_worksheet("Big", rows=100_000, cols=99)
    with pytest.raises(gspread.exceptions.APIError) as caught:
        book.add_worksheet("Bigger", rows=100_000, cols=2)
    assert "above the limit of 10000000 cells" in caught.value.error["message"]


def test_app_properties_over_124_bytes_are_refused(admin: EmulatorAdmin, drive: Any) -> None:
    admin.create_folder("F", folder_id="f1")
    ok = {"name": "a", "parents": ["f1"], "appProperties": {"k": "v" * 123}}
    drive.files().create(body=ok).execute()
    bad = {"name": "b", "parents": ["f1"], "appProperties": {"k": "v" * 124}}
    with pytest.raises(HttpError) as caught:
        drive.files().create(body=bad).execute()
    assert caught.value.resp.status == 400


def test_the_only_visible_sheet_cannot_be_hidden(admin: EmulatorAdmin, gc: gspread.Client) -> None:
    admin.create_spreadsheet("T", "s1", sheets=["A", "B"])
    book = gc.open_by_key("s1")
    book.worksheet("A").hide()
    with pytest.raises(gspread.exceptions.APIError) as caught:
        book.worksheet("B").hide()
    assert caught.value.code == 400 and "hide all the sheets" in caught.value.error["message"]


def test_cancelled_events_list_as_id_and_status_and_cannot_be_edited(
    admin: EmulatorAdmin, calendar: Any
) -> None:
    admin.create_calendar(CAL)
    events = calendar.events()
    events.insert(calendarId=CAL, body=_event("e0001", description="private notes")).execute()
    events.delete(calendarId=CAL, eventId="e0001").execute()
    items = events.list(calendarId=CAL, showDeleted=True).execute()["items"]
    assert [sorted(i) for i in items] == [["etag", "id", "kind", "status"]]
    with pytest.raises(HttpError) as caught:
        events.update(calendarId=CAL, eventId="e0001", body=_event("e0001")).execute()
    assert caught.value.resp.status == 403
    revived = events.update(
        calendarId=CAL, eventId="e0001", body=_event("e0001", status="confirmed")
    ).execute()
    assert revived["status"] == "confirmed"


def test_stale_if_match_is_412(admin: EmulatorAdmin, calendar: Any) -> None:
    admin.create_calendar(CAL)
    events = calendar.events()
    first = events.insert(calendarId=CAL, body=_event("e0001")).execute()
    events.patch(calendarId=CAL, eventId="e0001", body={"summary": "Moved"}).execute()
    stale = events.patch(calendarId=CAL, eventId="e0001", body={"summary": "Again"})
    stale.headers["If-Match"] = first["etag"]
    with pytest.raises(HttpError) as caught:
        stale.execute()
    assert caught.value.resp.status == 412


# different -------------------------------------------------------------------------------------


def test_locale_and_time_zone_per_spreadsheet(sheets_api: Any) -> None:
    book = sheets_api.spreadsheets()
    made = book.create(body={"properties": {"title": "API"}}).execute()
    assert (made["properties"]["locale"], made["properties"]["timeZone"]) == ("en_US", "Etc/GMT")
    sid = made["spreadsheetId"]
    values = book.values()
    typed = [["2,000,000.01", "5/19/2024", "19/05/2024"]]
    values.update(
        spreadsheetId=sid, range="A1", valueInputOption="USER_ENTERED", body={"values": typed}
    ).execute()
    shown = values.get(spreadsheetId=sid, range="A1:C1").execute()["values"]
    assert shown == [["2,000,000.01", "5/19/2024", "19/05/2024"]]  # the last one stayed text
    raw = values.get(
        spreadsheetId=sid, range="A1:C1", valueRenderOption="UNFORMATTED_VALUE"
    ).execute()
    assert raw["values"][0][:2] == [2000000.01, 45431] and raw["values"][0][2] == "19/05/2024"
    props = {"locale": "en_GB", "timeZone": "Europe/London"}
    book.batchUpdate(
        spreadsheetId=sid,
        body={
            "requests": [
                {"updateSpreadsheetProperties": {"properties": props, "fields": "locale,timeZone"}}
            ]
        },
    ).execute()
    assert values.get(spreadsheetId=sid, range="B1").execute()["values"] == [["19/05/2024"]]
    gb = book.create(body={"properties": {"title": "GB", **props}}).execute()
    assert gb["properties"]["locale"] == "en_GB"


def test_429_carries_error_info_with_quota_metadata(
    admin: EmulatorAdmin, gc: gspread.Client
) -> None:
    admin.create_spreadsheet("T", "s1")
    sheet = gc.open_by_key("s1").sheet1
    admin.set_quota("sheets", 1)
    sheet.get_all_values()
    with pytest.raises(gspread.exceptions.APIError) as caught:
        sheet.get_all_values()
    details = caught.value.error["details"]
    info = next(d for d in details if d["@type"].endswith("ErrorInfo"))
    assert info["reason"] == "RATE_LIMIT_EXCEEDED"
    assert info["metadata"]["quota_limit_value"] == "1"


def test_private_spreadsheet_is_403_missing_is_404(
    admin: EmulatorAdmin, gc: gspread.Client
) -> None:
    admin.create_spreadsheet("T", "s1")
    admin.make_private("s1")
    with pytest.raises(PermissionError):  # gspread's reading of a 403
        gc.open_by_key("s1")
    with pytest.raises(gspread.exceptions.SpreadsheetNotFound):
        gc.open_by_key("nope")


def test_drive_version_moves_on_invisible_changes(admin: EmulatorAdmin, drive: Any) -> None:
    admin.create_folder("F", folder_id="f1")
    made = (
        drive.files()
        .create(body={"name": "a", "parents": ["f1"]}, fields="id,version,modifiedTime")
        .execute()
    )
    admin.invisible_change(made["id"])
    after = drive.files().get(fileId=made["id"], fields="version,modifiedTime").execute()
    assert int(after["version"]) > int(made["version"])
    assert after["modifiedTime"] == made["modifiedTime"]
    admin.invisible_change(made["id"], modified_time=True)  # some touch modifiedTime too
    moved = drive.files().get(fileId=made["id"], fields="version,modifiedTime").execute()
    assert int(moved["version"]) > int(after["version"])
    assert moved["modifiedTime"] > after["modifiedTime"]


def test_a_doc_exports_as_plain_text_and_an_invisible_change_leaves_it(
    admin: EmulatorAdmin, drive: Any, docs: Any
) -> None:
    doc = docs.documents().create(body={"title": "Letter"}).execute()
    edit = {"insertText": {"location": {"index": 1}, "text": "Dear Head,\nWell done."}}
    docs.documents().batchUpdate(documentId=doc["documentId"], body={"requests": [edit]}).execute()
    text = drive.files().export(fileId=doc["documentId"], mimeType="text/plain").execute()
    assert text == "\ufeffDear Head,\r\nWell done.".encode()  # Google's: BOM, CRLF
    admin.invisible_change(doc["documentId"], modified_time=True)
    assert drive.files().export(fileId=doc["documentId"], mimeType="text/plain").execute() == text


def test_calendar_creator_self_and_primary_organizer(admin: EmulatorAdmin, calendar: Any) -> None:
    admin.create_calendar(CAL, "Schools of Sanctuary")
    secondary = calendar.events().insert(calendarId=CAL, body=_event("e0001")).execute()
    assert secondary["creator"]["self"] is True
    assert secondary["organizer"]["displayName"] == "Schools of Sanctuary"
    primary = calendar.events().insert(calendarId="primary", body=_event("e0002")).execute()
    assert primary["organizer"] == {"email": primary["organizer"]["email"], "self": True}


def test_drive_root_alias(admin: EmulatorAdmin, drive: Any) -> None:
    root = drive.files().get(fileId="root", fields="id,name,mimeType").execute()
    assert root["mimeType"] == "application/vnd.google-apps.folder"
    made = (
        drive.files().create(body={"name": "x", "parents": ["root"]}, fields="id,parents").execute()
    )
    assert made["parents"] == [root["id"]]
    listed = drive.files().list(q="'root' in parents and trashed = false").execute()["files"]
    assert [f["id"] for f in listed] == [made["id"]]
