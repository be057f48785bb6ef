"""`sos-sync status`: where the schools stand and what needs a person, without writing.

A tracker that cannot be read (damaged, or a Google endpoint that does not answer) is
not a table of zeros: `tracker_error` says why, and the command exits 1.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sos_sync.backends.factory import make_backend
from sos_sync.config.load import load_config
from sos_sync.errors import SosSyncError
from sos_sync.ops.school import is_open, rows
from sos_sync.run.morning_report import needs_attention
from sos_sync.run.state import read_runs
from sos_sync.tracker.schema import NEEDS_REVIEW, SCHOOLS, TabData


def _schools(tab: TabData | None) -> tuple[dict[int, int], list[dict[str, str]]]:
    by_step = {s: 0 for s in range(1, 6)}
    stalled: list[dict[str, str]] = []
    for row in rows(tab):
        if not row.get("URN"):
            continue
        step = row.get("Step", "")
        if step.isdigit() and 1 <= int(step) <= 5:
            by_step[int(step)] += 1
        if row.get("Stalled") == "Yes":
            stalled.append(
                {
                    "urn": row["URN"],
                    "school": row.get("School", ""),
                    "last_activity": row.get("Last activity", ""),
                }
            )
    return by_step, stalled


def workspace_status(workspace: Path, today: dt.date) -> dict[str, Any]:
    """Schools per step, stalled schools, open problems, the last run and what needs attention."""
    config = load_config(workspace)
    tracker_error = None
    tabs: dict[str, TabData | None] = {}
    try:
        tabs = make_backend(config).tracker.read_tabs((SCHOOLS, NEEDS_REVIEW))
    except (SosSyncError, OSError) as exc:  # damaged, locked or unreachable
        tracker_error = f"The tracker cannot be read: {exc}"
    by_step, stalled = _schools(tabs.get(SCHOOLS.name))
    open_problems = sum(1 for p in rows(tabs.get(NEEDS_REVIEW.name)) if is_open(p))
    runs = read_runs(config.workspace)
    attention = needs_attention(
        [(str(r.get("finished", "")), bool(r.get("ok"))) for r in runs],
        dt.datetime.now(dt.UTC),
    )
    return {
        "ok": tracker_error is None,
        "by_step": by_step,
        "stalled": stalled,
        "open_problems": open_problems,
        "last_run": runs[-1] if runs else None,
        "attention": attention or tracker_error,
        "tracker_error": tracker_error,
    }
