"""One nightly run: read -> plan -> apply -> report (SPEC §10, §11).

The state (what the sync last wrote) is saved only after every write it covers has
landed; what a run is about to write is saved first as `pending`, so a run killed at
any point and then rerun ends in the same state as one clean run.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sos_sync.backends.base import Backend
from sos_sync.config.load import Config, load_config
from sos_sync.plan.planner import Plan, Snapshot, make_plan
from sos_sync.run.lock import workspace_lock
from sos_sync.run.state import State, append_run, load_state, save_state
from sos_sync.run.suppression import load_suppression
from sos_sync.tracker.schema import CellWrite, RowWrite, TabPlan, all_tabs


@dataclass
class RunResult:
    """What a run did, for people (`summary`) and machines (`as_json`)."""

    ok: bool
    backend: str
    plan: Plan | None
    writes: int = 0
    requests: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False
    seconds: float = 0.0
    error: str | None = None

    def as_json(self) -> dict[str, Any]:
        p = self.plan
        return {
            "ok": self.ok,
            "backend": self.backend,
            "dry_run": self.dry_run,
            "responses": {
                "new": p.responses_new if p else 0,
                "updated": p.responses_updated if p else 0,
                "needs_review": len(p.new_problems) if p else 0,
            },
            "schools": {
                "created": len(p.schools_created) if p else 0,
                "updated": len(p.schools_updated) if p else 0,
                "by_step": {str(k): v for k, v in (p.by_step if p else {}).items()},
            },
            "events": {
                "created": len(p.calendar.created) if p and p.calendar else 0,
                "updated": len(p.calendar.updated) if p and p.calendar else 0,
            },
            "docs": {
                "created": sum(1 for j in p.documents.jobs if j.new) if p and p.documents else 0,
                "updated": sum(1 for j in p.documents.jobs if not j.new)
                if p and p.documents
                else 0,
                "deferred": p.documents.deferred if p and p.documents else 0,
            },
            "problems_open": len(p.problems) if p else 0,
            "failed_forms": sorted(p.failed_forms) if p else [],
            "writes": self.writes,
            "requests": sum(self.requests.values()),
            "requests_by_api": self.requests,
            "error": self.error,
        }


def make_backend(config: Config) -> Backend:
    if config.backend == "local":
        from sos_sync.backends.local.backend import LocalBackend

        return LocalBackend(config)  # type: ignore[return-value]
    from sos_sync.backends.google.backend import GoogleBackend

    return GoogleBackend(config)  # type: ignore[return-value]


def new_run_id(today: dt.date) -> str:
    return f"{today:%Y%m%d}-{secrets.token_hex(3)}"


def _resolve(value: Any, links: dict[str, str]) -> Any:
    """Put links known only after apply (new documents, new events) in place of their placeholders."""
    if isinstance(value, str):
        if "⟦" not in value:
            return value
        return PLACEHOLDER.sub(lambda m: links.get(m.group(0), ""), value)
    if isinstance(value, dict):
        return {k: _resolve(v, links) for k, v in value.items()}
    return value


PLACEHOLDER = re.compile(r"⟦[a-z]+:[^⟧]*⟧")


def _resolve_plans(plans: tuple[TabPlan, ...], links: dict[str, str]) -> list[TabPlan]:
    out = []
    for tp in plans:
        rows = tuple(
            RowWrite(
                r.key,
                tuple(CellWrite(c.column, _resolve(c.value, links), c.kind) for c in r.cells),
                r.new,
            )
            for r in tp.rows
        )
        out.append(TabPlan(tp.tab, tp.key_column, tp.add_headers, rows))
    return out


def run_sync(
    workspace: Path,
    today: dt.date,
    *,
    dry_run: bool = False,
    backend: Backend | None = None,
    config: Config | None = None,
) -> RunResult:
    """Run one night on `workspace`. Raises ConfigError before any write, LockHeld if busy."""
    started = time.perf_counter()
    config = config or load_config(workspace)
    with workspace_lock(config.workspace):
        backend = backend or make_backend(config)
        state = load_state(config.workspace)
        responses = backend.source.read_responses()
        specs = all_tabs(config.forms, [c.code for c in config.criteria])
        tabs = backend.tracker.read_tabs(specs)
        prepare = getattr(backend, "prepare", None)
        if prepare is not None and any(t is None for t in tabs.values()) and not dry_run:
            # a new Google Sheet: tabs, drop-downs, protected machine columns and the chart
            prepare()
            tabs = backend.tracker.read_tabs(specs)
        calendar_store = getattr(backend, "calendar", None)
        documents_store = getattr(backend, "documents", None)
        current_events = (
            calendar_store.read_events(sorted(state.extra.get("calendar", {})))
            if calendar_store
            else {}
        )
        current_docs = (
            documents_store.read_documents(sorted(state.extra.get("documents", {})))
            if documents_store
            else {}
        )
        run_id = new_run_id(today)
        snapshot = Snapshot(
            responses,
            tabs,
            state,
            current_events,
            current_docs,
            load_suppression(config.workspace),
        )
        plan = make_plan(snapshot, config, today, run_id)
        if dry_run:
            return RunResult(
                True, backend.name, plan, 0, backend.requests(), True, time.perf_counter() - started
            )
        writes = 0
        extra = dict(state.extra)
        if not plan.quiet:
            save_state(config.workspace, State(state.memory, plan.pending, extra))
            links: dict[str, str] = {}
            cp, dp = plan.calendar, plan.documents
            if cp is not None and calendar_store is not None and cp.writes:
                got = calendar_store.apply_events(list(cp.hold), list(cp.writes))
                writes += len(cp.writes)
                record = {k: dict(v) for k, v in cp.record.items()}
                for key, link in got.items():
                    links[f"⟦event:{key}⟧"] = link
                    if key in record:
                        record[key]["link"] = link
                extra["calendar"] = _resolve(record, links)
                save_state(config.workspace, State(state.memory, plan.pending, extra))
            if dp is not None and documents_store is not None and dp.jobs:
                record = {k: dict(v) for k, v in dp.record.items()}
                done = {k: v for k, v in state.extra.get("documents", {}).items()}
                for i, job in enumerate(dp.jobs, start=1):
                    ds = documents_store.write_document(
                        job.key, job.title, job.html, job.inputs_hash
                    )
                    writes += 1
                    links[f"⟦doc:{job.key}⟧"] = ds.link
                    links[f"⟦docfp:{job.key}⟧"] = ds.fingerprint
                    done[job.key] = _resolve(record[job.key], links)
                    if i % 25 == 0:  # a killed run keeps what it generated
                        save_state(
                            config.workspace,
                            State(state.memory, plan.pending, {**extra, "documents": done}),
                        )
                extra["documents"] = _resolve({**record, **done}, links)
            elif dp is not None:
                extra["documents"] = dp.record
            pending = _resolve(plan.pending, links)
            save_state(config.workspace, State(state.memory, pending, extra))
            writes += backend.tracker.apply(plan.tabs, _resolve_plans(plan.tab_plans, links))
            memory = _resolve(plan.memory, links)
        else:
            memory = plan.memory
            if plan.documents is not None and not plan.documents.jobs:
                extra["documents"] = plan.documents.record  # older fingerprints, migrated
        new_state = State(memory, {}, extra)
        if new_state.memory != state.memory or state.pending or extra != state.extra:
            save_state(config.workspace, new_state)
        result = RunResult(
            True,
            backend.name,
            plan,
            writes,
            backend.requests(),
            False,
            time.perf_counter() - started,
        )
        append_run(
            config.workspace,
            {
                "run_id": run_id,
                "today": today.isoformat(),
                "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "ok": True,
                "writes": writes,
                "new_responses": plan.responses_new,
                "new_problems": len(plan.new_problems),
                "by_step": plan.by_step,
            },
        )
        return result
