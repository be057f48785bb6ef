"""Calendar v3 through googleapiclient: ids, 409/410, all-day ends, extended properties, paging."""

from __future__ import annotations

import json
from typing import Any

import pytest
from googleapiclient.errors import HttpError

from sos_sync.emulator.client import EmulatorAdmin

CAL = "school@group.calendar.google.com"


@pytest.fixture
def events(admin: EmulatorAdmin, calendar: Any) -> Any:
    admin.create_calendar(CAL, "Schools of Sanctuary")
    return calendar.events()


def _event(event_id: str, day: str = "2025-03-04", **extra: Any) -> dict[str, Any]:
    return {
        "id": event_id,
        "summary": "Network meeting",
        "start": {"date": day},
        "end": {"date": "2025-03-05" if day == "2025-03-04" else day},
        **extra,
    }


def _reason(error: HttpError) -> str:
    return str(json.loads(error.content)["error"]["errors"][0]["reason"])


def test_insert_get_and_timed_offsets(events: Any) -> None:
    timed = events.insert(
        calendarId=CAL,
        sendUpdates="none",
        body={
            "id": "a1b2c3d4e5",
            "summary": "Panel",
            "start": {"dateTime": "2025-06-10T15:30:00", "timeZone": "Europe/London"},
            "end": {"dateTime": "2025-06-10T17:00:00", "timeZone": "Europe/London"},
            "extendedProperties": {"private": {"sos_key": "panel-100001"}},
        },
    ).execute()
    assert timed["status"] == "confirmed" and timed["htmlLink"] and timed["created"]
    assert timed["start"]["dateTime"] == "2025-06-10T15:30:00+01:00"  # BST
    got = events.get(calendarId=CAL, eventId="a1b2c3d4e5").execute()
    assert got["extendedProperties"]["private"]["sos_key"] == "panel-100001"


def test_all_day_end_is_exclusive(events: Any) -> None:
    events.insert(calendarId=CAL, body=_event("a11da0001")).execute()
    with pytest.raises(HttpError) as caught:
        events.insert(calendarId=CAL, body=_event("a11da0002", day="2025-03-06")).execute()
    assert caught.value.status_code == 400 and _reason(caught.value) == "timeRangeEmpty"


@pytest.mark.parametrize("bad_id", ["ABC12345", "abc-12345", "abcw12345", "ab12"])
def test_ids_must_be_base32hex(events: Any, bad_id: str) -> None:
    with pytest.raises(HttpError) as caught:
        events.insert(calendarId=CAL, body=_event(bad_id)).execute()
    assert caught.value.status_code == 400 and _reason(caught.value) == "invalid"


def test_duplicate_and_deleted_ids_conflict(events: Any) -> None:
    events.insert(calendarId=CAL, body=_event("dup00001")).execute()
    with pytest.raises(HttpError) as dup:
        events.insert(calendarId=CAL, body=_event("dup00001")).execute()
    assert dup.value.status_code == 409 and _reason(dup.value) == "duplicate"
    events.delete(calendarId=CAL, eventId="dup00001").execute()
    with pytest.raises(HttpError) as deleted:
        events.insert(calendarId=CAL, body=_event("dup00001")).execute()
    assert deleted.value.status_code == 409
    with pytest.raises(HttpError) as gone:
        events.delete(calendarId=CAL, eventId="dup00001").execute()
    assert gone.value.status_code == 410
    cancelled = events.get(calendarId=CAL, eventId="dup00001").execute()
    assert cancelled["status"] == "cancelled"
    assert events.list(calendarId=CAL).execute()["items"] == []
    assert len(events.list(calendarId=CAL, showDeleted=True).execute()["items"]) == 1
    revived = events.update(
        calendarId=CAL, eventId="dup00001", body={**_event("dup00001"), "status": "confirmed"}
    ).execute()
    assert revived["status"] == "confirmed" and revived["sequence"] == 1


def test_patch_merges_update_replaces(events: Any) -> None:
    events.insert(
        calendarId=CAL,
        body=_event(
            "merge0001",
            description="keep",
            location="Room 1",
            extendedProperties={"private": {"a": "1"}},
        ),
    ).execute()
    patched = events.patch(
        calendarId=CAL,
        eventId="merge0001",
        body={"summary": "Moved", "extendedProperties": {"private": {"b": "2"}}},
    ).execute()
    assert patched["description"] == "keep"
    assert patched["extendedProperties"]["private"] == {"a": "1", "b": "2"}
    replaced = events.update(
        calendarId=CAL, eventId="merge0001", body=_event("merge0001")
    ).execute()
    assert "description" not in replaced and replaced["summary"] == "Network meeting"
    with pytest.raises(HttpError) as missing:
        events.patch(calendarId=CAL, eventId="nothere01", body={"summary": "x"}).execute()
    assert missing.value.status_code == 404


def test_private_extended_property_filters_are_anded(events: Any) -> None:
    for n, (kind, key) in enumerate([("event", "net-1"), ("event", "net-2"), ("panel", "net-1")]):
        events.insert(
            calendarId=CAL,
            body=_event(f"prop{n:04d}", extendedProperties={"private": {"kind": kind, "key": key}}),
        ).execute()
    listed = events.list(
        calendarId=CAL, privateExtendedProperty=["kind=event", "key=net-1"]
    ).execute()
    assert [e["id"] for e in listed["items"]] == ["prop0000"]
    assert (
        len(events.list(calendarId=CAL, privateExtendedProperty="kind=event").execute()["items"])
        == 2
    )
    assert events.list(calendarId=CAL, sharedExtendedProperty="kind=event").execute()["items"] == []


def test_page_tokens(events: Any) -> None:
    for n in range(7):
        events.insert(calendarId=CAL, body=_event(f"page{n:04d}")).execute()
    request = events.list(calendarId=CAL, maxResults=3)
    seen = []
    while request is not None:
        reply = request.execute()
        seen.append(len(reply["items"]))
        request = events.list_next(request, reply)
    assert seen == [3, 3, 1]
    with pytest.raises(HttpError):
        events.list(calendarId=CAL, pageToken="nonsense").execute()


def test_time_window_and_ordering(events: Any) -> None:
    events.insert(
        calendarId=CAL, body=_event("late0001", day="2025-05-01", end={"date": "2025-05-02"})
    ).execute()
    events.insert(calendarId=CAL, body=_event("ear1e0001")).execute()
    window = events.list(
        calendarId=CAL, timeMin="2025-04-01T00:00:00Z", singleEvents=True, orderBy="startTime"
    ).execute()
    assert [e["id"] for e in window["items"]] == ["late0001"]
    ordered = events.list(calendarId=CAL, singleEvents=True, orderBy="startTime").execute()
    assert [e["id"] for e in ordered["items"]] == ["ear1e0001", "late0001"]
    with pytest.raises(HttpError):
        events.list(calendarId=CAL, orderBy="startTime").execute()


def test_unknown_calendar_is_404(admin: EmulatorAdmin, calendar: Any) -> None:
    with pytest.raises(HttpError) as caught:
        calendar.events().list(calendarId="nobody@example.org").execute()
    assert caught.value.status_code == 404


def test_attendees_notifications_and_service_accounts(events: Any, admin: EmulatorAdmin) -> None:
    body = _event("invite001", attendees=[{"email": "head@hill.sch.uk"}])
    events.insert(calendarId=CAL, body=body, sendUpdates="none").execute()
    assert admin.notifications(CAL) == []
    events.patch(
        calendarId=CAL, eventId="invite001", sendUpdates="all", body={"summary": "x"}
    ).execute()
    assert admin.notifications(CAL)[0]["to"] == ["head@hill.sch.uk"]
    admin.set_service_account(True)
    with pytest.raises(HttpError) as caught:
        events.insert(
            calendarId=CAL, body=_event("invite002", attendees=[{"email": "a@b.org"}])
        ).execute()
    assert (
        caught.value.status_code == 403 and _reason(caught.value) == "forbiddenForServiceAccounts"
    )
