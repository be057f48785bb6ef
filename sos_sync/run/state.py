"""The workspace's run state: what the sync last wrote to each cell, and the run history.

The memory is saved only after every write it covers has landed. Before a run writes,
it records what it *means* to write as `pending`: if the run is killed mid-apply, the
next run recognises those values as its own and converges to a clean run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sos_sync.errors import ConfigError
from sos_sync.files import atomic_write_text
from sos_sync.tracker.schema import Memory

STATE_DIR = "state"


@dataclass
class State:
    memory: Memory = field(default_factory=dict)
    pending: Memory = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)  # cursors, calendar and document records


def state_path(workspace: Path) -> Path:
    return workspace / STATE_DIR / "state.json"


def load_state(workspace: Path) -> State:
    path = state_path(workspace)
    if not path.exists():
        return State()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"{path}: the run state is damaged ({exc}). Restore it from a backup, or move it "
            "aside to start afresh: the sync then treats every filled cell as typed by a person."
        ) from exc
    if not isinstance(data, dict) or data.get("version") != 1:
        raise ConfigError(f"{path}: unknown state format; was it written by a newer sos-sync?")
    return State(
        memory=data.get("memory", {}),
        pending=data.get("pending", {}),
        extra=data.get("extra", {}),
    )


def save_state(workspace: Path, state: State) -> None:
    data = {"version": 1, "memory": state.memory, "pending": state.pending, "extra": state.extra}
    atomic_write_text(
        state_path(workspace),
        json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True),
    )


def append_run(workspace: Path, record: dict[str, Any]) -> None:
    """Add one line to the run history (`state/runs.jsonl`)."""
    path = workspace / STATE_DIR / "runs.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")


def read_runs(workspace: Path) -> list[dict[str, Any]]:
    path = workspace / STATE_DIR / "runs.jsonl"
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return out
