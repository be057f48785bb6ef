"""Google Docs across nights: what counts as a person's edit, lost replies, duplicates (issues 11, 16).

A person's edit is a changed text; Drive's `version`, and even `modifiedTime`, also move for
changes nobody sees (`admin.invisible_change`), which must not count. A create whose reply is
lost (a 500 after the write, or a dropped connection) is looked up by key before it is sent
again.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import gspread
import pytest
from conftest import (
    Night,
    calendar_events,
    docs_by_key,
    events_by_key,
    fast_policy,
    lead_service,
    mark_review_ready,
    review_problems,
    tab_rows,
)
from helpers import small_docx
from test_google_outputs import DRAFT_DOC

from sos_sync.backends.google.clients import GoogleClients
from sos_sync.backends.google.documents import GoogleDocumentStore
from sos_sync.backends.google.retry import Pacer
from sos_sync.config.load import load_config
from sos_sync.emulator import RunningEmulator
from sos_sync.emulator.client import EmulatorAdmin
from sos_sync.errors import Transient
from sos_sync.run.state import load_state, save_state


def _statuses(gc: gspread.Client, ws: Path) -> dict[str, str]:
    return {r["Doc key"]: r["Status"] for r in tab_rows(gc, ws, "Documents")}


def _store(ws: Path) -> tuple[GoogleDocumentStore, GoogleClients]:
    config = load_config(ws)
    clients = GoogleClients(config, policy=fast_policy(), pacer=Pacer(600, 100))
    return GoogleDocumentStore(config, clients), clients


def _folder_files(clients: GoogleClients, ws: Path) -> list[dict[str, Any]]:
    folder = load_config(ws).raw.google.documents_folder_id
    files: list[dict[str, Any]] = (
        clients.service("drive")
        .files()
        .list(q=f"'{folder}' in parents and trashed = false", fields="files(id,webViewLink)")
        .execute()["files"]
    )
    return files


@pytest.mark.parametrize("modified_time", [False, True], ids=["version", "version+modifiedTime"])
def test_an_invisible_version_bump_is_not_an_edit_and_a_real_edit_still_is(
    google_ws: Path,
    night: Night,
    admin: EmulatorAdmin,
    emulator: RunningEmulator,
    gc: gspread.Client,
    modified_time: bool,
) -> None:
    night(google_ws)
    mark_review_ready(gc, google_ws, "131005:draft")
    night(google_ws)
    before = docs_by_key(emulator)
    for f in before.values():  # Google moves `version` (and maybe more) for changes nobody sees
        admin.invisible_change(f["id"], modified_time=modified_time)
    after = docs_by_key(emulator)
    assert all(int(after[k]["version"]) > int(f["version"]) for k, f in before.items())
    assert all(
        (after[k]["modifiedTime"] != f["modifiedTime"]) == modified_time for k, f in before.items()
    )
    admin.reset_stats()
    assert night(google_ws).writes == 0 and admin.stats()["writes"] == 0
    assert not any("person" in s for s in _statuses(gc, google_ws).values())
    exports = admin.stats()["apis"]["drive"]["methods"].get("drive.files.export", 0)
    assert exports == (len(before) if modified_time else 0)  # the text is read only then

    # a regeneration is due: the document nobody edited is replaced in place
    mark_review_ready(gc, google_ws, "131005:draft", overall="A second, better reading.")
    result = night(google_ws)
    assert result.as_json()["docs"] == {"created": 0, "updated": 1, "deferred": 0}
    assert docs_by_key(emulator)[DRAFT_DOC]["id"] == before[DRAFT_DOC]["id"]
    assert not review_problems(gc, google_ws, "Documents")

    # a lead types into it (Docs batchUpdate): that one is an edit, and is left alone
    file_id = before[DRAFT_DOC]["id"]
    lead_service(emulator, "docs", "v1").documents().batchUpdate(
        documentId=file_id,
        body={"requests": [{"insertText": {"location": {"index": 1}, "text": "PS: hello\n"}}]},
    ).execute()
    admin.invisible_change(file_id, modified_time=modified_time)
    mark_review_ready(gc, google_ws, "131005:draft", overall="Changed after the lead's edit.")
    result = night(google_ws)
    assert result.as_json()["docs"] == {"created": 0, "updated": 0, "deferred": 0}
    assert "not overwritten" in _statuses(gc, google_ws)[DRAFT_DOC]
    assert len(review_problems(gc, google_ws, "Documents")) == 1
    # the edit is remembered with the file as it was found: its text is not exported again
    admin.reset_stats()
    night(google_ws)
    assert admin.stats()["apis"]["drive"]["methods"].get("drive.files.export", 0) == 0
    assert "not overwritten" in _statuses(gc, google_ws)[DRAFT_DOC]


@pytest.mark.parametrize("form", ["version", "modifiedTime"])
def test_fingerprints_recorded_by_earlier_releases_still_match_and_are_migrated(
    google_ws: Path,
    night: Night,
    admin: EmulatorAdmin,
    emulator: RunningEmulator,
    gc: gspread.Client,
    form: str,
) -> None:
    night(google_ws)
    docs = docs_by_key(emulator)
    state = load_state(google_ws)
    made = state.extra["documents"]  # those the first night left out (backfill) have no file
    recorded = {k: r for k, r in made.items() if not r.get("skipped")}
    assert recorded and all(";tx:" in r["fingerprint"] for r in recorded.values())
    for key, rec in recorded.items():  # as an earlier release recorded them
        old = {"version": docs[key]["version"], "modifiedTime": "mt:" + docs[key]["modifiedTime"]}
        rec["fingerprint"] = old[form]
    save_state(google_ws, state)
    assert night(google_ws).writes == 0
    assert not any("person" in s for s in _statuses(gc, google_ws).values())
    migrated = load_state(google_ws).extra["documents"]
    assert all(";tx:" in r["fingerprint"] for k, r in migrated.items() if k in recorded)
    for f in docs.values():
        admin.invisible_change(f["id"], modified_time=True)
    assert night(google_ws).writes == 0
    assert not any("person" in s for s in _statuses(gc, google_ws).values())
    assert not review_problems(gc, google_ws, "Documents")


@pytest.mark.parametrize("mode", ["drop", "500"])
def test_a_create_whose_reply_is_lost_is_found_by_key_not_made_twice(
    google_ws: Path, admin: EmulatorAdmin, mode: str
) -> None:
    docs, clients = _store(google_ws)
    docs.read_documents([])  # the night's listing
    admin.reset_stats()
    admin.lose_reply(1, mode=mode, method="drive.files.create")
    state = docs.write_document("award_letter:131007", "Award letter", small_docx("Hello"), "h1")
    assert admin.faults() == []  # the create landed, its reply did not
    methods = admin.stats()["apis"]["drive"]["methods"]
    files = _folder_files(clients, google_ws)
    assert [f["webViewLink"] for f in files] == [state.link]
    assert methods.get("drive.files.create") == 1  # never sent again
    assert methods.get("drive.files.list") == 1  # the one lookup, after the lost reply


def test_two_documents_for_one_key_keep_one_and_report_the_other_once(
    google_ws: Path,
    night: Night,
    emulator: RunningEmulator,
    gc: gspread.Client,
) -> None:
    night(google_ws)
    key = "131003:audit_feedback:2024-11-14"
    kept = docs_by_key(emulator)[key]
    # a create that landed twice: the first one's reply was lost and Drive's search had not
    # seen it yet when the sync looked (it is the older of the two)
    drive = lead_service(emulator, "drive", "v3").files()
    extra = drive.create(
        body={
            "name": kept["name"],
            "mimeType": "application/vnd.google-apps.document",
            "parents": [load_config(google_ws).raw.google.documents_folder_id],
            "appProperties": kept["appProperties"],
        },
        fields="id,webViewLink",
    ).execute()
    emulator.state.files[extra["id"]]["createdTime"] = "2000-01-01T00:00:00.000Z"
    night(google_ws)
    reported = review_problems(gc, google_ws, "Documents")
    assert len(reported) == 1 and extra["webViewLink"] in reported[0]["Value"]
    assert "person" not in _statuses(gc, google_ws)[key]  # the kept one is the sync's own
    night(google_ws)
    assert review_problems(gc, google_ws, "Documents") == reported  # once, not every night
    store, _clients = _store(google_ws)
    state = store.read_documents([key])[key]
    assert state.duplicates == (extra["webViewLink"],)
    assert kept["id"] in state.link


def test_dropped_connections_on_every_write_over_nights_duplicate_nothing(
    google_ws: Path,
    night: Night,
    admin: EmulatorAdmin,
    emulator: RunningEmulator,
    gc: gspread.Client,
) -> None:
    from test_google_nights import _assert_every_response_once

    fired = 0
    for round_ in range(4):  # the lead's own writes between nights go through untouched
        if round_ == 1:
            mark_review_ready(gc, google_ws, "131005:draft")
        if round_ == 2:
            mark_review_ready(gc, google_ws, "131005:draft", overall="Read again.")
        admin.add_fault("lost_reply", mode="drop", rate=0.3, seed=11 + round_)  # every write
        # a write that might have landed is not resent: the night may stop, the next finishes it
        with contextlib.suppress(Transient):
            night(google_ws, policy=fast_policy(tries=8))
        fired += sum(f["fired"] for f in admin.faults())
        admin.clear_faults()
    assert night(google_ws).ok
    assert fired > 0
    events_by_key(calendar_events(emulator, google_ws, deleted=True))  # asserts one event per key
    docs = docs_by_key(emulator)  # asserts one document per key
    assert DRAFT_DOC in docs
    _assert_every_response_once(emulator, gc, google_ws)
    assert not review_problems(gc, google_ws, "Documents")
    assert night(google_ws).writes == 0
