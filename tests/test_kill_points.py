"""A run killed at every write boundary, then rerun, equals a clean run (SPEC §11; issues 10, 11).

Two ways to stop a night, on a first night and on a night with changes:
- the memory backend's failure settings: the Nth write lands and the run dies before it
  hears back (`crash_after`), or the Nth write fails before landing (`fail_before`);
- the local backend (real .xlsx, .ics, .docx): the run dies at every named checkpoint.
Each stopped night is rerun and compared with a clean run: every tab, the calendar,
the documents, the run summary (and the state for the local backend); a third night is quiet.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from helpers import TODAY, read_tab
from killing import (
    NEXT,
    add_later_responses,
    copy_world,
    demo_workspace,
    killed_memory_night,
    local_outcome,
    memory_night,
    memory_outcome,
    memory_world,
    summary,
)

from sos_sync.backends.base import write_in_turn
from sos_sync.backends.local.backend import LocalBackend
from sos_sync.backends.memory.faults import Faults, Killed
from sos_sync.config.load import load_config
from sos_sync.run.state import StateStore
from sos_sync.run.sync import run_sync

NIGHTS = ["first", "changes"]


def _base(tmp_path: Path, night: str) -> tuple[Path, Any]:
    """A workspace (and its memory world) just before the night under test."""
    ws = demo_workspace(tmp_path / "base", first_night_only=night == "first")
    world = memory_world(ws)
    if night == "changes":
        memory_night(ws, world, TODAY)
        add_later_responses(ws)
        world.responses = memory_world(ws).responses
    return ws, world


@pytest.mark.parametrize("night", NIGHTS)
def test_memory_backend_killed_at_every_write_converges(tmp_path: Path, night: str) -> None:
    base, world = _base(tmp_path, night)
    day = TODAY if night == "first" else NEXT
    clean_ws = Path(shutil.copytree(base, tmp_path / "clean"))
    clean_world, faults = copy_world(world), Faults()
    clean = memory_night(clean_ws, clean_world, day, faults)
    expected = (memory_outcome(clean_world), summary(clean))
    writes = len(faults.writes)
    assert writes >= 4 and faults.writes[0] == "calendar" and faults.writes[-1] == "responses"
    points, converged, failures = 0, 0, []
    for setting in ("crash_after", "fail_before"):
        for n in range(1, writes + 1):
            ws = Path(shutil.copytree(base, tmp_path / f"{setting}-{n}"))
            w = copy_world(world)
            assert killed_memory_night(ws, w, day, Faults(**{setting: n}))
            rerun = memory_night(ws, w, day)
            points += 1
            got = (memory_outcome(w), summary(rerun))
            if got == expected and memory_night(ws, w, day).quiet:
                converged += 1
            else:
                failures.append(f"{setting}={n} ({faults.writes[n - 1]})")
    print(f"\nmemory backend, {night} night: {points} kill points, {converged} converged")
    assert not failures, failures
    assert converged == points == 2 * writes


@pytest.mark.parametrize("night", NIGHTS)
def test_local_backend_killed_at_every_checkpoint_converges(tmp_path: Path, night: str) -> None:
    base = demo_workspace(tmp_path / "base", first_night_only=night == "first")
    day = TODAY
    if night == "changes":
        run_sync(base, TODAY)
        add_later_responses(base)
        day = NEXT
    clean_ws = Path(shutil.copytree(base, tmp_path / "clean"))
    names: list[str] = []
    clean = run_sync(clean_ws, day, hook=names.append)
    expected = (local_outcome(clean_ws), summary(clean))
    assert {"begin", "calendar:intent", "calendar", "tracker:intent", "tracker", "state"} <= set(
        names
    )
    assert names[-1] == "state"  # the run is finished: not a kill point
    converged, failures = 0, []
    for i, name in enumerate(names[:-1]):
        ws = Path(shutil.copytree(base, tmp_path / f"kill-{i}"))

        def kill(at: str, name: str = name) -> None:
            if at == name:
                raise Killed(f"killed at {name}")

        with pytest.raises(Killed):
            run_sync(ws, day, hook=kill)
        rerun = run_sync(ws, day)
        if (local_outcome(ws), summary(rerun)) == expected and run_sync(ws, day).quiet:
            converged += 1
        else:
            failures.append(name)
    print(f"\nlocal backend, {night} night: {len(names) - 1} kill points, {converged} converged")
    assert not failures, failures


class DiesAfterCalendar:
    """calendar.ics is replaced, then the process dies before the run can record it."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def read_events(self, keys: Any) -> Any:
        return self.inner.read_events(keys)

    def apply_events(self, events: Any, write_keys: Any) -> dict[str, str]:
        self.inner.apply_events(events, write_keys)
        raise Killed("killed after calendar.ics was replaced")


class DiesAfterDocument:
    def __init__(self, inner: Any, after: int) -> None:
        self.inner, self.after, self.written = inner, after, 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def write_documents(self, jobs: Any) -> Any:
        return write_in_turn(self, jobs)

    def write_document(self, *args: Any) -> Any:
        got = self.inner.write_document(*args)
        self.written += 1
        if self.written == self.after:
            raise Killed("killed after a document was written")
        return got


@pytest.mark.parametrize("store", ["calendar", "document"])
def test_a_kill_after_a_local_write_lands_raises_no_someone_changed_problem(
    tmp_path: Path, store: str
) -> None:
    base = demo_workspace(tmp_path / "base", first_night_only=True)
    clean_ws = Path(shutil.copytree(base, tmp_path / "clean"))
    clean = run_sync(clean_ws, TODAY)
    ws = Path(shutil.copytree(base, tmp_path / "killed"))
    backend = LocalBackend(load_config(ws))
    if store == "calendar":
        backend.calendar = DiesAfterCalendar(backend.calendar)  # type: ignore[assignment]
    else:
        backend.documents = DiesAfterDocument(backend.documents, 3)  # type: ignore[assignment]
    with pytest.raises(Killed):
        run_sync(ws, TODAY, backend=backend)
    rerun = run_sync(ws, TODAY)
    reasons = [str(r["Reason"]) for r in read_tab(ws, "Needs review")]
    assert not [r for r in reasons if "Someone changed" in r or "edited" in r], reasons
    assert (local_outcome(ws), summary(rerun)) == (local_outcome(clean_ws), summary(clean))


def test_each_write_is_recorded_before_the_next_write_starts(workspace: Path) -> None:
    """What the state holds at each checkpoint: the calendar record before the first
    document starts, each document's intent before it starts and (the local backend
    writes one at a time) its record before the next one starts. Google's few-at-once
    writes: tests/google/test_google_parallel_documents.py."""
    seen: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}

    def look(name: str) -> None:
        with StateStore(workspace) as store:  # a second connection: only committed data
            seen[name] = (store.load().extra, store.journal())

    run_sync(workspace, TODAY, hook=look)
    names = list(seen)
    docs = [
        n.split(":", 1)[1] for n in names if n.startswith("document:") and n.endswith(":intent")
    ]
    docs = [d.rsplit(":intent", 1)[0] for d in docs]
    assert len(docs) >= 2
    final_calendar = seen["state"][0]["calendar"]
    first_doc = names.index(f"document:{docs[0]}:intent")
    assert names.index("calendar") < first_doc
    extra, journal = seen[f"document:{docs[0]}:intent"]
    assert extra["calendar"] == final_calendar, "the calendar record is saved late"
    assert "calendar" not in journal
    for before, after in zip(docs, docs[1:], strict=False):
        assert f"document:{before}" in names, "a document without its checkpoint"
        extra, journal = seen[f"document:{after}:intent"]
        assert before in extra.get("documents", {}), f"{before} not recorded before {after}"
        intents = [n for n in journal if n.startswith("document:")]
        assert intents == [f"document:{after}"], "one document in flight at a time"
        assert journal[f"document:{after}"]["key"] == after
    assert seen["tracker:intent"][1]["tracker"]["report"]["docs_created"] == len(docs)
