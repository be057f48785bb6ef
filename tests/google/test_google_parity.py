"""The same inbox through the local backend and through the google backend gives the same tracker."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import openpyxl
import requests

from sos_sync.config.load import CONFIG_NAME, load_config
from sos_sync.domain.responses import parse_timestamp
from sos_sync.emulator import start_in_thread
from sos_sync.emulator.client import EmulatorAdmin
from sos_sync.emulator.quota import GOOGLE_QUOTAS
from sos_sync.ops.demo import prepare_demo, run_demo
from sos_sync.ops.demo_google import STATE_FILE, run_emulator_demo, set_config
from sos_sync.ops.export import export_tracker
from sos_sync.ops.sample import DEMO_TODAY


def _forms_possible_inbox(tmp: Path) -> Path:
    """The demo inbox without rows Google Forms could never produce (a timestamp that is not one)."""
    sample = prepare_demo(tmp / "sample")
    inbox = tmp / "inbox"
    inbox.mkdir()
    for path in (sample / "inbox").glob("*.csv"):
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
        keep = [rows[0]] + [r for r in rows[1:] if parse_timestamp(r[0]) is not None]
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerows(keep)
        (inbox / path.name).write_text(buf.getvalue(), encoding="utf-8")
    return inbox


def _tab(xlsx: Path, name: str) -> list[list[str]]:
    wb = openpyxl.load_workbook(xlsx)
    rows = [["" if v is None else str(v) for v in r] for r in wb[name].iter_rows(values_only=True)]
    return [rows[0]] + sorted(rows[1:])


def test_local_and_google_give_the_same_schools_and_problems(tmp_path: Path) -> None:
    inbox = _forms_possible_inbox(tmp_path)
    local = run_demo(tmp_path / "local", DEMO_TODAY, inbox)
    google = run_emulator_demo(tmp_path / "google", DEMO_TODAY, inbox)
    assert local.ok and google.ok
    assert google.backend == "google" and google.requests["sheets"] > 0
    assert google.as_json()["responses"] == local.as_json()["responses"]
    assert google.as_json()["schools"] == local.as_json()["schools"]

    # the google tracker, exported through the backend's read_tabs (sos-sync export)
    emu = start_in_thread(tmp_path / "google" / STATE_FILE)
    try:
        set_config(tmp_path / "google" / CONFIG_NAME, {"google": {"base_url": emu.base_url}})
        assert load_config(tmp_path / "google").backend == "google"
        export_tracker(tmp_path / "google", tmp_path / "google.xlsx")
    finally:
        emu.stop()
    export_tracker(tmp_path / "local", tmp_path / "local.xlsx")

    local_schools = _tab(tmp_path / "local.xlsx", "Schools")
    google_schools = _tab(tmp_path / "google.xlsx", "Schools")
    assert len(local_schools) > 10
    assert google_schools == local_schools  # every column, as text

    def reasons(xlsx: Path) -> Counter[str]:
        rows = _tab(xlsx, "Needs review")
        col = rows[0].index("Reason")
        return Counter(r[col] for r in rows[1:])

    assert reasons(tmp_path / "google.xlsx") == reasons(tmp_path / "local.xlsx")
    assert sum(reasons(tmp_path / "local.xlsx").values()) >= 5


def test_the_emulator_demo_meets_googles_quotas_and_its_429(tmp_path: Path) -> None:
    result = run_emulator_demo(tmp_path / "demo", DEMO_TODAY)
    assert result.ok  # the product's pacer keeps the night under Sheets' 60 a minute
    emu = start_in_thread(tmp_path / "demo" / STATE_FILE)
    try:
        admin = EmulatorAdmin(emu.base_url)
        assert admin.state()["settings"]["quotas"] == GOOGLE_QUOTAS
        sid = load_config(tmp_path / "demo").raw.google.spreadsheet_id
        url = f"{emu.base_url}/v4/spreadsheets/{sid}?fields=spreadsheetId"
        replies = [requests.get(url, timeout=10) for _ in range(GOOGLE_QUOTAS["sheets"] + 1)]
    finally:
        emu.stop()
    assert [r.status_code for r in replies].count(429) >= 1
    error = next(r for r in replies if r.status_code == 429).json()["error"]
    assert error["status"] == "RESOURCE_EXHAUSTED"
    info = next(d for d in error["details"] if d["@type"].endswith("ErrorInfo"))
    assert info["reason"] == "RATE_LIMIT_EXCEEDED"
