"""Calendar v3 model: calendars, events, their times, attendees and the shapes Google shows them in.

Google's habits kept here: an attendee whose e-mail is not an address fails the whole event
(400 "Invalid attendee email."); a cancelled event lists as its id and status only; the
organizer on the primary calendar has no displayName; the creator is marked `self`.
"""

from __future__ import annotations

import copy
import re
import secrets
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sos_sync.emulator.errors import ApiError
from sos_sync.emulator.state import State, now_rfc3339

ME = "owner@emulator.test"
SERVICE_ACCOUNT_ATTENDEES = (
    "Service accounts cannot invite attendees without Domain-Wide Delegation of Authority."
)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+\Z")


def new_calendar(
    state: State, calendar_id: str, summary: str, time_zone: str = "Europe/London"
) -> dict[str, Any]:
    """Create a calendar (admin)."""
    calendar = {
        "id": calendar_id,
        "summary": summary,
        "timeZone": time_zone,
        "events": {},
        "notifications": [],
    }
    state.calendars[calendar_id] = calendar
    return calendar


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ApiError(400, f"Invalid time zone definition: {name}", reason="invalid") from exc


def normalise_time(value: Any, which: str, calendar: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(value, dict) or not (value.get("date") or value.get("dateTime")):
        raise ApiError(400, f"Missing {which} time.", reason="required")
    out = {k: v for k, v in value.items() if v is not None}
    if out.get("date") and out.get("dateTime"):
        raise ApiError(400, f"Invalid {which} time: both date and dateTime.", reason="invalid")
    if out.get("date"):
        try:
            date.fromisoformat(out["date"])
        except ValueError as exc:
            raise ApiError(400, f"Invalid {which} time.", reason="invalid") from exc
        return out
    try:
        moment = datetime.fromisoformat(out["dateTime"].replace("Z", "+00:00"))
    except ValueError as exc:
        raise ApiError(400, f"Invalid {which} time.", reason="invalid") from exc
    zone_name = out.get("timeZone")
    if moment.tzinfo is None:
        if not zone_name:
            raise ApiError(
                400, f"Missing time zone definition for {which} time.", reason="required"
            )
        moment = moment.replace(tzinfo=zone(zone_name))
    target = zone(zone_name or calendar["timeZone"])
    out["dateTime"] = moment.astimezone(target).isoformat()
    return out


def instant(when: dict[str, Any], calendar: dict[str, Any]) -> datetime:
    if when.get("dateTime"):
        return datetime.fromisoformat(when["dateTime"])
    return datetime.combine(date.fromisoformat(when["date"]), time(), zone(calendar["timeZone"]))


def check_times(event: dict[str, Any], calendar: dict[str, Any]) -> None:
    event["start"] = normalise_time(event.get("start"), "start", calendar)
    event["end"] = normalise_time(event.get("end"), "end", calendar)
    if bool(event["start"].get("date")) != bool(event["end"].get("date")):
        raise ApiError(
            400,
            "Start and end times must either both be date or both be dateTime.",
            reason="invalid",
        )
    start, end = instant(event["start"], calendar), instant(event["end"], calendar)
    if end < start or (event["start"].get("date") and end == start):
        raise ApiError(400, "The specified time range is empty.", reason="timeRangeEmpty")


def check_attendees(state: State, event: dict[str, Any]) -> None:
    """Google refuses the whole event when one attendee's e-mail is not an address."""
    if event.get("attendees") and state.settings.get("serviceAccount"):
        raise ApiError(403, SERVICE_ACCOUNT_ATTENDEES, reason="forbiddenForServiceAccounts")
    for attendee in event.get("attendees") or []:
        if not attendee.get("email") and not attendee.get("id"):
            raise ApiError(400, "Missing attendee email.", reason="required")
        if attendee.get("email") and not _EMAIL.match(str(attendee["email"])):
            raise ApiError(400, "Invalid attendee email.", reason="invalid")
        attendee.setdefault("responseStatus", "needsAction")


def notify(calendar: dict[str, Any], event: dict[str, Any], action: str, mode: str) -> None:
    """Record the invitation e-mails Google would send (`sendUpdates` other than none)."""
    if mode != "none" and event.get("attendees"):
        calendar["notifications"].append(
            {
                "eventId": event["id"],
                "action": action,
                "sendUpdates": mode,
                "to": [a.get("email") for a in event["attendees"]],
            }
        )


def stamp(event: dict[str, Any]) -> None:
    event["updated"] = now_rfc3339()
    event["etag"] = f'"{secrets.randbits(52)}"'


def merge(target: dict[str, Any], changes: dict[str, Any]) -> None:
    for key, value in changes.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)


def find_calendar(state: State, calendar_id: str) -> dict[str, Any]:
    """The calendar (`primary` is the signed-in user's own, made on first use), or 404."""
    if calendar_id == "primary" or calendar_id == ME:
        if ME not in state.calendars:
            new_calendar(state, ME, ME)
        return state.calendars[ME]  # type: ignore[no-any-return]
    calendar = state.calendars.get(calendar_id)
    if calendar is None:
        raise ApiError(404, "Not Found", reason="notFound")
    return calendar  # type: ignore[no-any-return]


def new_event(calendar: dict[str, Any], event_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """A confirmed event with Google's server-set fields."""
    organizer: dict[str, Any] = {"email": calendar["id"], "self": True}
    if calendar["id"] != ME:  # a secondary calendar shows its name; primary does not
        organizer["displayName"] = calendar["summary"]
    stamp_now = now_rfc3339()
    event: dict[str, Any] = {
        "kind": "calendar#event",
        "id": event_id,
        "status": "confirmed",
        "htmlLink": f"https://www.google.com/calendar/event?eid={event_id}",
        "created": stamp_now,
        "creator": {"email": ME, "self": True},
        "organizer": organizer,
        "iCalUID": f"{event_id}@google.com",
        "sequence": 0,
        "reminders": {"useDefault": True},
        "eventType": "default",
    }
    event.update({k: copy.deepcopy(v) for k, v in body.items() if v is not None})
    event["id"] = event_id
    stamp(event)
    return event


def public_event(event: dict[str, Any]) -> dict[str, Any]:
    """An event as Google lists it: a cancelled one is only guaranteed its id (and status)."""
    if event.get("status") == "cancelled":
        return {k: event[k] for k in ("kind", "etag", "id", "status") if k in event}
    return event
