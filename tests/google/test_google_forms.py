"""`forms create` and `forms sync` on the emulator, through the real googleapiclient (issue 18)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from conftest import Night, tab_rows

from sos_sync.backends.google.clients import GoogleClients
from sos_sync.backends.google.doctor import doctor
from sos_sync.backends.google.retry import Pacer
from sos_sync.config.edit import set_config
from sos_sync.config.load import CONFIG_NAME, load_config
from sos_sync.domain.form_design import event_choices
from sos_sync.domain.forms import FORM_KINDS
from sos_sync.emulator import RunningEmulator
from sos_sync.emulator.client import EmulatorAdmin
from sos_sync.errors import ConfigError, SosSyncError
from sos_sync.ops.demo_google import seed_responses
from sos_sync.ops.forms import JOURNAL, forms_checklist, forms_create, forms_sync
from sos_sync.programme_import.store import import_offer_file

BEFORE_THE_YEAR = dt.date(2024, 9, 1)
NOT_AN_EVENT = "is not an event in the programme"


def _clients(ws: Path) -> GoogleClients:
    return GoogleClients(load_config(ws, forms_optional=True), pacer=Pacer(600, 100))


def _without_forms(ws: Path) -> None:
    set_config(ws / CONFIG_NAME, {f"forms.{k}": {"form_id": ""} for k in FORM_KINDS})


def _writes(admin: EmulatorAdmin) -> int:
    methods = admin.stats()["apis"].get("forms", {}).get("methods", {})
    return sum(
        n for m, n in methods.items() if m in ("forms.forms.create", "forms.forms.batchUpdate")
    )


def _signup_choices(emulator: RunningEmulator, form_id: str) -> list[str]:
    for item in emulator.state.forms[form_id]["items"]:
        question = item.get("questionItem", {}).get("question", {})
        if item.get("title") == "Which events would you like to attend?":
            return [o["value"] for o in question["choiceQuestion"]["options"]]
    raise AssertionError("no events question")


def test_forms_create_then_a_night_has_no_mapping_problems(
    google_ws: Path, emulator: RunningEmulator, admin: EmulatorAdmin, gc: Any, night: Night
) -> None:
    _without_forms(google_ws)
    report = forms_create(google_ws, BEFORE_THE_YEAR, clients=_clients(google_ws))
    assert set(report.created) == set(FORM_KINDS)
    config = load_config(google_ws)
    ids = {k: config.form_settings[k].form_id for k in FORM_KINDS}
    assert ids == report.created
    assert _signup_choices(emulator, ids["signup"]) == list(
        event_choices(config.programme, BEFORE_THE_YEAR)
    )
    checks = doctor(config, _clients(google_ws))
    assert len([c for c in checks if c.status == "ok" and "questions found" in c.detail]) == 5
    # a school can only pick what the form offers: drop the demo's hand-typed bad label
    offered = set(_signup_choices(emulator, ids["signup"]))
    seed_responses(emulator, admin, config, ids)
    for response in emulator.state.forms[ids["signup"]]["responses"].values():
        for answer in response["answers"].values():
            values = answer.get("textAnswers", {}).get("answers", [])
            answer["textAnswers"]["answers"] = [
                v for v in values if v["value"] in offered or "Summer" not in v["value"]
            ]
    assert night(google_ws).ok
    problems = tab_rows(gc, google_ws, "Needs review")
    assert [p for p in problems if NOT_AN_EVENT in p["Reason"]] == []
    assert not [p for p in problems if "question" in p["Reason"].lower()]
    admin.reset_stats()
    again = forms_create(google_ws, BEFORE_THE_YEAR, clients=_clients(google_ws))
    assert again.writes == 0 and again.created == {} and _writes(admin) == 0
    assert forms_sync(google_ws, BEFORE_THE_YEAR, clients=_clients(google_ws)).writes == 0


def test_a_form_that_exists_is_adopted_and_a_leads_question_stays(
    google_ws: Path, emulator: RunningEmulator, admin: EmulatorAdmin
) -> None:
    config = load_config(google_ws)
    signup = config.form_settings["signup"].form_id
    form = emulator.state.forms[signup]
    form["items"].append(
        {
            "itemId": "lead1",
            "title": "How did you hear about us?",
            "questionItem": {"question": {"questionId": "lead-q", "textQuestion": {}}},
        }
    )
    form["items"] = [i for i in form["items"] if i.get("title") != "Access or dietary requirements"]
    before = set(emulator.state.forms)
    report = forms_create(google_ws, BEFORE_THE_YEAR, clients=_clients(google_ws))
    assert set(emulator.state.forms) == before and report.created == {}
    titles = [i.get("title") for i in emulator.state.forms[signup]["items"]]
    assert "How did you hear about us?" in titles
    assert titles.count("Access or dietary requirements") == 1


def test_a_new_offer_then_forms_sync_keeps_old_answers_counting(
    google_ws: Path,
    emulator: RunningEmulator,
    admin: EmulatorAdmin,
    gc: Any,
    night: Night,
    tmp_path: Path,
) -> None:
    assert night(google_ws).ok
    config = load_config(google_ws)
    signup = config.form_settings["signup"].form_id
    old = "Network meeting – Wednesday 6 November 2024 (West Coventry Academy)"
    assert old in config.programme.by_label()
    events_before = {r["Event key"]: r for r in tab_rows(gc, google_ws, "Events")}
    moving = config.programme.by_label()[old].key
    assert int(events_before[moving]["Signed up"]) > 0
    # the November meeting moves a week
    offer = (
        Path(__file__).resolve().parents[1] / "fixtures" / "coventry-sos-offer-2024-25.txt"
    ).read_text(encoding="utf-8")
    offer = offer.replace("6 th November 2024", "13 th November 2024")
    assert "13 th November 2024" in offer
    changed = tmp_path / "offer.txt"
    changed.write_text(offer, encoding="utf-8")
    import_offer_file(changed, config.path(config.raw.programme))
    config = load_config(google_ws)
    moved = config.programme.by_label()[old]
    assert moved.form_label != old and old in moved.former_labels
    report = forms_sync(google_ws, dt.date(2024, 10, 5), clients=_clients(google_ws))
    assert report.writes == 1
    assert _signup_choices(emulator, signup) == list(
        event_choices(config.programme, dt.date(2024, 10, 5))
    )
    assert old not in _signup_choices(emulator, signup)
    assert night(google_ws).ok
    events_after = {r["Event key"]: r for r in tab_rows(gc, google_ws, "Events")}
    assert events_after[moved.key]["Signed up"] == events_before[moved.key]["Signed up"]
    assert not [
        p
        for p in tab_rows(gc, google_ws, "Needs review")
        if old in p["Reason"] and NOT_AN_EVENT in p["Reason"]
    ]


def test_a_create_whose_reply_was_lost_is_not_sent_again(
    google_ws: Path, emulator: RunningEmulator, admin: EmulatorAdmin
) -> None:
    _without_forms(google_ws)
    admin.lose_reply(1, method="forms.forms.create")
    with pytest.raises(SosSyncError):
        forms_create(google_ws, BEFORE_THE_YEAR, clients=_clients(google_ws))
    made = len(emulator.state.forms)
    with pytest.raises(SosSyncError, match="did not hear back"):
        forms_create(google_ws, BEFORE_THE_YEAR, clients=_clients(google_ws))
    assert len(emulator.state.forms) == made
    assert (google_ws / JOURNAL).exists()


def test_forms_create_refuses_a_local_workspace(workspace: Path) -> None:
    with pytest.raises(ConfigError, match="forms print"):
        forms_create(workspace, BEFORE_THE_YEAR)


def test_forms_print_lists_every_question_and_the_programmes_labels(workspace: Path) -> None:
    config = load_config(workspace)
    text = forms_checklist(workspace, BEFORE_THE_YEAR)
    for kind in FORM_KINDS:
        for f in config.forms[kind].fields:
            assert f"**{f.title}**" in text
    for label in event_choices(config.programme, BEFORE_THE_YEAR):
        assert f"`{label}`" in text
