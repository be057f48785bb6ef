"""Helpers for the kill-point tests: nights on a workspace, and what a night leaves behind."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import docx
from helpers import TODAY, tracker_values

from sos_sync.backends.local.ics import read_ics
from sos_sync.backends.local.inbox import InboxSource
from sos_sync.backends.memory.backend import MemoryBackend, World
from sos_sync.backends.memory.faults import Faults, Killed
from sos_sync.config.load import load_config
from sos_sync.domain.report import RunReport
from sos_sync.ops.sample import write_demo_inbox
from sos_sync.ops.workspace import init_workspace
from sos_sync.run.state import load_state
from sos_sync.run.sync import run_sync

NEXT = TODAY + dt.timedelta(days=1)
VOLATILE = ("writes", "requests", "requests_by_api", "run_id", "dry_run")


def demo_workspace(folder: Path, first_night_only: bool) -> Path:
    """The demo workspace; for a first night that is followed by one with changes, the
    inbox holds all but the last two responses of each form (the second night adds them)."""
    ws = init_workspace(folder, example="coventry")
    write_demo_inbox(ws / "inbox", load_config(ws))
    if first_night_only:
        return ws
    held = folder.parent / f"{folder.name}-later"
    held.mkdir()
    for path in sorted((ws / "inbox").glob("*.csv")):
        (held / path.name).write_bytes(path.read_bytes())
        with path.open(newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh))
        with path.open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows(rows[: max(1, len(rows) - 2)])
    return ws


def add_later_responses(ws: Path) -> None:
    held = ws.parent / f"{ws.name}-later"
    for path in held.glob("*.csv"):
        (ws / "inbox" / path.name).write_bytes(path.read_bytes())


def summary(report: RunReport) -> dict[str, Any]:
    """The run summary, less what differs between any two runs (ids, request counts)."""
    return {k: v for k, v in report.as_json().items() if k not in VOLATILE}


def _run_log(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    """The Run log without its run ids and its `Cells written` count: like `writes` in the
    summary (VOLATILE), a resumed night counts the cells it wrote itself, which after a kill
    can differ from a clean night's count by the cells the killed run had already written."""
    if not rows:
        return []
    header = list(rows[0])
    cut = header.index("Cells written") if "Cells written" in header else None
    keep = [i for i in range(1, len(header)) if i != cut]
    return [tuple(r[i] if i < len(r) else "" for i in keep) for r in rows]


def _without_run_ids(values: dict[str, list[tuple[object, ...]]]) -> dict[str, Any]:
    out = dict(values)
    out["Run log"] = _run_log(values.get("Run log", []))
    return out


def _docx_text(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs]


def local_outcome(ws: Path) -> dict[str, Any]:
    """Everything a local night leaves: every tab, the calendar, the documents, the memory."""
    state = load_state(ws)
    memory = {k: v for k, v in state.memory.items() if k != "Run log"}
    return {
        "tabs": _without_run_ids(tracker_values(ws)),
        "calendar": {k: e.fingerprint() for k, e in read_ics(ws / "calendar.ics").items()},
        "docs": {p.name: _docx_text(p) for p in sorted((ws / "docs").glob("*.docx"))},
        "memory": memory,
        "pending": state.pending,
        "leftovers": sorted(str(p.relative_to(ws)) for p in ws.rglob(".*tmp")),
    }


def memory_outcome(world: World) -> dict[str, Any]:
    tabs = {
        name: [tuple(tab.header)] + [tuple(r) for r in tab.rows] for name, tab in world.tabs.items()
    }
    if "Run log" in tabs:
        tabs["Run log"] = _run_log(tabs["Run log"])
    return {
        "tabs": tabs,
        "calendar": {k: e.fingerprint() for k, e in world.events.items()},
        "docs": {k: (d.title, d.docx) for k, d in world.documents.items()},
    }


def memory_world(ws: Path) -> World:
    config = load_config(ws)
    read = InboxSource(ws / "inbox", dict(config.forms)).read_responses()
    return World(responses=read.responses, failed=read.failed)


def memory_night(ws: Path, world: World, today: dt.date, faults: Faults | None = None) -> RunReport:
    return run_sync(
        ws, today, backend=MemoryBackend(world, faults or Faults()), config=load_config(ws)
    )


def killed_memory_night(ws: Path, world: World, today: dt.date, faults: Faults) -> bool:
    """A night that the faults stop; True when it was stopped."""
    try:
        memory_night(ws, world, today, faults)
    except (Killed, Exception):
        return True
    return False


def copy_world(world: World) -> World:
    return dataclasses.replace(
        world,
        responses={k: list(v) for k, v in world.responses.items()},
        tabs=dict(world.tabs),
        events=dict(world.events),
        documents=dict(world.documents),
    )
