"""The ports a backend implements, shaped by what the core needs (SPEC §9).

- `ResponseSource.read_responses()`: the raw responses of every form, and the forms
  that failed closed (a mapped question is missing) with a plain-words reason;
  `commit()` keeps what was read (a response cache, a cursor) once the tracker holds it.
- `TrackerStore.read_tabs()` / `apply()`: every tab in one read; the writes of a plan.
- `CalendarStore` and `DocumentStore`: the night's other outputs, found again by key.
- `Backend`: the four above as read-only properties, plus `prepare()` (set up a new
  tracker), `checks()` (what `doctor` reports) and `requests()` (HTTP requests sent).

The core talks to backends only through these; `sos_sync.backends.factory.make_backend`
builds one from the configuration. The contract tests (`tests/test_backend_contract.py`)
run the same assertions over the memory, local and Google-on-emulator backends.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Mapping, Sequence
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

    def commit(self) -> None:
        """Keep the responses read tonight (cache, cursor): called once the tracker holds them."""
        ...


class TrackerStore(Protocol):
    def read_tabs(self, tabs: Sequence[TabSpec]) -> dict[str, TabData | None]: ...

    def apply(self, tabs: Sequence[TabSpec], plans: Sequence[TabPlan]) -> int:
        """Write the plans; return how many write operations were sent."""
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
    def read_events(self, keys: Sequence[str]) -> Mapping[str, object | None]:
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


@dataclass(frozen=True)
class DocumentWrite:
    """One document to write: its key, title, rendered .docx and the hash of its inputs."""

    key: str
    title: str
    docx: bytes
    inputs_hash: str


DocumentWrites = Generator[tuple[DocumentWrite, DocState], None, None]


class DocumentStore(Protocol):
    def read_documents(self, keys: Sequence[str]) -> dict[str, DocState]:
        """The documents sos-sync generated, by key (missing keys: not there)."""
        ...

    def write_documents(self, jobs: Iterable[DocumentWrite]) -> DocumentWrites:
        """Write each job (as `write_document`), yielding it with its state once written.

        A job is taken from `jobs` only when its write is about to start, so the caller
        records its intent as it hands it over, and its result as it gets it back. Jobs
        may be written a few at once (Google) and come back in any order; one after
        another is `write_in_turn`. A failure is raised once the writes already started
        have come back; closing the generator waits for writes in flight.
        """
        ...

    def write_document(self, key: str, title: str, docx: bytes, inputs_hash: str) -> DocState:
        """Create or replace the document for `key` from its rendered .docx, with its PDF
        copy (found again by key, never duplicated)."""
        ...

    def read_pdf(self, key: str) -> bytes:
        """The PDF copy of the document for `key` (for sending it to the school)."""
        ...

    def delete_document(self, key: str) -> None:
        """Remove the document for `key` (to the bin where the backend has one); none: no-op."""
        ...


def write_in_turn(store: DocumentStore, jobs: Iterable[DocumentWrite]) -> DocumentWrites:
    """`write_documents` one document after another (the local and memory backends)."""
    for job in jobs:
        yield job, store.write_document(job.key, job.title, job.docx, job.inputs_hash)


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


# ---------------------------------------------------------------- the backend


class Backend(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def source(self) -> ResponseSource: ...

    @property
    def tracker(self) -> TrackerStore: ...

    @property
    def calendar(self) -> CalendarStore: ...

    @property
    def documents(self) -> DocumentStore: ...

    def held_by(self) -> str | None:
        """Who has the tracker open for editing (a sentence), or None when the sync may write."""
        ...

    def prepare(self) -> int:
        """Set up a new tracker (tabs, drop-downs, protections); idempotent. Returns writes sent."""
        ...

    def tidy(self) -> int:
        """Remove what a killed run left half-written (temporary files); return how many."""
        ...

    def checks(self) -> list[Check]:
        """What `doctor` reports about this backend (reachable, readable, writable)."""
        ...

    def requests(self) -> dict[str, int]:
        """HTTP requests sent, by API (empty for backends with no network)."""
        ...
