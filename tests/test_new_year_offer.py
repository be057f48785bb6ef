"""A new year's offer (2025-26 over 2024-25) on a local workspace (issue 18).

Last year's events stay in the programme as past events, so last year's sign-ups still
count and their calendar events are not cancelled; the morning report says which
sign-up choices a lead must change by hand; a quiet night says nothing about the form.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from helpers import by_key, read_tab

from sos_sync.backends.local.ics import read_ics_entries
from sos_sync.config.load import load_config
from sos_sync.domain.form_design import event_choices
from sos_sync.domain.programme import (
    LabelChanges,
    Programme,
    SignupFormNews,
    label_changes,
    load_programme,
)
from sos_sync.domain.report import RunReport
from sos_sync.ops.forms_marker import synced_choices
from sos_sync.programme_import.offer import import_offer
from sos_sync.programme_import.store import import_offer_file, read_offer_text
from sos_sync.run.morning_report import render_markdown
from sos_sync.run.nightly import run_night

FIXTURES = Path(__file__).resolve().parent / "fixtures"
NEW_OFFER = FIXTURES / "coventry-sos-offer-2025-26.txt"
SHIPPED = Path(__file__).resolve().parent.parent / "config" / "programme-2024-25.toml"
JUNE, AUTUMN = dt.date(2025, 6, 1), dt.date(2025, 9, 10)
NOT_AN_EVENT = "is not an event in the programme"


def _night(ws: Path, today: dt.date) -> str:
    before = set((ws / "reports").glob("*.md")) if (ws / "reports").is_dir() else set()
    assert run_night(ws, today).ok
    (report,) = set((ws / "reports").glob("*.md")) - before
    return report.read_text(encoding="utf-8")


def test_a_new_years_offer_keeps_last_years_events_as_past_events() -> None:
    last = load_programme(SHIPPED)
    report = import_offer(read_offer_text(NEW_OFFER), last)
    new = report.programme
    assert new.academic_year == "2025-26"
    # every 2024-25 event is over before 1 September 2025: kept whole, key and label
    assert set(report.past) == {e.key for e in last.events if e.key != "catch-up-meetings"}
    for key in report.past:
        assert new.by_key()[key] == last.by_key()[key]
    # no 2025-26 event took over a 2024-25 label (a year-old sign-up is never this year's)
    this_year = [e for e in new.events if e.key not in report.past]
    assert not [e for e in this_year if e.former_labels]
    assert {e.start[:4] for e in this_year if e.start} == {"2025", "2026"}
    labels = new.by_label()
    for e in last.events:
        if e.form_label:
            assert labels[e.form_label].key == e.key
    assert event_choices(new, AUTUMN) == tuple(e.form_label for e in this_year if e.form_label)
    assert any("(past, kept)" in line for line in report.lines())
    # importing the same offer again changes nothing
    assert import_offer(read_offer_text(NEW_OFFER), new).programme == new


def test_label_changes_finds_renames_through_former_labels() -> None:
    programme = Programme.model_validate(
        {
            "events": [
                {
                    "key": "net-1",
                    "title": "Net",
                    "form_label": "Net 19 Nov",
                    "former_labels": ["Net 12 Nov"],
                },
                {"key": "intro", "title": "Intro", "form_label": "Intro 9 Oct"},
            ]
        }
    )
    got = label_changes(["Net 12 Nov", "Old thing"], ["Intro 9 Oct", "Net 19 Nov"], programme)
    assert got == LabelChanges(("Intro 9 Oct",), ("Old thing",), (("Net 12 Nov", "Net 19 Nov"),))
    assert got.phrases() == [
        "added 'Intro 9 Oct'",
        "removed 'Old thing'",
        "renamed 'Net 12 Nov' -> 'Net 19 Nov'",
    ]
    assert not label_changes(["A"], ["A"], programme)


def test_a_local_night_after_a_new_offer_says_what_to_change_on_the_form_by_hand(
    workspace: Path,
) -> None:
    first = _night(workspace, JUNE)
    assert "sign-up form" not in first  # the first night only remembers the choices
    june = synced_choices(workspace)
    assert june and "Network meeting – Thursday 26 June 2025" in june
    events_before = by_key(read_tab(workspace, "Events"), "Event key")
    calendar = load_config(workspace).path("calendar.ics")
    old_keys = set(read_ics_entries(calendar))

    config = load_config(workspace)
    import_offer_file(NEW_OFFER, config.path(config.raw.programme))
    report = _night(workspace, AUTUMN)
    upcoming = event_choices(load_config(workspace).programme, AUTUMN)
    assert "the sign-up form needs these choices changed by hand" in report
    assert "`sos-sync forms print`" in report
    for label in upcoming:
        assert f"add '{label}'" in report
    for label in june:
        assert f"remove '{label}'" in report
    # last year's sign-ups still count, and last year's calendar events are not cancelled
    events_after = by_key(read_tab(workspace, "Events"), "Event key")
    for key, row in events_before.items():
        assert events_after[key]["Signed up"] == row["Signed up"]
    entries = read_ics_entries(calendar)
    assert old_keys and not [k for k in old_keys if entries[k].cancelled]
    problems = [str(p["Reason"]) for p in read_tab(workspace, "Needs review")]
    assert all("`Summer picnic`" in p for p in problems if NOT_AN_EVENT in p)

    quiet = _night(workspace, AUTUMN + dt.timedelta(days=1))
    assert "sign-up form" not in quiet


def _report(news: SignupFormNews | None) -> str:
    night = RunReport(AUTUMN, "2025-09-10T02:30:00+00:00", True, None, "google", by_step={1: 2})
    return render_markdown(dataclasses.replace(night, signup_form=news))


def test_the_morning_report_names_the_sign_up_form_changes() -> None:
    changes = LabelChanges(("Intro 9 Oct",), ("Net 26 Jun",), (("Net 12 Nov", "Net 19 Nov"),))
    done = _report(SignupFormNews(changes))
    assert (
        "### Sign-up form\n\n- Sign-up form: added 'Intro 9 Oct', removed 'Net 26 Jun', "
        "renamed 'Net 12 Nov' -> 'Net 19 Nov'.\n" in done
    )
    assert "Nothing changed" not in done and "Nothing. Every response was filed" in done
    failed = _report(SignupFormNews(changes, error="the Forms API did not answer"))
    assert (
        "could not be brought in step with the programme tonight: the Forms API did not " in failed
    )
    assert "the next night tries again" in failed and "Waiting: add 'Intro 9 Oct'" in failed
    assert "### Sign-up form" not in failed and "Nothing. Every response" not in failed
    left = _report(SignupFormNews(LabelChanges(), left_on=("Net 26 Jun",)))
    assert "still offers 'Net 26 Jun'. Stop it accepting responses" in left
    assert "Sign-up form" not in _report(None) and "sign-up form" not in _report(None)
