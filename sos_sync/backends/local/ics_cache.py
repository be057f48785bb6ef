"""Calendar files read through the parse cache (`parse_cache.py`): a file whose bytes are
those of the night before is not parsed again.

An entry keeps each event as parsed: times as their UTC instant and the name of their
zone (so an hour the clocks repeat stays the instant it was), dates as dates. An event
whose zone has no name is not kept, and the file is then parsed every night.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sos_sync.backends.local.ics import IcsEntry, ics_entries
from sos_sync.backends.local.parse_cache import ParseCache, digest, file_still
from sos_sync.domain.calendar import CalendarEvent


class _Unnamed(ValueError):
    """A time whose zone cannot be written down by name."""


def _when(value: dt.date) -> list[str]:
    if not isinstance(value, dt.datetime):
        return ["d", value.isoformat()]
    tz = value.tzinfo
    if tz is dt.UTC:
        name = ""
    elif isinstance(tz, ZoneInfo):
        name = tz.key
    else:
        raise _Unnamed(repr(tz))
    return ["t", value.astimezone(dt.UTC).isoformat(), name]


def _from_when(item: list[str]) -> dt.date:
    if item[0] == "d":
        return dt.date.fromisoformat(item[1])
    zone = dt.UTC if item[2] == "" else ZoneInfo(item[2])
    return dt.datetime.fromisoformat(item[1]).astimezone(zone)


def _to_json(entry: IcsEntry) -> list[Any]:
    e = entry.event
    return [
        e.key,
        e.title,
        _when(e.start),
        _when(e.end),
        e.where,
        e.description,
        list(e.attendees),
        entry.sequence,
        _when(entry.dtstamp),
        entry.stored_fingerprint,
        entry.cancelled,
    ]


def _from_json(item: list[Any]) -> IcsEntry:
    key, title, start, end, where, description, attendees = item[:7]
    sequence, stamp, fingerprint, cancelled = item[7:]
    event = CalendarEvent(
        key=key,
        title=title,
        start=_from_when(start),
        end=_from_when(end),
        where=where,
        description=description,
        attendees=tuple(attendees),
    )
    when = _from_when(stamp)
    if not isinstance(when, dt.datetime):
        raise ValueError("a DTSTAMP is a time")
    return IcsEntry(event, int(sequence), when, str(fingerprint), bool(cancelled))


def read_entries(path: Path, cache: ParseCache | None) -> dict[str, IcsEntry]:
    """`ics.read_ics_entries`, through the cache: {} if there is no file."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    if cache is None:
        return ics_entries(data)
    name = f"ics-{path.stem}"
    key = digest(data, name)
    kept = cache.get(name, key)
    still = file_still(path, key, name)
    if isinstance(kept, list):
        try:
            entries = [_from_json(item) for item in kept]
        except (ValueError, TypeError, KeyError, IndexError):
            pass  # an entry this version cannot read: parse the file
        else:
            cache.keep(name, key, still)
            return {e.event.key: e for e in entries}
    found = ics_entries(data)
    try:
        payload = [_to_json(e) for e in found.values()]
    except _Unnamed:
        cache.drop(name)
        return found
    cache.stage(name, key, payload, still)
    return found
