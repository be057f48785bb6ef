"""Which calendar events the night keeps, and which it must leave to a person (SPEC §7).

Every event has a stable key, so a rerun never duplicates. What the sync last wrote
for each key is remembered (its fingerprint); an event a person moved, retitled or
deleted in the calendar is reported in `Needs review` once and left alone, never
fought over every night.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sos_sync.domain.calendar import CalendarEvent
from sos_sync.domain.responses import Problem, parse_day

LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class CalendarPlan:
    hold: tuple[CalendarEvent, ...]  # what the calendar holds after apply
    writes: tuple[str, ...]  # keys to create or update
    created: tuple[str, ...]
    updated: tuple[str, ...]
    record: dict[str, dict[str, str]]  # key -> {"fingerprint", "link"} after apply
    problems: list[Problem] = field(default_factory=list)


def parse_moment(text: str) -> dt.datetime | dt.date | None:
    """A meeting time a lead typed: `22/07/2025 15:30`, `2025-07-22 15:30`, `22/07/2025 3:30pm`, or a day."""
    s = text.strip()
    m = re.match(r"^(.*?)[ T,]+(\d{1,2})[:.](\d{2})(?::\d{2})?\s*([ap]m)?$", s, re.I)
    if m:
        day = parse_day(m.group(1).strip())
        hour, minute = int(m.group(2)), int(m.group(3))
        if m.group(4):
            hour = hour % 12 + (12 if m.group(4).lower() == "pm" else 0)
        if day is None or hour > 23 or minute > 59:
            return None
        return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)
    return parse_day(s)


def meeting(
    key: str,
    title: str,
    when: dt.datetime | dt.date,
    where: str,
    description: str,
    attendees: Iterable[str] = (),
    length: dt.timedelta = dt.timedelta(hours=1),
) -> CalendarEvent:
    end = when + length if isinstance(when, dt.datetime) else when
    return CalendarEvent(key, title, when, end, where, description, tuple(attendees))


def _problem(code: str, key: str, title: str, reason: str) -> Problem:
    return Problem(code, reason, value=title, source_key=key, form="Calendar")


def plan_calendar(
    desired: Iterable[CalendarEvent],
    current: Mapping[str, CalendarEvent | None],
    recorded: Mapping[str, Mapping[str, Any]],
    link_for_new: str = "",
) -> CalendarPlan:
    """Decide per key: create, update, leave alone (a person changed it), or nothing."""
    hold: list[CalendarEvent] = []
    writes: list[str] = []
    created: list[str] = []
    updated: list[str] = []
    record: dict[str, dict[str, str]] = {k: dict(v) for k, v in recorded.items()}
    problems: list[Problem] = []
    for e in desired:
        fp = e.fingerprint()
        rec = recorded.get(e.key)
        cur = current.get(e.key)
        if rec is None:
            if cur is not None and cur.fingerprint() == fp:
                record[e.key] = {"fingerprint": fp, "link": link_for_new or f"⟦event:{e.key}⟧"}
                hold.append(e)
                writes.append(e.key)  # to learn its link; the store finds it by key
                continue
            hold.append(e)
            writes.append(e.key)
            created.append(e.key)
            record[e.key] = {"fingerprint": fp, "link": link_for_new or f"⟦event:{e.key}⟧"}
            continue
        if cur is None:
            problems.append(
                _problem(
                    "event_deleted",
                    e.key,
                    e.title,
                    f"The calendar event `{e.title}` was deleted in the calendar, so the sync did "
                    "not put it back. If that was a mistake, restore it from the calendar's bin "
                    "(Google Calendar keeps deleted events for 30 days).",
                )
            )
            continue
        if cur.fingerprint() != rec.get("fingerprint"):
            problems.append(
                _problem(
                    "event_edited",
                    e.key,
                    e.title,
                    f"Someone changed the calendar event `{e.title}` (time, title, place or guests); "
                    "the sync leaves it as it is"
                    + (
                        " and did not apply its own change."
                        if fp != rec.get("fingerprint")
                        else "."
                    ),
                )
            )
            hold.append(cur)
            continue
        hold.append(e)
        if fp != rec.get("fingerprint"):
            writes.append(e.key)
            updated.append(e.key)
            record[e.key] = {"fingerprint": fp, "link": rec.get("link", "") or f"⟦event:{e.key}⟧"}
    return CalendarPlan(
        tuple(hold), tuple(writes), tuple(created), tuple(updated), record, problems
    )
