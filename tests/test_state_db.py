"""The run state in SQLite: migration from state.json/runs.jsonl, WAL, only changed rows written."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from helpers import TODAY, read_tab

from sos_sync.errors import ConfigError
from sos_sync.run.state import State, StateStore, load_state, read_runs, save_state, state_path
from sos_sync.run.sync import run_sync

OLD = {
    "version": 1,
    "memory": {"Schools": {"131001": {"Name": "Oakfield Primary", "Step": "2"}}},
    "pending": {"Schools": {"131002": {"Step": "1"}}},
    "extra": {
        "calendar": {"intro:2025-09-10": {"fingerprint": "abc", "link": "calendar.ics"}},
        "documents": {},
        "cursor": "2025-07-01T00:00:00Z",
    },
}
RUNS = [
    {
        "run_id": "20250713-aaaaaa",
        "today": "2025-07-13",
        "ok": True,
        "writes": 12,
        "by_step": {"1": 3},
    },
    {"run_id": "20250714-bbbbbb", "today": "2025-07-14", "ok": False, "error": "boom"},
]


def _old_workspace(ws: Path) -> None:
    (ws / "state").mkdir(parents=True)
    (ws / "state" / "state.json").write_text(json.dumps(OLD), encoding="utf-8")
    lines = [json.dumps(r) for r in RUNS]
    (ws / "state" / "runs.jsonl").write_text("\n".join(lines) + "\nnot json\n", encoding="utf-8")


def test_state_json_and_runs_jsonl_are_migrated_on_first_open(tmp_path: Path) -> None:
    _old_workspace(tmp_path)
    state = load_state(tmp_path)
    assert state == State(OLD["memory"], OLD["pending"], OLD["extra"])
    assert read_runs(tmp_path) == RUNS
    assert not (tmp_path / "state" / "state.json").exists()
    assert (tmp_path / "state" / "state.json.migrated").exists()
    assert (tmp_path / "state" / "runs.jsonl.migrated").exists()
    assert load_state(tmp_path) == state  # once: a second open migrates nothing again


def test_a_night_on_a_migrated_workspace_keeps_the_old_history(workspace: Path) -> None:
    run_sync(workspace, TODAY)
    memory = load_state(workspace).memory
    db = state_path(workspace)
    db.unlink()
    for suffix in ("-wal", "-shm"):
        db.with_name(db.name + suffix).unlink(missing_ok=True)
    _old = {"version": 1, "memory": memory, "pending": {}, "extra": {}}
    (workspace / "state" / "state.json").write_text(json.dumps(_old), encoding="utf-8")
    (workspace / "state" / "runs.jsonl").write_text(json.dumps(RUNS[0]) + "\n", encoding="utf-8")
    run_sync(workspace, TODAY)
    runs = read_runs(workspace)
    assert runs[0] == RUNS[0] and len(runs) == 2 and runs[1]["ok"] is True
    typed = [r for r in read_tab(workspace, "Needs review") if "typed" in str(r["Reason"])]
    assert not typed  # the migrated memory still knows the sync's own values


def test_wal_and_only_changed_rows_are_written(tmp_path: Path) -> None:
    memory = {"Schools": {str(100000 + i): {"Step": "1"} for i in range(500)}}
    save_state(tmp_path, State(memory, {}, {}))
    conn = sqlite3.connect(state_path(tmp_path))
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    with StateStore(tmp_path) as store:
        state = store.load()
        memory = {"Schools": dict(state.memory["Schools"])}
        memory["Schools"]["100007"] = {"Step": "2"}
        before = store.db.total_changes
        store.save(State(memory, {}, {}))
        assert store.db.total_changes - before == 1  # one row, not the whole state
    assert load_state(tmp_path).memory["Schools"]["100007"] == {"Step": "2"}


def test_a_state_saved_as_it_was_loaded_writes_nothing(tmp_path: Path) -> None:
    memory, pending = {"Schools": {"100001": {"Step": "1"}}}, {"Schools": {"100002": {"Step": "2"}}}
    save_state(tmp_path, State(memory, pending, {"calendar": {"k": {"uid": "u"}}}))
    with StateStore(tmp_path) as store:
        state = store.load()
        before = store.db.total_changes
        store.save(state)
        assert store.db.total_changes == before
        changed = {"Schools": {**state.memory["Schools"], "100003": {"Step": "3"}}}
        store.save(State(changed, {}, state.extra))
        assert store.db.total_changes - before == 2  # one row in, one pending row out
    again = load_state(tmp_path)
    assert again.memory == changed and again.pending == {}


def test_row_runs_say_which_run_last_changed_each_row(tmp_path: Path) -> None:
    """Read with the state, and read again once a save changed rows (a stale answer would
    hide a save-back from the sync's own latest writes)."""
    with StateStore(tmp_path) as store:
        store.load()
        store.run_id = "run-1"
        store.save(State({"Schools": {"100001": {"Step": "1"}, "100002": {"Step": "1"}}}))
        assert store.row_runs() == {("Schools", "100001"): "run-1", ("Schools", "100002"): "run-1"}
    with StateStore(tmp_path) as store:
        state = store.load()
        assert store.row_runs() == {("Schools", "100001"): "run-1", ("Schools", "100002"): "run-1"}
        store.run_id = "run-2"
        store.save(State({"Schools": {**state.memory["Schools"], "100002": {"Step": "2"}}}))
        assert store.row_runs() == {("Schools", "100001"): "run-1", ("Schools", "100002"): "run-2"}
        store.save(State({"Schools": {"100002": {"Step": "2"}}}))
        assert store.row_runs() == {("Schools", "100002"): "run-2"}


def test_a_damaged_state_is_a_plain_error(tmp_path: Path) -> None:
    (tmp_path / "state").mkdir()
    state_path(tmp_path).write_bytes(b"this is not a database, it is a note" * 100)
    with pytest.raises(ConfigError, match="run state is damaged"):
        load_state(tmp_path)
