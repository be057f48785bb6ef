"""The night in numbers: the `Dashboard` rows and the night's `Run log` row."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from sos_sync.config.load import Config
from sos_sync.domain.headline import headline as night_headline
from sos_sync.domain.report import Applied, RunReport
from sos_sync.domain.responses import Problem
from sos_sync.domain.steps import STAGE_LABELS

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


@dataclass(frozen=True)
class Found:
    """What the report carries besides the counts."""

    schools_updated: int
    docs_deferred: int
    failed_forms: dict[str, str]
    problems: tuple[Problem, ...]
    new_problems: tuple[Problem, ...]


def report_of(
    counts: Counts, config: Config, today: dt.date, run_id: str, found: Found
) -> RunReport:
    """The night's report as the plan sees it (apply adds what it sent)."""
    return RunReport(
        day=today,
        started=today.isoformat(),
        ok=True,
        error=None,
        backend=config.backend,
        run_id=run_id,
        new_responses=dict(counts.new_by_kind),
        updated_responses=counts.responses_updated,
        schools_created=counts.schools_created,
        schools_updated=found.schools_updated,
        step_moves=counts.moves,
        by_step=counts.by_step,
        stalled=counts.stalled,
        events_created=counts.events_created,
        events_updated=counts.events_updated,
        docs_created=counts.docs_created,
        docs_updated=counts.docs_updated,
        docs_deferred=found.docs_deferred,
        problems_new=counts.problems_new,
        problems_open=counts.problems_open,
        failed_forms=dict(found.failed_forms),
        changes=counts.changes,
        problems=found.problems,
        new_problems=found.new_problems,
    )


def carrying(report: RunReport, carried: Applied, resumed: RunReport | None) -> RunReport:
    """The report of a rerun after a killed run: what that run applied counts too."""
    if resumed is not None and not report.changes:
        # the killed run's tracker write landed: its report stands
        return dataclasses.replace(resumed, problems=report.problems)
    changes = report.changes + carried.events_changed + carried.docs_changed
    return dataclasses.replace(report.carrying(carried), changes=changes)


def headline(report: RunReport) -> str:
    return night_headline(report)


def dashboard_rows(
    counts: Counts, config: Config, today: dt.date, line: str, changes: int
) -> Desired:
    rows: Desired = {}
    if changes:  # the top of the Dashboard: what the last night with changes did
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


def run_log_rows(report: RunReport, config: Config, today: dt.date, line: str) -> Desired:
    if not report.changes:
        return {}
    return {
        report.run_id: {
            "Run ID": report.run_id,
            "Started": today.isoformat(),
            "Backend": config.backend,
            "Result": "OK" if not report.failed_forms else "Completed; a form failed",
            "New responses": str(report.responses_new),
            "Updated responses": str(report.updated_responses),
            "Schools created": str(report.schools_created),
            "Schools moved": str(len(report.step_moves)),
            "Events changed": str(report.events_changed),
            "Documents changed": str(report.docs_changed),
            "New problems": str(report.problems_new),
            "Cells written": str(report.changes),
            "Summary": line,
        }
    }
