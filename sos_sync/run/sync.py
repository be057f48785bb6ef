"""One nightly run: read -> plan -> apply -> RunReport (SPEC §10, §11).

    tidy      remove temporary files a killed run left
    read      responses, tabs, events, documents, state and journal -> Snapshot (no writes)
    prepare   a new tracker is set up (Google: tabs, drop-downs, protections, chart)
    plan      Snapshot -> Plan (pure)
    apply     Plan -> RunReport, with a journal checkpoint at every write boundary

A run killed anywhere and then rerun ends in the same tracker, calendar, documents,
state and report as one clean run (see `run.journal`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import logging
import secrets
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sos_sync.backends.base import Backend
from sos_sync.backends.factory import make_backend
from sos_sync.config.load import Config, load_config
from sos_sync.delivery.send import send_marked
from sos_sync.domain.report import RunReport
from sos_sync.errors import TrackerHeld
from sos_sync.plan.planner import Plan, make_plan
from sos_sync.run.apply import Hook, apply
from sos_sync.run.journal import Recovered
from sos_sync.run.lock import workspace_lock
from sos_sync.run.read import needs_prepare, read_snapshot, reread_tabs, tab_specs
from sos_sync.run.saveback import as_the_sync_left_it, detect, with_repair
from sos_sync.run.state import STATE_DIR, State, StateStore, peek_state

log = logging.getLogger("sos_sync.sync")


def new_run_id(today: dt.date) -> str:
    return f"{today:%Y%m%d}-{secrets.token_hex(3)}"


def tidy(workspace: Path, backend: Backend) -> int:
    """Remove temporary files a killed run left (the state's own, and the backend's)."""
    removed = 0
    folder = workspace / STATE_DIR
    for path in folder.glob(".*.tmp") if folder.is_dir() else ():
        path.unlink(missing_ok=True)
        removed += 1
    return removed + backend.tidy()


@contextmanager
def few_full_collections() -> Iterator[None]:
    """A night holds hundreds of thousands of long-lived objects (rows, cells, responses)
    that Python's cyclic collector would walk again and again in full collections; during
    the night those run a thousand times less often (young objects are collected as usual)."""
    before = gc.get_threshold()
    gc.set_threshold(before[0], before[1], before[2] * 1000)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def check_free(backend: Backend) -> None:
    """Stop before any write when a person has the tracker open (their save would undo ours)."""
    who = backend.held_by()
    if who:
        raise TrackerHeld(
            f"{who}. Nothing was written tonight: the night's changes wait until it is "
            "closed, and the next run writes them (exit 75: a scheduler should try again)."
        )


def run_sync(
    workspace: Path,
    today: dt.date,
    *,
    dry_run: bool = False,
    backend: Backend | None = None,
    config: Config | None = None,
    hook: Hook | None = None,
) -> RunReport:
    """Run one night on `workspace`. Raises ConfigError before any write, LockHeld if busy.

    `hook` is called with the name of each checkpoint once it is recorded (tests stop a
    run there to prove a rerun converges).
    """
    started = time.perf_counter()
    config = config or load_config(workspace)
    ws = config.workspace
    with workspace_lock(ws), few_full_collections():
        backend = backend or make_backend(config)
        if dry_run:
            state, journal = peek_state(ws)
            plan, _ = _plan(backend, config, state, journal, today, {}, prepare=False)
            report = dataclasses.replace(plan.report, dry_run=True)
        else:
            tidy(ws, backend)
            with StateStore(ws) as store:
                state, journal = store.load(), store.journal()
                plan, recovered = _plan(backend, config, state, journal, today, store.row_runs())
                if not plan.quiet:
                    check_free(backend)
                report = apply(plan, backend, store, recovered.state, recovered.carried, hook)
        return dataclasses.replace(
            report, requests=backend.requests(), seconds=time.perf_counter() - started
        )


def _plan(
    backend: Backend,
    config: Config,
    state: State,
    journal: dict[str, Any],
    today: dt.date,
    row_runs: Mapping[tuple[str, str], str],
    prepare: bool = True,
) -> tuple[Plan, Recovered]:
    snapshot, recovered = read_snapshot(backend, config, state, journal)
    if prepare and needs_prepare(snapshot) and backend.prepare():
        snapshot = reread_tabs(backend, config, snapshot)
    snapshot = send_marked(snapshot, config, backend.documents, today, dry_run=not prepare)
    run_id = recovered.run_id or new_run_id(today)
    specs = tab_specs(config)
    saveback = detect(recovered.state, snapshot.tabs, row_runs, specs)
    if saveback is None:
        return make_plan(snapshot, config, today, run_id), recovered
    log.warning(
        "the tracker was saved back from an older copy (it carries run %s, not the latest); "
        "the sync's own later writes are put back",
        saveback.generation,
    )
    snapshot = dataclasses.replace(
        snapshot, tabs=as_the_sync_left_it(snapshot.tabs, saveback, specs)
    )
    return with_repair(make_plan(snapshot, config, today, run_id), saveback, specs), recovered
