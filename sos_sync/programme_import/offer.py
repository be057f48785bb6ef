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

import re
from dataclasses import dataclass, field

from pydantic import ValidationError

from sos_sync.domain.programme import Programme, ProgrammeEvent
from sos_sync.programme_import.dates import _parse_when, _When, _Year
from sos_sync.programme_import.naming import (
    _Draft,
    _match_existing,
    _slug,
    _title_and_notes,
    clean_where,
    form_label,
    mode_of,
    short_title,
)
from sos_sync.programme_import.past import past_line, split_past
from sos_sync.programme_import.table import _clean, _find_table, academic_year_of

DEFAULT_HEADER = """\
Schools of Sanctuary programme {year} (imported from the local offer).
One [[event]] per event. `key` is stable: sign-ups, calendar events and the Events tab
refer to it, so change a title or a date freely but keep the key.
`start`: YYYY-MM-DDTHH:MM (timed), YYYY-MM-DD (all day), YYYY-MM (month only, no calendar
event yet) or leave it out (on request). `form_label` is the choice the sign-up form shows."""


_REMARK = re.compile(
    r"\b(dates?|times?|change|provisional|tentative|confirm|approx\w*|tbc|may|might|subject"
    r"|possibly|probably|likely|expected|estimated|rescheduled|cancelled|postponed)\b",
    re.IGNORECASE,
)


_ACADEMIC_YEAR = re.compile(r"^(20\d\d)-(\d\d)$")


@dataclass(frozen=True)
class ImportReport:
    """What `import_offer` made and why."""

    programme: Programme
    choices: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    past: tuple[str, ...] = ()  # keys of last year's events kept as past events

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
            kept = " (past, kept)" if e.key in self.past else ""
            out.append(f"  {e.key}: {e.title} | {when} | {e.where or '-'}{kept}")
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

    past, existing = split_past(existing, ay.first)
    if past and ay.first is not None:
        choices.append(past_line(past, ay.first))
    drafts = _drafts(text, ay, choices, warnings)
    # Chronological; a tentative month after the dated events of that month; on request last.
    drafts.sort(
        key=lambda d: (d.start + "-99") if d.start and len(d.start) == 7 else d.start or "9"
    )
    matched = _match_existing(drafts, existing, choices, warnings) if existing else {}
    events = _events(drafts, matched, warnings, past)
    if existing:
        _say_keys(existing, events, choices, warnings)
    programme = Programme(academic_year=ay.name, events=(*past, *events))
    return ImportReport(programme, choices, warnings, tuple(e.key for e in past))


def _drafts(text: str, ay: _Year, choices: list[str], warnings: list[str]) -> list[_Draft]:
    """One draft event per date of every row of the table."""
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
    return drafts


def _events(
    drafts: list[_Draft],
    matched: dict[int, ProgrammeEvent],
    warnings: list[str],
    past: tuple[ProgrammeEvent, ...] = (),
) -> list[ProgrammeEvent]:
    """The drafts with their keys (kept from a matched event) and sign-up labels unique
    among themselves and the `past` events kept beside them."""
    events: list[ProgrammeEvent] = []
    keys: set[str] = {e.key for e in matched.values()} | {e.key for e in past}
    labels: set[str] = {x for e in past for x in (e.form_label, *e.former_labels) if x}
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
    return events


def _say_keys(
    existing: Programme, events: list[ProgrammeEvent], choices: list[str], warnings: list[str]
) -> None:
    """Which keys were kept, which are new, and which events the offer no longer has."""
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
