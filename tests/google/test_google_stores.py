"""The Calendar and Drive stores on the emulator: idempotent by key, a person's deletion revived."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sos_sync.backends.google.calendar import GoogleCalendarStore
from sos_sync.backends.google.clients import GoogleClients
from sos_sync.backends.google.documents import GoogleDocumentStore, key_value
from sos_sync.backends.google.retry import Pacer
from sos_sync.config.load import load_config
from sos_sync.domain.calendar import CalendarEvent, event_id
from sos_sync.emulator.client import EmulatorAdmin
from sos_sync.errors import Transient

LONDON = ZoneInfo("Europe/London")


def _events() -> list[CalendarEvent]:
    return [
        CalendarEvent(
            key="programme:intro-1",
            title="Introduction to Schools of Sanctuary",
            start=dt.datetime(2024, 10, 1, 15, 30, tzinfo=LONDON),
            end=dt.datetime(2024, 10, 1, 17, 0, tzinfo=LONDON),
            where="Online",
            attendees=("a@x.example.sch.uk",),
        ),
        CalendarEvent(
            key="renewal:131008",
            title="Renewal due: Greenway Primary School",
            start=dt.date(2025, 4, 21),
            end=dt.date(2025, 4, 21),
        ),
    ]


def _store(ws: Path) -> tuple[GoogleCalendarStore, GoogleClients]:
    clients = GoogleClients(load_config(ws), pacer=Pacer(600, 100))
    return GoogleCalendarStore(load_config(ws), clients), clients


def test_calendar_events_are_upserted_by_key_and_a_deleted_one_is_revived(
    google_ws: Path, admin: EmulatorAdmin
) -> None:
    events = _events()
    store, clients = _store(google_ws)
    assert store.read_events([e.key for e in events]) == {e.key: None for e in events}
    links = store.apply_events(events, [e.key for e in events])
    assert all(links[e.key] for e in events)
    store, clients = _store(google_ws)
    assert store.read_events([e.key for e in events]) == {e.key: e for e in events}
    # a person deletes one in the calendar; the next write brings it back, same id, no copy
    cal = clients.service("calendar").events()
    cid = load_config(google_ws).raw.google.calendar_id
    cal.delete(calendarId=cid, eventId=event_id("renewal:131008")).execute()
    store, clients = _store(google_ws)
    assert store.read_events(["renewal:131008"]) == {"renewal:131008": None}
    store.apply_events(events, ["renewal:131008"])
    item = cal.get(calendarId=cid, eventId=event_id("renewal:131008")).execute()
    assert item["status"] == "confirmed"
    listed = cal.list(calendarId=cid, showDeleted=True).execute()["items"]
    assert len(listed) == 2
    assert admin.notifications(cid) == []  # send_updates is off by default


def test_calendar_quota_exceeded_is_deferred_not_retried(
    google_ws: Path, admin: EmulatorAdmin
) -> None:
    store, clients = _store(google_ws)
    admin.reset_stats()
    admin.calendar_quota_exceeded(1)
    with pytest.raises(Transient, match="tomorrow"):
        store.apply_events(_events(), ["programme:intro-1"])
    assert admin.stats()["apis"]["calendar"]["requests"] == 1


def test_documents_are_found_again_by_key_and_replaced_in_place(
    google_ws: Path, admin: EmulatorAdmin
) -> None:
    config = load_config(google_ws)
    clients = GoogleClients(config, pacer=Pacer(600, 100))
    docs = GoogleDocumentStore(config, clients)
    key = "audit_feedback:131003:" + "x" * 200  # too long for one Drive property: hashed
    assert key_value(key).startswith("h:") and len(key_value(key)) < 120
    assert docs.read_documents([key]) == {}
    first = docs.write_document(key, "Audit feedback", "<h1>Audit</h1><p>Well done</p>", "abc")
    assert first.link and first.fingerprint
    again = GoogleDocumentStore(config, GoogleClients(config, pacer=Pacer(600, 100)))
    assert again.read_documents([key, "other"]) == {key: first}
    second = again.write_document(key, "Audit feedback", "<h1>Audit</h1><p>Better</p>", "def")
    assert second.link == first.link
    assert second.fingerprint != first.fingerprint  # the version moved with our write
    drive = clients.service("drive").files()
    listed = drive.list(
        q=f"'{config.raw.google.documents_folder_id}' in parents and trashed = false",
        fields="files(id,mimeType)",
    ).execute()["files"]
    assert len(listed) == 1
    assert listed[0]["mimeType"] == "application/vnd.google-apps.document"


def test_lost_replies_never_duplicate_an_event_or_a_document(
    google_ws: Path, admin: EmulatorAdmin
) -> None:
    config = load_config(google_ws)
    store, clients = _store(google_ws)
    admin.lose_reply(1, mode="500", method="calendar.events.insert")
    store.apply_events(_events(), [e.key for e in _events()])
    assert admin.faults() == []  # the reply was lost after the insert landed
    cal = clients.service("calendar").events()
    items = cal.list(calendarId=config.raw.google.calendar_id, showDeleted=True).execute()["items"]
    assert sorted(i["id"] for i in items) == sorted(event_id(e.key) for e in _events())

    docs = GoogleDocumentStore(config, clients)
    admin.lose_reply(1, mode="500", method="drive.files.create")
    state = docs.write_document(
        "award_letter:131007", "Award letter", "<p>Congratulations</p>", "h1"
    )
    drive = clients.service("drive").files()
    listed = drive.list(
        q=f"'{config.raw.google.documents_folder_id}' in parents and trashed = false",
        fields="files(id,webViewLink)",
    ).execute()["files"]
    assert len(listed) == 1 and listed[0]["webViewLink"] == state.link


def test_an_attendee_google_would_refuse_is_left_off_and_the_event_still_written(
    google_ws: Path, admin: EmulatorAdmin
) -> None:
    import dataclasses

    event = dataclasses.replace(
        _events()[0], attendees=("a@x.example.sch.uk", "jo.park@willow", "not an address")
    )
    store, clients = _store(google_ws)
    store.apply_events([event], [event.key])
    cid = load_config(google_ws).raw.google.calendar_id
    item = clients.service("calendar").events().get(calendarId=cid, eventId=event_id(event.key))
    got = item.execute()
    assert [a["email"] for a in got["attendees"]] == ["a@x.example.sch.uk"]
    store, _ = _store(google_ws)
    read = store.read_events([event.key])[event.key]
    assert read is not None and read.attendees == ("a@x.example.sch.uk",)
