"""Last year's events in a new year's programme: kept as past events, never re-used.

A new year's offer (2025-26 imported over 2024-25) names none of last year's dates, so
without care its events would be dropped, and answers given to last year's sign-up form
would become "not an event in the programme" (and last year's calendar events would be
cancelled). Worse, a similar title ("Network meeting") would be taken for the same event
moved a year on, and last year's sign-ups would count for this year's meeting.

So an import keeps, unchanged (key, labels, former labels), every event of the previous
programme that was over before the new offer's academic year begins (1 September), and
matches only the others to the offer's rows. A past event is never offered on the
sign-up form (it is over) and its calendar event is left as it is.
"""

from __future__ import annotations

import datetime as dt

from sos_sync.domain.programme import Programme, ProgrammeEvent


def year_begins(first_year: int) -> dt.date:
    """The first day of the academic year that starts in `first_year`."""
    return dt.date(first_year, 9, 1)


def split_past(
    existing: Programme | None, first_year: int | None
) -> tuple[tuple[ProgrammeEvent, ...], Programme | None]:
    """The events of `existing` over before the academic year `first_year` begins, and
    `existing` without them (the events an offer's rows may continue)."""
    if existing is None or first_year is None:
        return (), existing
    begins = year_begins(first_year)
    past = tuple(e for e in existing.events if e.ends_on is not None and e.ends_on < begins)
    if not past:
        return (), existing
    rest = tuple(e for e in existing.events if e not in past)
    return past, existing.model_copy(update={"events": rest})


def past_line(past: tuple[ProgrammeEvent, ...], first_year: int) -> str:
    """The report's line about the past events kept."""
    begins = year_begins(first_year)
    return (
        f"Kept {len(past)} events that were over before {begins.day} {begins:%B %Y} as past "
        f"events ({', '.join(e.key for e in past)}): sign-ups given for them still count, "
        "they are not offered on the sign-up form, and their calendar events stay as they are."
    )
