"""calendar.ics as a file to share and subscribe to: workspace-unique UIDs (stable for older
workspaces), no attendee e-mails, removed events cancelled, a feed copy, an ORGANIZER."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import icalendar

from sos_sync.backends.local.ics import IcsStyle, read_ics, read_ics_entries, write_ics
from sos_sync.config.load import load_config
from sos_sync.domain.calendar import CalendarEvent
from sos_sync.domain.report import RunReport
from sos_sync.run.sync import run_sync

NOW = dt.datetime(2024, 9, 1, 22, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(days=1)
DAY = dt.date(2025, 7, 14)


def day_event(key: str, day: int, attendees: tuple[str, ...] = ()) -> CalendarEvent:
    d = dt.date(2024, 10, day)
    return CalendarEvent(key, f"Event {key}", d, d, "Online", "", attendees)


def vevents(path: Path) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return {str(e["X-SOS-KEY"]): e for e in cal.walk("VEVENT")}


def set_local(ws: Path, **values: str) -> None:
    cfg = ws / "sos-sync.toml"
    text = cfg.read_text(encoding="utf-8")
    for key, value in values.items():
        text = re.sub(rf"(?m)^#? ?{key} = .*$", f'{key} = "{value}"', text)
        if f'{key} = "{value}"' not in text:
            text = text.replace("[local]\n", f'[local]\n{key} = "{value}"\n')
    cfg.write_text(text, encoding="utf-8")


def add_signup(ws: Path, email: str) -> None:
    config = load_config(ws)
    label = config.programme.by_key()["network-meeting-2024-11-06"].form_label
    with (ws / "inbox" / config.forms["signup"].inbox_file).open("a", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerow(
            ["2024/10/20 9:00:00 AM GMT+1", email, "Brookfield CE Primary School", "131002",
             "Kim Ng", email, label, ""]
        )  # fmt: skip


def problems_about_calendar(result: RunReport) -> list[str]:
    return [p.reason for p in result.new_problems if p.form == "Calendar"]


def test_a_removed_event_is_cancelled_once_and_can_come_back(tmp_path: Path) -> None:
    path = tmp_path / "calendar.ics"
    a, b = day_event("a", 1), day_event("b", 2)
    write_ics(path, [a, b], NOW)
    gone = write_ics(path, [b], LATER)
    assert gone.removed == ("a",)
    entry = read_ics_entries(path)["a"]
    assert entry.cancelled and entry.sequence == 1 and entry.dtstamp == LATER
    assert "STATUS:CANCELLED" in path.read_text() and "a" not in read_ics(path)
    data = path.read_bytes()
    again = write_ics(path, [b], LATER + dt.timedelta(days=1))
    assert not again.written and again.removed == () and path.read_bytes() == data
    back = write_ics(path, [a, b], LATER + dt.timedelta(days=2))
    assert back.created == ("a",)
    assert read_ics_entries(path)["a"].sequence == 2 and not read_ics_entries(path)["a"].cancelled


def test_uids_carry_the_namespace_and_no_attendees_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "calendar.ics"
    style = IcsStyle(namespace="k3x9q2", attendees=False, organizer=("team@example.org", "Team"))
    write_ics(path, [day_event("a", 1, ("staff@school.example",))], NOW, style)
    text = path.read_text()
    assert "UID:a@k3x9q2.sos-sync" in text and "ATTENDEE" not in text
    assert "staff@school.example" not in text
    assert "ORGANIZER;CN=Team:mailto:team@example.org" in text
    assert list(read_ics(path)) == ["a"]


def test_the_shared_file_holds_no_email_and_a_sign_up_changes_only_the_private_one(
    workspace: Path,
) -> None:
    set_local(workspace, calendar_feed="published/calendar.ics")
    run_sync(workspace, DAY)
    shared = (workspace / "calendar.ics").read_bytes()
    assert b"ATTENDEE" not in shared and not re.search(rb"[\w.]+@[\w-]+\.(?:sch|org)", shared)
    private = vevents(workspace / "calendar-attendees.ics")
    assert any("ATTENDEE" in e for e in private.values())
    assert (workspace / "published" / "calendar.ics").read_bytes() == shared  # the feed copy
    add_signup(workspace, "kim.ng@brookfield.example.sch.uk")
    result = run_sync(workspace, DAY)
    assert problems_about_calendar(result) == []
    assert (workspace / "calendar.ics").read_bytes() == shared
    after = vevents(workspace / "calendar-attendees.ics")["programme:network-meeting-2024-11-06"]
    assert "kim.ng@brookfield.example.sch.uk" in str(after["ATTENDEE"])


def test_an_older_workspace_keeps_its_uids_and_its_events_on_upgrade(workspace: Path) -> None:
    cfg = workspace / "sos-sync.toml"
    text = re.sub(r"(?m)^calendar_(uid_namespace|attendees|private) = .*\n", "", cfg.read_text())
    cfg.write_text(text.replace("[local]\n", '[local]\ncalendar_attendees = "shared"\n'))
    run_sync(workspace, DAY)  # as the version before: `<key>@sos-sync`, attendees in the file
    before = vevents(workspace / "calendar.ics")
    assert all(str(e["UID"]) == f"{k}@sos-sync" for k, e in before.items())
    assert any("ATTENDEE" in e for e in before.values())
    cfg.write_text(text)  # upgraded: the defaults now keep attendees out of calendar.ics
    quiet = run_sync(workspace, DAY)
    assert quiet.writes == 0 and problems_about_calendar(quiet) == []
    add_signup(workspace, "kim.ng@brookfield.example.sch.uk")
    changed = run_sync(workspace, DAY)
    assert problems_about_calendar(changed) == []
    after = vevents(workspace / "calendar.ics")
    assert {str(e["UID"]) for e in after.values()} == {str(e["UID"]) for e in before.values()}
    assert not any("ATTENDEE" in e for e in after.values())
    assert run_sync(workspace, DAY).writes == 0
