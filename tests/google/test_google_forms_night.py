"""The nightly run keeps the sign-up form's choices in step with the programme (issue 18).

A new year's offer on the emulator, through the real googleapiclient: last year's
sign-ups keep counting, the form offers this year's events, the morning report says
so, and a quiet night sends the Forms API nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from conftest import fast_policy, tab_rows

from sos_sync.backends.google.backend import GoogleBackend
from sos_sync.backends.google.clients import GoogleClients
from sos_sync.backends.google.retry import Pacer
from sos_sync.config.edit import set_config
from sos_sync.config.load import CONFIG_NAME, Config, load_config
from sos_sync.domain.form_design import event_choices
from sos_sync.domain.report import RunReport
from sos_sync.emulator import RunningEmulator
from sos_sync.emulator.client import EmulatorAdmin
from sos_sync.ops.forms import forms_create
from sos_sync.ops.forms_marker import mark_synced, synced_choices
from sos_sync.programme_import.store import import_offer_file
from sos_sync.run.nightly import run_night

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
NOT_AN_EVENT = "is not an event in the programme"
EVENTS_QUESTION = "Which events would you like to attend?"
OLD = "Network meeting – Thursday 26 June 2025"
JUNE, SUMMER, AUTUMN = dt.date(2025, 6, 1), dt.date(2025, 7, 14), dt.date(2025, 9, 10)


def _backend(ws: Path) -> GoogleBackend:
    return GoogleBackend(load_config(ws), policy=fast_policy(), pacer=Pacer(600, 100))


def _night(ws: Path, today: dt.date) -> tuple[RunReport, str]:
    """A scheduled night (`run_night`), and the morning report it wrote."""
    before = set((ws / "reports").glob("*.md"))
    result = run_night(ws, today, backend=_backend(ws))
    (report,) = set((ws / "reports").glob("*.md")) - before
    return result, report.read_text(encoding="utf-8")


def _choices(ws: Path, form_id: str) -> list[str]:
    """The sign-up form's event choices, read back with forms.get."""
    clients = GoogleClients(load_config(ws), pacer=Pacer(600, 100))
    form = clients.service("forms").forms().get(formId=form_id).execute()
    for item in form["items"]:
        if item.get("title") == EVENTS_QUESTION:
            return [
                o["value"] for o in item["questionItem"]["question"]["choiceQuestion"]["options"]
            ]
    raise AssertionError("no events question")


def _forms_calls(admin: EmulatorAdmin) -> dict[str, int]:
    methods: dict[str, int] = admin.stats()["apis"].get("forms", {}).get("methods", {})
    return {
        m: n for m, n in methods.items() if m.startswith("forms.forms.") and "responses" not in m
    }


def _import(ws: Path, offer: Path) -> Config:
    config = load_config(ws)
    import_offer_file(offer, config.path(config.raw.programme))
    return load_config(ws)


def _sign_up(admin: EmulatorAdmin, config: Config, label: str) -> None:
    """St Mary's signs up for `label` on the sign-up form, in June 2025."""
    titles = {f.name: f.title for f in config.forms["signup"].fields}
    answers: dict[str, Any] = {
        titles["school"]: "St Mary's RC Primary School",
        titles["urn"]: "131004",
        titles["attendee_name"]: "Alex Green",
        titles["attendee_email"]: "alex.green@131004.example.sch.uk",
        titles["events"]: [label],
    }
    admin.add_response(
        config.form_settings["signup"].form_id,
        answers,
        response_id="ACYDBNjune26",
        respondent_email="alex.green@131004.example.sch.uk",
        submitted="2025-06-05T09:30:00Z",
    )


def _counts(gc: Any, ws: Path) -> tuple[dict[str, str], str, list[str]]:
    """Signed up by event key, St Mary's events attended, and the "not an event" rows."""
    events = {r["Event key"]: r["Signed up"] for r in tab_rows(gc, ws, "Events")}
    schools = {r["URN"]: r for r in tab_rows(gc, ws, "Schools")}
    problems = [
        p["Reason"] for p in tab_rows(gc, ws, "Needs review") if NOT_AN_EVENT in p["Reason"]
    ]
    return events, schools["131004"]["Events attended"], problems


def test_a_new_years_offer_then_a_night_offers_this_years_events_and_old_sign_ups_count(
    google_ws: Path, emulator: RunningEmulator, admin: EmulatorAdmin, gc: Any
) -> None:
    config = _import(google_ws, FIXTURES / "coventry-sos-offer-2024-25.txt")
    forms_create(google_ws, JUNE, clients=_backend(google_ws).clients)
    signup = config.form_settings["signup"].form_id
    assert OLD in _choices(google_ws, signup)
    _sign_up(admin, config, OLD)
    first, report = _night(google_ws, SUMMER)
    # July: June's events are over and none is to come; a Google Form needs one choice
    # at least, so they stay on it and the leads are told to stop it taking responses
    assert first.ok and first.signup_form is not None and OLD in first.signup_form.left_on
    assert "still offers" in report and "Stop it accepting responses" in report
    assert OLD in _choices(google_ws, signup)
    before = _counts(gc, google_ws)
    old_key = config.programme.by_label()[OLD].key
    assert int(before[0][old_key]) >= 1 and int(before[1]) >= 1

    config = _import(google_ws, FIXTURES / "coventry-sos-offer-2025-26.txt")
    assert config.programme.by_label()[OLD].key == old_key  # kept as a past event
    upcoming = list(event_choices(config.programme, AUTUMN))
    assert upcoming and all("2025" in x or "2026" in x for x in upcoming)
    assert not [x for x in upcoming if "2024" in x or "June 2025" in x]
    second, report = _night(google_ws, AUTUMN)
    assert second.ok
    assert _choices(google_ws, signup) == upcoming
    after = _counts(gc, google_ws)
    assert after[0][old_key] == before[0][old_key]  # the old sign-up still counts…
    assert after[1] == before[1]  # …as St Mary's attendance
    # only the demo's hand-typed `Summer picnic`, before and after: no old label is lost
    assert after[2] == before[2] and all("`Summer picnic`" in p for p in after[2])
    assert "### Sign-up form" in report and f"removed '{OLD}'" in report
    for label in upcoming:
        assert f"added '{label}'" in report
    assert synced_choices(google_ws) == tuple(upcoming)

    admin.reset_stats()
    quiet, report = _night(google_ws, AUTUMN + dt.timedelta(days=1))
    assert quiet.ok and quiet.signup_form is None and "Sign-up form" not in report
    assert _forms_calls(admin) == {"forms.forms.get": 5}  # the response reader's, one a form


def test_a_moved_date_is_a_rename_in_the_morning_report(
    google_ws: Path, admin: EmulatorAdmin, tmp_path: Path
) -> None:
    offer = (FIXTURES / "coventry-sos-offer-2025-26.txt").read_text(encoding="utf-8")
    _import(google_ws, FIXTURES / "coventry-sos-offer-2025-26.txt")
    _night(google_ws, AUTUMN)
    moved = tmp_path / "offer.txt"
    moved.write_text(offer.replace("12 th November 2025", "19 th November 2025"), encoding="utf-8")
    config = _import(google_ws, moved)
    new = config.programme.by_key()["network-meeting-2025-11-12"].form_label
    assert "19 November 2025" in new
    result, report = _night(google_ws, AUTUMN)
    old = "Network meeting – Wednesday 12 November 2025 (Sherbourne Community Hall)"
    assert result.signup_form is not None and result.signup_form.changes.renamed == ((old, new),)
    assert f"- Sign-up form: renamed '{old}' -> '{new}'." in report


def test_a_forms_failure_is_reported_and_the_next_night_tries_again(
    google_ws: Path, admin: EmulatorAdmin
) -> None:
    _import(google_ws, FIXTURES / "coventry-sos-offer-2025-26.txt")
    config = load_config(google_ws)
    admin.fail_next(1000, 503, method="forms.forms.batchUpdate")
    result, report = _night(google_ws, AUTUMN)
    assert result.ok and result.signup_form is not None and result.signup_form.error
    assert "could not be brought in step" in report and "the next night tries again" in report
    assert "The run failed" not in report
    assert synced_choices(google_ws) is None
    admin.clear_faults()
    again, report = _night(google_ws, AUTUMN)
    assert again.signup_form is not None and not again.signup_form.error
    assert _choices(google_ws, config.form_settings["signup"].form_id) == list(
        event_choices(config.programme, AUTUMN)
    )
    assert "### Sign-up form" in report


def test_a_sign_up_form_with_no_form_id_is_reported_not_a_failed_night(google_ws: Path) -> None:
    _import(google_ws, FIXTURES / "coventry-sos-offer-2025-26.txt")
    mark_synced(google_ws, ("Network meeting – Thursday 26 June 2025",))
    set_config(
        google_ws / CONFIG_NAME,
        {"forms.signup": {"form_id": "", "response_tab": "Form responses 3"}},
    )
    result, report = _night(google_ws, AUTUMN)
    assert result.ok and result.signup_form is not None
    assert "no form_id" in result.signup_form.error and "forms create" in report
    assert synced_choices(google_ws) == ("Network meeting – Thursday 26 June 2025",)
