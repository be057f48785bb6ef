"""The journal: what the run in progress is about to write, and what it has written.

Every write boundary of `apply` is a checkpoint, recorded (one SQLite transaction in
`state.db`) before the next write starts:

    begin                     the run's id; the tracker values it means to write (`pending`)
    calendar:intent           the calendar record it is about to make true
    calendar                  the calendar written; its record kept
    document:<key>:intent     the document it is about to write, and the fingerprint before
    document:<key>            the document written; its record kept
    tracker:intent            the tracker writes (links filled in) and the run's report
    tracker                   the tracker written; the memory kept
    responses                 the response cache kept (Google)
    state                     the run finished: journal cleared, run history appended

Each document's intent is its own journal entry (`document:<key>`), removed when its
result is recorded: Google writes a few documents at once (`[google] document_workers`),
so a killed run can leave several, each recovered alone. Each write's intent is recorded
before that write starts; with one write at a time (local, memory, `document_workers = 1`)
each write is also recorded before the next one starts.

A run killed anywhere leaves the journal behind. The next run reads it (`recover`):
an intended write that landed is recognised as the sync's own (no "someone changed"
problem), what the killed run applied is carried into the rerun's report, and the
rerun keeps the killed run's id, so it finishes that night rather than starting another.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sos_sync.backends.base import DocState
from sos_sync.domain.calendar import CalendarEvent
from sos_sync.domain.report import Applied, RunReport
from sos_sync.run.state import State

RUN, CALENDAR, DOCUMENT, TRACKER, RESPONSES = "run", "calendar", "document", "tracker", "responses"


@dataclass(frozen=True)
class Recovered:
    """What a killed run left, made usable by the rerun."""

    state: State
    run_id: str | None = None
    carried: Applied = field(default_factory=Applied)
    resumed: RunReport | None = None
    adopted: tuple[str, ...] = ()  # keys whose intended write was found to have landed


def pending_event_keys(journal: Mapping[str, Any]) -> set[str]:
    entry = journal.get(CALENDAR) or {}
    return set(entry.get("created", [])) | set(entry.get("updated", []))


def document_entry(key: str) -> str:
    """The journal entry of one document write in progress."""
    return f"{DOCUMENT}:{key}"


def document_intents(journal: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Every document write the killed run had started and not recorded: its entries
    `document:<key>`, and the one `document` entry an earlier release kept."""
    prefix = document_entry("")
    found = [v for name, v in sorted(journal.items()) if name.startswith(prefix) and v]
    if journal.get(DOCUMENT):
        found.append(journal[DOCUMENT])
    return found


def pending_document_keys(journal: Mapping[str, Any]) -> set[str]:
    return {str(entry["key"]) for entry in document_intents(journal)}


def recover(
    state: State,
    journal: Mapping[str, Any],
    events: Mapping[str, CalendarEvent | None],
    documents: Mapping[str, DocState],
) -> Recovered:
    """The state as the killed run left it, with every intended write that landed adopted."""
    if not journal:
        return Recovered(state)
    run = journal.get(RUN) or {}
    carried = Applied.from_dict(run.get("applied", {}))
    extra = dict(state.extra)
    adopted: list[str] = []
    if CALENDAR in journal:
        record, got = _adopt_events(extra.get("calendar", {}), journal[CALENDAR], events)
        extra["calendar"] = record
        carried += got
        adopted += sorted(pending_event_keys(journal) & set(events))
    for entry in document_intents(journal):
        cur = documents.get(entry["key"])
        if cur is not None and cur.fingerprint != entry.get("old_fingerprint"):
            record = {**entry["record"], "fingerprint": cur.fingerprint, "link": cur.link}
            extra["documents"] = {**extra.get("documents", {}), entry["key"]: record}
            new = bool(entry.get("new"))
            carried += Applied(docs_created=int(new), docs_updated=int(not new), writes=1)
            adopted.append(entry["key"])
    tracker = journal.get(TRACKER)
    resumed = RunReport.from_record(tracker["report"]) if tracker else None
    return Recovered(
        dataclasses.replace(state, extra=extra),
        run.get("run_id"),
        carried,
        resumed,
        tuple(adopted),
    )


def _adopt_events(
    recorded: Mapping[str, Any],
    entry: Mapping[str, Any],
    events: Mapping[str, CalendarEvent | None],
) -> tuple[dict[str, Any], Applied]:
    """Events the killed run wrote are the sync's own: their record is what it meant to write.

    A new event whose link the killed run never learned is left unrecorded: the plan then
    finds it in the calendar, equal to what it wants, and writes it again only to learn
    its link (not counted as a change; the killed run's count is carried).
    """
    record = {k: dict(v) for k, v in recorded.items()}
    intended: Mapping[str, Mapping[str, str]] = entry.get("record", {})
    created = updated = 0
    for kind in ("created", "updated"):
        for key in entry.get(kind, []):
            cur, want = events.get(key), intended.get(key)
            if cur is None or want is None or cur.fingerprint() != want.get("fingerprint"):
                continue  # this write did not land: the rerun makes it
            if "⟦" in want.get("link", ""):
                record.pop(key, None)
            else:
                record[key] = dict(want)
            created += kind == "created"
            updated += kind == "updated"
    return record, Applied(events_created=created, events_updated=updated)
