"""Injected faults, seen through the real clients: 429, 5xx, latency, lost replies, quota and permission 403s."""

from __future__ import annotations

import json
import time
from typing import Any

import gspread
import pytest
import requests
from googleapiclient.errors import HttpError

from sos_sync.emulator.client import EmulatorAdmin

CAL = "cal@example.org"
ALL_DAY = {"start": {"date": "2025-01-01"}, "end": {"date": "2025-01-02"}}


@pytest.fixture
def sheet(admin: EmulatorAdmin, gc: gspread.Client) -> gspread.Worksheet:
    admin.create_spreadsheet("T", "s1")
    return gc.open_by_key("s1").sheet1


def test_next_n_429_then_success(admin: EmulatorAdmin, sheet: gspread.Worksheet) -> None:
    admin.fail_next(2, 429, api="sheets")
    for _ in range(2):
        with pytest.raises(gspread.exceptions.APIError) as caught:
            sheet.get_all_values()
        assert caught.value.code == 429
        assert caught.value.error["status"] == "RESOURCE_EXHAUSTED"
    assert sheet.get_all_values() == [[]]
    assert admin.faults() == []  # used up


def test_googleapiclient_retries_5xx_itself(admin: EmulatorAdmin, calendar: Any) -> None:
    admin.create_calendar(CAL)
    admin.fail_next(1, 503, api="calendar")
    request = calendar.events().list(calendarId=CAL)
    request._sleep = lambda seconds: None  # googleapiclient's own back-off, not ours
    assert request.execute(num_retries=1)["items"] == []
    admin.fail_next(1, 500, api="calendar")
    with pytest.raises(HttpError) as caught:
        calendar.events().list(calendarId=CAL).execute()
    assert caught.value.status_code == 500
    assert json.loads(caught.value.content)["error"]["errors"][0]["reason"] == "backendError"


def test_rate_faults_are_seeded(admin: EmulatorAdmin, sheet: gspread.Worksheet) -> None:
    def pattern() -> list[bool]:
        admin.clear_faults()
        admin.fail_rate(0.5, 429, seed=7, method="sheets.spreadsheets.values.get")
        outcome = []
        for _ in range(16):
            try:
                sheet.get_all_values()
                outcome.append(True)
            except gspread.exceptions.APIError as exc:
                assert exc.code == 429
                outcome.append(False)
        return outcome

    first = pattern()
    assert 0 < first.count(False) < 16
    assert pattern() == first


def test_latency(admin: EmulatorAdmin, sheet: gspread.Worksheet) -> None:
    admin.add_latency(0.3, count=1, api="sheets")
    started = time.perf_counter()
    sheet.get_all_values()
    assert time.perf_counter() - started >= 0.3
    started = time.perf_counter()
    sheet.get_all_values()
    assert time.perf_counter() - started < 0.3


def test_write_applied_but_500(admin: EmulatorAdmin, sheet: gspread.Worksheet) -> None:
    admin.lose_reply(1, mode="500", api="sheets")
    sheet.get_all_values()  # reads are untouched by a lost-reply fault
    with pytest.raises(gspread.exceptions.APIError) as caught:
        sheet.update([["written"]], "A1")
    assert caught.value.code == 500
    assert sheet.get_all_values() == [["written"]]


def test_write_applied_but_connection_dropped(
    admin: EmulatorAdmin, sheet: gspread.Worksheet
) -> None:
    admin.lose_reply(1, mode="drop", api="sheets")
    with pytest.raises(requests.exceptions.ConnectionError):
        sheet.append_rows([["once"]], table_range="A1")
    assert sheet.get_all_values() == [["once"]]


def test_httplib2_silently_resends_a_dropped_post(admin: EmulatorAdmin, calendar: Any) -> None:
    """httplib2 retries once after a dropped connection, even for POST: the insert lands, and the
    resend meets its own event as a 409. The product must treat 409-on-insert as "maybe mine"."""
    admin.create_calendar(CAL)
    admin.lose_reply(1, mode="drop", api="calendar")
    with pytest.raises(HttpError) as caught:
        calendar.events().insert(calendarId=CAL, body={"id": "drop00001", **ALL_DAY}).execute()
    assert caught.value.status_code == 409
    assert (
        calendar.events().get(calendarId=CAL, eventId="drop00001").execute()["status"]
        == "confirmed"
    )
    assert admin.stats()["apis"]["calendar"]["methods"]["calendar.events.insert"] == 2


def test_calendar_quota_exceeded(
    admin: EmulatorAdmin, calendar: Any, sheet: gspread.Worksheet
) -> None:
    admin.create_calendar(CAL)
    admin.calendar_quota_exceeded(1)
    sheet.get_all_values()  # other APIs are unaffected
    request = calendar.events().insert(calendarId=CAL, body={"id": "quota0001", **ALL_DAY})
    request._sleep = lambda seconds: pytest.fail("quotaExceeded is not retried by googleapiclient")
    with pytest.raises(HttpError) as caught:
        request.execute(num_retries=3)
    error = json.loads(caught.value.content)["error"]
    assert caught.value.status_code == 403
    assert error["errors"][0] == {
        "domain": "usageLimits",
        "reason": "quotaExceeded",
        "message": "Calendar usage limits exceeded.",
    }
    calendar.events().insert(calendarId=CAL, body={"id": "quota0001", **ALL_DAY}).execute()


def test_permission_denied_on_one_resource(
    admin: EmulatorAdmin, gc: gspread.Client, drive: Any
) -> None:
    admin.create_spreadsheet("Mine", "mine")
    admin.create_spreadsheet("Theirs", "theirs")
    folder = admin.create_folder("Private", folder_id="private-folder")
    admin.deny("theirs")
    admin.deny(folder["id"])
    assert gc.open_by_key("mine").title == "Mine"
    with pytest.raises(PermissionError):  # gspread raises the builtin
        gc.open_by_key("theirs")
    with pytest.raises(HttpError) as caught:
        drive.files().get(fileId="private-folder").execute()
    assert caught.value.status_code == 403
    assert (
        json.loads(caught.value.content)["error"]["errors"][0]["reason"]
        == "insufficientFilePermissions"
    )
    admin.clear_faults()
    assert gc.open_by_key("theirs").title == "Theirs"


def test_bad_fault_rules_are_refused(admin: EmulatorAdmin) -> None:
    from sos_sync.emulator.client import EmulatorAdminError

    with pytest.raises(EmulatorAdminError):
        admin.add_fault("explode")
    with pytest.raises(EmulatorAdminError):
        admin.add_fault("error", status=500, colour="red")


def test_per_minute_quota(admin: EmulatorAdmin, sheet: gspread.Worksheet, calendar: Any) -> None:
    admin.create_calendar(CAL)
    admin.set_quota("sheets", 3)
    for _ in range(3):
        sheet.get_all_values()
    with pytest.raises(gspread.exceptions.APIError) as caught:
        sheet.get_all_values()
    assert caught.value.code == 429 and "Read requests" in caught.value.error["message"]
    sheet.update([["writes are counted apart"]], "A1")
    assert calendar.events().list(calendarId=CAL).execute()["items"] == []  # other APIs: no quota
    admin.set_quota("sheets", 3, window_seconds=0.2)
    time.sleep(0.25)
    sheet.get_all_values()  # the window slid
    admin.set_quota("sheets", None)
