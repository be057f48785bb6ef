"""The calendar events the night wants (SPEC §7): the programme with its signed-up
attendees, confirmed catch-up meetings, panels, visits and renewal reminders.

`plan/calendar.py` then decides which of them to create, update or leave to a person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from sos_sync.domain.calendar import CalendarEvent, programme_events
from sos_sync.domain.responses import Problem, Response
from sos_sync.domain.steps import Milestones, Position, long_date
from sos_sync.plan.calendar import meeting, parse_moment
from sos_sync.plan.model import Night, SchoolRecord


def wanted_events(
    night: Night,
    records: Mapping[str, SchoolRecord],
    milestones: Mapping[str, Milestones],
    positions: Mapping[str, Position],
    attendees: Mapping[str, Sequence[str]],
) -> tuple[list[CalendarEvent], list[Problem]]:
    """Every event the calendar should hold tonight, and the meeting times that could not be read."""
    events = list(programme_events(night.config.programme, attendees))
    problems: list[Problem] = []
    for urn in sorted(records):
        rec = records[urn]
        for r in rec.responses:
            if r.kind == "catchup":
                found = _catchup(night, rec, r)
                if isinstance(found, Problem):
                    problems.append(found)
                elif found is not None:
                    events.append(found)
        events.extend(_school_meetings(night, rec, milestones.get(urn), positions.get(urn)))
    return events, problems


def _catchup(night: Night, rec: SchoolRecord, r: Response) -> CalendarEvent | Problem | None:
    tab = night.tab(night.config.forms["catchup"].tab)
    confirmed = ((tab.value("Response ID", r.key, "Confirmed for") if tab else "") or "").strip()
    if not confirmed:
        return None
    name = rec.name or rec.urn
    when = parse_moment(confirmed)
    if when is None:
        return Problem(
            "bad_meeting_time",
            f"`Catch-up requests` › Confirmed for holds `{confirmed}`, which is not a "
            "date and time this tool can read (use 22/07/2025 15:30); no calendar "
            "event was made.",
            confirmed,
            name,
            rec.urn,
            r.key,
            "Catch-up requests",
        )
    topic = str(r.values.get("topic", "")) or "progress"
    contact = str(r.values.get("contact_email", ""))  # "" when invalid: never invited
    return meeting(
        f"catchup:{r.key}",
        f"Schools of Sanctuary catch-up – {name}",
        when,
        "In school",
        f"Catch-up requested by {name} (URN {rec.urn}) about: {topic}.",
        [contact] if contact else [],
    )


def _school_meetings(
    night: Night, rec: SchoolRecord, m: Milestones | None, pos: Position | None
) -> list[CalendarEvent]:
    urn, name = rec.urn, rec.name or rec.urn
    out: list[CalendarEvent] = []
    if m is not None and m.panel_date:
        out.append(
            meeting(
                f"panel:{urn}",
                f"Sanctuary appraisal panel – {name}",
                m.panel_date,
                "",
                f"Panel meeting to assess the application of {name} (URN {urn}).",
            )
        )
    if m is not None and m.visit_date:
        out.append(
            meeting(
                f"visit:{urn}",
                f"School visit – {name}",
                m.visit_date,
                name,
                f"Assessors visit {name} (URN {urn}) to meet pupils, staff, leaders and parents.",
            )
        )
    if pos is not None and pos.renewal_due is not None:
        remind = pos.renewal_due - dt.timedelta(days=night.config.rules.renewal_warning_days)
        awarded = long_date(m.awarded_on) if m and m.awarded_on else "?"
        out.append(
            meeting(
                f"renewal:{urn}",
                f"Renewal reminder – {name} (due {long_date(pos.renewal_due)})",
                remind,
                "",
                f"{name} (URN {urn}) was awarded on {awarded}; its Schools of Sanctuary status "
                f"is due for renewal on {long_date(pos.renewal_due)}.",
            )
        )
    return out
