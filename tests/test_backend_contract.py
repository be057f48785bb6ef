"""One contract, three backends: memory, local (files) and Google (on the emulator).

What the core relies on from every backend (`sos_sync.backends.base`): tabs read back
as written, calendar events and documents found again by key and never duplicated, a
second write of the same thing changes nothing, a person's edit changes a document's
fingerprint, delete is idempotent, and the small methods answer.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from helpers import small_docx

from sos_sync.backends.base import Backend, Check, ResponsesRead
from sos_sync.backends.factory import make_backend
from sos_sync.backends.memory.backend import MemoryBackend
from sos_sync.config.load import load_config
from sos_sync.domain.calendar import CalendarEvent
from sos_sync.emulator import RunningEmulator
from sos_sync.ops.demo import prepare_demo
from sos_sync.ops.demo_google import seed_world, use_world
from sos_sync.ops.workspace import init_workspace
from sos_sync.tracker.schema import SCHOOLS, CellWrite, RowWrite, TabPlan

KINDS = ["memory", "local", "google"]


def _google(emulator: RunningEmulator, folder: Path) -> Backend:
    ws = prepare_demo(folder)
    world = seed_world(emulator, load_config(ws), lead_entries=False)
    return make_backend(use_world(ws, world, emulator.base_url))


@pytest.fixture(params=KINDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    if request.param == "memory":
        return MemoryBackend()
    if request.param == "local":
        return make_backend(load_config(init_workspace(tmp_path / "ws", example="coventry")))
    emulator = request.getfixturevalue("emulator")
    request.getfixturevalue("admin")  # a fresh emulator
    return _google(emulator, tmp_path / "ws")


def _event(key: str, hour: int, attendees: tuple[str, ...] = ()) -> CalendarEvent:
    start = dt.datetime(2025, 9, 10, hour, 0, tzinfo=dt.UTC)
    return CalendarEvent(
        key, f"Meeting {key}", start, start + dt.timedelta(hours=1), "Hall", "About", attendees
    )


def _row(urn: str, name: str, new: bool) -> RowWrite:
    return RowWrite(urn, (CellWrite("URN", urn, "text"), CellWrite("School", name, "text")), new)


def test_tabs_read_back_as_written(backend: Backend) -> None:
    backend.prepare()
    plan = TabPlan(
        "Schools",
        "URN",
        tuple(c.name for c in SCHOOLS.columns),
        (_row("131001", "Oakfield Primary", True), _row("131002", "Hillside Academy", True)),
    )
    assert backend.tracker.apply((SCHOOLS,), (plan,)) > 0
    tab = backend.tracker.read_tabs((SCHOOLS,))["Schools"]
    assert tab is not None
    assert tab.value("URN", "131002", "School") == "Hillside Academy"
    update = TabPlan("Schools", "URN", (), (_row("131002", "Hillside Academy Trust", False),))
    backend.tracker.apply((SCHOOLS,), (update,))
    tab = backend.tracker.read_tabs((SCHOOLS,))["Schools"]
    assert tab is not None and len(tab.index("URN")[0]) == 2
    assert tab.value("URN", "131002", "School") == "Hillside Academy Trust"
    assert tab.value("URN", "131001", "School") == "Oakfield Primary"


def test_events_are_found_by_key_and_never_duplicated(backend: Backend) -> None:
    events = [_event("intro:a", 10), _event("intro:b", 14, ("head@example.org",))]
    links = backend.calendar.apply_events(events, [e.key for e in events])
    assert set(links) == {"intro:a", "intro:b"} and all(links.values())
    again = backend.calendar.apply_events(events, [e.key for e in events])  # a resend
    assert set(again) == set(links)
    got = backend.calendar.read_events(["intro:a", "intro:b", "intro:none"])
    assert got["intro:none"] is None
    for e in events:
        held = got[e.key]
        assert isinstance(held, CalendarEvent) and held.fingerprint() == e.fingerprint()
    moved = [_event("intro:a", 11), events[1]]
    backend.calendar.apply_events(moved, ["intro:a"])
    held = backend.calendar.read_events(["intro:a"])["intro:a"]
    assert isinstance(held, CalendarEvent) and held.fingerprint() == moved[0].fingerprint()


def test_documents_are_found_by_key_rewritten_in_place_and_deleted(backend: Backend) -> None:
    docs = backend.documents
    first = docs.write_document(
        "131001:audit_feedback", "Audit feedback", small_docx("Well done"), "h1"
    )
    assert first.key == "131001:audit_feedback" and first.link and first.fingerprint
    assert docs.read_documents(["131001:audit_feedback", "nope"]) == {first.key: first}
    second = docs.write_document(
        "131001:audit_feedback", "Audit feedback", small_docx("Better"), "h2"
    )
    assert second.fingerprint != first.fingerprint
    assert docs.read_documents([first.key]) == {first.key: second}  # one document, not two
    docs.delete_document(first.key)
    docs.delete_document(first.key)  # gone already: no error
    assert docs.read_documents([first.key]) == {}


def test_the_small_methods_answer(backend: Backend) -> None:
    read = backend.source.read_responses()
    assert isinstance(read, ResponsesRead)
    backend.source.commit()
    assert isinstance(backend.prepare(), int)
    assert isinstance(backend.tidy(), int)
    assert all(isinstance(c, Check) for c in backend.checks())
    assert isinstance(backend.requests(), dict)
    assert backend.name in {"memory", "local", "google"}
