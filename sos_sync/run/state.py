"""The workspace's run state in SQLite (`state/state.db`): what the sync last wrote, the
journal of the run in progress, and the run history.

- `memory`: tab -> row key -> column -> the value the sync last wrote (SPEC §4.2).
- `pending`: what a run is *about* to write to the tracker; a rerun after a kill
  recognises those values as its own.
- `extra`: the calendar and document records (key -> what was written) and cursors.
- the journal (`run.journal`): the checkpoints of the run in progress.
- `runs`: one record per finished or failed run (`read_runs`).

Each checkpoint is one SQLite transaction in WAL mode, and writes only the rows that
changed since the last one: the file is never rewritten whole. A `state.json` (and
`runs.jsonl`) left by an older sos-sync is migrated on first open and kept beside as
`*.migrated`.
"""

from __future__ import annotations

import errno
import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sos_sync.errors import ConfigError
from sos_sync.tracker.schema import Memory

STATE_DIR = "state"
DB_NAME = "state.db"
VERSION = "2"
_VALUE = "\x00"  # the records row holding a non-dict extra value, or marking a dict

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cells (
    area TEXT NOT NULL, tab TEXT NOT NULL, row_key TEXT NOT NULL, data TEXT NOT NULL,
    run_id TEXT NOT NULL DEFAULT '',  -- the run that last changed the row (stale save-backs)
    PRIMARY KEY (area, tab, row_key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS records (
    name TEXT NOT NULL, key TEXT NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (name, key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS journal (name TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (seq INTEGER PRIMARY KEY AUTOINCREMENT, record TEXT NOT NULL);
"""


@dataclass
class State:
    memory: Memory = field(default_factory=dict)
    pending: Memory = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)  # cursors, calendar and document records


def state_path(workspace: Path) -> Path:
    return workspace / STATE_DIR / DB_NAME


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _dumps(value: Any) -> str:
    return _ENCODER.encode(value)


def _loads_all(texts: list[str]) -> list[Any]:
    """Many JSON texts decoded at once (one parse of them joined as an array)."""
    return json.loads("[" + ",".join(texts) + "]") if texts else []


Rows = dict[tuple[str, str], Any]  # (tab or record name, key) -> row


def _flatten(nested: Mapping[str, Any]) -> Rows:
    return {(a, k): row for a, rows in nested.items() for k, row in rows.items()}


def _extra_rows(extra: Mapping[str, Any]) -> Rows:
    out: Rows = {}
    for name, value in extra.items():
        if isinstance(value, dict) and all(isinstance(v, dict) for v in value.values()):
            out[(name, _VALUE)] = {"dict": True}
            out.update({(name, k): v for k, v in value.items()})
        else:
            out[(name, _VALUE)] = {"value": value}
    return out


class StateStore:
    """One open state database. Use as a context manager, or `close()`."""

    def __init__(self, workspace: Path) -> None:
        self.path = state_path(workspace)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._saved: dict[str, Rows] = {}
        self._objects: dict[str, object] = {}
        self._runs: dict[tuple[str, str], str] | None = None  # `row_runs`, as last loaded
        self.run_id = ""  # stamped on the memory rows the next save changes
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            self.db.executescript(SCHEMA)
            columns = {row[1] for row in self.db.execute("PRAGMA table_info(cells)")}
            if "run_id" not in columns:  # a state made before rows remembered their run
                self.db.execute("ALTER TABLE cells ADD COLUMN run_id TEXT NOT NULL DEFAULT ''")
            version = self.db.execute("SELECT value FROM meta WHERE key='version'").fetchone()
        except sqlite3.OperationalError as exc:
            raise _os_error(exc, self.path) from exc
        except sqlite3.DatabaseError as exc:
            raise ConfigError(
                f"{self.path}: the run state is damaged ({exc}). Restore it from a backup, or "
                "move it aside to start afresh: the sync then treats every filled cell as typed "
                "by a person."
            ) from exc
        if version is None:
            self._migrate(workspace)
        elif version[0] != VERSION:
            raise ConfigError(
                f"{self.path}: unknown state format; was it written by a newer sos-sync?"
            )

    def __enter__(self) -> StateStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic checkpoint: everything inside lands together, or none of it."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            raise _os_error(exc, self.path) from exc

    # ------------------------------------------------------------ state

    def load(self) -> State:
        state = State()
        cells = self.db.execute("SELECT area, tab, row_key, data, run_id FROM cells").fetchall()
        saved: dict[str, Rows] = {"memory": {}, "pending": {}}
        runs: dict[tuple[str, str], str] = {}
        for (area, tab, key, _, run), row in zip(
            cells, _loads_all([c[3] for c in cells]), strict=True
        ):
            if area == "memory":
                state.memory.setdefault(tab, {})[key] = row
                saved["memory"][(tab, key)] = dict(row)
                runs[(tab, key)] = run
            else:
                state.pending.setdefault(tab, {})[key] = row
                saved["pending"][(tab, key)] = dict(row)
        records = self.db.execute("SELECT name, key, data FROM records").fetchall()
        for (name, key, _), value in zip(records, _loads_all([r[2] for r in records]), strict=True):
            if key == _VALUE:
                state.extra.setdefault(name, {} if value.get("dict") else value.get("value"))
            else:
                state.extra.setdefault(name, {})[key] = value
        saved["extra"] = _extra_rows(json.loads(_dumps(state.extra)))
        self._saved = saved
        # what was just read is what the file holds: staged unchanged, it writes nothing
        # (callers build new objects to change the memory, never change these in place)
        self._objects = {"memory": state.memory, "pending": state.pending}
        self._runs = runs
        return state

    def save(self, state: State) -> None:
        """Write what changed since the last load or save, as one transaction."""
        with self.transaction():
            self.stage(state)

    def stage(self, state: State) -> None:
        """Write what changed into the open transaction (see `transaction`)."""
        if not self._saved:
            self.load()  # what is in the file now: the base of the diff
        for area, nested in (("memory", state.memory), ("pending", state.pending)):
            if self._objects.get(area) is nested:
                continue  # the object saved last time: callers build new ones to change it
            self._write_rows(area, _flatten(nested))
            self._objects[area] = nested
        self._write_rows("extra", _extra_rows(state.extra))

    def _write_rows(self, area: str, rows: Rows) -> None:
        saved = self._saved.setdefault(area, {})
        gone = [k for k in saved if k not in rows]
        changed = [(k, v, _dumps(v)) for k, v in rows.items() if saved.get(k) != v]
        if area == "extra":
            self.db.executemany("DELETE FROM records WHERE name=? AND key=?", gone)
            self.db.executemany(
                "INSERT OR REPLACE INTO records (name, key, data) VALUES (?, ?, ?)",
                [(n, k, data) for (n, k), _, data in changed],
            )
        elif gone and not rows:  # the whole area cleared (pending, once the tracker holds it)
            self.db.execute("DELETE FROM cells WHERE area=?", (area,))
        else:
            self.db.executemany(
                "DELETE FROM cells WHERE area=? AND tab=? AND row_key=?",
                [(area, t, k) for t, k in gone],
            )
        if area != "extra" and changed:
            self.db.executemany(
                "INSERT OR REPLACE INTO cells (area, tab, row_key, data, run_id) "
                "VALUES (?, ?, ?, ?, ?)",
                [(area, t, k, data, self.run_id) for (t, k), _, data in changed],
            )
        if area == "memory" and (gone or changed):
            self._runs = None  # rows now carry this run: read them again when asked
        for k in gone:
            del saved[k]
        for k, v, data in changed:
            # a copy, so later in-place edits are seen as changes: a memory row is flat text
            saved[k] = json.loads(data) if area == "extra" else dict(v)

    def row_runs(self) -> dict[tuple[str, str], str]:
        """(tab, key) -> the run that last changed the sync's memory of that row."""
        if self._runs is not None:  # read with the state, and unchanged since
            return dict(self._runs)
        rows = self.db.execute("SELECT tab, row_key, run_id FROM cells WHERE area='memory'")
        return {(t, k): r for t, k, r in rows}

    # ------------------------------------------------------------ journal and history

    def journal(self) -> dict[str, Any]:
        return {n: json.loads(d) for n, d in self.db.execute("SELECT name, data FROM journal")}

    def stage_journal(self, entries: Mapping[str, Any]) -> None:
        """Set (or, for None, remove) journal entries in the open transaction."""
        for name, value in entries.items():
            if value is None:
                self.db.execute("DELETE FROM journal WHERE name=?", (name,))
            else:
                self.db.execute(
                    "INSERT OR REPLACE INTO journal (name, data) VALUES (?, ?)",
                    (name, _dumps(value)),
                )

    def clear_journal(self) -> None:
        self.db.execute("DELETE FROM journal")

    def stage_run(self, record: Mapping[str, Any]) -> None:
        self.db.execute("INSERT INTO runs (record) VALUES (?)", (_dumps(record),))

    def runs(self) -> list[dict[str, Any]]:
        return [json.loads(r) for (r,) in self.db.execute("SELECT record FROM runs ORDER BY seq")]

    # ------------------------------------------------------------ migration

    def _migrate(self, workspace: Path) -> None:
        """Bring in `state.json` and `runs.jsonl` from an older sos-sync, once."""
        folder = workspace / STATE_DIR
        old, history = folder / "state.json", folder / "runs.jsonl"
        state = _read_json_state(old) if old.exists() else State()
        runs = _read_jsonl(history) if history.exists() else []
        self._saved, self._objects = {}, {}
        with self.transaction():
            self._saved = {"memory": {}, "pending": {}, "extra": {}}
            self.stage(state)
            for record in runs:
                self.stage_run(record)
            self.db.execute("INSERT INTO meta (key, value) VALUES ('version', ?)", (VERSION,))
        for path in (old, history):
            if path.exists():
                path.replace(path.with_name(path.name + ".migrated"))


def _os_error(exc: sqlite3.OperationalError, path: Path) -> OSError:
    """SQLite's disk faults as the OSError they are (one plain line naming the path)."""
    text = str(exc).lower()
    code = errno.ENOSPC if "full" in text else errno.EACCES if "readonly" in text else errno.EIO
    return OSError(code, str(exc), str(path))


def _read_json_state(path: Path) -> State:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"{path}: the run state is damaged ({exc}). Restore it from a backup, or move it "
            "aside to start afresh: the sync then treats every filled cell as typed by a person."
        ) from exc
    if not isinstance(data, dict) or data.get("version") != 1:
        raise ConfigError(f"{path}: unknown state format; was it written by a newer sos-sync?")
    return State(data.get("memory", {}), data.get("pending", {}), data.get("extra", {}))


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return out


# ---------------------------------------------------------------- one-call helpers


def load_state(workspace: Path) -> State:
    with StateStore(workspace) as store:
        return store.load()


def peek_state(workspace: Path) -> tuple[State, dict[str, Any]]:
    """The state and journal, writing nothing (a dry run makes no database, migrates nothing)."""
    if state_path(workspace).exists():
        with StateStore(workspace) as store:
            return store.load(), store.journal()
    old = workspace / STATE_DIR / "state.json"
    return (_read_json_state(old) if old.exists() else State()), {}


def save_state(workspace: Path, state: State) -> None:
    """Save `state` (only what changed is written), as one transaction."""
    with StateStore(workspace) as store:
        store.load()
        store.save(state)


def append_run(workspace: Path, record: dict[str, Any]) -> None:
    """Add one record to the run history."""
    append_runs(workspace, [record])


def append_runs(workspace: Path, records: Iterable[Mapping[str, Any]]) -> None:
    """Add records to the run history, in order, as one transaction (imports, tests)."""
    with StateStore(workspace) as store, store.transaction():
        for record in records:
            store.stage_run(record)


def read_runs(workspace: Path) -> list[dict[str, Any]]:
    """The run history, oldest first: one dict per run (`run_id`, `today`, `finished`,
    `ok`, and `writes`/`new_responses`/`new_problems`/`by_step` or `error`)."""
    if not state_path(workspace).exists() and not (workspace / STATE_DIR / "runs.jsonl").exists():
        return []
    with StateStore(workspace) as store:
        return store.runs()
