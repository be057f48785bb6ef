"""The local calendar: `calendar.ics`, importable into (or subscribed to from) any calendar app.

`write_ics` writes the events sos-sync keeps as one VCALENDAR (with a Europe/London
VTIMEZONE), one VEVENT per event with `UID:<key>@<namespace>.sos-sync`: the namespace is
a random word `init` stores in the workspace config, so two authorities' files never
share a UID (workspaces made before keep `<key>@sos-sync`, so nothing is duplicated on
upgrade). It is idempotent: an event whose content did not change keeps its SEQUENCE and
DTSTAMP from the previous file, so writing the same events twice gives a byte-identical
file (and the second write is skipped). A changed event gets SEQUENCE + 1 and DTSTAMP =
`now`, so calendar apps that imported it before take the update. An event no longer
wanted stays in the file as `STATUS:CANCELLED` with its SEQUENCE bumped once, so a
subscribed calendar removes it rather than keeping a stale copy. `IcsStyle` says whether
the file carries attendees (the shared file does not: they are school staff's e-mail
addresses) and who the ORGANIZER is. Writes are atomic (temporary file, then rename).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sos_sync.domain.calendar import LONDON, CalendarEvent

if TYPE_CHECKING:
    import icalendar

PRODID = "-//sos-sync//Schools of Sanctuary//EN"
UID_SUFFIX = "@sos-sync"
KEY_PROPERTY = "X-SOS-KEY"
CANCELLED = "CANCELLED"
FINGERPRINT_PROPERTY = "X-SOS-FINGERPRINT"


@dataclass(frozen=True)
class IcsStyle:
    """How a calendar file is written.

    namespace: the workspace's UID namespace ("" = the UIDs of workspaces made before
        namespaces, `<key>@sos-sync`).
    attendees: whether ATTENDEE lines (e-mail addresses) are written.
    organizer: the team's address for ORGANIZER, and its name.
    """

    namespace: str = ""
    attendees: bool = True
    organizer: tuple[str, str] | None = None


@dataclass(frozen=True)
class IcsEntry:
    """One sos-sync VEVENT as read from a file."""

    event: CalendarEvent
    sequence: int
    dtstamp: dt.datetime
    stored_fingerprint: str
    cancelled: bool = False

    @property
    def edited(self) -> bool:
        """True when a person changed the event in the file after sos-sync wrote it."""
        return self.stored_fingerprint != self.event.fingerprint()


@dataclass(frozen=True)
class IcsWrite:
    """What `write_ics` did."""

    path: Path
    written: bool
    created: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    edited_in_file: tuple[str, ...] = ()
    """Keys a person had changed in the file; sos-sync's version replaced them."""


def uid_for(key: str, namespace: str = "") -> str:
    """The iCalendar UID of an event key in a workspace's namespace."""
    return f"{key}@{namespace}.sos-sync" if namespace else f"{key}{UID_SUFFIX}"


def _key_of_uid(uid: str) -> str:
    key, at, domain = uid.rpartition("@")
    return key if at and (domain == "sos-sync" or domain.endswith(".sos-sync")) else ""


def _as_list(value: object) -> list[object]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _entry(component: icalendar.Component) -> IcsEntry | None:
    uid = str(component.get("uid", ""))
    key = str(component.get(KEY_PROPERTY.lower(), "")) or _key_of_uid(uid)
    if not key or "dtstart" not in component:
        return None
    start = component.decoded("dtstart")
    end = component.decoded("dtend") if "dtend" in component else start
    if isinstance(start, dt.datetime):
        if not isinstance(end, dt.datetime):
            return None
        if start.tzinfo is None:
            start, end = start.replace(tzinfo=LONDON), end.replace(tzinfo=LONDON)
    else:
        if isinstance(end, dt.datetime):
            return None
        end = max(start, end - dt.timedelta(days=1)) if "dtend" in component else start
    attendees = tuple(
        str(a).removeprefix("mailto:").removeprefix("MAILTO:")
        for a in _as_list(component.get("attendee"))
    )
    stamp = component.decoded("dtstamp") if "dtstamp" in component else None
    try:
        event = CalendarEvent(
            key=key,
            title=str(component.get("summary", "")),
            start=start,
            end=end,
            where=str(component.get("location", "")),
            description=str(component.get("description", "")),
            attendees=attendees,
        )
    except ValueError:
        return None
    return IcsEntry(
        event=event,
        sequence=int(component.get("sequence", 0)),
        dtstamp=stamp if isinstance(stamp, dt.datetime) else dt.datetime.min.replace(tzinfo=dt.UTC),
        stored_fingerprint=str(component.get(FINGERPRINT_PROPERTY.lower(), "")),
        cancelled=str(component.get("status", "")).upper() == CANCELLED,
    )


def read_ics_entries(path: Path) -> dict[str, IcsEntry]:
    """The sos-sync events in an .ics file by key, with SEQUENCE and DTSTAMP; {} if no file.

    Events without a sos-sync key (added by a person or another app) are left out;
    a file that is not iCalendar reads as empty.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    return ics_entries(data)


def ics_entries(data: bytes) -> dict[str, IcsEntry]:
    """The sos-sync events in a calendar file's bytes (see `read_ics_entries`)."""
    import icalendar  # imported when a calendar file is read or written, not for every night

    try:
        calendar = icalendar.Calendar.from_ical(data)
    except ValueError:
        return {}
    entries: dict[str, IcsEntry] = {}
    for component in calendar.walk("VEVENT"):
        entry = _entry(component)
        if entry is not None:
            entries[entry.event.key] = entry
    return entries


def read_ics(path: Path) -> dict[str, CalendarEvent]:
    """The sos-sync events an .ics file holds (not those it lists as cancelled), by key."""
    return {k: entry.event for k, entry in read_ics_entries(path).items() if not entry.cancelled}


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError("`now` must carry a time zone")
    return moment.astimezone(dt.UTC).replace(microsecond=0)


def _vevent(
    e: CalendarEvent, sequence: int, stamp: dt.datetime, cancelled: bool, style: IcsStyle
) -> icalendar.Event:
    import icalendar

    vevent = icalendar.Event()
    vevent.add("uid", uid_for(e.key, style.namespace))
    vevent.add("dtstamp", stamp)
    vevent.add("sequence", sequence)
    if cancelled:
        vevent.add("status", CANCELLED)
    vevent.add("summary", e.title)
    vevent.add("dtstart", e.start)
    vevent.add("dtend", e.end_exclusive)
    if e.where:
        vevent.add("location", e.where)
    if e.description:
        vevent.add("description", e.description)
    if style.organizer:
        organizer = icalendar.vCalAddress(f"mailto:{style.organizer[0]}")
        organizer.params["cn"] = icalendar.vText(style.organizer[1])
        vevent.add("organizer", organizer)
    for email in e.attendees:
        vevent.add("attendee", icalendar.vCalAddress(f"mailto:{email}"))
    vevent.add(KEY_PROPERTY.lower(), e.key)
    vevent.add(FINGERPRINT_PROPERTY.lower(), e.fingerprint())
    return vevent


def _version(
    e: CalendarEvent, before: IcsEntry | None, cancelled: bool, now: dt.datetime
) -> tuple[int, dt.datetime]:
    """SEQUENCE and DTSTAMP: kept while the event is unchanged, bumped once when it changes."""
    if before is None:
        return 0, now
    unchanged = (
        before.cancelled
        if cancelled
        else not before.cancelled
        and before.stored_fingerprint == e.fingerprint()
        and not before.edited
    )
    return (before.sequence, _utc(before.dtstamp)) if unchanged else (before.sequence + 1, now)


def render_ics(
    events: Iterable[CalendarEvent],
    previous: Mapping[str, IcsEntry],
    now: dt.datetime,
    style: IcsStyle = IcsStyle(),
) -> bytes:
    """The calendar file's bytes (pure): unchanged events keep SEQUENCE and DTSTAMP; events
    of `previous` no longer wanted are written as cancelled."""
    wanted = [e if style.attendees else replace(e, attendees=()) for e in events]
    keys = {e.key for e in wanted}
    gone = [(entry.event, True) for k, entry in previous.items() if k not in keys]
    ordered = sorted(
        [(e, False) for e in wanted] + gone, key=lambda i: (i[0].start.isoformat()[:10], i[0].key)
    )
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "Schools of Sanctuary")
    timed = [e for e, _ in ordered if not e.all_day]
    if timed:
        calendar.add_component(
            icalendar.Timezone.from_tzinfo(
                LONDON,
                tzid="Europe/London",
                first_date=dt.date(min(e.start.year for e in timed), 1, 1),
                last_date=dt.date(max(e.end.year for e in timed) + 1, 1, 1),
            )
        )
    stamp_now = _utc(now)
    for e, cancelled in ordered:
        sequence, stamp = _version(e, previous.get(e.key), cancelled, stamp_now)
        calendar.add_component(_vevent(e, sequence, stamp, cancelled, style))
    return bytes(calendar.to_ical())


def write_ics(
    path: Path,
    events: Iterable[CalendarEvent],
    now: dt.datetime | None = None,
    style: IcsStyle = IcsStyle(),
    previous: Mapping[str, IcsEntry] | None = None,
) -> IcsWrite:
    """Write `events` to `path` atomically, keeping SEQUENCE/DTSTAMP of unchanged events.

    Args:
        path: the calendar file (usually `<workspace>/calendar.ics`).
        events: every event the calendar should hold; the file's others become cancelled.
        now: the DTSTAMP of new and changed events (default: the current time).
        style: UID namespace, attendees or not, organizer.
        previous: what the file holds now, when the caller has just read it.

    Returns:
        What changed; `written` is False when the file already held exactly this.
    """
    wanted = list(events)
    keys = [e.key for e in wanted]
    if len(set(keys)) != len(keys):
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        raise ValueError(f"two calendar events share a key: {', '.join(duplicates)}")
    previous = read_ics_entries(path) if previous is None else previous
    data = render_ics(wanted, previous, now or dt.datetime.now(dt.UTC), style)
    live = {k: entry for k, entry in previous.items() if not entry.cancelled}
    shown = [e if style.attendees else replace(e, attendees=()) for e in wanted]
    created = tuple(e.key for e in shown if e.key not in live)
    updated = tuple(
        e.key
        for e in shown
        if e.key in live
        and (live[e.key].edited or live[e.key].stored_fingerprint != e.fingerprint())
    )
    removed = tuple(sorted(set(live) - set(keys)))
    edited = tuple(sorted(k for k, entry in live.items() if entry.edited))
    try:
        unchanged = path.read_bytes() == data
    except FileNotFoundError:
        unchanged = False
    if not unchanged:
        _atomic_write(path, data)
    return IcsWrite(path, not unchanged, created, updated, removed, edited)


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
