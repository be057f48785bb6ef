"""A lead's older copy of tracker.xlsx saved back over the sync's newer one (issue 11).

The next night notices (the file no longer carries the sync's last Run log row), puts
back what the sync had written since, and ends exactly where a night without the
save-back ends: no false "typed" or "deleted by hand?" problems, no lost rows.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

from helpers import TODAY, read_tab, tracker_values
from killing import NEXT, add_later_responses, demo_workspace, summary

from sos_sync.run.sync import run_sync

LATER = NEXT + dt.timedelta(days=1)


def _tabs(ws: Path) -> dict[str, Any]:
    values = tracker_values(ws)
    values["Run log"] = sorted((r[1:] for r in values["Run log"][1:]), key=repr)
    return values


def test_a_stale_save_back_is_repaired_as_if_it_never_happened(tmp_path: Path) -> None:
    reference = demo_workspace(tmp_path / "reference", first_night_only=False)
    saved_back = demo_workspace(tmp_path / "saved-back", first_night_only=False)
    for ws in (reference, saved_back):
        run_sync(ws, TODAY)
        add_later_responses(ws)
    lead_copy = tmp_path / "lead-copy.xlsx"
    shutil.copy(saved_back / "tracker.xlsx", lead_copy)  # the lead's copy, from the first night
    for ws in (reference, saved_back):
        second = run_sync(ws, NEXT)
        assert second.changes > 0
    lost = {r["Run ID"] for r in read_tab(saved_back, "Run log")}
    shutil.copy(lead_copy, saved_back / "tracker.xlsx")  # ... saved back over the newer file
    assert {r["Run ID"] for r in read_tab(saved_back, "Run log")} < lost
    expected = run_sync(reference, LATER)
    got = run_sync(saved_back, LATER)
    reasons = [str(r["Reason"]) for r in read_tab(saved_back, "Needs review")]
    false = [r for r in reasons if "typed" in r or "deleted by hand" in r]
    assert false == [], false
    assert {r["Run ID"] for r in read_tab(saved_back, "Run log")} >= lost  # no row lost
    assert _tabs(saved_back) == _tabs(reference)  # every cell
    assert summary(got) == summary(expected)
    assert run_sync(saved_back, LATER).quiet
