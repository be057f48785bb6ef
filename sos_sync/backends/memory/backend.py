"""The in-memory backend: responses, tracker, calendar and documents held in a `World`.

Fast (no files, no HTTP) and honest about the ports: the same contract tests run over
it as over the local and Google backends. `Faults` makes any write fail before it lands
or land and then kill the run, so tests can stop a night at every write boundary.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sos_sync.backends.base import (
    Check,
    DocState,
    DocumentWrite,
    DocumentWrites,
    ResponsesRead,
    write_in_turn,
)
from sos_sync.backends.memory.faults import Faults
from sos_sync.delivery.pdf import docx_to_pdf
from sos_sync.domain.calendar import CalendarEvent
from sos_sync.domain.forms import FormKind
from sos_sync.domain.responses import RawResponse
from sos_sync.tracker.schema import TabData, TabPlan, TabSpec


@dataclass
class StoredDocument:
    title: str
    docx: bytes
    inputs_hash: str
    version: int


@dataclass
class World:
    """What the backend holds; survives from one night (and one backend) to the next."""

    responses: dict[FormKind, list[RawResponse]] = field(default_factory=dict)
    failed: dict[FormKind, str] = field(default_factory=dict)
    tabs: dict[str, TabData] = field(default_factory=dict)
    events: dict[str, CalendarEvent] = field(default_factory=dict)
    documents: dict[str, StoredDocument] = field(default_factory=dict)
    committed: int = 0  # response-cache commits
    held_by: str | None = None  # a person holding the tracker open


class MemorySource:
    def __init__(self, world: World, faults: Faults) -> None:
        self.world, self.faults = world, faults

    def read_responses(self) -> ResponsesRead:
        return ResponsesRead(
            {k: list(v) for k, v in self.world.responses.items()}, dict(self.world.failed)
        )

    def commit(self) -> None:
        self.faults.before("responses")
        self.world.committed += 1
        self.faults.after()


def _copy(tab: TabData) -> TabData:
    return TabData(list(tab.header), [list(r) for r in tab.rows])


class MemoryTracker:
    def __init__(self, world: World, faults: Faults) -> None:
        self.world, self.faults = world, faults

    def read_tabs(self, tabs: Sequence[TabSpec]) -> dict[str, TabData | None]:
        return {
            t.name: _copy(self.world.tabs[t.name]) if t.name in self.world.tabs else None
            for t in tabs
        }

    def apply(self, tabs: Sequence[TabSpec], plans: Sequence[TabPlan]) -> int:
        self.faults.before("tracker")
        new = {name: _copy(tab) for name, tab in self.world.tabs.items()}
        for spec in tabs:
            new.setdefault(spec.name, TabData([], []))
        written = 0
        for plan in plans:
            tab = new[plan.tab]
            tab.header.extend(h for h in plan.add_headers if h not in tab.header)
            written += len(plan.add_headers)
            cols = {h: i for i, h in reversed(list(enumerate(tab.header)))}
            keys = {r[cols[plan.key_column]]: r for r in tab.rows if cols[plan.key_column] < len(r)}
            for rw in plan.rows:
                row = keys.get(rw.key)
                if row is None:
                    row = [""] * len(tab.header)
                    row[cols[plan.key_column]] = rw.key
                    tab.rows.append(row)
                    keys[rw.key] = row
                for c in rw.cells:
                    if c.column not in cols:
                        tab.header.append(c.column)
                        cols[c.column] = len(tab.header) - 1
                    row.extend([""] * (cols[c.column] + 1 - len(row)))
                    row[cols[c.column]] = c.value
                    written += 1
        self.world.tabs = new  # all or nothing, like the atomic .xlsx replace
        self.faults.after()
        return written


class MemoryCalendar:
    def __init__(self, world: World, faults: Faults) -> None:
        self.world, self.faults = world, faults

    def read_events(self, keys: Sequence[str]) -> Mapping[str, CalendarEvent | None]:
        return {k: self.world.events.get(k) for k in keys}

    def apply_events(self, events: Sequence[object], write_keys: Sequence[str]) -> dict[str, str]:
        self.faults.before("calendar")
        hold = [e for e in events if isinstance(e, CalendarEvent)]
        self.world.events = {e.key: e for e in hold}
        self.faults.after()
        return {e.key: f"memory://calendar/{e.key}" for e in hold}


class MemoryDocuments:
    def __init__(self, world: World, faults: Faults) -> None:
        self.world, self.faults = world, faults

    @staticmethod
    def _state(key: str, doc: StoredDocument) -> DocState:
        head = f"{doc.version}\0{doc.title}\0".encode()
        digest = hashlib.sha256(head + doc.docx).hexdigest()
        return DocState(key, f"memory://docs/{key}", digest[:32])

    def read_documents(self, keys: Sequence[str]) -> dict[str, DocState]:
        docs = self.world.documents
        return {k: self._state(k, docs[k]) for k in keys if k in docs}

    def write_documents(self, jobs: Iterable[DocumentWrite]) -> DocumentWrites:
        return write_in_turn(self, jobs)

    def write_document(self, key: str, title: str, docx: bytes, inputs_hash: str) -> DocState:
        self.faults.before(f"document {key}")
        old = self.world.documents.get(key)
        doc = StoredDocument(title, docx, inputs_hash, (old.version + 1) if old else 1)
        self.world.documents[key] = doc
        self.faults.after()
        return self._state(key, doc)

    def delete_document(self, key: str) -> None:
        self.world.documents.pop(key, None)

    def read_pdf(self, key: str) -> bytes:
        """The PDF copy, laid out from the stored .docx."""
        return docx_to_pdf(self.world.documents[key].docx)

    def edit(self, key: str, docx: bytes) -> None:
        """A person edits the document (for tests)."""
        doc = self.world.documents[key]
        self.world.documents[key] = StoredDocument(
            doc.title, docx, doc.inputs_hash, doc.version + 1
        )


class MemoryBackend:
    name = "memory"

    def __init__(self, world: World | None = None, faults: Faults | None = None) -> None:
        self.world = world if world is not None else World()
        self.faults = faults if faults is not None else Faults()
        self.source = MemorySource(self.world, self.faults)
        self.tracker = MemoryTracker(self.world, self.faults)
        self.calendar = MemoryCalendar(self.world, self.faults)
        self.documents = MemoryDocuments(self.world, self.faults)

    def held_by(self) -> str | None:
        return self.world.held_by

    def prepare(self) -> int:
        return 0

    def tidy(self) -> int:
        return 0

    def checks(self) -> list[Check]:
        return [Check("memory backend", "ok", f"{len(self.world.tabs)} tabs held in memory")]

    def requests(self) -> dict[str, int]:
        return {}
