"""Calendar events and feedback documents across nights on the local backend (SPEC §7, §8)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import docx
import icalendar
from helpers import by_key, column_of, edit_tracker, edit_word_template, read_tab, row_of

from sos_sync.config.load import load_config
from sos_sync.domain.report import RunReport

Sync = Callable[..., RunReport]


def _events(ws: Path, name: str = "calendar.ics") -> dict[str, icalendar.Event]:
    """The file's events by their sos-sync key (UIDs carry the workspace's namespace)."""
    cal = icalendar.Calendar.from_ical((ws / name).read_bytes())
    return {str(e["X-SOS-KEY"]): e for e in cal.walk("VEVENT")}


def _attendees(event: icalendar.Event) -> list[str]:
    att = event.get("ATTENDEE", [])
    att = att if isinstance(att, list) else [att]
    return sorted(str(a).removeprefix("mailto:").removeprefix("MAILTO:") for a in att)


def test_two_nights_make_each_event_and_document_once(workspace: Path, sync: Sync) -> None:
    first = sync(workspace)
    assert first.as_json()["events"]["created"] > 0 and first.as_json()["docs"]["created"] > 0
    ics = (workspace / "calendar.ics").read_bytes()
    docs = {p.name: p.read_bytes() for p in (workspace / "docs").iterdir()}
    second = sync(workspace)
    assert second.writes == 0
    assert second.as_json()["events"] == {"created": 0, "updated": 0}
    assert (workspace / "calendar.ics").read_bytes() == ics
    assert {p.name: p.read_bytes() for p in (workspace / "docs").iterdir()} == docs
    uids = [str(e["UID"]) for e in _events(workspace).values()]
    assert len(uids) == len(set(uids))
    namespace = load_config(workspace).raw.local.calendar_uid_namespace
    assert len(namespace) >= 8  # made at `init`: no other workspace's UIDs look like these
    assert f"programme:network-meeting-2024-11-06@{namespace}.sos-sync" in uids


def test_a_new_sign_up_adds_one_attendee_and_changes_nothing_else(
    workspace: Path, sync: Sync
) -> None:
    sync(workspace)
    before = _events(workspace, "calendar-attendees.ics")
    shared = _events(workspace)
    config = load_config(workspace)
    spec = config.forms["signup"]
    label = config.programme.by_key()["network-meeting-2024-11-06"].form_label
    with (workspace / "inbox" / spec.inbox_file).open("a", encoding="utf-8", newline="") as fh:
        row = [
            "2024/10/20 9:00:00 AM GMT+1",
            "x@brookfield.example.sch.uk",
            "Brookfield CE Primary School",
            "131002",
            "Kim Ng",
            "kim.ng@brookfield.example.sch.uk",
            label,
            "",
        ]
        csv.writer(fh, lineterminator="\r\n").writerow(row)
    result = sync(workspace)
    assert result.as_json()["events"] == {"created": 0, "updated": 1}
    after = _events(workspace, "calendar-attendees.ics")
    uid = "programme:network-meeting-2024-11-06"
    # the shared calendar.ics carries no e-mail addresses, so it did not change at all
    assert _events(workspace).keys() == shared.keys()
    for key, event in _events(workspace).items():
        assert event.to_ical() == shared[key].to_ical() and "ATTENDEE" not in event, key
    assert set(_attendees(after[uid])) - set(_attendees(before[uid])) == {
        "kim.ng@brookfield.example.sch.uk"
    }
    assert int(after[uid]["SEQUENCE"]) == int(before[uid].get("SEQUENCE", 0)) + 1
    for key, event in before.items():
        if key != uid:
            assert after[key].to_ical() == event.to_ical(), key
    events_tab = by_key(read_tab(workspace, "Events"), "Event key")
    assert events_tab["network-meeting-2024-11-06"]["Signed up"] == 3


def test_documents_have_headings_and_form_text_stays_literal(workspace: Path, sync: Sync) -> None:
    sync(workspace)
    path = workspace / "docs" / "131002-audit_feedback-2025-02-03.docx"
    assert not path.exists()  # its L2 rating is not a rating: no feedback until it is fixed
    path = workspace / "docs" / "131003-audit_feedback-2024-11-14.docx"
    d = docx.Document(str(path))
    headings = [p.text for p in d.paragraphs if p.style.name.startswith("Heading")]
    assert "Your strengths" in headings and "Your priorities" in headings
    assert "Staff INSET on sanctuary, Nov 2024." in "\n".join(p.text for p in d.paragraphs)
    docs_tab = by_key(read_tab(workspace, "Documents"), "Doc key")
    row = docs_tab["131003:audit_feedback:2024-11-14"]
    assert (
        row["Link"] == "docs/131003-audit_feedback-2024-11-14.docx" and row["Status"] == "Generated"
    )


def _mark_review_ready(
    ws: Path, key: str, judgement: str = "Met", overall: str = "A lovely application."
) -> None:
    def edit(wb: object) -> None:
        ws_ = wb["Reviews"]  # type: ignore[index]
        r = row_of(ws_, "Review key", key)
        for code in ("L1", "L2", "E3", "E4", "E5", "S6", "S7", "S8"):
            ws_.cell(row=r, column=column_of(ws_, f"{code} judgement"), value=judgement)
            ws_.cell(
                row=r,
                column=column_of(ws_, f"{code} comment"),
                value=f'{{{{ {code} }}}} =HYPERLINK("x")',
            )
        ws_.cell(row=r, column=column_of(ws_, "Overall comments"), value=overall)
        ws_.cell(row=r, column=column_of(ws_, "Ready"), value="Yes")

    edit_tracker(ws, edit)


def test_a_ready_review_makes_feedback_once_and_a_change_regenerates_only_it(
    workspace: Path, sync: Sync
) -> None:
    sync(workspace)
    _mark_review_ready(workspace, "131005:draft")
    result = sync(workspace)
    assert result.as_json()["docs"] == {"created": 1, "updated": 0, "deferred": 0}
    path = workspace / "docs" / "131005-application_feedback-draft.docx"
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "A lovely application." in text
    tables = docx.Document(str(path)).tables
    cells = " ".join(c.text for t in tables for row in t.rows for c in row.cells)
    assert '{{ L1 }} =HYPERLINK("x")' in text + cells
    reviews = by_key(read_tab(workspace, "Reviews"), "Review key")
    assert reviews["131005:draft"]["Feedback doc"] == "docs/131005-application_feedback-draft.docx"
    schools = by_key(read_tab(workspace, "Schools"), "URN")
    assert schools["131005"]["Draft feedback sent"] is not None
    assert (
        schools["131005"]["Next action"]
        == "Respond to feedback and submit the final application and portfolio"
    )
    others = {p.name: p.read_bytes() for p in (workspace / "docs").iterdir() if p.stem != path.stem}
    assert sync(workspace).writes == 0
    _mark_review_ready(workspace, "131005:draft", overall="Even better after the second read.")
    result = sync(workspace)
    assert result.as_json()["docs"] == {"created": 0, "updated": 1, "deferred": 0}
    assert "Even better" in "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert {
        p.name: p.read_bytes() for p in (workspace / "docs").iterdir() if p.stem != path.stem
    } == others


def test_a_hand_edited_document_is_left_alone_and_reported(workspace: Path, sync: Sync) -> None:
    sync(workspace)
    _mark_review_ready(workspace, "131005:draft")
    sync(workspace)
    path = workspace / "docs" / "131005-application_feedback-draft.docx"
    d = docx.Document(str(path))
    d.add_paragraph("PS from Michelle: see you at the network meeting!")
    d.save(str(path))
    edited = path.read_bytes()
    _mark_review_ready(workspace, "131005:draft", overall="Changed after the lead's edit.")
    result = sync(workspace)
    assert result.as_json()["docs"]["updated"] == 0
    assert path.read_bytes() == edited
    problems = [p for p in read_tab(workspace, "Needs review") if p["Where"] == "Documents"]
    assert len(problems) == 1 and "not overwritten" in str(problems[0]["Reason"])
    sync(workspace)
    problems = [p for p in read_tab(workspace, "Needs review") if p["Where"] == "Documents"]
    assert len(problems) == 1  # reported once, not every night


def test_a_template_error_stops_that_document_and_the_night_carries_on(
    workspace: Path, sync: Sync
) -> None:
    import shutil

    from sos_sync.domain.documents import default_templates_dir

    custom = workspace / "templates"
    shutil.copytree(default_templates_dir(), custom)
    edit_word_template(custom / "award_letter.docx", "{{ school.urn }}", "{{ school.nmae }}")
    cfg = workspace / "sos-sync.toml"
    cfg.write_text(cfg.read_text() + '\n[documents]\ntemplates = "templates"\n')
    from sos_sync.ops.demo import _seed_lead_entries

    _seed_lead_entries(workspace / "tracker.xlsx")
    result = sync(workspace)
    assert result.ok and result.as_json()["docs"]["created"] > 0
    problems = [
        p for p in read_tab(workspace, "Needs review") if "award_letter.docx" in str(p["Reason"])
    ]
    assert problems and all("nmae" in str(p["Reason"]) for p in problems)
    assert not list((workspace / "docs").glob("*award_letter*"))
    assert list((workspace / "docs").glob("*award_certificate*.pdf"))  # its neighbour is made
    assert list((workspace / "docs").glob("*audit_feedback*"))


def test_panel_visit_and_renewal_events_follow_the_leads_dates(workspace: Path, sync: Sync) -> None:
    from sos_sync.ops.demo import _seed_lead_entries

    _seed_lead_entries(workspace / "tracker.xlsx")
    sync(workspace)
    events = _events(workspace)
    assert "panel:131006" in events and "visit:131007" in events
    renewal = events["renewal:131008"]
    assert str(renewal["DTSTART"].to_ical().decode()) == "20250421"  # 90 days before 20 July 2025
    assert "131008" in str(renewal["DESCRIPTION"])
