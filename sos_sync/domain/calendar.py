"""The calendar model: the events sos-sync keeps, and their Google Calendar v3 shape (SPEC §7).

A `CalendarEvent` is what we want in the calendar, keyed by a stable `key`
(`programme:<event key>`, `catchup:<responseId>`, `panel:<URN>`, `visit:<URN>`,
`renewal:<URN>`). Timed events are in Europe/London; all-day events keep an
*inclusive* last day here and become Google's / iCalendar's exclusive end only at the edge
(`google_body`, `sos_sync.local.ics`). `fingerprint()` says when an event's content
changed; it is stored with the event so a rerun can tell our old version from a person's edit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sos_sync.domain.programme import Programme

LONDON = ZoneInfo("Europe/London")
TIMEZONE = "Europe/London"
DEFAULT_LENGTH = dt.timedelta(hours=1)
"""A timed programme event with no end time lasts this long in the calendar."""

SendUpdates = Literal["all", "externalOnly", "none"]
SEND_UPDATES: tuple[str, ...] = ("all", "externalOnly", "none")

KEY_PROPERTY = "sos_key"
FINGERPRINT_PROPERTY = "sos_fingerprint"


@dataclass(frozen=True)
class CalendarEvent:
    """One event sos-sync keeps in a calendar.

    `start`/`end` are both aware datetimes (converted to Europe/London) or both dates;
    for dates `end` is the last day, inclusive. Attendees are normalised to a sorted
    tuple of distinct lower-case e-mail addresses.
    """

    key: str
    title: str
    start: dt.datetime | dt.date
    end: dt.datetime | dt.date
    where: str = ""
    description: str = ""
    attendees: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.key:
            raise ValueError("a calendar event needs a key")
        timed = isinstance(self.start, dt.datetime)
        if timed != isinstance(self.end, dt.datetime):
            raise ValueError(f"{self.key}: start and end must both be times or both be dates")
        if isinstance(self.start, dt.datetime) and isinstance(self.end, dt.datetime):
            if self.start.tzinfo is None or self.end.tzinfo is None:
                raise ValueError(f"{self.key}: times must carry a time zone")
            # through UTC, so a wall time the clocks skip (01:30 on the spring-forward day)
            # becomes the real instant it names, as Google and calendar apps will show it
            object.__setattr__(self, "start", self.start.astimezone(dt.UTC).astimezone(LONDON))
            object.__setattr__(self, "end", self.end.astimezone(dt.UTC).astimezone(LONDON))
        if self.end < self.start:
            raise ValueError(f"{self.key}: ends ({self.end}) before it starts ({self.start})")
        emails = sorted({a.strip().lower() for a in self.attendees if a and a.strip()})
        object.__setattr__(self, "attendees", tuple(emails))

    @property
    def all_day(self) -> bool:
        """True for a date-only event."""
        return not isinstance(self.start, dt.datetime)

    @property
    def end_exclusive(self) -> dt.datetime | dt.date:
        """The end as Google and iCalendar want it: the day after the last, for all-day events."""
        if self.all_day:
            return self.end + dt.timedelta(days=1)
        return self.end

    def content(self) -> dict[str, Any]:
        """The event's content as plain JSON values (what the fingerprint covers)."""
        return {
            "title": self.title,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "where": self.where,
            "description": self.description,
            "attendees": list(self.attendees),
        }

    def fingerprint(self) -> str:
        """A stable hash of the content: it changes exactly when the event changes."""
        canonical = json.dumps(self.content(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


def event_id(key: str) -> str:
    """The Google Calendar event id for a key: base32hex (a-v, 0-9), 41 characters, stable."""
    return "s" + hashlib.sha1(key.encode("utf-8")).hexdigest()


def programme_events(
    programme: Programme, signups_by_event_key: Mapping[str, Sequence[str]]
) -> list[CalendarEvent]:
    """One calendar event per dated programme event; month-only and on-request get none.

    Args:
        programme: the year's programme.
        signups_by_event_key: e-mails of the people signed up, by programme event key.
    """
    zone = ZoneInfo(programme.timezone or TIMEZONE)
    events: list[CalendarEvent] = []
    for e in programme.events:
        if not e.is_dated or e.start is None:
            continue
        start: dt.datetime | dt.date
        end: dt.datetime | dt.date
        if e.precision == "datetime":
            start = dt.datetime.fromisoformat(e.start).replace(tzinfo=zone)
            end = (
                dt.datetime.fromisoformat(e.end).replace(tzinfo=zone)
                if e.end
                else start + DEFAULT_LENGTH
            )
        else:
            start = dt.date.fromisoformat(e.start)
            end = e.end_date or start
        lines = [e.notes] if e.notes else []
        if e.mode and e.mode.lower() not in e.where.lower():
            lines.append(f"Mode: {e.mode}")
        events.append(
            CalendarEvent(
                key=f"programme:{e.key}",
                title=e.title,
                start=start,
                end=end,
                where=e.where,
                description="\n".join(lines),
                attendees=tuple(signups_by_event_key.get(e.key, ())),
            )
        )
    return events


def send_updates(setting: str) -> SendUpdates:
    """The `sendUpdates` query parameter for a setting ("none" unless told otherwise).

    Whether Google e-mails attendees is a query parameter of events.insert/update/patch,
    not part of the event body, so the caller passes this beside `google_body`.
    """
    if setting not in SEND_UPDATES:
        raise ValueError(
            f"calendar send_updates `{setting}` is not one of {', '.join(SEND_UPDATES)}"
        )
    return setting  # type: ignore[return-value]


def _google_time(value: dt.datetime | dt.date) -> dict[str, str]:
    if isinstance(value, dt.datetime):
        return {"dateTime": value.isoformat(timespec="seconds"), "timeZone": TIMEZONE}
    return {"date": value.isoformat()}


def google_body(event: CalendarEvent) -> dict[str, Any]:
    """The Calendar v3 Event resource for an event (for insert, update or patch).

    All-day events get Google's exclusive `end.date`. The key and the fingerprint ride in
    `extendedProperties.private` so `from_google` and `edited_in_calendar` can read them back.
    """
    body: dict[str, Any] = {
        "id": event_id(event.key),
        "status": "confirmed",
        "summary": event.title,
        "location": event.where,
        "description": event.description,
        "start": _google_time(event.start),
        "end": _google_time(event.end_exclusive),
        "attendees": [{"email": a} for a in event.attendees],
        "extendedProperties": {
            "private": {KEY_PROPERTY: event.key, FINGERPRINT_PROPERTY: event.fingerprint()}
        },
    }
    return body


def _from_google_time(value: Mapping[str, Any]) -> dt.datetime | dt.date:
    if "dateTime" in value:
        moment = dt.datetime.fromisoformat(str(value["dateTime"]).replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=ZoneInfo(str(value.get("timeZone") or TIMEZONE)))
        return moment.astimezone(LONDON)
    return dt.date.fromisoformat(str(value["date"]))


def from_google(item: Mapping[str, Any]) -> CalendarEvent | None:
    """The event a Calendar v3 item holds, or None if sos-sync did not make it or it is deleted.

    A deleted (cancelled) event reads as None, so the caller sees it as missing from the
    calendar: compare with the keys it expected to find.
    """
    private = (item.get("extendedProperties") or {}).get("private") or {}
    key = private.get(KEY_PROPERTY)
    if not key or item.get("status") == "cancelled":
        return None
    try:
        start = _from_google_time(item["start"])
        end = _from_google_time(item["end"])
    except (KeyError, ValueError, TypeError):
        return None
    if not isinstance(start, dt.datetime) and not isinstance(end, dt.datetime):
        end = max(start, end - dt.timedelta(days=1))
    # Google lists the organiser (and rooms) among the attendees; we never invite them.
    attendees = tuple(
        str(a["email"])
        for a in item.get("attendees", [])
        if a.get("email") and not a.get("organizer") and not a.get("resource")
    )
    try:
        return CalendarEvent(
            key=str(key),
            title=str(item.get("summary", "")),
            start=start,
            end=end,
            where=str(item.get("location", "")),
            description=str(item.get("description", "")),
            attendees=attendees,
        )
    except ValueError:
        return None


def edited_in_calendar(item: Mapping[str, Any]) -> bool:
    """True when a person changed a sos-sync event in the calendar after we wrote it.

    The fingerprint we stored no longer matches the event's content (moved, retitled,
    attendees changed). A deleted event is reported by its absence (see `from_google`).
    """
    event = from_google(item)
    if event is None:
        return False
    stored = ((item.get("extendedProperties") or {}).get("private") or {}).get(FINGERPRINT_PROPERTY)
    return stored != event.fingerprint()
