"""The report's one door to the rest of sos-sync: tracker tabs, run history, step rules.

Everything the report needs from outside its own package is imported here and only
here, so a move of the modules around it touches this file alone. It reads and never
writes: the tracker through the backend's tracker store (local `tracker.xlsx` or the
Google Sheet alike), the run history through `run_history()`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from sos_sync.backends.factory import make_backend
from sos_sync.config.load import Config, load_config
from sos_sync.domain.forms import FORM_KINDS, STAGES, FormKind
from sos_sync.domain.responses import match_choice, parse_day, split_checkbox
from sos_sync.domain.steps import STAGE_LABELS, Milestones, add_years, long_date, position
from sos_sync.errors import SosSyncError, UsageError
from sos_sync.files import atomic_write_bytes
from sos_sync.ops.export import escape_cell
from sos_sync.run.state import read_runs
from sos_sync.tracker.schema import (
    EVENTS,
    MILESTONE_COLUMNS,
    SCHOOLS,
    TabData,
    TabSpec,
    response_tab,
)

__all__ = [
    "FORM_KINDS",
    "MILESTONE_COLUMNS",
    "STAGES",
    "STAGE_LABELS",
    "FormKind",
    "NightCounts",
    "Rules",
    "SosSyncError",
    "TrackerRead",
    "UsageError",
    "add_years",
    "atomic_write_bytes",
    "escape_cell",
    "long_date",
    "match_choice",
    "parse_day",
    "read_tracker",
    "run_history",
    "split_checkbox",
    "step_on",
]


@dataclass(frozen=True)
class Rules:
    """The workspace's step rules (SPEC §6.2), as configured."""

    stalled_after_days: int = 90
    renewal_years: int = 3
    renewal_warning_days: int = 90


@dataclass
class TrackerRead:
    """The tabs the report reads, each as its header and rows of cell text."""

    backend: str
    rules: Rules
    schools: TabData | None
    events: TabData | None
    responses: dict[FormKind, TabData | None] = field(default_factory=dict)
    signup_events_column: str = "Events"
    stage_column: str = "Submitting"


def read_tracker(workspace: Path) -> TrackerRead:
    """Read `Schools`, `Events` and the five response tabs in one read of the tracker."""
    config: Config = load_config(workspace)
    backend = make_backend(config)
    specs: list[TabSpec] = [SCHOOLS, EVENTS, *(response_tab(config.forms[k]) for k in FORM_KINDS)]
    tabs = backend.tracker.read_tabs(specs)
    r = config.rules
    return TrackerRead(
        backend=backend.name,
        rules=Rules(r.stalled_after_days, r.renewal_years, r.renewal_warning_days),
        schools=tabs.get(SCHOOLS.name),
        events=tabs.get(EVENTS.name),
        responses={k: tabs.get(config.forms[k].tab) for k in FORM_KINDS},
        signup_events_column=config.forms["signup"].field("events").header,
        stage_column=config.forms["application"].field("stage").header,
    )


@dataclass(frozen=True)
class NightCounts:
    """One night of the run history: schools per step as that night's sync counted them."""

    day: dt.date
    by_step: dict[int, int]


def run_history(workspace: Path) -> list[NightCounts]:
    """The completed nights of the run history, oldest first (the last run of a day wins).

    The history is read through `read_runs` (the state database); this is the one place
    that reads it.
    """
    by_day: dict[dt.date, dict[int, int]] = {}
    for rec in read_runs(workspace):
        if not rec.get("ok") or not isinstance(rec.get("by_step"), dict):
            continue
        try:
            day = dt.date.fromisoformat(str(rec.get("today", "")))
            counts = {int(k): int(v) for k, v in rec["by_step"].items()}
        except (TypeError, ValueError):
            continue  # a damaged line tells us nothing; the milestones fill the gap
        by_day[day] = {s: counts.get(s, 0) for s in range(1, 6)}
    return [NightCounts(d, by_day[d]) for d in sorted(by_day)]


def step_on(
    dates: dict[str, dt.date | None],
    override: int | None,
    day: dt.date,
    rules: Rules,
    known_by: dt.date | None = None,
) -> int:
    """The school's step on `day`, by the rules of SPEC §6.2, from the milestones dated up
    to `known_by` (default `day`; a panel booked ahead counts today, as in the tracker).

    `dates` maps `Schools` column names to dates; a lead's `Step override` wins.
    """
    cutoff = known_by or day

    def by(col: str) -> dt.date | None:
        d = dates.get(col)
        return d if d is not None and d <= cutoff else None

    m = Milestones(
        eoi_received=by("EOI received"),
        pledge_signed=by("Pledge signed"),
        slt_commitment=by("SLT commitment"),
        audit_completed=by("Audit completed"),
        action_plan_received=by("Action plan received"),
        draft_submitted=by("Draft submitted"),
        draft_feedback_sent=by("Draft feedback sent"),
        final_submitted=by("Final submitted"),
        panel_date=by("Panel date"),
        visit_date=by("Visit date"),
        awarded_on=by("Awarded on"),
        step_override=override,
    )
    return position(
        m,
        day,
        renewal_years=rules.renewal_years,
        renewal_warning_days=rules.renewal_warning_days,
        stalled_after_days=rules.stalled_after_days,
    ).step
