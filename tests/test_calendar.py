"""The calendar model, its Google Calendar v3 shape and the local calendar.ics."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sos_sync.backends.local.ics import read_ics, read_ics_entries, render_ics, uid_for, write_ics
from sos_sync.domain.calendar import (
    CalendarEvent,
    edited_in_calendar,
    event_id,
    from_google,
    google_body,
    programme_events,
    send_updates,
)
from sos_sync.domain.programme import Programme, ProgrammeEvent

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2024, 9, 1, 22, 0, tzinfo=dt.UTC)
LATER = dt.datetime(2024, 9, 2, 22, 0, tzinfo=dt.UTC)


def timed(key: str, start: dt.datetime, minutes: int = 90, **kw: object) -> CalendarEvent:
    return CalendarEvent(
        key=key,
        title=str(kw.pop("title", key)),
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        **kw,  # type: ignore[arg-type]
    )


def programme() -> Programme:
    return Programme(
        academic_year="2024-25",
        events=(
            ProgrammeEvent(
                key="introduction-meeting-2024-10-01",
                title="Introduction meeting",
                start="2024-10-01T15:30",
                end="2024-10-01T17:00",
                where="Online",
                mode="Online",
            ),
            ProgrammeEvent(key="drop-in-2024-10-02", title="Drop-in", start="2024-10-02T16:00"),
            ProgrammeEvent(
                key="network-meeting-2024-11-06",
                title="Network meeting",
                start="2024-11-06",
                where="West Coventry Academy",
                mode="In person",
            ),
            ProgrammeEvent(
                key="residential-2025-03-10",
                title="Residential",
                start="2025-03-10",
                end="2025-03-12",
                notes="Bring wellies.",
            ),
            ProgrammeEvent(key="day-of-welcome-2025-06", title="Day of Welcome", start="2025-06"),
            ProgrammeEvent(key="catch-up-meetings", title="Catch up"),
        ),
    )


def events(signups: dict[str, list[str]] | None = None) -> list[CalendarEvent]:
    return programme_events(programme(), signups or {})


# -- ids and the model ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    ["programme:network-meeting-2025-03-18", "catchup:ACYDBNj7", "panel:123456", "x", "é" * 400],
)
def test_event_ids_are_base32hex_and_stable(key: str) -> None:
    eid = event_id(key)
    assert re.fullmatch(r"[a-v0-9]{5,1024}", eid)
    assert eid == event_id(key)


def test_event_ids_differ_per_key() -> None:
    keys = [f"visit:{urn}" for urn in range(100000, 101000)]
    assert len({event_id(k) for k in keys}) == len(keys)


def test_model_normalises_attendees_and_time_zone() -> None:
    start = dt.datetime(2025, 3, 18, 15, 30, tzinfo=dt.UTC)
    event = timed("k", start, attendees=("B@x.org", "a@x.org ", "b@x.org"))
    assert event.attendees == ("a@x.org", "b@x.org")
    assert event.start.tzinfo == LONDON  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="time zone"):
        CalendarEvent("k", "t", dt.datetime(2025, 1, 1, 9), dt.datetime(2025, 1, 1, 10))
    with pytest.raises(ValueError, match="both"):
        CalendarEvent("k", "t", dt.date(2025, 1, 1), start)
    with pytest.raises(ValueError, match="before"):
        CalendarEvent("k", "t", dt.date(2025, 1, 2), dt.date(2025, 1, 1))


def test_fingerprint_changes_exactly_when_content_changes() -> None:
    a = events()[0]
    assert a.fingerprint() == events()[0].fingerprint()
    assert (
        a.fingerprint() != events({"introduction-meeting-2024-10-01": ["x@y.org"]})[0].fingerprint()
    )
    moved = CalendarEvent(a.key, a.title, a.start, a.end + dt.timedelta(minutes=5), a.where)
    assert moved.fingerprint() != a.fingerprint()


def test_programme_events_only_for_dated_events() -> None:
    got = events({"network-meeting-2024-11-06": ["Head@School.org", "deputy@school.org"]})
    assert [e.key for e in got] == [
        "programme:introduction-meeting-2024-10-01",
        "programme:drop-in-2024-10-02",
        "programme:network-meeting-2024-11-06",
        "programme:residential-2025-03-10",
    ]
    intro, drop_in, network, residential = got
    assert intro.start == dt.datetime(2024, 10, 1, 15, 30, tzinfo=LONDON)
    assert drop_in.end - drop_in.start == dt.timedelta(hours=1)  # type: ignore[operator]
    assert network.all_day and network.start == network.end == dt.date(2024, 11, 6)
    assert network.attendees == ("deputy@school.org", "head@school.org")
    assert (residential.start, residential.end) == (dt.date(2025, 3, 10), dt.date(2025, 3, 12))
    assert "Bring wellies." in residential.description


# -- Google Calendar v3 -----------------------------------------------------------------------


def test_google_body_all_day_end_is_exclusive() -> None:
    network, residential = events()[2:]
    assert google_body(network)["start"] == {"date": "2024-11-06"}
    assert google_body(network)["end"] == {"date": "2024-11-07"}
    assert google_body(residential)["end"] == {"date": "2025-03-13"}


def test_google_body_timed_across_bst_and_gmt() -> None:
    before = timed("a", dt.datetime(2024, 10, 25, 15, 30, tzinfo=LONDON))  # BST
    after = timed("b", dt.datetime(2024, 10, 28, 15, 30, tzinfo=LONDON))  # GMT
    assert google_body(before)["start"] == {
        "dateTime": "2024-10-25T15:30:00+01:00",
        "timeZone": "Europe/London",
    }
    assert google_body(after)["start"] == {
        "dateTime": "2024-10-28T15:30:00+00:00",
        "timeZone": "Europe/London",
    }


def test_google_body_carries_id_key_fingerprint_and_attendees() -> None:
    event = events({"introduction-meeting-2024-10-01": ["b@x.org", "a@x.org"]})[0]
    body = google_body(event)
    assert body["id"] == event_id(event.key)
    assert body["summary"] == "Introduction meeting" and body["location"] == "Online"
    assert body["attendees"] == [{"email": "a@x.org"}, {"email": "b@x.org"}]
    assert body["extendedProperties"]["private"] == {
        "sos_key": "programme:introduction-meeting-2024-10-01",
        "sos_fingerprint": event.fingerprint(),
    }


def test_from_google_reads_back_what_google_returns() -> None:
    for event in events({"network-meeting-2024-11-06": ["a@x.org"]}):
        item = google_body(event)
        assert from_google(item) == event
        assert not edited_in_calendar(item)
    # Google answers with the offset in UTC, adds the organiser and drops empty fields.
    event = events({"introduction-meeting-2024-10-01": ["a@x.org"]})[0]
    item = google_body(event)
    item["start"] = {"dateTime": "2024-10-01T14:30:00Z", "timeZone": "Europe/London"}
    item["end"] = {"dateTime": "2024-10-01T17:00:00+01:00"}
    item["attendees"].append({"email": "lead@coventry.sch.uk", "organizer": True, "self": True})
    assert from_google(item) == event
    assert not edited_in_calendar(item)


def test_from_google_sees_a_persons_changes() -> None:
    event = events()[0]
    moved = google_body(event)
    moved["start"] = {"dateTime": "2024-10-01T16:00:00+01:00", "timeZone": "Europe/London"}
    assert edited_in_calendar(moved)
    retitled = google_body(event) | {"summary": "Intro (moved online)"}
    assert edited_in_calendar(retitled)
    assert from_google(google_body(event) | {"status": "cancelled"}) is None
    assert from_google({"id": "abcde", "summary": "someone else's"}) is None


def test_send_updates_setting() -> None:
    assert send_updates("none") == "none"
    with pytest.raises(ValueError, match="not one of"):
        send_updates("yes")


# -- the local calendar.ics -------------------------------------------------------------------


def test_ics_round_trips_to_the_same_events(tmp_path: Path) -> None:
    path = tmp_path / "calendar.ics"
    wanted = events({"network-meeting-2024-11-06": ["a@x.org", "b@x.org"]})
    write_ics(path, wanted, NOW)
    assert read_ics(path) == {e.key: e for e in wanted}


def test_ics_is_a_valid_calendar(tmp_path: Path) -> None:
    path = tmp_path / "calendar.ics"
    write_ics(path, events({"network-meeting-2024-11-06": ["a@x.org"]}), NOW)
    data = path.read_bytes()
    assert b"\r\n" in data
    cal = icalendar.Calendar.from_ical(data)
    assert cal["PRODID"] and str(cal["VERSION"]) == "2.0"
    (tz,) = cal.walk("VTIMEZONE")
    assert str(tz["TZID"]) == "Europe/London"
    vevents = cal.walk("VEVENT")
    assert len(vevents) == 4
    for v in vevents:
        assert {"UID", "DTSTAMP", "DTSTART", "DTEND", "SEQUENCE", "SUMMARY"} <= set(v)
    uids = [str(v["UID"]) for v in vevents]
    assert uid_for("programme:network-meeting-2024-11-06") in uids
    network = next(v for v in vevents if "network" in str(v["UID"]))
    assert "DTSTART;VALUE=DATE:20241106" in network.to_ical().decode()
    assert network.decoded("DTEND") == dt.date(2024, 11, 7)
    assert [str(a) for a in [network["ATTENDEE"]]] == ["mailto:a@x.org"]


def test_ics_timed_events_across_bst_and_gmt(tmp_path: Path) -> None:
    path = tmp_path / "calendar.ics"
    before = timed("a", dt.datetime(2024, 10, 25, 15, 30, tzinfo=LONDON))
    after = timed("b", dt.datetime(2024, 10, 28, 15, 30, tzinfo=LONDON))
    write_ics(path, [before, after], NOW)
    text = path.read_text(encoding="utf-8")
    assert "DTSTART;TZID=Europe/London:20241025T153000" in text
    assert "DTSTART;TZID=Europe/London:20241028T153000" in text
    back = read_ics(path)
    assert back["a"].start.astimezone(dt.UTC).hour == 14  # type: ignore[union-attr]
    assert back["b"].start.astimezone(dt.UTC).hour == 15  # type: ignore[union-attr]
    assert back == {"a": before, "b": after}


def test_two_writes_without_change_are_byte_identical(tmp_path: Path) -> None:
    path = tmp_path / "calendar.ics"
    first = write_ics(path, events(), NOW)
    data = path.read_bytes()
    second = write_ics(path, list(reversed(events())), LATER)
    assert first.written and not second.written
    assert path.read_bytes() == data
    assert render_ics(events(), read_ics_entries(path), LATER) == data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["calendar.ics"]


def test_new_attendee_bumps_sequence_of_that_event_only(tmp_path: Path) -> None:
    path = tmp_path / "calendar.ics"
    write_ics(path, events(), NOW)
    before = read_ics_entries(path)
    result = write_ics(path, events({"network-meeting-2024-11-06": ["new@school.org"]}), LATER)
    after = read_ics_entries(path)
    key = "programme:network-meeting-2024-11-06"
    assert result.updated == (key,) and result.created == ()
    assert after[key].sequence == 1 and after[key].dtstamp == LATER
    assert after[key].event.attendees == ("new@school.org",)
    for other in set(after) - {key}:
        assert after[other].sequence == before[other].sequence == 0
        assert after[other].dtstamp == before[other].dtstamp == NOW


def test_removed_event_leaves_the_file_and_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "calendar.ics"
    write_ics(path, events(), NOW)
    result = write_ics(path, events()[1:], LATER)
    assert result.removed == ("programme:introduction-meeting-2024-10-01",)
    assert "programme:introduction-meeting-2024-10-01" not in read_ics(path)


def test_a_persons_edit_to_the_file_is_reported_and_replaced(tmp_path: Path) -> None:
    path = tmp_path / "calendar.ics"
    write_ics(path, events(), NOW)
    edited = path.read_bytes().replace(b"SUMMARY:Drop-in", b"SUMMARY:Drop-in (cancelled)")
    path.write_bytes(edited)
    key = "programme:drop-in-2024-10-02"
    assert read_ics_entries(path)[key].edited
    result = write_ics(path, events(), LATER)
    assert result.edited_in_file == (key,) and result.updated == (key,)
    entry = read_ics_entries(path)[key]
    assert entry.event.title == "Drop-in" and entry.sequence == 1 and not entry.edited


def test_duplicate_keys_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="share a key"):
        write_ics(tmp_path / "calendar.ics", events() + events()[:1], NOW)
    assert not (tmp_path / "calendar.ics").exists()


def test_read_ics_ignores_foreign_events_and_missing_files(tmp_path: Path) -> None:
    assert read_ics(tmp_path / "nothing.ics") == {}
    path = tmp_path / "calendar.ics"
    write_ics(path, events()[:1], NOW)
    text = path.read_text(encoding="utf-8").replace(
        "END:VCALENDAR",
        "BEGIN:VEVENT\r\nUID:someone@else\r\nDTSTAMP:20240101T000000Z\r\n"
        "DTSTART;VALUE=DATE:20250101\r\nSUMMARY:Theirs\r\nEND:VEVENT\r\nEND:VCALENDAR",
    )
    path.write_text(text, encoding="utf-8")
    assert list(read_ics(path)) == ["programme:introduction-meeting-2024-10-01"]


# -- any event survives both formats ---------------------------------------------------------------

# icalendar reads the two characters `\N` in a text value as a newline on purpose (RFC 5545
# allows `\N` for one), so a literal backslash-N cannot round-trip; nothing we write has one.
_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r"),
    max_size=40,
).filter(lambda s: "\\N" not in s) | st.sampled_from(
    ["a, b; c", "line one\nline two", "back\\slash", "é – “quoted”", ""]
)
_email = st.from_regex(r"[a-z0-9.]{1,10}@[a-z]{1,8}\.org", fullmatch=True)


@st.composite
def calendar_events(draw: st.DrawFn) -> CalendarEvent:
    day = draw(st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2027, 12, 31)))
    if draw(st.booleans()):
        start: dt.datetime | dt.date = day
        end: dt.datetime | dt.date = day + dt.timedelta(days=draw(st.integers(0, 4)))
    else:
        minute = draw(st.integers(0, 24 * 60 - 1))
        start = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=LONDON)
        start = start.astimezone(dt.UTC).astimezone(LONDON)  # a real (non-gap) local time
        end = start + dt.timedelta(minutes=draw(st.integers(0, 600)))
    return CalendarEvent(
        key=draw(st.from_regex(r"(programme|catchup|panel):[a-z0-9-]{1,20}", fullmatch=True)),
        title=draw(_text),
        start=start,
        end=end,
        where=draw(_text),
        description=draw(_text),
        attendees=tuple(draw(st.lists(_email, max_size=4))),
    )


@settings(max_examples=150, deadline=None)
@given(st.lists(calendar_events(), max_size=6, unique_by=lambda e: e.key))
def test_any_events_round_trip_through_ics_and_google(wanted: list[CalendarEvent]) -> None:
    for event in wanted:
        assert from_google(google_body(event)) == event
    data = render_ics(wanted, {}, NOW)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "calendar.ics"
        path.write_bytes(data)
        assert read_ics(path) == {e.key: e for e in wanted}
        assert render_ics(wanted, read_ics_entries(path), LATER) == data


# -- against the emulator, with the real googleapiclient ------------------------------------------


def test_bodies_round_trip_through_the_calendar_emulator() -> None:
    from sos_sync.backends.google.transport import build_service, emulator_credentials
    from sos_sync.emulator import running
    from sos_sync.emulator.client import EmulatorAdmin

    with running() as emu:
        calendar_id = EmulatorAdmin(emu.base_url).create_calendar("sanctuary")["id"]
        service = build_service("calendar", "v3", emulator_credentials(), emu.base_url, timeout=10)
        api = service.events()
        wanted = events({"network-meeting-2024-11-06": ["b@x.org", "a@x.org"]})
        for event in wanted:
            body = google_body(event)
            api.insert(
                calendarId=calendar_id, body=body, sendUpdates=send_updates("none")
            ).execute()
            stored = api.get(calendarId=calendar_id, eventId=body["id"]).execute()
            assert from_google(stored) == event
            assert not edited_in_calendar(stored)
        intro = event_id(wanted[0].key)
        api.patch(
            calendarId=calendar_id,
            eventId=intro,
            body={"start": {"dateTime": "2024-10-01T16:00:00+01:00"}},
        ).execute()
        assert edited_in_calendar(api.get(calendarId=calendar_id, eventId=intro).execute())
        api.delete(calendarId=calendar_id, eventId=intro).execute()
        assert from_google(api.get(calendarId=calendar_id, eventId=intro).execute()) is None
        found = api.list(
            calendarId=calendar_id,
            privateExtendedProperty=["sos_key=programme:network-meeting-2024-11-06"],
        ).execute()
        assert [from_google(i) for i in found["items"]] == [wanted[2]]
