"""Turn a local offer table (What / When / Where, copied from a document) into a Programme.

`sos-sync programme import FILE` (SPEC §7). `import_offer` is pure: text in, a
`Programme` plus a plain-words report out, never an exception for odd input. Every
choice it makes (a year it picked, times read as afternoon, a venue it could not find)
is a line in `ImportReport.choices`; every contradiction in the table (a weekday that
does not match its date, a date outside the academic year, text that is not a date)
is a line in `ImportReport.warnings`. `sos_sync.programme_import.store` reads and writes
the files.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from pydantic import ValidationError
from rapidfuzz import fuzz

from sos_sync.domain.programme import Programme, ProgrammeEvent

DEFAULT_HEADER = """\
Schools of Sanctuary programme {year} (imported from the local offer).
One [[event]] per event. `key` is stable: sign-ups, calendar events and the Events tab
refer to it, so change a title or a date freely but keep the key.
`start`: YYYY-MM-DDTHH:MM (timed), YYYY-MM-DD (all day), YYYY-MM (month only, no calendar
event yet) or leave it out (on request). `form_label` is the choice the sign-up form shows."""

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![a-z])\.?"
)
_WEEKDAY = (
    r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?"
    r"|sat(?:urday)?|sun(?:day)?)(?![a-z])\.?"
)
_ORD = r"(?:\s?(?:st|nd|rd|th)(?![a-z]))?"

# Alternatives in priority order; finditer takes the leftmost match, then the first
# alternative that matches there. Named groups are distinct per alternative.
_DATE = re.compile(
    rf"""(?<![a-z0-9])(?:
      (?:(?P<iwd>{_WEEKDAY}),?\s+)?(?P<iy>\d{{4}})-(?P<im>\d{{1,2}})-(?P<id>\d{{1,2}})(?!\d)
    | (?:(?P<nwd>{_WEEKDAY}),?\s+)?(?<![\d:.])(?P<nd>\d{{1,2}})[/.](?P<nm>\d{{1,2}})[/.]
      (?P<ny>\d{{4}}|\d{{2}})(?!\d)
    | (?:(?P<dwd>{_WEEKDAY}),?\s+)?(?:the\s+)?(?<![\d:.])(?P<dd>\d{{1,2}}){_ORD}
      (?:\s*(?:-|–|—|to|until)\s*(?P<dd2>\d{{1,2}}){_ORD})?(?:\s+of)?\s+(?P<dm>{_MONTH})
      (?:,?\s+(?P<dy>\d{{4}})(?!\d))?
    | (?:(?P<awd>{_WEEKDAY}),?\s+)?(?P<am>{_MONTH})\s+(?P<ad>\d{{1,2}}){_ORD}(?![\d:.])
      (?!\s*(?:[ap]\.?m))(?:,?\s+(?P<ay>\d{{4}})(?!\d))?
    | (?P<ym>{_MONTH}),?\s+(?P<yy>\d{{4}})(?!\d)
    | (?P<om>{_MONTH})
    )""",
    re.IGNORECASE | re.VERBOSE,
)

_AP = r"(?:[ap]\.?m\.?(?![a-z])|noon|midday)"
_TIME_RANGE = re.compile(
    rf"(?<![\d:./])(?P<h1>\d{{1,2}})(?:[:.](?P<m1>\d{{2}}))?\s*(?P<a1>{_AP})?"
    rf"\s*(?:-|–|—|to|until|till)\s*"
    rf"(?P<h2>\d{{1,2}})(?:[:.](?P<m2>\d{{2}}))?\s*(?P<a2>{_AP})?(?![\d/])",
    re.IGNORECASE,
)
_TIME_ONE = re.compile(
    rf"(?<![\d:./])(?P<h>\d{{1,2}})(?:[:.](?P<m>\d{{2}})\s*(?P<a>{_AP})?|\s*(?P<ao>{_AP}))(?![\d/])"
    r"|(?P<noon>\bnoon\b|\bmidday\b)",
    re.IGNORECASE,
)
_ON_REQUEST = re.compile(
    r"as and when|on request|upon request|when requested|by arrangement|by request"
    r"|on demand|ongoing|throughout the year|any ?time|flexible",
    re.IGNORECASE,
)
_TERM = re.compile(r"\b(autumn|spring|summer|winter)\b", re.IGNORECASE)
_DATE_TBC = re.compile(
    r"^(?:date\s+)?(?:tbc|tba|tbd|to be (?:confirmed|arranged|announced))\b", re.I
)
# "3rd & 4th March 2025", "3, 4 and 5 March": a list of days sharing one month (and year).
_DAY_LIST = re.compile(
    rf"(?<![\d:./])(?P<list>(?:(?:{_WEEKDAY},?\s+)?\d{{1,2}}{_ORD}\s*(?:,|&|\band\b)\s*)+)"
    rf"(?P<last>(?:{_WEEKDAY},?\s+)?\d{{1,2}}{_ORD}\s+(?P<month>{_MONTH})(?:,?\s+(?P<year>\d{{4}}))?)",
    re.IGNORECASE,
)
_DAY_ITEM = re.compile(rf"((?:{_WEEKDAY},?\s+)?\d{{1,2}}{_ORD})\s*(?:,|&|\band\b)?\s*", re.I)
_REMARK = re.compile(
    r"\b(dates?|times?|change|provisional|tentative|confirm|approx\w*|tbc|may|might|subject"
    r"|possibly|probably|likely|expected|estimated|rescheduled|cancelled|postponed)\b",
    re.IGNORECASE,
)
_ALL_DAY = re.compile(r"\ball[- ]day\b", re.IGNORECASE)
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_TBC = re.compile(
    r"[\s,;(]*\b(?:venue\s+)?(?:tbc|tba|to be confirmed|to be arranged|tbd)\b[).]*",
    re.IGNORECASE,
)
_YEAR_IN_DOC = re.compile(r"\b(20\d\d)\s*(?:-|–|—|/|to)\s*(20\d\d|\d\d)\b")
_ACADEMIC_YEAR = re.compile(r"^(20\d\d)-(\d\d)$")
_SLUG = re.compile(r"[^a-z0-9]+")
_PREFIX = re.compile(r"^(?:the\s+)?(?:schools?\s+of\s+sanctuary|sos)\b[\s:–—-]*", re.IGNORECASE)
_CONNECTOR = re.compile(
    r"\s+(?:of|to|for|with|encouraging|that|who|which|where|about|including)\s+", re.IGNORECASE
)
_EDGE_NOISE = re.compile(
    r"^(?:[\s,;:()@&+–—-]|\b(?:at|from|and|or|then|also|plus)\b)*"
    r"|(?:[\s,;:()@&+–—-]|\b(?:and|or|then|also|plus)\b)*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ImportReport:
    """What `import_offer` made and why."""

    programme: Programme
    choices: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The report for people: a summary line, then choices and warnings."""
        events = self.programme.events
        counts = {p: sum(1 for e in events if e.precision == p) for p in _PRECISION_WORDS}
        summary = ", ".join(f"{n} {_PRECISION_WORDS[p]}" for p, n in counts.items() if n)
        out = [
            f"Programme {self.programme.academic_year or '(no academic year)'}: "
            f"{len(events)} events" + (f" ({summary})" if summary else "")
        ]
        for e in events:
            when = e.start or "on request"
            if e.end:
                when += f" to {e.end}"
            out.append(f"  {e.key}: {e.title} | {when} | {e.where or '-'}")
        if self.choices:
            out.append("Choices made:")
            out.extend(f"  - {c}" for c in self.choices)
        if self.warnings:
            out.append("Check these:")
            out.extend(f"  ! {w}" for w in self.warnings)
        return out


_PRECISION_WORDS = {
    "datetime": "timed",
    "date": "all day",
    "month": "month only",
    "on_request": "on request",
}


@dataclass(frozen=True)
class _Row:
    number: int
    line: int
    what: str
    when: str
    where: str

    @property
    def ref(self) -> str:
        return f"Row {self.number} (line {self.line})"


@dataclass
class _When:
    """One occurrence found in a When cell."""

    start: str | None
    end: str | None = None
    venue: str = ""
    source: str = ""
    note: str = ""


@dataclass
class _Draft:
    """An event before keys and labels are settled."""

    title: str
    short: str
    start: str | None
    end: str | None
    where: str
    mode: str
    notes: str
    row: _Row


# -- the table ------------------------------------------------------------------------------


def _clean(text: str) -> str:
    return " ".join(text.replace("\u200b", "").replace("\ufeff", "").split())


def _cells(line: str) -> list[str]:
    cells = [_clean(c) for c in line.split("\t")]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _is_header(cells: list[str]) -> bool:
    names = [c.lower().rstrip("?:").strip() for c in cells]
    return names == ["what", "when", "where"]


def _find_table(text: str, warnings: list[str]) -> list[_Row]:
    """The rows under the first `What? / When? / Where?` header, up to the first non-row."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if _is_header(_cells(line))), None)
    if start is None:
        warnings.append(
            "No offer table found: expected a header line `What?<tab>When?<tab>Where?` "
            "(copy the table from the document with its header row)."
        )
        return []
    rows: list[_Row] = []
    for i in range(start + 1, len(lines)):
        cells = _cells(lines[i])
        if not cells:
            continue
        if len(cells) == 3 and cells[0]:
            rows.append(_Row(len(rows) + 1, i + 1, *cells))
            continue
        if "\t" in lines[i]:
            warnings.append(
                f"Line {i + 1} has {len(cells)} columns, not What / When / Where: the table "
                f"was taken to end before it. If it is an event, fix that row and import again."
            )
        break
    if not rows:
        warnings.append(f"The offer table at line {start + 1} has no rows.")
    return rows


def academic_year_of(text: str) -> str | None:
    """The academic year a document names ("Offer 2024-2025" -> "2024-25"), if any."""
    for m in _YEAR_IN_DOC.finditer(text):
        first, second = int(m.group(1)), m.group(2)
        second_full = int(second) if len(second) == 4 else 2000 + int(second)
        if second_full == first + 1:
            return f"{first}-{second_full % 100:02d}"
    return None


# -- dates and times --------------------------------------------------------------------------


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
            month = _month(g["ym"] or g["om"])
            year = int(g["yy"]) if g["yy"] else ay.year_for(month)
            if year is None:
                warnings.append(
                    f"{ref}: `{source}` has no year and the document names no academic "
                    f"year; made it on request."
                )
                continue
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
            found.append(when)
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


# -- titles, places, keys, labels ---------------------------------------------------------------


def _title_and_notes(what: str) -> tuple[str, str, bool, list[str]]:
    """Title, notes, whether the title was shortened, and the asides moved to the notes."""
    text = _clean(what)
    notes: list[str] = []
    asides: list[str] = []
    urls = _URL.findall(text)
    for url in urls:
        text = text.replace(url, " ")
    # A lead's aside in brackets ending with "?" is a question, not part of the title.
    for aside in re.findall(r"\([^()]*\?\s*\)", text):
        text = text.replace(aside, " ")
        notes.append(aside.strip("() "))
        asides.append(aside)
    text = _clean(re.sub(r"\s+-\s+", " – ", text))
    title = text
    shortened = bool(urls) or len(text) > 120
    if shortened:
        first, _, rest = text.partition(" – ")
        title = first.strip()
        if rest.strip():
            notes.insert(0, rest.strip()[0].upper() + rest.strip()[1:])
    notes.extend(urls)
    title = title.strip(" –-") or _clean(what)[:80] or "Untitled event"
    return title, "\n".join(notes), shortened, asides


def short_title(title: str) -> str:
    """A short name for keys and form labels: "Network meeting" from the full title."""
    clauses = [c.strip() for c in re.split(r"\s+[–—-]\s+|\s*\(|:\s+(?=[A-Z])", title)]
    chosen = ""
    for clause in clauses:
        chosen = _PREFIX.sub("", clause).strip()
        if chosen:
            break
    chosen = chosen or title
    if ": " in title and title.split(": ")[0] in clauses:
        chosen = title.split(" – ")[0]  # "Refugee Week: Planning and Inspiration" stays whole
    for m in _CONNECTOR.finditer(chosen):
        if len(chosen[: m.start()].split()) >= 2:
            chosen = chosen[: m.start()]
            break
    chosen = " ".join(chosen.split()[:6]).rstrip(",;:")
    return (chosen[:1].upper() + chosen[1:]) if chosen else "Event"


def _slug(text: str) -> str:
    slug = _SLUG.sub("-", text.lower()).strip("-")[:60].strip("-")
    return slug if len(slug) >= 2 else "event"


def clean_where(raw: str) -> str:
    """Where, in plain words: "In person Venue TBC" -> "In person, venue to be confirmed"."""
    where = _clean(raw).rstrip(".")
    if _TBC.search(where):
        where = _TBC.sub(", venue to be confirmed", where).strip(" ,")
        where = where[:1].upper() + where[1:]
    return where


def mode_of(where: str) -> str:
    """The mode (Online / In school / Email / In person) a Where text implies."""
    low = where.lower()
    if re.search(r"\b(online|zoom|teams|virtual|webinar)\b", low):
        return "Online"
    if re.search(r"\b(in|at) (your |the |each )?schools?\b", low):
        return "In school"
    if re.search(r"\be-?mail\b", low):
        return "Email"
    return "In person" if low else ""


def _named_venue(where: str) -> bool:
    return bool(where) and not re.match(
        r"(in person|online|in school|at school|e-?mail|venue to be confirmed|to be confirmed)",
        where,
        re.IGNORECASE,
    )


def form_label(short: str, start: str | None, mode: str, where: str) -> str:
    """The choice the sign-up form shows for an event."""
    if start is None:
        return ""
    if len(start) == 7:
        return f"{short} ({dt.date.fromisoformat(start + '-01'):%B %Y})"
    label = f"{short} – {_say(dt.date.fromisoformat(start[:10]))}"
    if len(start) > 10:
        label += f", {_clock(dt.time.fromisoformat(start[11:]))}"
    if mode == "Online":
        label += " (online)"
    elif _named_venue(where):
        label += f" ({where})"
    return label


# -- matching against the existing programme -----------------------------------------------------


def _norm(title: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", title.lower()).split())


def _similar(a: ProgrammeEvent | _Draft, b: ProgrammeEvent) -> float:
    return float(fuzz.token_set_ratio(_norm(a.title), _norm(b.title)))


_SIMILAR = 80.0


def _match_existing(
    drafts: Sequence[_Draft], existing: Programme, choices: list[str], warnings: list[str]
) -> dict[int, ProgrammeEvent]:
    """Which existing event each draft continues (by index); never guesses between two."""
    matched: dict[int, ProgrammeEvent] = {}
    used: set[str] = set()
    old = list(existing.events)

    def same_day(a: str | None, b: str | None) -> bool:
        return (a or "")[:10] == (b or "")[:10]

    # 1. same title and same date; 2. similar title and same date (best score, unique)
    for exact in (True, False):
        for i, d in enumerate(drafts):
            if i in matched:
                continue
            scored = [
                (_similar(d, e), e)
                for e in old
                if e.key not in used
                and same_day(d.start, e.start)
                and (_norm(d.title) == _norm(e.title) if exact else _similar(d, e) >= _SIMILAR)
            ]
            if not scored:
                continue
            scored.sort(key=lambda c: -c[0])
            if len(scored) > 1 and scored[0][0] == scored[1][0]:
                continue
            matched[i] = scored[0][1]
            used.add(scored[0][1].key)
    # 3. similar title, moved date: only when the pairing is unique both ways
    for i, d in enumerate(drafts):
        if i in matched:
            continue
        cands = [e for e in old if e.key not in used and _similar(d, e) >= _SIMILAR]
        if not cands:
            continue
        names = ", ".join(f"`{e.key}`" for e in cands)
        rivals = [
            j
            for j, other in enumerate(drafts)
            if j not in matched and any(_similar(other, e) >= _SIMILAR for e in cands)
        ]
        if len(cands) == 1 and rivals == [i]:
            prev = cands[0]
            matched[i] = prev
            used.add(prev.key)
            choices.append(
                f"Kept key `{prev.key}` for '{d.short}': same event, moved from "
                f"{prev.start or 'on request'} to {d.start or 'on request'}."
            )
        else:
            warnings.append(
                f"{d.row.ref}: '{d.short}' on {d.start or 'request'} may be the old {names} "
                f"moved, but {len(rivals)} new and {len(cands)} old events are alike; did not "
                f"guess, gave it a new key. Put the right old key back in the programme file "
                f"if it is the same event."
            )
    return matched


# -- the import -----------------------------------------------------------------------------------


def import_offer(
    text: str, existing: Programme | None = None, academic_year: str | None = None
) -> ImportReport:
    """Turn an offer document's What / When / Where table into a Programme.

    Args:
        text: the document, or just its table, as plain text with tab-separated cells.
        existing: the current programme, whose keys are kept for unchanged or moved events.
        academic_year: "2024-25"; overrides the year the document names.

    Returns:
        The programme and a report of every choice and contradiction. Never raises for
        odd input: what cannot be read becomes a warning.
    """
    choices: list[str] = []
    warnings: list[str] = []
    named = academic_year_of(text)
    year_name = academic_year or named or (existing.academic_year if existing else "") or ""
    if academic_year and named and named != academic_year:
        warnings.append(
            f"The document says {named} but the academic year given is {academic_year}; "
            f"used {academic_year}."
        )
    if existing and existing.academic_year and year_name != existing.academic_year:
        warnings.append(
            f"The existing programme is for {existing.academic_year}; this offer is for "
            f"{year_name or 'an unknown year'}."
        )
    m = _ACADEMIC_YEAR.match(year_name)
    if year_name and not m:
        warnings.append(f"`{year_name}` is not an academic year like 2024-25; ignored it.")
        year_name = ""
    ay = _Year(int(m.group(1)) if m else None)
    if not named and not academic_year and year_name:
        choices.append(f"The document names no academic year; used the existing {year_name}.")

    drafts: list[_Draft] = []
    for row in _find_table(text, warnings):
        title, notes, shortened, asides = _title_and_notes(row.what)
        short = short_title(title)
        column_where = clean_where(row.where)
        mode = mode_of(column_where)
        if column_where != _clean(row.where).rstrip("."):
            choices.append(f"{row.ref}: Where `{row.where}` written as '{column_where}'.")
        if shortened:
            choices.append(
                f"{row.ref}: shortened the title to '{title}'; the rest of the What text "
                f"(and any link) is in the notes."
            )
        for aside in asides:
            choices.append(f"{row.ref}: moved the question {aside} from the title to the notes.")
        whens = _parse_when(row.when, ay, row.ref, choices, warnings)
        if not whens:
            whens = [_When(None)]
        if len(whens) > 1:
            choices.append(
                f"{row.ref}: '{short}' has {len(whens)} dates; made {len(whens)} events "
                f"({', '.join(w.source for w in whens)})."
            )
        for w in whens:
            venue = clean_where(w.venue)
            if venue.lower() == "venue to be confirmed":  # "18 March 2025 venue TBC"
                venue = ""
                if "to be confirmed" not in column_where:
                    column_where = clean_where(f"{column_where} venue TBC")
            if _REMARK.search(venue):  # "6 Nov 2024 (provisional)" is a remark, not a place
                choices.append(f"{row.ref}: `{venue}` after {w.source} is a remark; put in notes.")
                w.note = " ".join(n for n in (w.note, venue[:1].upper() + venue[1:] + ".") if n)
                venue = ""
            w.venue = venue
            where = w.venue or column_where
            if w.venue and len(whens) > 1:
                choices.append(f"{row.ref}: {w.source} names its own venue: {w.venue}.")
            if where.lower() == "in person" and w.start:
                where = "In person, venue to be confirmed"
                choices.append(f"{row.ref}: {w.source} names no venue; where is '{where}'.")
            event_notes = "\n".join(n for n in (w.note, notes) if n)
            # A venue in the When cell can change the mode ("7 Nov 2024 Online").
            event_mode = mode_of(where) if w.venue else mode
            drafts.append(_Draft(title, short, w.start, w.end, where, event_mode, event_notes, row))

    # Chronological; a tentative month after the dated events of that month; on request last.
    drafts.sort(
        key=lambda d: (d.start + "-99") if d.start and len(d.start) == 7 else d.start or "9"
    )
    matched = _match_existing(drafts, existing, choices, warnings) if existing else {}
    events: list[ProgrammeEvent] = []
    keys: set[str] = {e.key for e in matched.values()}
    labels: set[str] = set()
    for i, d in enumerate(drafts):
        old = matched.get(i)
        if old is not None:
            key = old.key
        else:
            key = _slug(d.short) + (f"-{d.start[:10]}" if d.start else "")
            base, n = key, 2
            while key in keys:
                key, n = f"{base}-{n}", n + 1
            keys.add(key)
        if d.mode == "Email" or d.start is None:
            label = ""
        elif old is not None and old.form_label and old.start == d.start:
            label = old.form_label
        else:
            label = form_label(d.short, d.start, d.mode, d.where)
        base_label, n = label, 2
        while label and label in labels:
            label, n = f"{base_label} ({n})", n + 1
        if label:
            labels.add(label)
        notes = d.notes or (old.notes if old is not None else "")
        former: tuple[str, ...] = ()
        if old is not None:
            former = tuple(x for x in (*old.former_labels, old.form_label) if x and x != label)
        try:
            events.append(
                ProgrammeEvent(
                    key=key,
                    title=d.title,
                    start=d.start,
                    end=d.end,
                    where=d.where,
                    mode=d.mode,
                    form_label=label,
                    notes=notes,
                    former_labels=former,
                )
            )
        except ValidationError as exc:
            reason = "; ".join(str(e["msg"]) for e in exc.errors())
            warnings.append(f"{d.row.ref}: could not make an event of '{d.title}': {reason}.")
    if existing:
        kept = [e.key for e in events if e.key in existing.by_key()]
        new = [e.key for e in events if e.key not in existing.by_key()]
        gone = [e for e in existing.events if e.key not in {x.key for x in events}]
        if kept:
            choices.append(f"Kept {len(kept)} keys: {', '.join(kept)}.")
        if new:
            choices.append(f"New keys: {', '.join(new)}.")
        for e in gone:
            warnings.append(
                f"`{e.key}` ('{e.title}', {e.start or 'on request'}) is no longer in the offer; "
                f"it is dropped from the programme. Sign-ups for it keep their key."
            )
    return ImportReport(Programme(academic_year=ay.name, events=tuple(events)), choices, warnings)
