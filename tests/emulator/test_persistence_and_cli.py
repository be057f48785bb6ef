"""The state file survives a restart; `emulator serve` starts fast and serves concurrent writers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sos_sync.emulator import start_in_thread
from sos_sync.emulator.client import EmulatorAdmin
from sos_sync.emulator.clients import service, sheets_client
from sos_sync.emulator.quota import GOOGLE_QUOTAS


def test_two_processes_in_sequence_see_the_same_google(tmp_path: Path) -> None:
    state_file = tmp_path / "google.json"
    with start_in_thread(state_file) as first:
        admin = EmulatorAdmin(first.base_url)
        admin.create_spreadsheet("Tracker", "s1", sheets=["Schools"])
        admin.create_calendar("cal@example.org")
        admin.create_form("EOI", [{"title": "School name", "questionId": "q1"}], form_id="f1")
        admin.add_response("f1", {"q1": "Hill"}, response_id="R1")
        gc = sheets_client(first.base_url)
        gc.open_by_key("s1").sheet1.update([["URN"], ["100001"]], "A1")
        calendar = service("calendar", "v3", first.base_url)
        calendar.events().insert(
            calendarId="cal@example.org",
            body={
                "id": "persist001",
                "start": {"date": "2025-01-01"},
                "end": {"date": "2025-01-02"},
            },
        ).execute()
    assert json.loads(state_file.read_text())["spreadsheets"]["s1"]
    assert [p.name for p in tmp_path.iterdir()] == ["google.json"]  # no temp files left behind
    with start_in_thread(state_file) as second:
        gc = sheets_client(second.base_url)
        assert gc.open_by_key("s1").sheet1.get_all_values() == [["URN"], ["100001"]]
        calendar = service("calendar", "v3", second.base_url)
        event = calendar.events().get(calendarId="cal@example.org", eventId="persist001").execute()
        assert event["status"] == "confirmed"
        forms = service("forms", "v1", second.base_url)
        assert (
            forms.forms().responses().list(formId="f1").execute()["responses"][0]["responseId"]
            == "R1"
        )
        EmulatorAdmin(second.base_url).reset()
    with start_in_thread(state_file) as third:
        assert EmulatorAdmin(third.base_url).state()["spreadsheets"] == {}


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, float]]:
    """`sos-sync emulator serve --port 0` in a subprocess, through the click group."""
    code = "from sos_sync.emulator.cli import emulator; emulator()"
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", code, "serve", "--port", "0", "--state", str(tmp_path / "g.json")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        elapsed = time.perf_counter() - started
        assert line.startswith("Emulator listening on http://127.0.0.1:"), (
            line + process.stderr.read()
        )
        yield line.split()[-1], elapsed
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_starts_quickly(served: tuple[str, float]) -> None:
    base_url, elapsed = served
    print(f"emulator serve: listening line after {elapsed:.3f} s")
    assert elapsed < 10  # the target is < 2 s; the limit is generous against slow CI machines
    assert EmulatorAdmin(base_url).health()


def test_concurrent_writers_lose_nothing(served: tuple[str, float]) -> None:
    base_url, _ = served
    admin = EmulatorAdmin(base_url)
    assert admin.state()["settings"]["quotas"] == GOOGLE_QUOTAS  # `serve` meets Google's limits
    admin.set_quota("sheets", None)  # 90 appends in a few seconds: more than Google allows
    admin.create_spreadsheet("Tracker", "s1", sheets=["Log"])
    admin.create_calendar("cal@example.org")
    writers, rows_each = 6, 15
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            sheet = sheets_client(base_url).open_by_key("s1").sheet1
            for i in range(rows_each):
                sheet.append_rows(
                    [[f"w{n}", str(i)]], table_range="A1", insert_data_option="INSERT_ROWS"
                )
            calendar = service("calendar", "v3", base_url)
            calendar.events().insert(
                calendarId="cal@example.org",
                body={
                    "id": f"conc{n:04d}",
                    "start": {"date": "2025-01-01"},
                    "end": {"date": "2025-01-02"},
                },
            ).execute()
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    rows = sheets_client(base_url).open_by_key("s1").sheet1.get_all_values()
    assert sorted(map(tuple, rows)) == sorted(
        (f"w{n}", str(i)) for n in range(writers) for i in range(rows_each)
    )
    calendar = service("calendar", "v3", base_url)
    assert len(calendar.events().list(calendarId="cal@example.org").execute()["items"]) == writers
    assert admin.stats()["writes"] >= writers * (rows_each + 1)
