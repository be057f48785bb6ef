"""Nightly snapshots of a Google tracker: an export, taken only when the sheet changed
(issue 12: a quiet night nobody edited writes no snapshot)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
from conftest import Night
from helpers import TODAY

from sos_sync.config.load import load_config
from sos_sync.ops.backups import list_snapshots, take_snapshot


def test_a_google_snapshot_is_taken_only_when_the_sheet_changed(
    google_ws: Path, night: Night, gc: Any
) -> None:
    night(google_ws)
    first = take_snapshot(google_ws, TODAY, keep=14)
    assert first is not None and "Schools" in openpyxl.load_workbook(first).sheetnames
    next_day = TODAY + dt.timedelta(days=1)
    assert night(google_ws, next_day).writes == 0
    assert take_snapshot(google_ws, next_day, keep=14) is None  # nothing changed: no export
    assert [p.name for _, p in list_snapshots(google_ws)] == [first.name]
    sheet = gc.open_by_key(load_config(google_ws).raw.google.spreadsheet_id).worksheet("Schools")
    notes = sheet.row_values(1).index("Notes") + 1
    sheet.update_cell(2, notes, "Rang the head")  # a lead's edit is worth a snapshot
    second = take_snapshot(google_ws, next_day, keep=14)
    assert second is not None and second != first
    assert "Rang the head" in [c.value for c in openpyxl.load_workbook(second)["Schools"][2]]
    first.unlink()  # the newest snapshot gone: the next one is taken whatever the sheet holds
    second.unlink()
    assert take_snapshot(google_ws, next_day, keep=14) is not None
