"""The programme: one academic year of events, as configuration (SPEC §7).

Each event has a stable `key` (rows on `Events`, calendar event ids and sign-ups
refer to it), a title, when it happens, where, its mode and the `form_label` the
sign-up form shows. `start` is one of:

- ``YYYY-MM-DDTHH:MM`` a timed event (Europe/London), with ``end`` the same form;
- ``YYYY-MM-DD`` an all-day event (``end`` optional, inclusive last day);
- ``YYYY-MM`` month only: tentative, no calendar event until a date is known;
- absent: "on request" (e.g. catch-up meetings).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import tomli_w
from pydantic import BaseModel, ConfigDict, field_validator, model_validator

Precision = Literal["datetime", "date", "month", "on_request"]

_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")
_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{1,80}$")


@functools.lru_cache(maxsize=4096)  # a night asks for each event's many times
def precision_of(value: str | None) -> Precision:
    """Say how precise a programme `start`/`end` value is."""
    if value is None or value == "":
        return "on_request"
    if _DATETIME.match(value):
        return "datetime"
    if _DATE.match(value):
        return "date"
    if _MONTH.match(value):
        return "month"
    raise ValueError(
        f"`{value}` is not a date: use YYYY-MM-DDTHH:MM, YYYY-MM-DD, YYYY-MM or leave it out"
    )


class ProgrammeEvent(BaseModel):
    """One event of the local programme."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    title: str
    start: str | None = None
    end: str | None = None
    where: str = ""
    mode: str = ""
    form_label: str = ""
    notes: str = ""
    # labels the sign-up form offered for this event before (a date moved, a label
    # renamed): answers given with them still count for this event
    former_labels: tuple[str, ...] = ()

    @field_validator("key")
    @classmethod
    def _key_shape(cls, v: str) -> str:
        if not _KEY.match(v):
            raise ValueError(
                f"key `{v}` must be lower-case letters, digits and hyphens (2-81 characters)"
            )
        return v

    @field_validator("start", "end")
    @classmethod
    def _when_shape(cls, v: str | None) -> str | None:
        if v in (None, ""):
            return None
        precision_of(v)
        if _DATETIME.match(v or ""):
            dt.datetime.fromisoformat(v or "")
        elif _DATE.match(v or ""):
            dt.date.fromisoformat(v or "")
        return v

    @model_validator(mode="after")
    def _end_after_start(self) -> ProgrammeEvent:
        if self.end and not self.start:
            raise ValueError("`end` is set but `start` is not")
        if self.start and self.end:
            ps, pe = precision_of(self.start), precision_of(self.end)
            if ps != pe:
                raise ValueError(f"`start` ({self.start}) and `end` ({self.end}) differ in form")
            if self.end < self.start:
                raise ValueError(f"`end` ({self.end}) is before `start` ({self.start})")
        return self

    @property
    def precision(self) -> Precision:
        return precision_of(self.start)

    @property
    def is_dated(self) -> bool:
        """True when the event has a day (it gets a calendar event)."""
        return self.precision in ("datetime", "date")

    @property
    def start_date(self) -> dt.date | None:
        if not self.is_dated or self.start is None:
            return None
        return dt.date.fromisoformat(self.start[:10])

    @property
    def end_date(self) -> dt.date | None:
        """The last day of the event (inclusive)."""
        if not self.is_dated:
            return None
        return dt.date.fromisoformat((self.end or self.start or "")[:10])

    @property
    def ends_on(self) -> dt.date | None:
        """The day the event is over: its last day, or the last day of its month for a
        month-only event (SPEC §6.4); None for an event on request."""
        if self.is_dated:
            return self.end_date
        if self.precision != "month" or self.start is None:
            return None
        year, month = map(int, (self.end or self.start).split("-"))
        first_of_next = dt.date(year + month // 12, month % 12 + 1, 1)
        return first_of_next - dt.timedelta(days=1)


class Programme(BaseModel):
    """One academic year's programme."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    academic_year: str = ""
    timezone: str = "Europe/London"
    events: tuple[ProgrammeEvent, ...] = ()

    @model_validator(mode="after")
    def _unique(self) -> Programme:
        seen: set[str] = set()
        labels: set[str] = set()
        for e in self.events:
            if e.key in seen:
                raise ValueError(f"two events have the key `{e.key}`")
            seen.add(e.key)
            if e.form_label:
                if e.form_label in labels:
                    raise ValueError(f"two events have the form_label `{e.form_label}`")
                labels.add(e.form_label)
        return self

    def by_label(self) -> dict[str, ProgrammeEvent]:
        """Event by sign-up label; former labels too, the current ones winning."""
        former = {old: e for e in self.events for old in e.former_labels}
        return former | {e.form_label: e for e in self.events if e.form_label}

    def by_key(self) -> dict[str, ProgrammeEvent]:
        return {e.key: e for e in self.events}


def load_programme(path: Path) -> Programme:
    """Read a programme file (TOML: `academic_year`, `timezone`, `[[event]]` tables)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    events = data.pop("event", [])
    return Programme(**data, events=tuple(ProgrammeEvent(**e) for e in events))


def dump_programme(programme: Programme, header: str = "") -> str:
    """The programme as TOML text, with an optional comment header."""
    doc: dict[str, object] = {
        "academic_year": programme.academic_year,
        "timezone": programme.timezone,
        "event": [
            {k: v for k, v in e.model_dump().items() if v not in (None, "", ())}
            for e in programme.events
        ],
    }
    lines = [f"# {line}".rstrip() for line in header.splitlines()] if header else []
    return ("\n".join(lines) + "\n\n" if lines else "") + tomli_w.dumps(doc)


@dataclass(frozen=True)
class LabelChanges:
    """How the sign-up form's event choices change: labels added, removed and renamed."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    renamed: tuple[tuple[str, str], ...] = ()  # (old label, new label): the same event

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.renamed)

    def phrases(self, to_do: bool = False) -> list[str]:
        """`added 'X'`, `removed 'Y'`, `renamed 'A' -> 'B'`, in that order (`to_do`:
        `add 'X'`, `remove 'Y'`, `rename 'A' -> 'B'`)."""
        add, remove, rename = (
            ("add", "remove", "rename") if to_do else ("added", "removed", "renamed")
        )
        return [
            *(f"{add} '{x}'" for x in self.added),
            *(f"{remove} '{x}'" for x in self.removed),
            *(f"{rename} '{a}' -> '{b}'" for a, b in self.renamed),
        ]


def label_changes(
    before: Sequence[str], after: Sequence[str], programme: Programme
) -> LabelChanges:
    """What turns the choices `before` into `after`; a label taken off whose event now
    offers a new label (it is one of the event's `former_labels`) is a rename."""
    gone = [x for x in before if x not in after]
    came = [x for x in after if x not in before]
    by_label = programme.by_label()
    renamed: list[tuple[str, str]] = []
    for old in gone:
        event = by_label.get(old)
        if event is not None and event.form_label in came and event.form_label != old:
            renamed.append((old, event.form_label))
            came.remove(event.form_label)
    olds = {a for a, _ in renamed}
    return LabelChanges(tuple(came), tuple(x for x in gone if x not in olds), tuple(renamed))


@dataclass(frozen=True)
class SignupFormNews:
    """What a night did about the sign-up form's event choices (the morning report says it).

    `by_hand`: the workspace has no form sos-sync can edit (the local backend); a lead
    makes `changes` by hand. `error`: the form could not be changed tonight (said in plain
    words); the next night tries again. `left_on`: see below.
    """

    changes: LabelChanges
    by_hand: bool = False
    error: str = ""
    # no event is to come, and a Google Form cannot offer no choice: these (events that
    # are over) stay on the form until the programme has events to come
    left_on: tuple[str, ...] = ()
