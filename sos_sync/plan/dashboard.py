"""The night in numbers: the `Dashboard` rows and the night's `Run log` row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sos_sync.config.load import Config
from sos_sync.domain.steps import STAGE_LABELS
from sos_sync.run.morning_report import NightSummary
from sos_sync.run.morning_report import headline as night_headline

Desired = dict[str, dict[str, str]]


@dataclass(frozen=True)
class Counts:
    """What the night found and changed, counted."""

    new_by_kind: dict[str, int]
    responses_new: int
    responses_updated: int
    schools_created: int
    moves: tuple[tuple[str, str, int, int], ...]
    by_step: dict[int, int]
    stalled: int
    schools: int
    events_created: int
    events_updated: int
    docs_created: int
    docs_updated: int
    problems_new: int
    problems_open: int
    changes: int
    failed: bool


def headline(counts: Counts, config: Config, today: dt.date) -> str:
    summary = NightSummary(
        day=today,
        started=today.isoformat(),
        ok=True,
        error=None,
        backend=config.backend,
        new_responses=dict(counts.new_by_kind),
        updated_responses=counts.responses_updated,
        schools_created=counts.schools_created,
        step_moves=counts.moves,
        by_step=counts.by_step,
        stalled=counts.stalled,
        events_created=counts.events_created,
        events_updated=counts.events_updated,
        docs_created=counts.docs_created,
        docs_updated=counts.docs_updated,
        problems_new=counts.problems_new,
        problems_open=counts.problems_open,
        writes=counts.changes,
    )
    return night_headline(summary)


def dashboard_rows(counts: Counts, config: Config, today: dt.date, line: str) -> Desired:
    rows: Desired = {}
    if counts.changes:  # the top of the Dashboard: what the last night with changes did
        rows["Last night"] = {"Measure": "Last night", "Value": today.isoformat(), "Detail": line}
    for step in range(1, 6):
        rows[f"Step {step}"] = {
            "Measure": f"Step {step}",
            "Value": str(counts.by_step.get(step, 0)),
            "Detail": STAGE_LABELS[step],
        }
    rows["Schools"] = {
        "Measure": "Schools",
        "Value": str(counts.schools),
        "Detail": "in the tracker",
    }
    rows["Stalled"] = {
        "Measure": "Stalled",
        "Value": str(counts.stalled),
        "Detail": f"no activity for {config.rules.stalled_after_days} days",
    }
    rows["Open problems"] = {
        "Measure": "Open problems",
        "Value": str(counts.problems_open),
        "Detail": "see the Needs review tab",
    }
    return rows


def run_log_rows(counts: Counts, config: Config, today: dt.date, run_id: str, line: str) -> Desired:
    if not counts.changes:
        return {}
    return {
        run_id: {
            "Run ID": run_id,
            "Started": today.isoformat(),
            "Backend": config.backend,
            "Result": "OK" if not counts.failed else "Completed; a form failed",
            "New responses": str(counts.responses_new),
            "Updated responses": str(counts.responses_updated),
            "Schools created": str(counts.schools_created),
            "Schools moved": str(len(counts.moves)),
            "Events changed": str(counts.events_created + counts.events_updated),
            "Documents changed": str(counts.docs_created + counts.docs_updated),
            "New problems": str(counts.problems_new),
            "Cells written": str(counts.changes),
            "Summary": line,
        }
    }
