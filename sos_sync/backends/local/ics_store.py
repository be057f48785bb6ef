"""The local backend's calendar store: `calendar.ics` to share, attendees kept apart.

`calendar.ics` is the file leads share or publish as a feed: it carries no attendee
e-mail addresses (school staff's personal data), only the events, their ORGANIZER (the
team's address, when configured) and workspace-unique UIDs. The attendees go to a
private file beside it (`calendar-attendees.ics`, the same events with ATTENDEE lines,
for a lead's own calendar), unless `[local] calendar_attendees = "shared"` asks for them
in the shared file. Reading joins the two, so a night compares the whole event with what
it last wrote. `[local] calendar_feed` names a second path (a web server's folder, a
synced OneDrive or SharePoint folder) that receives a copy of `calendar.ics` after each
change, so calendars subscribed to its URL pick up later changes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from sos_sync.backends.local.ics import IcsEntry, IcsStyle, IcsWrite, write_ics
from sos_sync.backends.local.ics_cache import read_entries
from sos_sync.backends.local.parse_cache import ParseCache
from sos_sync.config.load import Config
from sos_sync.domain.calendar import CalendarEvent
from sos_sync.files import atomic_write_bytes


def _joined(shared: IcsEntry, private: IcsEntry | None, legacy: bool) -> CalendarEvent:
    """The whole event: the shared file's, with the private file's attendees.

    The private file is written first; when both files are sos-sync's own writes (not
    edited by a person) and differ, a run stopped between the two writes and the private
    file holds the newer event. A person's edit to the shared file always shows.
    """
    if legacy:
        return shared.event
    if private is None or private.cancelled:
        return dataclasses.replace(shared.event, attendees=())
    bare = dataclasses.replace(private.event, attendees=())
    if not shared.edited and not private.edited and bare != shared.event:
        return private.event
    return dataclasses.replace(shared.event, attendees=private.event.attendees)


class IcsCalendar:
    """One shared `calendar.ics` with stable UIDs, and the attendees in a private file."""

    def __init__(self, config: Config, cache: ParseCache | None = None) -> None:
        local = config.raw.local
        self.cache = cache  # the files' parse of the night before, while their bytes are the same
        self.path = config.path(local.calendar)
        self.workspace = config.workspace
        self.shared_attendees = local.calendar_attendees == "shared"
        self.private = None if self.shared_attendees else config.path(local.calendar_private)
        self.feed = config.path(local.calendar_feed) if local.calendar_feed else None
        team = config.raw.team_email.strip()
        self.style = IcsStyle(
            namespace=local.calendar_uid_namespace,
            attendees=self.shared_attendees,
            organizer=(team, config.raw.team) if team else None,
        )

    def _link(self) -> str:
        try:
            return str(self.path.relative_to(self.workspace))
        except ValueError:
            return str(self.path)

    def read_events(self, keys: Sequence[str]) -> dict[str, CalendarEvent | None]:
        shared = read_entries(self.path, self.cache)
        private = (
            read_entries(self.private, self.cache)
            if self.private is not None and self.private.exists()
            else None  # none yet: the shared file still carries the attendees (older workspaces)
        )
        found = {
            k: _joined(entry, private.get(k) if private is not None else None, private is None)
            for k, entry in shared.items()
            if not entry.cancelled
        }
        return {k: found.get(k) for k in keys}

    def apply_events(self, events: Sequence[object], write_keys: Sequence[str]) -> dict[str, str]:
        hold = [e for e in events if isinstance(e, CalendarEvent)]
        if self.private is not None:
            self._write(self.private, hold, dataclasses.replace(self.style, attendees=True))
        shared = self._write(self.path, hold, self.style)
        if self.feed is not None and (shared.written or not self.feed.exists()):
            atomic_write_bytes(self.feed, self.path.read_bytes())
        return {e.key: self._link() for e in hold}

    def _write(self, path: Path, hold: list[CalendarEvent], style: IcsStyle) -> IcsWrite:
        done = write_ics(path, hold, style=style, previous=read_entries(path, self.cache))
        if done.written and self.cache is not None:
            read_entries(path, self.cache)  # the new file's parse, for the next night
        return done
