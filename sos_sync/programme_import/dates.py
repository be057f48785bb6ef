"""Reading an offer's When cells: days, months, times, ranges and the academic year that
decides a year left out, with every choice and contradiction said in words."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sos_sync.programme_import.patterns import (
    _ALL_DAY,
    _DATE,
    _DATE_TBC,
    _DAY_ITEM,
    _DAY_LIST,
    _EDGE_NOISE,
    _MONTHS,
    _ON_REQUEST,
    _TERM,
    _TIME_ONE,
    _TIME_RANGE,
    _WEEKDAYS,
)
from sos_sync.programme_import.table import _clean


@dataclass
class _When:
    """One occurrence found in a When cell."""

    start: str | None
    end: str | None = None
    venue: str = ""
    source: str = ""
    note: str = ""


def _month(name: str) -> int:
    return _MONTHS[name.lower()[:3]]


def _weekday(name: str | None) -> int | None:
    return _WEEKDAYS[name.lower()[:3]] if name else None


def _say(d: dt.date) -> str:
    return f"{d:%A} {d.day} {d:%B} {d.year}"


def _clock(t: dt.time) -> str:
    h = t.hour % 12 or 12
    suffix = "am" if t.hour < 12 else "pm"
    return f"{h}{suffix}" if t.minute == 0 else f"{h}:{t.minute:02d}{suffix}"


def _to_24(hour: int, ap: str | None) -> int:
    if ap and ap.lower() in ("noon", "midday"):
        return 12
    if ap:
        pm = ap.lower().startswith("p")
        if pm and hour < 12:
            return hour + 12
        if not pm and hour == 12:
            return 0
    return hour


def _school_hour(hour: int) -> int:
    """A time without am/pm: 1-7 are afternoon in a school day, 8-12 as written."""
    return hour + 12 if 1 <= hour <= 7 else hour


def _parse_times(
    segment: str, ref: str, choices: list[str], warnings: list[str]
) -> tuple[dt.time | None, dt.time | None, str]:
    """Start/end time found in a segment of a When cell, and the segment without them."""
    m = _TIME_RANGE.search(segment)
    if m:
        h1, h2 = int(m["h1"]), int(m["h2"])
        m1, m2 = int(m["m1"] or 0), int(m["m2"] or 0)
        a1, a2 = m["a1"], m["a2"]
        end_h = _to_24(h2, a2) if a2 else _school_hour(h2)
        if a1:
            start_h = _to_24(h1, a1)
        elif a2 and _to_24(h1, a2) * 60 + m1 < end_h * 60 + m2:
            start_h = _to_24(h1, a2)
        else:
            start_h = _school_hour(h1)
        rest = segment[: m.start()] + " " + segment[m.end() :]
        if not (a1 or a2) and (1 <= h1 <= 7 or 1 <= h2 <= 7):
            choices.append(
                f"{ref}: `{m.group(0).strip()}` has no am/pm; read as a school-day time "
                f"{start_h:02d}:{m1:02d}-{end_h:02d}:{m2:02d}."
            )
        if max(start_h, end_h) > 23 or max(m1, m2) > 59:
            warnings.append(f"{ref}: `{m.group(0).strip()}` is not a time; ignored it.")
            return None, None, rest
        start, end = dt.time(start_h, m1), dt.time(end_h, m2)
        if end <= start:
            warnings.append(
                f"{ref}: `{m.group(0).strip()}` ends before it starts; kept the start "
                f"time {_clock(start)} and no end time."
            )
            return start, None, rest
        return start, end, rest
    m1_ = _TIME_ONE.search(segment)
    if m1_:
        rest = segment[: m1_.start()] + " " + segment[m1_.end() :]
        if m1_["noon"]:
            return dt.time(12, 0), None, rest
        hour, minute = int(m1_["h"]), int(m1_["m"] or 0)
        ap = m1_["a"] or m1_["ao"]
        hour = _to_24(hour, ap) if ap else _school_hour(hour)
        if hour > 23 or minute > 59:
            warnings.append(f"{ref}: `{m1_.group(0).strip()}` is not a time; ignored it.")
            return None, None, rest
        if not ap and hour != int(m1_["h"]):
            choices.append(
                f"{ref}: `{m1_.group(0).strip()}` has no am/pm; read as {_clock(dt.time(hour))}."
            )
        return dt.time(hour, minute), None, rest
    return None, None, segment


class _Year:
    """The academic year: which calendar year each month falls in."""

    def __init__(self, first: int | None) -> None:
        self.first = first

    def year_for(self, month: int) -> int | None:
        if self.first is None:
            return None
        return self.first if month >= 9 else self.first + 1

    def contains(self, d: dt.date) -> bool:
        if self.first is None:
            return True
        return dt.date(self.first, 9, 1) <= d <= dt.date(self.first + 1, 8, 31)

    @property
    def name(self) -> str:
        return f"{self.first}-{(self.first or 0) % 100 + 1:02d}" if self.first else ""


def _resolve_day(
    day: int,
    month: int,
    year: int | None,
    weekday: int | None,
    text: str,
    ay: _Year,
    ref: str,
    choices: list[str],
    warnings: list[str],
    notes: list[str],
) -> dt.date | None:
    """A day from its parts, using the academic year and the weekday to settle the year."""
    if year is not None and year < 100:
        year += 2000
    if year is None:
        year = ay.year_for(month)
        if year is None:
            warnings.append(
                f"{ref}: `{text}` has no year and the document names no academic year; "
                f"made it on request. Add the year, or pass the academic year."
            )
            return None
        choices.append(f"{ref}: `{text}` has no year; the academic year {ay.name} says {year}.")
    try:
        d = dt.date(year, month, day)
    except ValueError:
        warnings.append(f"{ref}: `{text}` is not a real date; left it out.")
        return None
    if weekday is not None and d.weekday() != weekday:
        alt_year = ay.year_for(month)
        alt: dt.date | None = None
        if alt_year is not None and alt_year != year:
            try:
                alt = dt.date(alt_year, month, day)
            except ValueError:
                alt = None
        wanted = dt.date(2024, 1, 1 + weekday).strftime("%A")
        if alt is not None and alt.weekday() == weekday:
            notes.append(
                f"The offer says {text}; {d.day} {d:%B} {d.year} was a {d:%A}, so this is "
                f"{_say(alt)}, the {wanted} in the academic year {ay.name}."
            )
            warnings.append(
                f"{ref}: `{text}` contradicts itself: {d.day} {d:%B} {d.year} was a {d:%A}. "
                f"{alt.day} {alt:%B} {alt.year} is a {wanted} and within the academic year "
                f"{ay.name}, so the event is on {_say(alt)}. Check with the organiser."
            )
            return alt
        warnings.append(
            f"{ref}: `{text}` says {wanted} but {_say(d)} is a {d:%A}; kept the date as "
            f"written. Check with the organiser."
        )
    if not ay.contains(d):
        warnings.append(
            f"{ref}: {_say(d)} is outside the academic year {ay.name}; kept the date as written."
        )
    return d


def _venue_text(text: str) -> str:
    return _EDGE_NOISE.sub("", _clean(_ALL_DAY.sub(" ", text)))


def _expand_day_lists(text: str, ref: str, choices: list[str]) -> str:
    """ "3rd & 4th March 2025" -> "3rd March 2025 4th March 2025", noted."""

    def expand(m: re.Match[str]) -> str:
        tail = m["month"] + (f" {m['year']}" if m["year"] else "")
        days = [d.strip() for d in _DAY_ITEM.findall(m["list"]) if d.strip()]
        out = " ".join(f"{d} {tail}" for d in days) + " " + m["last"]
        choices.append(f"{ref}: `{_clean(m.group(0))}` is a list of days; made one event each.")
        return out

    return _DAY_LIST.sub(expand, text)


def _parse_when(
    cell: str, ay: _Year, ref: str, choices: list[str], warnings: list[str]
) -> list[_When]:
    """Every occurrence in a When cell; an empty list means "on request"."""
    text = _expand_day_lists(_clean(cell), ref, choices)
    # A month name on its own counts only when capitalised: "date may change" is no date.
    matches = [m for m in _DATE.finditer(text) if not m["om"] or m["om"][0].isupper()]
    if not matches:
        _no_date(text, ref, choices, warnings)
        return []
    # A time written before the first date ("3:30pm, 6 November") belongs to it.
    prefix_start, prefix_end, prefix_rest = _parse_times(
        text[: matches[0].start()], ref, choices, warnings
    )
    prefix = _venue_text(prefix_rest)
    if prefix:
        warnings.append(f"{ref}: ignored `{prefix}` before the first date in `{text}`.")
    found: list[_When] = []
    for i, m in enumerate(matches):
        tail_end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        segment = text[m.end() : tail_end]
        source = _clean(m.group(0))
        g = m.groupdict()
        when: _When | None
        if g["ym"] or g["om"]:
            month_only = _month_only(g, source, segment, ay, ref, choices, warnings)
            if month_only is not None:
                found.append(month_only)
            continue
        parts: tuple[int, int, int | None, str | None]
        if g["iy"]:
            parts = (int(g["id"]), int(g["im"]), int(g["iy"]), g["iwd"])
        elif g["ny"]:
            parts = (int(g["nd"]), int(g["nm"]), int(g["ny"]), g["nwd"])
            choices.append(f"{ref}: read `{source}` as day/month/year (UK order).")
        elif g["dm"]:
            parts = (int(g["dd"]), _month(g["dm"]), int(g["dy"]) if g["dy"] else None, g["dwd"])
        else:
            parts = (int(g["ad"]), _month(g["am"]), int(g["ay"]) if g["ay"] else None, g["awd"])
        day, month, year, wd = parts
        notes: list[str] = []
        d = _resolve_day(day, month, year, _weekday(wd), source, ay, ref, choices, warnings, notes)
        if d is None:
            continue
        last: dt.date | None = None
        if g["dd2"]:
            try:
                last = d.replace(day=int(g["dd2"]))
            except ValueError:
                last = None
            if last is None or last <= d:
                warnings.append(f"{ref}: `{source}` is not a day range I can read; kept {_say(d)}.")
                last = None
        start_t, end_t, venue = _parse_times(segment, ref, choices, warnings)
        if i == 0 and start_t is None:
            start_t, end_t = prefix_start, prefix_end
        if start_t is not None and last is None:
            when = _When(
                f"{d.isoformat()}T{start_t:%H:%M}",
                f"{d.isoformat()}T{end_t:%H:%M}" if end_t else None,
            )
        else:
            if start_t is not None:
                choices.append(f"{ref}: `{source}` spans several days; made it all day.")
            when = _When(d.isoformat(), last.isoformat() if last else None)
        when.source = source
        when.venue = _venue_text(venue)
        when.note = " ".join(notes)
        found.append(when)
    return found


def _no_date(text: str, ref: str, choices: list[str], warnings: list[str]) -> None:
    """Say why a When cell with no date became "on request"."""
    if not text:
        warnings.append(f"{ref}: the When cell is empty; made it on request.")
    elif _DATE_TBC.search(text):
        warnings.append(
            f"{ref}: `{text}`: the date is to be confirmed; made it on request until it is. "
            f"Put the date in the offer and import again."
        )
    elif _TERM.search(text):
        warnings.append(
            f"{ref}: `{text}` is a term or season, not a date; made it on request. "
            f"Put the date in the offer when it is known."
        )
    elif _ON_REQUEST.search(text):
        choices.append(f"{ref}: `{text}`: on request, no date and no calendar event.")
    else:
        warnings.append(f"{ref}: `{text}` is not a date I can read; made it on request.")


def _month_only(
    g: dict[str, str | None],
    source: str,
    segment: str,
    ay: _Year,
    ref: str,
    choices: list[str],
    warnings: list[str],
) -> _When | None:
    """A month without a day ("June 2025"): tentative, no calendar event until a day is known."""
    month = _month(g["ym"] or g["om"] or "")
    year = int(g["yy"]) if g["yy"] else ay.year_for(month)
    if year is None:
        warnings.append(
            f"{ref}: `{source}` has no year and the document names no academic "
            f"year; made it on request."
        )
        return None
    if not g["yy"]:
        choices.append(f"{ref}: `{source}` has no year; the academic year says {year}.")
    if not ay.contains(dt.date(year, month, 1)):
        warnings.append(
            f"{ref}: {dt.date(year, month, 1):%B %Y} is outside the academic year "
            f"{ay.name}; kept it as written."
        )
    when = _When(f"{year}-{month:02d}", source=source)
    choices.append(
        f"{ref}: `{source}` names a month, not a day: tentative ({year}-{month:02d}), "
        f"no calendar event until a date is known."
    )
    _, _, venue = _parse_times(segment, ref, [], [])
    when.venue = _venue_text(venue)
    return when
