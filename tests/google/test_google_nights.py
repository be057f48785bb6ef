"""Whole nights on the emulator: quiet reruns, edited responses, a lead's hands on the sheet, faults."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import gspread
import pytest
from conftest import TODAY, Night, fast_policy, lead_sorts_schools, tab_rows

from sos_sync.backends.google.backend import GoogleBackend
from sos_sync.backends.google.retry import Pacer, RetryPolicy
from sos_sync.config.load import load_config
from sos_sync.domain.forms import FORM_KINDS
from sos_sync.emulator import RunningEmulator
from sos_sync.emulator.client import EmulatorAdmin
from sos_sync.errors import Permanent, Transient
from sos_sync.run.sync import run_sync


def _form_responses(emulator: RunningEmulator, ws: Path, kind: str) -> dict[str, Any]:
    form_id = load_config(ws).form_settings[kind].form_id  # type: ignore[index]
    return dict(emulator.state.forms[form_id]["responses"])


def _assert_every_response_once(emulator: RunningEmulator, gc: gspread.Client, ws: Path) -> None:
    config = load_config(ws)
    problems = tab_rows(gc, ws, "Needs review")
    for kind in FORM_KINDS:
        spec = config.forms[kind]
        ids = [r["Response ID"] for r in tab_rows(gc, ws, spec.tab)]
        assert len(ids) == len(set(ids)), f"duplicate rows on {spec.tab}"
        for rid in _form_responses(emulator, ws, kind):
            if rid not in ids:  # no consent: only a Needs review row
                assert any(rid in p["Response or row"] for p in problems), rid


def test_second_night_sends_no_writes_and_few_reads(
    google_ws: Path, night: Night, admin: EmulatorAdmin
) -> None:
    first = night(google_ws)
    assert first.writes > 0
    admin.reset_stats()
    second = night(google_ws)
    stats = admin.stats()
    assert second.writes == 0
    assert stats["writes"] == 0, stats
    assert stats["apis"]["sheets"]["requests"] == 1  # one values:batchGet of every tab
    # per form: forms.get and one page of responses
    assert stats["apis"]["forms"]["requests"] == 2 * len(FORM_KINDS)
    assert second.requests["sheets"] == 1
    assert second.as_json()["responses"] == {"new": 0, "updated": 0, "needs_review": 0}


def test_incremental_read_with_overlap_then_a_periodic_full_pass(
    google_ws: Path, night: Night, admin: EmulatorAdmin, emulator: RunningEmulator
) -> None:
    night(google_ws)
    config = load_config(google_ws)
    newest = max(
        (r["lastSubmittedTime"] for r in _form_responses(emulator, google_ws, "eoi").values()),
    )
    clock = [dt.datetime.now(dt.UTC)]
    backend = GoogleBackend(config, policy=fast_policy(), now=lambda: clock[0])
    run_sync(google_ws, TODAY, backend=backend, config=config)
    flt = backend.source.filters["eoi"]
    assert flt is not None and flt.startswith("timestamp >= ")
    since = dt.datetime.fromisoformat(flt.removeprefix("timestamp >= ").replace("Z", "+00:00"))
    cursor = dt.datetime.fromisoformat(newest.replace("Z", "+00:00"))
    assert cursor - since == dt.timedelta(minutes=config.raw.google.overlap_minutes)
    # a week later: a full pass (edits the filter may miss, deleted responses)
    clock[0] += dt.timedelta(days=config.raw.google.full_pass_every_days)
    backend = GoogleBackend(config, policy=fast_policy(), now=lambda: clock[0])
    assert run_sync(google_ws, TODAY, backend=backend, config=config).writes == 0
    assert all(f is None for f in backend.source.filters.values())
    # and the night after is incremental again
    backend = GoogleBackend(config, policy=fast_policy(), now=lambda: clock[0])
    run_sync(google_ws, TODAY, backend=backend, config=config)
    assert all(f is not None for f in backend.source.filters.values())


def test_responses_read_are_kept_only_once_the_tracker_write_landed(
    google_ws: Path, night: Night, admin: EmulatorAdmin
) -> None:
    admin.fail_next(1000, 500, method="sheets.spreadsheets.values.batchUpdate")
    with pytest.raises(Transient):
        night(google_ws, policy=fast_policy(tries=2))
    assert not (google_ws / "state" / "google-responses.json").exists()
    admin.clear_faults()
    night(google_ws)
    assert (google_ws / "state" / "google-responses.json").exists()


def test_an_edited_response_updates_its_row_in_place(
    google_ws: Path,
    night: Night,
    admin: EmulatorAdmin,
    emulator: RunningEmulator,
    gc: gspread.Client,
) -> None:
    night(google_ws)
    config = load_config(google_ws)
    rows = tab_rows(gc, google_ws, "EOI responses")
    target = next(r for r in rows if r["URN"] == "131003")
    rid = target["Response ID"]
    old = _form_responses(emulator, google_ws, "eoi")[rid]
    later = old["lastSubmittedTime"].replace("2024", "2025", 1)
    admin.edit_response(
        config.form_settings["eoi"].form_id,
        rid,
        answers={"Your name": "Grace Obi-Bello"},
        submitted=later,
    )
    result = night(google_ws)
    assert result.as_json()["responses"]["updated"] == 1
    after = tab_rows(gc, google_ws, "EOI responses")
    assert len(after) == len(rows)
    edited = [r for r in after if r["Response ID"] == rid]
    assert len(edited) == 1 and edited[0]["Contact name"] == "Grace Obi-Bello"
    school = next(r for r in tab_rows(gc, google_ws, "Schools") if r["URN"] == "131003")
    assert school["Contact name"] == "Grace Obi-Bello"


def test_a_leads_sort_inserted_rows_and_typed_values_survive(
    google_ws: Path,
    night: Night,
    admin: EmulatorAdmin,
    emulator: RunningEmulator,
    gc: gspread.Client,
) -> None:
    night(google_ws)
    config = load_config(google_ws)
    # the lead sorts by school name (descending), inserts two rows at the top, types values
    sheet, header = lead_sorts_schools(gc, google_ws)
    sheet.insert_rows([["", "note: autumn visits"], ["", ""]], row=2)
    values = sheet.get_all_values()
    urn_col = header.index("URN")

    def row_of(urn: str) -> int:
        return next(i + 1 for i, r in enumerate(values) if r[urn_col] == urn)

    sheet.update_cell(row_of("131002"), header.index("Notes") + 1, "Head on leave until May")
    sheet.update_cell(row_of("131002"), header.index("Step override") + 1, "2")
    sheet.update_cell(row_of("131004"), header.index("Next action") + 1, "Chase by phone")
    # and a new school writes in meanwhile
    admin.add_response(
        config.form_settings["eoi"].form_id,
        {
            "School name": "Willow Bank Primary School",
            "School URN": "139901",
            "Your name": "Jo Park",
            "Contact email": "jo.park@willow.example.sch.uk",
            "I agree to Coventry EMAS storing these details to support our Schools of Sanctuary journey": [
                "I agree"
            ],
        },
        submitted="2025-07-13T09:00:00.000000Z",
    )
    result = night(google_ws)
    assert result.ok
    schools = tab_rows(gc, google_ws, "Schools")
    urns = [r["URN"] for r in schools if r["URN"]]
    assert len(urns) == len(set(urns)), "a school got a second row"
    by_urn = {r["URN"]: r for r in schools if r["URN"]}
    assert by_urn["131002"]["Notes"] == "Head on leave until May"
    assert by_urn["131002"]["Step override"] == "2"
    assert by_urn["131002"]["Stage"].endswith("(set by lead)")
    assert by_urn["131004"]["Next action"] == "Chase by phone"  # typed in a machine column: kept
    assert by_urn["139901"]["School"] == "Willow Bank Primary School"
    assert by_urn["131003"]["School"] == "Canal Side Academy"  # rows found by key after the sort
    raw = sheet.get_all_values()
    assert raw[1][1] == "note: autumn visits"  # the lead's inserted row is still at the top
    problems = tab_rows(gc, google_ws, "Needs review")
    assert any("Chase by phone" in p["Reason"] for p in problems)
    _assert_every_response_once(emulator, gc, google_ws)


def test_a_429_storm_and_a_lost_reply_end_with_no_duplicate_and_nothing_lost(
    google_ws: Path,
    night: Night,
    admin: EmulatorAdmin,
    emulator: RunningEmulator,
    gc: gspread.Client,
) -> None:
    admin.fail_rate(0.3, 429, seed=3)  # every API, three requests in ten
    admin.lose_reply(1, mode="500", method="sheets.spreadsheets.values.batchUpdate")
    result = night(google_ws, policy=fast_policy(tries=8))
    assert result.ok
    assert admin.stats()["errors"] > 0
    admin.clear_faults()
    _assert_every_response_once(emulator, gc, google_ws)
    admin.reset_stats()
    assert night(google_ws).writes == 0  # and the rerun finds nothing left to do


def test_a_storm_longer_than_the_budget_fails_the_run_then_a_rerun_converges(
    google_ws: Path,
    night: Night,
    admin: EmulatorAdmin,
    emulator: RunningEmulator,
    gc: gspread.Client,
) -> None:
    admin.reset_stats()
    admin.fail_next(1000, 503, api="sheets")
    with pytest.raises(Transient):
        night(google_ws, policy=fast_policy(tries=5, budget=60))
    sheet_calls = admin.stats()["apis"]["sheets"]["requests"]
    assert sheet_calls <= 5  # bounded: it gave up
    admin.clear_faults()
    assert night(google_ws).ok
    _assert_every_response_once(emulator, gc, google_ws)


def test_a_write_reply_lost_then_run_killed_is_adopted_next_night(
    google_ws: Path,
    night: Night,
    admin: EmulatorAdmin,
    emulator: RunningEmulator,
    gc: gspread.Client,
) -> None:
    # the first write lands but every reply is lost: the run fails after the write applied
    admin.lose_reply(10, mode="500", method="sheets.spreadsheets.values.batchUpdate")
    with pytest.raises(Transient):
        night(google_ws, policy=fast_policy(tries=3))
    admin.clear_faults()
    result = night(google_ws)
    assert result.ok
    _assert_every_response_once(emulator, gc, google_ws)
    problems = tab_rows(gc, google_ws, "Needs review")
    assert not any("Someone typed" in p["Reason"] for p in problems)


def test_a_403_on_the_sheet_fails_fast_with_what_to_share(
    google_ws: Path, admin: EmulatorAdmin
) -> None:
    config = load_config(google_ws)
    sid = config.raw.google.spreadsheet_id
    admin.deny(sid)
    admin.reset_stats()
    backend = GoogleBackend(config, pacer=Pacer(600, 100))  # the real policy: no retry on 403
    started = time.monotonic()
    with pytest.raises(Permanent) as caught:
        run_sync(google_ws, TODAY, backend=backend, config=config)
    assert time.monotonic() - started < 5
    message = str(caught.value)
    assert f"share the spreadsheet {sid} as Editor" in message
    assert admin.stats()["apis"]["sheets"]["requests"] == 1  # not retried

    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from sos_sync.cli.main import main; main()",
            "sync",
            "-w",
            str(google_ws),
            "--today",
            TODAY.isoformat(),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1, proc.stderr
    assert sid in proc.stderr and "Editor" in proc.stderr
    assert Counter(e["status"] for e in admin.log() if e["api"] == "sheets")[403] == 2


def test_the_pacer_keeps_sheets_under_the_quota_instead_of_meeting_429s(
    google_ws: Path, night: Night, admin: EmulatorAdmin
) -> None:
    from sos_sync.backends.google.clients import GoogleClients
    from sos_sync.backends.google.tabs import GoogleTracker
    from sos_sync.tracker.schema import all_tabs

    night(google_ws)
    config = load_config(google_ws)
    tabs = all_tabs(config.forms, [c.code for c in config.criteria])
    admin.set_quota("sheets", 12, window_seconds=1.0)  # Google's 60/minute, sped up

    def reads(pacer: Pacer) -> int:
        admin.reset_stats()
        tracker = GoogleTracker(
            config,
            GoogleClients(config, policy=RetryPolicy(tries=50, base=0.05, cap=0.5), pacer=pacer),
        )
        for _ in range(24):
            tracker.read_tabs(tabs)
        return int(admin.stats()["errors"])

    assert reads(Pacer(10_000, 100)) > 0  # unpaced: the quota answers 429s
    time.sleep(1.0)
    started = time.monotonic()
    assert reads(Pacer(10, 3, window=1.0)) == 0  # paced: never a 429
    assert time.monotonic() - started >= (24 - 3) / 7 * 0.9
    admin.set_quota("sheets", None)


def test_demo_on_the_emulator_twice_is_a_quiet_second_night(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    cmd = [
        sys.executable,
        "-c",
        "from sos_sync.cli.main import main; main()",
        "demo",
        "--backend",
        "emulator",
        "--out",
        str(out),
        "--json",
    ]
    first = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    j1 = json.loads(first.stdout)
    assert j1["backend"] == "google" and j1["writes"] > 0
    assert j1["requests_by_api"]["sheets"] >= 2 and j1["requests_by_api"]["forms"] >= 10
    assert (out / "emulator-state.json").exists()
    second = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr
    j2 = json.loads(second.stdout)
    assert j2["writes"] == 0
    assert j2["requests_by_api"]["sheets"] == 1
    assert j2["responses"] == {"new": 0, "updated": 0, "needs_review": 0}


def test_a_lead_sorting_and_typing_during_the_run_is_respected(
    google_ws: Path, night: Night, admin: EmulatorAdmin, gc: gspread.Client
) -> None:
    from sos_sync.plan.planner import Snapshot, make_plan
    from sos_sync.run.state import load_state
    from sos_sync.tracker.schema import all_tabs

    night(google_ws)
    config = load_config(google_ws)
    rows = tab_rows(gc, google_ws, "EOI responses")
    rid = next(r for r in rows if r["URN"] == "131003")["Response ID"]
    rid5 = next(r for r in rows if r["URN"] == "131005")["Response ID"]
    form_id = config.form_settings["eoi"].form_id
    admin.edit_response(
        form_id,
        rid,
        answers={"Your name": "Grace Obi-Bello"},
        submitted="2025-07-13T10:00:00.000000Z",
    )
    admin.edit_response(
        form_id,
        rid5,
        answers={"Your name": "Ian Reid-Khan"},
        submitted="2025-07-13T10:00:01.000000Z",
    )
    # the night reads and plans ...
    backend = GoogleBackend(config, policy=fast_policy(), pacer=Pacer(600, 100))
    read = backend.source.read_responses()
    tabs = backend.tracker.read_tabs(all_tabs(config.forms, [c.code for c in config.criteria]))
    plan = make_plan(Snapshot(read, tabs, load_state(google_ws)), config, TODAY, "run-1")
    # ... meanwhile a lead sorts Schools and types a contact name for 131005
    sheet, header = lead_sorts_schools(gc, google_ws)
    values = sheet.get_all_values()
    row5 = next(i + 1 for i, r in enumerate(values) if r[0] == "131005")
    sheet.update_cell(row5, header.index("Contact name") + 1, "Ian R. (typed by the lead)")
    # ... then the night writes
    backend.tracker.apply(plan.tabs, plan.tab_plans)
    by_urn = {r["URN"]: r for r in tab_rows(gc, google_ws, "Schools") if r["URN"]}
    assert by_urn["131003"]["Contact name"] == "Grace Obi-Bello"  # found by key after the sort
    assert by_urn["131005"]["Contact name"] == "Ian R. (typed by the lead)"  # theirs, kept
    assert ("Schools", "131005", "Contact name") in backend.tracker.skipped
    names = [r["Contact name"] for r in by_urn.values()]
    assert names.count("Grace Obi-Bello") == 1
