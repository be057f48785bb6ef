"""`sos-sync status`: where the schools stand and what needs a person, without writing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sos_sync.backends.factory import make_backend
from sos_sync.config.load import load_config
from sos_sync.errors import SosSyncError
from sos_sync.run.state import read_runs
from sos_sync.tracker.schema import NEEDS_REVIEW, SCHOOLS


def workspace_status(workspace: Path, today: dt.date) -> dict[str, Any]:
    config = load_config(workspace)
    backend = make_backend(config)
    tracker_error = None
    try:
        tabs = backend.tracker.read_tabs((SCHOOLS, NEEDS_REVIEW))
    except SosSyncError as exc:  # damaged, locked or unreachable: status still answers
        tabs = {}
        tracker_error = str(exc)
    by_step = {s: 0 for s in range(1, 6)}
    stalled: list[dict[str, str]] = []
    schools = tabs.get("Schools")
    if schools is not None:
        ci = schools.col_index()

        def get(row: list[str], col: str) -> str:
            i = ci.get(col)
            return row[i] if i is not None and i < len(row) else ""

        for row in schools.rows:
            if not get(row, "URN"):
                continue
            step = get(row, "Step")
            if step.isdigit() and 1 <= int(step) <= 5:
                by_step[int(step)] += 1
            if get(row, "Stalled") == "Yes":
                stalled.append(
                    {
                        "urn": get(row, "URN"),
                        "school": get(row, "School"),
                        "last_activity": get(row, "Last activity"),
                    }
                )
    open_problems = 0
    problems = tabs.get("Needs review")
    if problems is not None:
        ci = problems.col_index()
        for row in problems.rows:
            st = row[ci["Status"]] if "Status" in ci and ci["Status"] < len(row) else ""
            res = row[ci["Resolved"]] if "Resolved" in ci and ci["Resolved"] < len(row) else ""
            if st == "Open" and res.strip().lower() not in ("yes", "y", "true", "done"):
                open_problems += 1
    runs = read_runs(config.workspace)
    attention = None
    try:
        from sos_sync.run.morning_report import needs_attention

        attention = needs_attention(
            [(str(r.get("finished", "")), bool(r.get("ok"))) for r in runs],
            dt.datetime.now(dt.UTC),
        )
    except ImportError:  # pragma: no cover
        pass
    return {
        "by_step": by_step,
        "stalled": stalled,
        "open_problems": open_problems,
        "last_run": runs[-1] if runs else None,
        "attention": attention or tracker_error,
    }
