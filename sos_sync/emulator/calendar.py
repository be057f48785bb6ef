"""Calendar v3: events insert / list / get / patch / update / delete, and calendars.get.

Client ids must be base32hex (`a-v`, `0-9`, 5-1024 chars); an id already used (also by a
deleted, i.e. cancelled, event) is a 409; deleting a cancelled event is a 410; all-day `end.date`
is exclusive; `privateExtendedProperty=k=v` filters repeat as AND; lists page with tokens.
"""

from __future__ import annotations

import base64
import copy
import json
import re
import secrets
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sos_sync.emulator.errors import ApiError
from sos_sync.emulator.request import Request
from sos_sync.emulator.state import State, now_rfc3339

_ID = re.compile(r"[a-v0-9]{5,1024}\Z")
SERVICE_ACCOUNT_ATTENDEES = (
    "Service accounts cannot invite attendees without Domain-Wide Delegation of Authority."
)


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


def _calendar(req: Request) -> dict[str, Any]:
    calendar = req.state.calendars.get(req.param("calendarId"))
    if calendar is None:
        raise ApiError(404, "Not Found", reason="notFound")
    return calendar  # type: ignore[no-any-return]


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ApiError(400, f"Invalid time zone definition: {name}", reason="invalid") from exc


def _normalise_time(value: Any, which: str, calendar: dict[str, Any]) -> dict[str, Any]:
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
        moment = moment.replace(tzinfo=_zone(zone_name))
    target = _zone(zone_name or calendar["timeZone"])
    out["dateTime"] = moment.astimezone(target).isoformat()
    return out


def _instant(when: dict[str, Any], calendar: dict[str, Any]) -> datetime:
    if when.get("dateTime"):
        return datetime.fromisoformat(when["dateTime"])
    return datetime.combine(date.fromisoformat(when["date"]), time(), _zone(calendar["timeZone"]))


def _check_times(event: dict[str, Any], calendar: dict[str, Any]) -> None:
    event["start"] = _normalise_time(event.get("start"), "start", calendar)
    event["end"] = _normalise_time(event.get("end"), "end", calendar)
    if bool(event["start"].get("date")) != bool(event["end"].get("date")):
        raise ApiError(
            400,
            "Start and end times must either both be date or both be dateTime.",
            reason="invalid",
        )
    start, end = _instant(event["start"], calendar), _instant(event["end"], calendar)
    if end < start or (event["start"].get("date") and end == start):
        raise ApiError(400, "The specified time range is empty.", reason="timeRangeEmpty")


def _check_attendees(req: Request, event: dict[str, Any]) -> None:
    if event.get("attendees") and req.state.settings.get("serviceAccount"):
        raise ApiError(403, SERVICE_ACCOUNT_ATTENDEES, reason="forbiddenForServiceAccounts")
    for attendee in event.get("attendees") or []:
        if not attendee.get("email") and not attendee.get("id"):
            raise ApiError(400, "Missing attendee email.", reason="required")
        attendee.setdefault("responseStatus", "needsAction")


def _notify(req: Request, calendar: dict[str, Any], event: dict[str, Any], action: str) -> None:
    mode = req.arg("sendUpdates") or ("all" if req.flag("sendNotifications") else "none")
    if mode != "none" and event.get("attendees"):
        calendar["notifications"].append(
            {
                "eventId": event["id"],
                "action": action,
                "sendUpdates": mode,
                "to": [a.get("email") for a in event["attendees"]],
            }
        )


def _stamp(event: dict[str, Any]) -> None:
    event["updated"] = now_rfc3339()
    event["etag"] = f'"{secrets.randbits(52)}"'


def _merge(target: dict[str, Any], changes: dict[str, Any]) -> None:
    for key, value in changes.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)


def events_insert(req: Request) -> tuple[int, Any]:
    """POST /calendar/v3/calendars/{calendarId}/events"""
    calendar = _calendar(req)
    body = copy.deepcopy(req.json())
    event_id = body.get("id") or secrets.token_hex(13)
    if not _ID.match(event_id):
        raise ApiError(400, "Invalid resource id value.", reason="invalid")
    if event_id in calendar["events"]:
        raise ApiError(409, "The requested identifier already exists.", reason="duplicate")
    _check_times(body, calendar)
    _check_attendees(req, body)
    stamp = now_rfc3339()
    event: dict[str, Any] = {
        "kind": "calendar#event",
        "id": event_id,
        "status": "confirmed",
        "htmlLink": f"https://www.google.com/calendar/event?eid={event_id}",
        "created": stamp,
        "creator": {"email": "owner@emulator.test"},
        "organizer": {"email": calendar["id"], "displayName": calendar["summary"], "self": True},
        "iCalUID": f"{event_id}@google.com",
        "sequence": 0,
        "reminders": {"useDefault": True},
        "eventType": "default",
    }
    event.update({k: v for k, v in body.items() if v is not None})
    event["id"] = event_id
    _stamp(event)
    calendar["events"][event_id] = event
    _notify(req, calendar, event, "insert")
    return 200, event


def _event(req: Request, calendar: dict[str, Any]) -> dict[str, Any]:
    event = calendar["events"].get(req.param("eventId"))
    if event is None:
        raise ApiError(404, "Not Found", reason="notFound")
    return event  # type: ignore[no-any-return]


def events_get(req: Request) -> tuple[int, Any]:
    """GET .../events/{eventId} (cancelled events too)."""
    return 200, _event(req, _calendar(req))


def events_patch(req: Request) -> tuple[int, Any]:
    """PATCH .../events/{eventId}: merge the given fields."""
    calendar = _calendar(req)
    event = _event(req, calendar)
    body = req.json()
    if body.get("id") not in (None, event["id"]):
        raise ApiError(400, "The event id cannot be changed.", reason="invalid")
    work = copy.deepcopy(event)
    _merge(work, body)
    _check_times(work, calendar)
    _check_attendees(req, work)
    work["sequence"] = int(event.get("sequence", 0)) + 1
    _stamp(work)
    calendar["events"][event["id"]] = work
    _notify(req, calendar, work, "update")
    return 200, work


def events_update(req: Request) -> tuple[int, Any]:
    """PUT .../events/{eventId}: replace the event (server fields kept)."""
    calendar = _calendar(req)
    event = _event(req, calendar)
    body = copy.deepcopy(req.json())
    if body.get("id") not in (None, event["id"]):
        raise ApiError(400, "The event id cannot be changed.", reason="invalid")
    _check_times(body, calendar)
    _check_attendees(req, body)
    keep = ("kind", "id", "htmlLink", "created", "creator", "organizer", "iCalUID", "eventType")
    work = {k: event[k] for k in keep if k in event}
    work["status"] = event["status"]
    work["reminders"] = {"useDefault": True}
    work.update({k: v for k, v in body.items() if v is not None})
    work["sequence"] = int(event.get("sequence", 0)) + 1
    _stamp(work)
    calendar["events"][event["id"]] = work
    _notify(req, calendar, work, "update")
    return 200, work


def events_delete(req: Request) -> tuple[int, Any]:
    """DELETE .../events/{eventId}: the event becomes cancelled; its id stays taken."""
    calendar = _calendar(req)
    event = _event(req, calendar)
    if event["status"] == "cancelled":
        raise ApiError(410, "Resource has been deleted", reason="deleted")
    event["status"] = "cancelled"
    _stamp(event)
    _notify(req, calendar, event, "delete")
    return 204, None


def _property_filters(values: list[str], name: str) -> list[tuple[str, str]]:
    pairs = []
    for value in values:
        key, sep, wanted = value.partition("=")
        if not sep or not key:
            raise ApiError(400, f"Invalid {name} value: {value}", reason="invalid", location=name)
        pairs.append((key, wanted))
    return pairs


def _bound(req: Request, name: str) -> datetime | None:
    value = req.arg(name)
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ApiError(400, "Bad Request", reason="badRequest", location=name) from exc
    if moment.tzinfo is None:
        raise ApiError(400, "Bad Request", reason="badRequest", location=name)
    return moment


def events_list(req: Request) -> tuple[int, Any]:
    """GET .../events with extended-property filters, time window, paging."""
    calendar = _calendar(req)
    private = _property_filters(req.args("privateExtendedProperty"), "privateExtendedProperty")
    shared = _property_filters(req.args("sharedExtendedProperty"), "sharedExtendedProperty")
    if req.arg("syncToken") and (private or shared or req.arg("timeMin") or req.arg("q")):
        raise ApiError(400, "Sync token cannot be combined with these filters.", reason="invalid")
    if req.arg("orderBy") == "startTime" and not req.flag("singleEvents"):
        raise ApiError(
            400,
            "The requested ordering is not available for the particular query.",
            reason="badRequest",
        )
    size = req.integer("maxResults", 250)
    if size < 1:
        raise ApiError(
            400, "Invalid value for maxResults.", reason="invalid", location="maxResults"
        )
    size = min(size, 2500)
    low, high = _bound(req, "timeMin"), _bound(req, "timeMax")
    show_deleted = req.flag("showDeleted")
    text = (req.arg("q") or "").lower()
    found = []
    for event in calendar["events"].values():
        if event["status"] == "cancelled" and not show_deleted:
            continue
        props = event.get("extendedProperties") or {}
        if any((props.get("private") or {}).get(k) != v for k, v in private):
            continue
        if any((props.get("shared") or {}).get(k) != v for k, v in shared):
            continue
        if req.arg("iCalUID") and event.get("iCalUID") != req.arg("iCalUID"):
            continue
        if low and _instant(event["end"], calendar) <= low:
            continue
        if high and _instant(event["start"], calendar) >= high:
            continue
        haystack = " ".join(
            str(event.get(k, "")) for k in ("summary", "description", "location")
        ).lower()
        if text and text not in haystack:
            continue
        found.append(event)
    if req.arg("orderBy") == "startTime":
        found.sort(key=lambda e: _instant(e["start"], calendar).astimezone(UTC))
    elif req.arg("orderBy") == "updated":
        found.sort(key=lambda e: e["updated"])
    query_key = json.dumps(sorted((k, v) for k, v in req.query.items() if k != "pageToken"))
    offset = 0
    token = req.arg("pageToken")
    if token:
        try:
            data = json.loads(base64.urlsafe_b64decode(token.encode()))
            offset = int(data["o"])
            if data["k"] != query_key:
                raise ValueError("token of another query")
        except (ValueError, KeyError, TypeError) as exc:
            raise ApiError(
                400, "Invalid page token value.", reason="invalid", location="pageToken"
            ) from exc
    chunk = found[offset : offset + size]
    reply: dict[str, Any] = {
        "kind": "calendar#events",
        "etag": f'"{len(found)}"',
        "summary": calendar["summary"],
        "updated": now_rfc3339(),
        "timeZone": calendar["timeZone"],
        "accessRole": "owner",
        "defaultReminders": [],
        "items": chunk,
    }
    if offset + size < len(found):
        raw = json.dumps({"o": offset + size, "k": query_key}).encode()
        reply["nextPageToken"] = base64.urlsafe_b64encode(raw).decode()
    else:
        reply["nextSyncToken"] = f"emu-sync-{len(found)}"
    return 200, reply


def calendars_get(req: Request) -> tuple[int, Any]:
    """GET /calendar/v3/calendars/{calendarId}"""
    calendar = _calendar(req)
    return 200, {
        "kind": "calendar#calendar",
        "id": calendar["id"],
        "summary": calendar["summary"],
        "timeZone": calendar["timeZone"],
        "etag": '"1"',
    }


HANDLERS = {
    "calendar.events.insert": events_insert,
    "calendar.events.list": events_list,
    "calendar.events.get": events_get,
    "calendar.events.patch": events_patch,
    "calendar.events.update": events_update,
    "calendar.events.delete": events_delete,
    "calendar.calendars.get": calendars_get,
}
