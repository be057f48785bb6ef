"""Requests Google would refuse are refused, in Google's error shapes; odd-but-valid requests work."""

from __future__ import annotations

import json
from typing import Any

import gspread
import pytest
import requests
from googleapiclient.errors import HttpError
from googleapiclient.http import BatchHttpRequest

from sos_sync.emulator import RunningEmulator
from sos_sync.emulator.client import EmulatorAdmin

CAL = "cal@example.org"


def _error(exc: HttpError) -> dict[str, Any]:
    return json.loads(exc.content)["error"]  # type: ignore[no-any-return]


def test_unknown_query_parameter(admin: EmulatorAdmin, emulator: RunningEmulator) -> None:
    admin.create_spreadsheet("T", "s1")
    admin.create_calendar(CAL)
    sheets = requests.get(f"{emulator.base_url}/v4/spreadsheets/s1?colour=red", timeout=5)
    assert sheets.status_code == 400
    assert set(sheets.json()["error"]) == {"code", "message", "status"}
    assert sheets.json()["error"]["status"] == "INVALID_ARGUMENT"
    cal = requests.get(
        f"{emulator.base_url}/calendar/v3/calendars/{CAL}/events?colour=red", timeout=5
    )
    assert cal.status_code == 400
    assert cal.json()["error"]["errors"][0]["reason"] == "invalidParameter"
    ignored = "alt=json&prettyPrint=false&quotaUser=x&key=k&fields=spreadsheetId&%24.xgafv=2"
    ok = requests.get(f"{emulator.base_url}/v4/spreadsheets/s1?{ignored}", timeout=5)
    assert ok.json() == {"spreadsheetId": "s1"}


def test_unknown_body_field_sheets_nested(admin: EmulatorAdmin, gc: gspread.Client) -> None:
    admin.create_spreadsheet("T", "s1")
    book = gc.open_by_key("s1")
    with pytest.raises(gspread.exceptions.APIError) as caught:
        book.batch_update(
            {"requests": [{"addSheet": {"properties": {"title": "x", "colour": "red"}}}]}
        )
    assert caught.value.code == 400
    assert 'Unknown name "colour"' in caught.value.error["message"]
    assert "requests[0].add_sheet.properties" in caught.value.error["message"]


def test_unknown_body_field_calendar_and_drive(
    admin: EmulatorAdmin, calendar: Any, drive: Any
) -> None:
    admin.create_calendar(CAL)
    with pytest.raises(HttpError) as cal:
        calendar.events().insert(
            calendarId=CAL,
            body={
                "summary": "x",
                "colour": "red",
                "start": {"date": "2025-01-01"},
                "end": {"date": "2025-01-02"},
            },
        ).execute()
    assert cal.value.status_code == 400 and _error(cal.value)["errors"][0]["domain"] == "global"
    with pytest.raises(HttpError) as drv:
        drive.files().create(body={"name": "x", "folder": "y"}).execute()
    assert drv.value.status_code == 400


def test_bad_enum_values(admin: EmulatorAdmin, sheets_api: Any, gc: gspread.Client) -> None:
    admin.create_spreadsheet("T", "s1")
    book = gc.open_by_key("s1")  # googleapiclient checks query enums itself; gspread does not
    with pytest.raises(gspread.exceptions.APIError) as query_enum:
        book.values_get("A1", params={"valueRenderOption": "PRETTY"})
    assert query_enum.value.code == 400
    with pytest.raises(gspread.exceptions.APIError) as body_enum:
        book.batch_update(
            {
                "requests": [
                    {"appendDimension": {"sheetId": 0, "dimension": "DIAGONAL", "length": 1}}
                ]
            }
        )
    assert body_enum.value.code == 400 and "DIAGONAL" in body_enum.value.error["message"]


def test_booleans_in_any_case(admin: EmulatorAdmin, emulator: RunningEmulator) -> None:
    admin.create_spreadsheet("T", "s1")
    for flag in ("True", "true", "FALSE"):
        reply = requests.get(
            f"{emulator.base_url}/v4/spreadsheets/s1?includeGridData={flag}", timeout=5
        )
        assert reply.status_code == 200
        assert ("data" in reply.json()["sheets"][0]) == (flag.lower() == "true")
    bad = requests.get(f"{emulator.base_url}/v4/spreadsheets/s1?includeGridData=yes", timeout=5)
    assert bad.status_code == 400


def test_method_override_with_form_body(admin: EmulatorAdmin, emulator: RunningEmulator) -> None:
    admin.create_spreadsheet("T", "s1", sheets=["Tab"])
    reply = requests.post(
        f"{emulator.base_url}/v4/spreadsheets/s1/values:batchGet",
        headers={
            "x-http-method-override": "GET",
            "content-type": "application/x-www-form-urlencoded",
        },
        data="ranges=Tab%21A1&ranges=Tab%21B2&alt=json",
        timeout=5,
    )
    assert reply.status_code == 200
    assert [v["range"] for v in reply.json()["valueRanges"]] == ["Tab!A1", "Tab!B2"]


def test_unknown_path_is_404_and_no_401_ever(
    admin: EmulatorAdmin, emulator: RunningEmulator
) -> None:
    assert requests.get(f"{emulator.base_url}/v9/whatever", timeout=5).status_code == 404
    admin.create_spreadsheet("T", "s1")
    no_auth = requests.get(f"{emulator.base_url}/v4/spreadsheets/s1", timeout=5)
    assert no_auth.status_code == 200


def test_token_endpoint(emulator: RunningEmulator) -> None:
    ok = requests.post(
        f"{emulator.base_url}/token",
        timeout=5,
        data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": "a.b.c"},
    )
    assert ok.json()["token_type"] == "Bearer" and ok.json()["expires_in"] == 3600
    refresh = requests.post(
        f"{emulator.base_url}/token",
        timeout=5,
        data={"grant_type": "refresh_token", "refresh_token": "r"},
    )
    assert refresh.status_code == 200
    bad = requests.post(f"{emulator.base_url}/token", timeout=5, data={"grant_type": "password"})
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_grant"


def test_batch_requests(admin: EmulatorAdmin, calendar: Any, emulator: RunningEmulator) -> None:
    admin.create_calendar(CAL)
    results: dict[str, Any] = {}

    def collect(request_id: str, response: Any, exception: Exception | None) -> None:
        results[request_id] = exception or response

    batch = BatchHttpRequest(callback=collect, batch_uri=f"{emulator.base_url}/batch/calendar/v3")
    for n in range(3):
        batch.add(
            calendar.events().insert(
                calendarId=CAL,
                body={
                    "id": f"batch{n:04d}",
                    "start": {"date": "2025-01-01"},
                    "end": {"date": "2025-01-02"},
                },
            )
        )
    batch.add(
        calendar.events().insert(
            calendarId=CAL,
            body={
                "id": "batch0000",
                "start": {"date": "2025-01-01"},
                "end": {"date": "2025-01-02"},
            },
        )
    )
    batch.execute(http=calendar._http)
    assert [results[str(n)]["id"] for n in (1, 2, 3)] == ["batch0000", "batch0001", "batch0002"]
    assert isinstance(results["4"], HttpError) and results["4"].status_code == 409
    assert admin.stats()["apis"]["calendar"]["methods"]["calendar.events.insert"] == 4


def test_stats_count_reads_and_writes(admin: EmulatorAdmin, gc: gspread.Client) -> None:
    admin.create_spreadsheet("T", "s1")
    book = gc.open_by_key("s1")
    sheet = book.sheet1
    sheet.update([["a"]], "A1")
    sheet.get_all_values()
    stats = admin.stats()
    assert stats["reads"] == 3 and stats["writes"] == 1  # open_by_key, sheet1 metadata, values get
    methods = stats["apis"]["sheets"]["methods"]
    assert methods == {
        "sheets.spreadsheets.get": 2,
        "sheets.spreadsheets.values.update": 1,
        "sheets.spreadsheets.values.get": 1,
    }
    log = admin.log()
    assert [entry["method"] for entry in log][-1] == "sheets.spreadsheets.values.get"
    assert admin.log(since=log[-1]["seq"]) == []
