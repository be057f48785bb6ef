"""The accreditation steps: a table of pure rules over a school's milestones (SPEC §6).

`today` is always passed in; nothing here reads the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Milestones:
    """A school's evidence, from responses and from what leads typed."""

    eoi_received: dt.date | None = None
    pledge_signed: dt.date | None = None
    slt_commitment: dt.date | None = None
    audit_completed: dt.date | None = None
    action_plan_received: dt.date | None = None
    events_attended: int = 0
    draft_submitted: dt.date | None = None
    draft_feedback_sent: dt.date | None = None
    final_submitted: dt.date | None = None
    panel_date: dt.date | None = None
    visit_date: dt.date | None = None
    awarded_on: dt.date | None = None
    step_override: int | None = None
    # the latest other activity (SPEC §6.4): a valid response, the end of an event counted
    # in `events_attended`
    other_activity: dt.date | None = None


@dataclass(frozen=True)
class Position:
    """Where a school stands on the timeline."""

    step: int
    stage: str
    next_action: str
    stalled: bool
    renewal_due: dt.date | None
    last_activity: dt.date | None


STAGE_LABELS = {
    1: "Getting started",
    2: "Action planning",
    3: "Draft application",
    4: "Final application and assessment",
    5: "Renewal due",
}


def long_date(day: dt.date) -> str:
    """`14 July 2028`."""
    return f"{day.day} {day:%B %Y}"


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def renewal_due(m: Milestones, years: int = 3) -> dt.date | None:
    return add_years(m.awarded_on, years) if m.awarded_on else None


def last_activity(m: Milestones) -> dt.date | None:
    days = [
        d
        for d in (
            m.eoi_received,
            m.pledge_signed,
            m.slt_commitment,
            m.audit_completed,
            m.action_plan_received,
            m.draft_submitted,
            m.draft_feedback_sent,
            m.final_submitted,
            m.panel_date,
            m.visit_date,
            m.awarded_on,
            m.other_activity,
        )
        if d is not None
    ]
    return max(days) if days else None


Rule = tuple[int, str, Callable[[Milestones, dt.date, int, int], bool]]

# First rule that holds wins (SPEC §6.2).
RULES: tuple[Rule, ...] = (
    (
        5,
        "Renewal due",
        lambda m, today, years, warn: (
            m.awarded_on is not None
            and today >= add_years(m.awarded_on, years) - dt.timedelta(days=warn)
        ),
    ),
    (4, "Awarded", lambda m, today, y, w: m.awarded_on is not None),
    (
        4,
        "Final application and assessment",
        lambda m, today, y, w: bool(m.final_submitted or m.panel_date or m.visit_date),
    ),
    (3, "Draft application", lambda m, today, y, w: m.draft_submitted is not None),
    (
        2,
        "Action planning",
        lambda m, today, y, w: bool(m.pledge_signed and m.slt_commitment and m.audit_completed),
    ),
    (1, "Getting started", lambda m, today, y, w: True),
)


def next_action(step: int, stage: str, m: Milestones, renewal: dt.date | None) -> str:
    """The first missing item of the current step, in plain words."""
    if step == 1:
        if m.eoi_received is None:
            return "Send an expression of interest"
        if m.slt_commitment is None:
            return "Secure commitment from SLT and governors"
        if m.pledge_signed is None:
            return "Sign the City of Sanctuary pledge"
        if m.audit_completed is None:
            return "Complete the audit"
        return "Create an action plan"
    if step == 2:
        if m.action_plan_received is None:
            return "Create and send the action plan"
        return "Submit the draft application"
    if step == 3:
        if m.draft_submitted is None:
            return "Submit the draft application"
        if m.draft_feedback_sent is None or m.draft_feedback_sent < m.draft_submitted:
            return "Local lead to review the draft"
        return "Respond to feedback and submit the final application and portfolio"
    if step == 4 and stage.startswith("Awarded"):
        return f"Renewal due on {long_date(renewal)}" if renewal else "Celebrate and share the news"
    if step == 4:
        if m.final_submitted is None:
            return "Submit the final application and portfolio"
        if m.panel_date is None:
            return "Local lead to set the panel date"
        if m.visit_date is None:
            return "Arrange the school visit"
        return "Record the award date (Awarded on)"
    if renewal:
        return f"Renew the pledge and status (renewal due on {long_date(renewal)})"
    return "Renew the pledge and status"


def position(
    m: Milestones,
    today: dt.date,
    *,
    renewal_years: int = 3,
    renewal_warning_days: int = 90,
    stalled_after_days: int = 90,
) -> Position:
    """Apply the rules: step, stage label, next action, stalled, renewal due, last activity."""
    renewal = renewal_due(m, renewal_years)
    last = last_activity(m)
    step, stage = next(
        (s, label)
        for s, label, holds in RULES
        if holds(m, today, renewal_years, renewal_warning_days)
    )
    if m.step_override is not None and 1 <= m.step_override <= 5:
        step = m.step_override
        label = STAGE_LABELS[step]
        if step == 4 and m.awarded_on is not None:
            label = "Awarded"
        stage = f"{label} (set by lead)"
    stalled = m.awarded_on is None and last is not None and (today - last).days > stalled_after_days
    return Position(
        step=step,
        stage=stage,
        next_action=next_action(step, stage, m, renewal),
        stalled=stalled,
        renewal_due=renewal,
        last_activity=last,
    )
