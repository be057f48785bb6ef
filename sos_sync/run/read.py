"""Read: everything the night needs, into one `Snapshot` (STYLE: read -> plan -> apply).

Reading writes nothing. A killed run's journal is applied here (`journal.recover`), so
the plan sees the state as if that run had recorded every write that landed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from sos_sync.backends.base import Backend
from sos_sync.config.load import Config
from sos_sync.domain.calendar import CalendarEvent
from sos_sync.plan.planner import Snapshot
from sos_sync.run.journal import Recovered, pending_document_keys, pending_event_keys, recover
from sos_sync.run.state import State
from sos_sync.run.suppression import load_suppression
from sos_sync.tracker.schema import TabSpec, all_tabs


def tab_specs(config: Config) -> tuple[TabSpec, ...]:
    return tuple(all_tabs(config.forms, [c.code for c in config.criteria]))


def read_snapshot(
    backend: Backend, config: Config, state: State, journal: Mapping[str, Any]
) -> tuple[Snapshot, Recovered]:
    """Responses, every tab, the sync's events and documents, the suppression list."""
    responses = backend.source.read_responses()
    tabs = backend.tracker.read_tabs(tab_specs(config))
    event_keys = set(state.extra.get("calendar", {})) | pending_event_keys(journal)
    events = {
        k: v if isinstance(v, CalendarEvent) else None
        for k, v in backend.calendar.read_events(sorted(event_keys)).items()
    }
    doc_keys = set(state.extra.get("documents", {})) | pending_document_keys(journal)
    documents = backend.documents.read_documents(sorted(doc_keys))
    recovered = recover(state, journal, events, documents)
    snapshot = Snapshot(
        responses,
        tabs,
        recovered.state,
        events,
        documents,
        load_suppression(config.workspace),
        recovered.carried,
        recovered.resumed,
    )
    return snapshot, recovered


def needs_prepare(snapshot: Snapshot) -> bool:
    """A tab is missing: a new tracker to set up before the night writes."""
    return any(t is None for t in snapshot.tabs.values())


def reread_tabs(backend: Backend, config: Config, snapshot: Snapshot) -> Snapshot:
    return dataclasses.replace(snapshot, tabs=backend.tracker.read_tabs(tab_specs(config)))
