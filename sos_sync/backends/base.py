"""The small interfaces a backend implements, shaped by what the core needs (SPEC §9).

- `ResponseSource.read_responses()`: the raw responses of every form, and the forms
  that failed closed (a mapped question is missing) with a plain-words reason.
- `TrackerStore.read_tabs()` / `apply()`: every tab in one read; the writes of a plan.
- Calendar and documents sinks are optional (`None` when the backend has none yet).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from sos_sync.domain.forms import FormKind
from sos_sync.domain.responses import RawResponse
from sos_sync.tracker.schema import TabData, TabPlan, TabSpec


@dataclass
class ResponsesRead:
    responses: dict[FormKind, list[RawResponse]] = field(default_factory=dict)
    failed: dict[FormKind, str] = field(default_factory=dict)  # form -> why it failed closed
    requests: int = 0


class ResponseSource(Protocol):
    def read_responses(self) -> ResponsesRead: ...


class TrackerStore(Protocol):
    def read_tabs(self, tabs: Sequence[TabSpec]) -> dict[str, TabData | None]: ...

    def apply(self, tabs: Sequence[TabSpec], plans: Sequence[TabPlan]) -> int:
        """Write the plans; return how many write operations were sent."""
        ...


class Backend(Protocol):
    name: str
    source: ResponseSource
    tracker: TrackerStore

    def requests(self) -> dict[str, int]:
        """HTTP requests sent, by API (empty for the local backend)."""
        ...


# ---------------------------------------------------------------- calendar and documents


@dataclass(frozen=True)
class DocState:
    """A generated document as it stands in the backend.

    `fingerprint` is opaque and backend-specific (a hash of a .docx's content, a Drive
    file's `version`/`modifiedTime` …): the core stores the fingerprint returned when it
    wrote the document and compares it with the one read next night; a difference means a
    person edited the document, which is then never overwritten.
    """

    key: str
    link: str
    fingerprint: str
    duplicates: tuple[str, ...] = ()  # links of other documents found under the same key

    def unchanged_since(self, recorded: str | None) -> bool:
        """Whether the document is as sos-sync left it (`recorded`: the fingerprint then)."""
        return self.fingerprint == recorded


class CalendarStore(Protocol):
    def read_events(self, keys: Sequence[str]) -> dict[str, object | None]:
        """The events sos-sync made, by key: a `CalendarEvent` as the calendar holds it now,
        or None when it is gone (deleted by a person, or never made)."""
        ...

    def apply_events(self, events: Sequence[object], write_keys: Sequence[str]) -> dict[str, str]:
        """Make the calendar hold `events`; only `write_keys` need writing (create or update).

        Idempotent by key: an event that already exists with that key is updated, never
        duplicated (Google: deterministic id, 409 means compare-and-update). Returns
        key -> link (htmlLink, or the .ics path) for every event in `events`.
        """
        ...


class DocumentStore(Protocol):
    def read_documents(self, keys: Sequence[str]) -> dict[str, DocState]:
        """The documents sos-sync generated, by key (missing keys: not there)."""
        ...

    def write_document(self, key: str, title: str, html: str, inputs_hash: str) -> DocState:
        """Create or replace the document for `key` (found again by key, never duplicated)."""
        ...


# ---------------------------------------------------------------- checks (doctor)

Status = Literal["ok", "warn", "fail"]


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    detail: str

    @property
    def ok(self) -> bool:
        return self.status != "fail"
