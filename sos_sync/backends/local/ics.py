"""The local calendar: one `calendar.ics` file, importable into Google Calendar or Outlook.

`write_ics` writes the events sos-sync keeps as one VCALENDAR (with a Europe/London
VTIMEZONE), one VEVENT per event with `UID:<key>@sos-sync`. It is idempotent: an event
whose content did not change keeps its SEQUENCE and DTSTAMP from the previous file, so
writing the same events twice gives a byte-identical file (and the second write is
skipped). A changed event gets SEQUENCE + 1 and DTSTAMP = `now`, so calendar apps that
imported it before take the update. Writes are atomic (temporary file, then rename).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import icalendar

from sos_sync.domain.calendar import LONDON, CalendarEvent

PRODID = "-//sos-sync//Schools of Sanctuary//EN"
UID_SUFFIX = "@sos-sync"
KEY_PROPERTY = "X-SOS-KEY"
FINGERPRINT_PROPERTY = "X-SOS-FINGERPRINT"


@dataclass(frozen=True)
class IcsEntry:
    """One sos-sync VEVENT as read from a file."""

    event: CalendarEvent
    sequence: int
    dtstamp: dt.datetime
    stored_fingerprint: str

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


def uid_for(key: str) -> str:
    """The iCalendar UID of an event key."""
    return f"{key}{UID_SUFFIX}"


def _as_list(value: object) -> list[object]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _entry(component: icalendar.Component) -> IcsEntry | None:
    uid = str(component.get("uid", ""))
    key = str(component.get(KEY_PROPERTY.lower(), "")) or (
        uid.removesuffix(UID_SUFFIX) if uid.endswith(UID_SUFFIX) else ""
    )
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
    """The sos-sync events in an .ics file, by key (for comparing on a rerun)."""
    return {key: entry.event for key, entry in read_ics_entries(path).items()}


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError("`now` must carry a time zone")
    return moment.astimezone(dt.UTC).replace(microsecond=0)


def render_ics(
    events: Iterable[CalendarEvent], previous: Mapping[str, IcsEntry], now: dt.datetime
) -> bytes:
    """The calendar file's bytes (pure): unchanged events keep SEQUENCE and DTSTAMP."""
    ordered = sorted(events, key=lambda e: (e.start.isoformat()[:10], e.key))
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "Schools of Sanctuary")
    timed_years = [e.start.year for e in ordered if not e.all_day] + [
        e.end.year for e in ordered if not e.all_day
    ]
    if timed_years:
        calendar.add_component(
            icalendar.Timezone.from_tzinfo(
                LONDON,
                tzid="Europe/London",
                first_date=dt.date(min(timed_years), 1, 1),
                last_date=dt.date(max(timed_years) + 1, 1, 1),
            )
        )
    stamp_now = _utc(now)
    for e in ordered:
        fingerprint = e.fingerprint()
        before = previous.get(e.key)
        if before is None:
            sequence, stamp = 0, stamp_now
        elif before.stored_fingerprint == fingerprint and not before.edited:
            sequence, stamp = before.sequence, _utc(before.dtstamp)
        else:
            sequence, stamp = before.sequence + 1, stamp_now
        vevent = icalendar.Event()
        vevent.add("uid", uid_for(e.key))
        vevent.add("dtstamp", stamp)
        vevent.add("sequence", sequence)
        vevent.add("summary", e.title)
        vevent.add("dtstart", e.start)
        vevent.add("dtend", e.end_exclusive)
        if e.where:
            vevent.add("location", e.where)
        if e.description:
            vevent.add("description", e.description)
        for email in e.attendees:
            vevent.add("attendee", icalendar.vCalAddress(f"mailto:{email}"))
        vevent.add(KEY_PROPERTY.lower(), e.key)
        vevent.add(FINGERPRINT_PROPERTY.lower(), fingerprint)
        calendar.add_component(vevent)
    return bytes(calendar.to_ical())


def write_ics(
    path: Path, events: Iterable[CalendarEvent], now: dt.datetime | None = None
) -> IcsWrite:
    """Write `events` to `path` atomically, keeping SEQUENCE/DTSTAMP of unchanged events.

    Args:
        path: the calendar file (usually `<workspace>/calendar.ics`).
        events: every event the calendar should hold; others are removed from the file.
        now: the DTSTAMP of new and changed events (default: the current time).

    Returns:
        What changed; `written` is False when the file already held exactly this.
    """
    wanted = list(events)
    keys = [e.key for e in wanted]
    if len(set(keys)) != len(keys):
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        raise ValueError(f"two calendar events share a key: {', '.join(duplicates)}")
    previous = read_ics_entries(path)
    data = render_ics(wanted, previous, now or dt.datetime.now(dt.UTC))
    created = tuple(e.key for e in wanted if e.key not in previous)
    updated = tuple(
        e.key
        for e in wanted
        if e.key in previous
        and (previous[e.key].edited or previous[e.key].stored_fingerprint != e.fingerprint())
    )
    removed = tuple(sorted(set(previous) - set(keys)))
    edited = tuple(sorted(k for k, entry in previous.items() if entry.edited))
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
