"""Whole nights of the google backend against one in-process emulator (reset before each test).

No `__init__.py` here on purpose: a `tests/google` package would shadow the `google`
namespace package (google-auth) under pytest's default import mode.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gspread
import pytest
from gspread.utils import ValueInputOption, rowcol_to_a1

from sos_sync.backends.google.backend import GoogleBackend
from sos_sync.backends.google.retry import Pacer, RetryPolicy
from sos_sync.backends.google.transport import build_service, emulator_credentials, sheets_client
from sos_sync.config.load import load_config
from sos_sync.domain.report import RunReport
from sos_sync.emulator import RunningEmulator
from sos_sync.emulator.client import EmulatorAdmin
from sos_sync.ops.demo import prepare_demo
from sos_sync.ops.demo_google import seed_responses, seed_world, use_world
from sos_sync.ops.sample import DEMO_TODAY
from sos_sync.run.sync import run_sync

TODAY = DEMO_TODAY


def fast_policy(tries: int = 5, budget: float = 120.0) -> RetryPolicy:
    """The product's policy with sleeps skipped (the clock still moves, as if slept)."""
    clock = [0.0]

    def sleep(seconds: float) -> None:
        clock[0] += seconds

    return RetryPolicy(tries=tries, budget=budget, sleep=sleep, clock=lambda: clock[0])


def make_google_workspace(
    emulator: RunningEmulator, folder: Path, lead_entries: bool = True
) -> Path:
    """A demo workspace whose forms, sheet, calendar and folder live in the emulator."""
    ws = prepare_demo(folder)
    config = load_config(ws)
    world = seed_world(emulator, config, lead_entries=lead_entries)
    config = use_world(ws, world, emulator.base_url)
    seed_responses(emulator, EmulatorAdmin(emulator.base_url), config, world["forms"])
    return ws


@pytest.fixture
def google_ws(emulator: RunningEmulator, admin: EmulatorAdmin, tmp_path: Path) -> Path:
    return make_google_workspace(emulator, tmp_path / "ws")


Night = Callable[..., RunReport]


@pytest.fixture
def night() -> Night:
    """Run one night on a workspace with the google backend (fast retries, real pacing)."""

    def run(ws: Path, today: dt.date = TODAY, policy: RetryPolicy | None = None) -> RunReport:
        config = load_config(ws)
        backend = GoogleBackend(config, policy=policy or fast_policy(), pacer=Pacer(600, 100))
        return run_sync(ws, today, backend=backend, config=config)

    return run


@pytest.fixture
def gc(emulator: RunningEmulator) -> Any:
    """A lead's gspread, on the same spreadsheet."""
    return sheets_client(emulator_credentials("lead"), emulator.base_url, timeout=10)


def tab_rows(gc: Any, ws: Path, name: str) -> list[dict[str, str]]:
    """A tracker tab of the workspace's Google Sheet as dicts by header (blank rows left out)."""
    sid = load_config(ws).raw.google.spreadsheet_id
    values = gc.open_by_key(sid).worksheet(name).get_all_values()
    header = values[0]
    return [dict(zip(header, r, strict=False)) for r in values[1:] if any(r)]


def sign_up(
    admin: EmulatorAdmin, ws: Path, email: str, event: str = "network-meeting-2024-11-06"
) -> None:
    """Kim Ng of Brookfield (131002) signs up for an event through the sign-up form."""
    config = load_config(ws)
    admin.add_response(
        config.form_settings["signup"].form_id,
        {
            "School name": "Brookfield CE Primary School",
            "School URN": "131002",
            "Your name": "Kim Ng",
            "Your email": email,
            "Which events would you like to attend?": [config.programme.by_key()[event].form_label],
        },
        respondent_email="x@brookfield.example.sch.uk",
        submitted="2024-10-20T08:00:00.000000Z",
    )


def lead_service(emulator: RunningEmulator, name: str, version: str) -> Any:
    """A lead's own Calendar / Drive / Docs client (not the product's)."""
    return build_service(name, version, emulator_credentials("lead"), emulator.base_url)


def review_problems(gc: gspread.Client, ws: Path, where: str) -> list[dict[str, str]]:
    return [p for p in tab_rows(gc, ws, "Needs review") if p["Where"] == where]


def calendar_events(
    emulator: RunningEmulator, ws: Path, deleted: bool = False
) -> list[dict[str, Any]]:
    """Every event in the calendar (one page is plenty here)."""
    cal = lead_service(emulator, "calendar", "v3").events()
    cid = load_config(ws).raw.google.calendar_id
    reply = cal.list(calendarId=cid, showDeleted=deleted, maxResults=2500).execute()
    assert "nextPageToken" not in reply
    return list(reply.get("items", []))


def events_by_key(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for item in items:
        key = item["extendedProperties"]["private"]["sos_key"]
        assert key not in out, f"two events for {key}"
        out[key] = item
    return out


def docs_by_key(emulator: RunningEmulator) -> dict[str, dict[str, Any]]:
    """Every document sos-sync made, by key, found with Drive's appProperties query."""
    drive = lead_service(emulator, "drive", "v3").files()
    files = drive.list(
        q="appProperties has { key='sos_app' and value='sos-sync' } and trashed = false",
        fields="files(id,name,version,modifiedTime,mimeType,appProperties)",
        pageSize=1000,
    ).execute()["files"]
    out: dict[str, dict[str, Any]] = {}
    for f in files:
        key = f["appProperties"]["sos_key"]
        assert key not in out, f"two documents for {key}"
        assert f["mimeType"] == "application/vnd.google-apps.document"
        out[key] = f
    return out


def doc_text(emulator: RunningEmulator, file_id: str) -> str:
    doc = lead_service(emulator, "docs", "v1").documents().get(documentId=file_id).execute()
    return "".join(
        el.get("textRun", {}).get("content", "")
        for block in doc["body"]["content"]
        for el in block.get("paragraph", {}).get("elements", [])
    )


def mark_review_ready(
    gc: gspread.Client, ws: Path, key: str, overall: str = "A lovely application."
) -> None:
    """A lead types judgements, comments and Ready = Yes into the `Reviews` row (as typed)."""
    sheet = gc.open_by_key(load_config(ws).raw.google.spreadsheet_id).worksheet("Reviews")
    values = sheet.get_all_values()
    header = values[0]
    row = next(i + 1 for i, r in enumerate(values) if r[header.index("Review key")] == key)
    typed = list(values[row - 1]) + [""] * (len(header) - len(values[row - 1]))
    for code in ("L1", "L2", "E3", "E4", "E5", "S6", "S7", "S8"):
        typed[header.index(f"{code} judgement")] = "Met"
        typed[header.index(f"{code} comment")] = f"Good evidence for {code}."
    typed[header.index("Overall comments")] = overall
    typed[header.index("Ready")] = "Yes"
    sheet.update(
        [typed],
        f"A{row}:{rowcol_to_a1(row, len(header))}",
        value_input_option=ValueInputOption.user_entered,
    )


def lead_sorts_schools(gc: gspread.Client, ws: Path) -> tuple[gspread.Worksheet, list[str]]:
    """A lead sorts the Schools tab by school name, descending (the header stays on top);
    the tab and its header."""
    sheet = gc.open_by_key(load_config(ws).raw.google.spreadsheet_id).worksheet("Schools")
    header = sheet.row_values(1)
    n = len(sheet.get_all_values())
    sheet.sort((header.index("School") + 1, "des"), range=f"A2:{rowcol_to_a1(n, len(header))}")
    return sheet, header
