"""Calendar v3 (SPEC §7): one event per key, never duplicated, a person's edits reported.

Each event has a deterministic id (`sos_sync.calendar.event_id(key)`), so creating it is
idempotent: insert, and on 409 (the id exists, perhaps deleted by a person and so
`cancelled`) get it and update it, which also revives a cancelled one. Every event also
carries the private property `sos_app=sos-sync`, so one paged list finds them all.
Calendar's 403 `quotaExceeded` (anti-spam, lifted after hours) is not retried: it is
raised as a `Transient` and the events are written tomorrow.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import Any

from sos_sync.backends.google.clients import GoogleClients
from sos_sync.backends.google.retry import GooglePermanent
from sos_sync.config.load import Config
from sos_sync.domain.calendar import CalendarEvent, event_id, from_google, google_body, send_updates

APP_PROPERTY = "sos_app"
APP_VALUE = "sos-sync"
_ADDRESS = re.compile(r"[^@\s<>(),;:\"\[\]]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\Z")


def valid_attendee(address: str) -> bool:
    """True when Google Calendar would accept `address` as an attendee's e-mail."""
    return bool(_ADDRESS.match(address.strip()))


class GoogleCalendarStore:
    """The events sos-sync keeps in `google.calendar_id`."""

    def __init__(self, config: Config, clients: GoogleClients) -> None:
        self.config = config
        self.clients = clients
        self.calendar_id = config.raw.google.calendar_id
        self.send_updates = send_updates("all" if config.raw.google.send_updates else "none")
        self._items: dict[str, dict[str, Any]] | None = None

    @property
    def _share(self) -> str:
        return f"the calendar {self.calendar_id} (Settings › Share: 'Make changes to events')"

    def _events(self) -> Any:
        return self.clients.service("calendar").events()

    def _list_all(self) -> dict[str, dict[str, Any]]:
        """Every event sos-sync made (cancelled ones too), by key, in as few pages as Google allows."""
        if self._items is not None:
            return self._items
        events = self._events()
        out: dict[str, dict[str, Any]] = {}
        token: str | None = None
        while True:
            kwargs: dict[str, Any] = {
                "calendarId": self.calendar_id,
                "privateExtendedProperty": [f"{APP_PROPERTY}={APP_VALUE}"],
                "showDeleted": True,
                "maxResults": 2500,
            }
            if token:
                kwargs["pageToken"] = token
            page = self.clients.call(
                events.list(**kwargs).execute,
                f"the calendar {self.calendar_id}",
                self._share,
            )
            for item in page.get("items", []):
                key = ((item.get("extendedProperties") or {}).get("private") or {}).get("sos_key")
                if key:
                    out[str(key)] = item
            token = page.get("nextPageToken")
            if not token:
                break
        self._items = out
        return out

    def read_events(self, keys: Sequence[str]) -> dict[str, object | None]:
        """The events by key as the calendar holds them now; None when gone or never made."""
        items = self._list_all()
        return {k: (from_google(items[k]) if k in items else None) for k in keys}

    def _body(self, event: CalendarEvent) -> dict[str, Any]:
        # Google refuses the whole event for one bad address ("Invalid attendee email."):
        # such an attendee is left off (fingerprint included), so the calendar step never
        # fails on it and the event does not read back as edited by a person.
        kept = tuple(a for a in event.attendees if valid_attendee(a))
        if kept != tuple(event.attendees):
            event = dataclasses.replace(event, attendees=kept)
        body = google_body(event)
        body["extendedProperties"]["private"][APP_PROPERTY] = APP_VALUE
        return body

    def _write(self, event: CalendarEvent) -> dict[str, Any]:
        events = self._events()
        body = self._body(event)
        eid = event_id(event.key)
        what = f"the calendar {self.calendar_id} (event {event.key})"
        try:
            return dict(
                self.clients.call(
                    lambda: events.insert(
                        calendarId=self.calendar_id, body=body, sendUpdates=self.send_updates
                    ).execute(),
                    what,
                    self._share,
                )
            )
        except GooglePermanent as exc:
            if exc.status != 409:
                raise
        # the id exists (an earlier run, a lost reply, or a person deleted it): update in place
        self.clients.call(
            lambda: events.get(calendarId=self.calendar_id, eventId=eid).execute(),
            what,
            self._share,
        )
        return dict(
            self.clients.call(
                lambda: events.update(
                    calendarId=self.calendar_id,
                    eventId=eid,
                    body=body,
                    sendUpdates=self.send_updates,
                ).execute(),
                what,
                self._share,
            )
        )

    def apply_events(self, events: Sequence[object], write_keys: Sequence[str]) -> dict[str, str]:
        """Create or update the events of `write_keys`; return key -> htmlLink for every event."""
        wanted = [e for e in events if isinstance(e, CalendarEvent)]
        to_write = set(write_keys)
        links: dict[str, str] = {}
        for event in wanted:
            if event.key in to_write:
                item = self._write(event)
                links[event.key] = str(item.get("htmlLink", ""))
                if self._items is not None:
                    self._items[event.key] = item
        missing = [e.key for e in wanted if e.key not in links]
        if missing:
            items = self._list_all()
            for key in missing:
                links[key] = str(items.get(key, {}).get("htmlLink", ""))
        return links
