"""Calendar events and Google Docs across whole nights on the emulator (SPEC §7, §8, §11).

The google half of `tests/test_outputs_local.py`: every night runs `run_sync` with the
google backend; what people do (sign up, delete or move an event, review an application,
edit a document) is done through the admin client, gspread or the Calendar / Docs APIs,
as they would do it, and what the night did is read back through the same APIs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gspread
from conftest import (
    Night,
    calendar_events,
    doc_text,
    docs_by_key,
    events_by_key,
    lead_service,
    mark_review_ready,
    review_problems,
    sign_up,
    tab_rows,
)
from gspread.utils import ValueRenderOption

from sos_sync.config.load import load_config
from sos_sync.domain.calendar import event_id
from sos_sync.emulator import RunningEmulator
from sos_sync.emulator.client import EmulatorAdmin

NETWORK = "programme:network-meeting-2024-11-06"
INTRO = "programme:introduction-meeting-2024-10-01"
DRAFT_DOC = "131005:application_feedback:draft"
HOSTILE = (
    "{{ contact_email }}",
    "{% for x in y %}",
    '=HYPERLINK("https://evil.example","x")',
    "<b>bold</b>",
)


# ------------------------------------------------------------------ 1. twice, once


def test_two_nights_make_each_event_and_document_once(
    google_ws: Path, night: Night, admin: EmulatorAdmin, emulator: RunningEmulator
) -> None:
    first = night(google_ws)
    made = first.as_json()
    assert made["events"]["created"] > 0 and made["docs"]["created"] > 0
    events = events_by_key(calendar_events(emulator, google_ws, deleted=True))
    docs = docs_by_key(emulator)
    assert len(events) == made["events"]["created"]
    assert len(docs) == made["docs"]["created"]
    assert NETWORK in events and events[NETWORK]["id"] == event_id(NETWORK)
    assert "131003:audit_feedback:2024-11-14" in docs
    admin.reset_stats()
    second = night(google_ws)
    stats = admin.stats()
    assert second.writes == 0
    assert stats["writes"] == 0, stats
    assert second.as_json()["events"] == {"created": 0, "updated": 0}
    assert second.as_json()["docs"] == {"created": 0, "updated": 0, "deferred": 0}
    assert events_by_key(calendar_events(emulator, google_ws, deleted=True)) == events
    assert docs_by_key(emulator) == docs


# ------------------------------------------------------------------ 2. one more attendee


def test_a_new_sign_up_adds_one_attendee_and_changes_nothing_else(
    google_ws: Path,
    night: Night,
    admin: EmulatorAdmin,
    emulator: RunningEmulator,
    gc: gspread.Client,
) -> None:
    night(google_ws)
    before = events_by_key(calendar_events(emulator, google_ws))
    sign_up(admin, google_ws, "kim.ng@brookfield.example.sch.uk")
    result = night(google_ws)
    assert result.as_json()["events"] == {"created": 0, "updated": 1}
    after = events_by_key(calendar_events(emulator, google_ws))
    assert set(after) == set(before)

    def emails(item: dict[str, Any]) -> set[str]:
        return {a["email"] for a in item.get("attendees", [])}

    assert emails(after[NETWORK]) - emails(before[NETWORK]) == {"kim.ng@brookfield.example.sch.uk"}
    assert emails(before[NETWORK]) <= emails(after[NETWORK])
    assert after[NETWORK]["etag"] != before[NETWORK]["etag"]
    for key, item in before.items():
        if key != NETWORK:
            assert after[key] == item, key  # same etag, same `updated`, same body
    events_tab = {r["Event key"]: r for r in tab_rows(gc, google_ws, "Events")}
    assert events_tab["network-meeting-2024-11-06"]["Signed up"] == "3"
    calendar_id = load_config(google_ws).raw.google.calendar_id
    assert admin.notifications(calendar_id) == []  # send_updates off


# ------------------------------------------------------------------ 3. a person's calendar


def test_a_hand_deleted_event_is_reported_once_and_not_put_back(
    google_ws: Path,
    night: Night,
    admin: EmulatorAdmin,
    emulator: RunningEmulator,
    gc: gspread.Client,
) -> None:
    night(google_ws)
    cid = load_config(google_ws).raw.google.calendar_id
    cal = lead_service(emulator, "calendar", "v3").events()
    cal.delete(calendarId=cid, eventId=event_id(NETWORK)).execute()
    first = night(google_ws)
    assert first.as_json()["events"] == {"created": 0, "updated": 0}
    reported = review_problems(gc, google_ws, "Calendar")
    assert len(reported) == 1
    assert reported[0]["Response or row"] == NETWORK and "deleted" in reported[0]["Reason"]
    assert cal.get(calendarId=cid, eventId=event_id(NETWORK)).execute()["status"] == "cancelled"
    assert NETWORK not in events_by_key(calendar_events(emulator, google_ws))
    admin.reset_stats()
    second = night(google_ws)
    assert second.writes == 0 and admin.stats()["writes"] == 0
    assert review_problems(gc, google_ws, "Calendar") == reported
    assert cal.get(calendarId=cid, eventId=event_id(NETWORK)).execute()["status"] == "cancelled"


def test_a_hand_moved_event_is_reported_once_and_left_where_it_was_put(
    google_ws: Path,
    night: Night,
    admin: EmulatorAdmin,
    emulator: RunningEmulator,
    gc: gspread.Client,
) -> None:
    night(google_ws)
    cid = load_config(google_ws).raw.google.calendar_id
    cal = lead_service(emulator, "calendar", "v3").events()
    moved = {
        "start": {"dateTime": "2024-10-01T16:00:00+01:00", "timeZone": "Europe/London"},
        "end": {"dateTime": "2024-10-01T17:30:00+01:00", "timeZone": "Europe/London"},
    }
    cal.patch(calendarId=cid, eventId=event_id(INTRO), body=moved).execute()
    by_hand = cal.get(calendarId=cid, eventId=event_id(INTRO)).execute()
    first = night(google_ws)
    assert first.as_json()["events"] == {"created": 0, "updated": 0}
    reported = review_problems(gc, google_ws, "Calendar")
    assert len(reported) == 1
    assert reported[0]["Response or row"] == INTRO and "changed" in reported[0]["Reason"]
    assert cal.get(calendarId=cid, eventId=event_id(INTRO)).execute() == by_hand
    admin.reset_stats()
    second = night(google_ws)
    assert second.writes == 0 and admin.stats()["writes"] == 0
    assert review_problems(gc, google_ws, "Calendar") == reported
    assert cal.get(calendarId=cid, eventId=event_id(INTRO)).execute() == by_hand


# ------------------------------------------------------------------ 4. reviews and documents


def test_a_ready_review_makes_one_doc_and_a_change_regenerates_only_it(
    google_ws: Path,
    night: Night,
    admin: EmulatorAdmin,
    emulator: RunningEmulator,
    gc: gspread.Client,
) -> None:
    night(google_ws)
    assert DRAFT_DOC not in docs_by_key(emulator)
    mark_review_ready(gc, google_ws, "131005:draft")
    result = night(google_ws)
    assert result.as_json()["docs"] == {"created": 1, "updated": 0, "deferred": 0}
    docs = docs_by_key(emulator)
    assert DRAFT_DOC in docs
    assert "A lovely application." in doc_text(emulator, docs[DRAFT_DOC]["id"])
    review = {r["Review key"]: r for r in tab_rows(gc, google_ws, "Reviews")}["131005:draft"]
    assert (
        review["Feedback doc"].startswith("http")
        and docs[DRAFT_DOC]["id"] in review["Feedback doc"]
    )
    admin.reset_stats()
    assert night(google_ws).writes == 0 and admin.stats()["writes"] == 0

    mark_review_ready(gc, google_ws, "131005:draft", overall="Even better after the second read.")
    result = night(google_ws)
    assert result.as_json()["docs"] == {"created": 0, "updated": 1, "deferred": 0}
    again = docs_by_key(emulator)
    assert set(again) == set(docs)
    assert again[DRAFT_DOC]["id"] == docs[DRAFT_DOC]["id"]  # replaced in place, not a copy
    assert int(again[DRAFT_DOC]["version"]) > int(docs[DRAFT_DOC]["version"])
    assert "Even better" in doc_text(emulator, again[DRAFT_DOC]["id"])
    for key, f in docs.items():
        if key != DRAFT_DOC:
            assert again[key]["version"] == f["version"], key
    admin.reset_stats()  # the version Drive gave our replacement is ours: not a person's edit
    assert night(google_ws).writes == 0 and admin.stats()["writes"] == 0
    assert not review_problems(gc, google_ws, "Documents")


def test_a_doc_a_person_edited_is_left_alone_and_reported_once(
    google_ws: Path,
    night: Night,
    admin: EmulatorAdmin,
    emulator: RunningEmulator,
    gc: gspread.Client,
) -> None:
    night(google_ws)
    mark_review_ready(gc, google_ws, "131005:draft")
    night(google_ws)
    file_id = docs_by_key(emulator)[DRAFT_DOC]["id"]
    ps = "PS from Michelle: see you at the network meeting!"
    lead_service(emulator, "docs", "v1").documents().batchUpdate(
        documentId=file_id,
        body={"requests": [{"insertText": {"location": {"index": 1}, "text": ps + "\n"}}]},
    ).execute()
    edited = docs_by_key(emulator)[DRAFT_DOC]
    text = doc_text(emulator, file_id)
    assert text.startswith(ps)
    mark_review_ready(gc, google_ws, "131005:draft", overall="Changed after the lead's edit.")
    result = night(google_ws)
    assert result.as_json()["docs"] == {"created": 0, "updated": 0, "deferred": 0}
    assert docs_by_key(emulator)[DRAFT_DOC] == edited
    assert doc_text(emulator, file_id) == text
    reported = review_problems(gc, google_ws, "Documents")
    assert len(reported) == 1 and "not overwritten" in reported[0]["Reason"]
    assert reported[0]["URN"] == "131005"
    status = {r["Doc key"]: r for r in tab_rows(gc, google_ws, "Documents")}[DRAFT_DOC]["Status"]
    assert "not overwritten" in status
    admin.reset_stats()
    assert night(google_ws).writes == 0 and admin.stats()["writes"] == 0
    assert review_problems(gc, google_ws, "Documents") == reported  # once, not every night
    assert doc_text(emulator, file_id) == text


# ------------------------------------------------------------------ 5. form text stays text


def test_form_text_stays_literal_in_the_doc_and_in_the_sheet(
    google_ws: Path,
    night: Night,
    admin: EmulatorAdmin,
    emulator: RunningEmulator,
    gc: gspread.Client,
) -> None:
    night(google_ws)
    config = load_config(google_ws)
    spec = config.forms["audit"]
    answers: dict[str, Any] = {
        "School name": "Canal Side Academy",
        "School URN": "131003",
        "Completed by": "Grace Obi",
        "Contact email": "grace.obi@canalside.example.sch.uk",
    }
    for f in spec.fields:
        if f.name.startswith("rating_"):
            answers[f.title] = "Established"
    notes = {  # a note that is exactly a formula, one that is a template, one that is HTML
        "notes_learn": f"{HOSTILE[0]} {HOSTILE[1]}",
        "notes_embed": HOSTILE[2],
        "notes_share": HOSTILE[3],
    }
    for f in spec.fields:
        if f.name in notes:
            answers[f.title] = notes[f.name]
    added = admin.add_response(
        config.form_settings["audit"].form_id,
        answers,
        respondent_email="grace.obi@canalside.example.sch.uk",
        submitted="2025-07-01T09:00:00.000000Z",
    )
    rid = added["responseId"]
    result = night(google_ws)
    assert result.as_json()["docs"]["created"] == 1
    key = "131003:audit_feedback:2025-07-01"
    text = doc_text(emulator, docs_by_key(emulator)[key]["id"])
    for literal in HOSTILE:
        assert literal in text, literal

    sheet = gc.open_by_key(config.raw.google.spreadsheet_id).worksheet(spec.tab)
    values = sheet.get_all_values(value_render_option=ValueRenderOption.formula)
    header = values[0]
    row = next(r for r in values if r[0] == rid)
    shown = sheet.get_all_values(value_render_option=ValueRenderOption.formatted)
    row_shown = next(r for r in shown if r[0] == rid)
    for column, field in (
        ("Notes – LEARN", "notes_learn"),
        ("Notes – EMBED", "notes_embed"),
        ("Notes – SHARE", "notes_share"),
    ):
        literal = notes[field]
        assert row[header.index(column)] == literal, column
        assert row_shown[header.index(column)] == literal, column  # not evaluated to `x`
    grid = sheet.spreadsheet.fetch_sheet_metadata(
        {"includeGridData": "true", "ranges": f"'{spec.tab}'"}
    )
    cells = [
        c.get("userEnteredValue", {})
        for data in grid["sheets"][0]["data"]
        for r in data.get("rowData", [])
        for c in r.get("values", [])
    ]
    assert not [c for c in cells if "formulaValue" in c]
    assert {"stringValue": HOSTILE[2]} in cells


# ------------------------------------------------------------------ issue 16: Google's habits


def test_an_invalid_attendee_email_never_fails_the_calendar_step(
    google_ws: Path, night: Night, admin: EmulatorAdmin, emulator: RunningEmulator
) -> None:
    sign_up(admin, google_ws, "kim.ng@brookfield")  # Google: 400 "Invalid attendee email."
    result = night(google_ws)
    assert result.ok
    event = events_by_key(calendar_events(emulator, google_ws))[NETWORK]
    emails = {a["email"] for a in event.get("attendees", [])}
    assert emails and "kim.ng@brookfield" not in emails
    assert night(google_ws).as_json()["events"]["updated"] == 0  # not seen as a person's edit


def test_an_en_us_etc_gmt_sheet_gives_the_same_schools_tab(
    emulator: RunningEmulator,
    admin: EmulatorAdmin,
    night: Night,
    gc: gspread.Client,
    tmp_path: Path,
) -> None:
    from conftest import make_google_workspace

    tabs = {}
    for locale, zone in (("en_GB", "Europe/London"), ("en_US", "Etc/GMT")):
        admin.reset()
        ws = make_google_workspace(emulator, tmp_path / locale)
        sid = load_config(ws).raw.google.spreadsheet_id
        props = {"locale": locale, "timeZone": zone}
        request = {
            "updateSpreadsheetProperties": {"properties": props, "fields": "locale,timeZone"}
        }
        gc.open_by_key(sid).batch_update({"requests": [request]})
        assert night(ws).ok
        tabs[locale] = tab_rows(gc, ws, "Schools")
    assert tabs["en_US"] == tabs["en_GB"]
    assert len(tabs["en_US"]) > 3
