"""Calendar v3 HTTP handlers: events insert / list / get / patch / update / delete, and calendars.get.

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
from datetime import UTC, datetime
from typing import Any

from sos_sync.emulator.calendar_models import (
    check_attendees,
    check_times,
    find_calendar,
    instant,
    merge,
    new_event,
    notify,
    public_event,
    stamp,
)
from sos_sync.emulator.errors import ApiError
from sos_sync.emulator.request import Request
from sos_sync.emulator.state import now_rfc3339

_ID = re.compile(r"[a-v0-9]{5,1024}\Z")


def _send_mode(req: Request) -> str:
    return req.arg("sendUpdates") or ("all" if req.flag("sendNotifications") else "none")


def events_insert(req: Request) -> tuple[int, Any]:
    """POST /calendar/v3/calendars/{calendarId}/events"""
    calendar = find_calendar(req.state, req.param("calendarId"))
    body = copy.deepcopy(req.json())
    event_id = body.get("id") or secrets.token_hex(13)
    if not _ID.match(event_id):
        raise ApiError(400, "Invalid resource id value.", reason="invalid")
    if event_id in calendar["events"]:
        raise ApiError(409, "The requested identifier already exists.", reason="duplicate")
    check_times(body, calendar)
    check_attendees(req.state, body)
    event = new_event(calendar, event_id, body)
    calendar["events"][event_id] = event
    notify(calendar, event, "insert", _send_mode(req))
    return 200, event


def _event(req: Request, calendar: dict[str, Any]) -> dict[str, Any]:
    event = calendar["events"].get(req.param("eventId"))
    if event is None:
        raise ApiError(404, "Not Found", reason="notFound")
    return event  # type: ignore[no-any-return]


def _writable(req: Request, event: dict[str, Any], body: dict[str, Any]) -> None:
    """A stale If-Match is 412; a cancelled event may only be revived, not edited (403)."""
    wanted = next((v for k, v in req.headers.items() if k.lower() == "if-match"), None)
    if wanted and wanted != "*" and wanted != event.get("etag"):
        raise ApiError(412, "Precondition Failed", reason="conditionNotMet", location="If-Match")
    if event["status"] == "cancelled" and body.get("status") not in ("confirmed", "tentative"):
        raise ApiError(403, "Forbidden", reason="forbidden")


def events_get(req: Request) -> tuple[int, Any]:
    """GET .../events/{eventId} (cancelled events too)."""
    return 200, _event(req, find_calendar(req.state, req.param("calendarId")))


def events_patch(req: Request) -> tuple[int, Any]:
    """PATCH .../events/{eventId}: merge the given fields."""
    calendar = find_calendar(req.state, req.param("calendarId"))
    event = _event(req, calendar)
    body = req.json()
    if body.get("id") not in (None, event["id"]):
        raise ApiError(400, "The event id cannot be changed.", reason="invalid")
    _writable(req, event, body)
    work = copy.deepcopy(event)
    merge(work, body)
    check_times(work, calendar)
    check_attendees(req.state, work)
    work["sequence"] = int(event.get("sequence", 0)) + 1
    stamp(work)
    calendar["events"][event["id"]] = work
    notify(calendar, work, "update", _send_mode(req))
    return 200, work


def events_update(req: Request) -> tuple[int, Any]:
    """PUT .../events/{eventId}: replace the event (server fields kept)."""
    calendar = find_calendar(req.state, req.param("calendarId"))
    event = _event(req, calendar)
    body = copy.deepcopy(req.json())
    if body.get("id") not in (None, event["id"]):
        raise ApiError(400, "The event id cannot be changed.", reason="invalid")
    _writable(req, event, body)
    check_times(body, calendar)
    check_attendees(req.state, body)
    keep = ("kind", "id", "htmlLink", "created", "creator", "organizer", "iCalUID", "eventType")
    work = {k: event[k] for k in keep if k in event}
    work["status"] = event["status"]
    work["reminders"] = {"useDefault": True}
    work.update({k: v for k, v in body.items() if v is not None})
    work["sequence"] = int(event.get("sequence", 0)) + 1
    stamp(work)
    calendar["events"][event["id"]] = work
    notify(calendar, work, "update", _send_mode(req))
    return 200, work


def events_delete(req: Request) -> tuple[int, Any]:
    """DELETE .../events/{eventId}: the event becomes cancelled; its id stays taken."""
    calendar = find_calendar(req.state, req.param("calendarId"))
    event = _event(req, calendar)
    if event["status"] == "cancelled":
        raise ApiError(410, "Resource has been deleted", reason="deleted")
    event["status"] = "cancelled"
    stamp(event)
    notify(calendar, event, "delete", _send_mode(req))
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
    calendar = find_calendar(req.state, req.param("calendarId"))
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
        if low and instant(event["end"], calendar) <= low:
            continue
        if high and instant(event["start"], calendar) >= high:
            continue
        haystack = " ".join(
            str(event.get(k, "")) for k in ("summary", "description", "location")
        ).lower()
        if text and text not in haystack:
            continue
        found.append(event)
    if req.arg("orderBy") == "startTime":
        found.sort(key=lambda e: instant(e["start"], calendar).astimezone(UTC))
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
        "items": [public_event(e) for e in chunk],
    }
    if offset + size < len(found):
        raw = json.dumps({"o": offset + size, "k": query_key}).encode()
        reply["nextPageToken"] = base64.urlsafe_b64encode(raw).decode()
    else:
        reply["nextSyncToken"] = f"emu-sync-{len(found)}"
    return 200, reply


def calendars_get(req: Request) -> tuple[int, Any]:
    """GET /calendar/v3/calendars/{calendarId}"""
    calendar = find_calendar(req.state, req.param("calendarId"))
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
