"""The values the plan works on: the `Snapshot` read before planning, the `Plan` it makes,
and the `Night` (snapshot, configuration and day) every planning step reads from.

Nothing here changes after it is made; each planning step takes what it needs and
returns new values, so the steps can run in any order their inputs allow.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sos_sync.config.load import Config
from sos_sync.domain.calendar import CalendarEvent
from sos_sync.domain.forms import FormKind
from sos_sync.domain.privacy import Suppression
from sos_sync.domain.report import Applied, RunReport
from sos_sync.domain.responses import RawResponse, Response
from sos_sync.domain.steps import Position
from sos_sync.plan.calendar import CalendarPlan
from sos_sync.plan.documents import DocumentsPlan
from sos_sync.tracker.schema import Memory, TabData, TabPlan, TabSpec

EXCEL_CELL_LIMIT = 32_000
# one-off notices: reported once, never "cleared" when the condition is gone
NOTICES = frozenset({"row_deleted", "response_missing", "doc_orphaned", "review_orphaned"})

RKey = tuple[str, str]  # (form kind, response id): one response


def rkey(r: Response) -> RKey:
    return (r.kind, r.key)


class ResponsesRead(Protocol):
    """What the read step found in the forms (`backends.base.ResponsesRead`)."""

    @property
    def responses(self) -> Mapping[FormKind, Sequence[RawResponse]]: ...
    @property
    def failed(self) -> Mapping[FormKind, str]: ...


class Remembered(Protocol):
    """What the sync remembers between nights (`run.state.State`)."""

    @property
    def memory(self) -> Memory: ...
    @property
    def pending(self) -> Memory: ...
    @property
    def extra(self) -> dict[str, Any]: ...


@dataclass
class Snapshot:
    """Everything read before planning. The plan sees the read step's values through small
    protocols, so it imports nothing of `run/` or `backends/` (STYLE: pure packages)."""

    responses: ResponsesRead
    tabs: dict[str, TabData | None]
    state: Remembered
    calendar: dict[str, CalendarEvent | None] = field(default_factory=dict)
    # key -> the document as it stands (`backends.base.DocState`: key, link, fingerprint)
    documents: Mapping[str, Any] = field(default_factory=dict)
    suppressed: Suppression = field(default_factory=Suppression)
    carried: Applied = field(default_factory=Applied)  # what a killed run already applied
    resumed: RunReport | None = None  # a killed run's report, once its tracker write began


@dataclass(frozen=True)
class Night:
    """One night's inputs: what was read, the configuration and the day (never the clock)."""

    snapshot: Snapshot
    config: Config
    today: dt.date

    def tab(self, name: str) -> TabData | None:
        return self.snapshot.tabs.get(name)

    @functools.cached_property
    def event_ends(self) -> dict[str, tuple[str, dt.date | None]]:
        """Sign-up label (former labels too) -> the event's key and the day it is over."""
        return {label: (e.key, e.ends_on) for label, e in self.config.programme.by_label().items()}

    def memory(self, tab: str) -> Mapping[str, Mapping[str, str]]:
        return self.snapshot.state.memory.get(tab, {})

    def pending(self, tab: str) -> Mapping[str, Mapping[str, str]]:
        return self.snapshot.state.pending.get(tab, {})

    def typed(self, tab: str, key_col: str, key: str, col: str) -> str | None:
        """The value a person typed in a cell; None when it is empty or the sync's own."""
        found = (t.value(key_col, key, col) or "") if (t := self.tab(tab)) is not None else ""
        if not found:
            return None
        if found in (
            self.memory(tab).get(key, {}).get(col),
            self.pending(tab).get(key, {}).get(col),
        ):
            return None
        return found


@dataclass(frozen=True)
class SchoolRecord:
    """A school as its responses describe it (SPEC §5, §6.4)."""

    urn: str
    name: str = ""
    contact_name: str = ""
    contact_email: str = ""
    responses: tuple[Response, ...] = ()  # joined, with consent, in submitted order


@dataclass(frozen=True)
class Plan:
    """What this run will write, and what it found."""

    today: dt.date
    run_id: str
    tabs: tuple[TabSpec, ...]
    tab_plans: tuple[TabPlan, ...]
    memory: Memory
    pending: Memory
    report: RunReport  # the night's counts and problems, as apply will report them
    positions: dict[str, Position]
    calendar: CalendarPlan | None = None
    documents: DocumentsPlan | None = None

    @property
    def cell_writes(self) -> int:
        return sum(p.cell_count for p in self.tab_plans)

    @property
    def quiet(self) -> bool:
        return self.cell_writes == 0


def iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def fit(text: str) -> str:
    """Text cut to what one spreadsheet cell holds, saying so."""
    if len(text) <= EXCEL_CELL_LIMIT:
        return text
    return text[:EXCEL_CELL_LIMIT] + f" … [cut: {len(text):,} characters in all; see the form]"


def a_noun(noun: str) -> str:
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


def labels_of(r: Response) -> tuple[str, ...]:
    """The event labels a sign-up chose (a tuple once normalised)."""
    value = r.values.get("events", ())
    return tuple(str(v) for v in value) if isinstance(value, tuple) else ()
