"""Apply: carry out a `Plan`, one write boundary at a time, and report (-> `RunReport`).

Each boundary is a named checkpoint (see `run.journal`): the intent is recorded before
the write starts and the result right after it lands, each one SQLite transaction. A run
killed at any point and then rerun therefore ends where one clean run ends.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from typing import Any

from sos_sync.backends.base import Backend, DocumentWrite
from sos_sync.domain.report import Applied, RunReport
from sos_sync.errors import TrackerHeld
from sos_sync.plan.planner import Plan
from sos_sync.run.journal import CALENDAR, RESPONSES, RUN, TRACKER, document_entry
from sos_sync.run.saveback import RUNS, tracker_runs
from sos_sync.run.state import State, StateStore
from sos_sync.tracker.schema import RUN_LOG, CellWrite, Memory, RowWrite, TabPlan

Hook = Callable[[str], None]  # called with each checkpoint's name once it is recorded

PLACEHOLDER = re.compile(r"⟦[a-z]+:[^⟧]*⟧")


def resolve(value: Any, links: dict[str, str]) -> Any:
    """Put links known only after a write (new documents, new events) in place of their placeholders."""
    if isinstance(value, str):
        if "⟦" not in value:
            return value
        return PLACEHOLDER.sub(lambda m: links.get(m.group(0), ""), value)
    if isinstance(value, dict):
        return {k: resolve(v, links) for k, v in value.items()}
    return value


def resolve_memory(memory: Memory, links: dict[str, str]) -> Memory:
    """`resolve` over a tab -> row -> column memory, touching only the rows holding a
    placeholder (the rest are shared as they are: a night's memory is never changed in place)."""
    out: Memory = {}
    for tab, rows in memory.items():
        hit = [k for k, row in rows.items() if "⟦" in "".join(row.values())]
        if not hit:
            out[tab] = rows
            continue
        out[tab] = dict(rows)
        for k in hit:
            out[tab][k] = {c: resolve(v, links) for c, v in rows[k].items()}
    return out


def _resolve_plans(plans: tuple[TabPlan, ...], links: dict[str, str]) -> list[TabPlan]:
    out = []
    for tp in plans:
        rows = tuple(
            RowWrite(
                r.key,
                tuple(CellWrite(c.column, resolve(c.value, links), c.kind) for c in r.cells),
                r.new,
            )
            for r in tp.rows
        )
        out.append(TabPlan(tp.tab, tp.key_column, tp.add_headers, rows))
    return out


class _Run:
    """The state and journal of one apply, and its checkpoints."""

    def __init__(
        self, plan: Plan, store: StateStore, state: State, carried: Applied, hook: Hook | None
    ) -> None:
        self.plan, self.store, self.hook = plan, store, hook
        self.state = state
        self.applied = carried
        self.links: dict[str, str] = {}

    @contextmanager
    def checkpoint(self, name: str) -> Iterator[None]:
        """One transaction: the state and journal changes made inside, then the hook."""
        with self.store.transaction():
            yield
            self.store.stage(self.state)
            self.store.stage_journal(
                {RUN: {"run_id": self.plan.run_id, "applied": self.applied.as_dict()}}
            )
        if self.hook is not None:
            self.hook(name)

    def journal(self, **entries: Any) -> None:
        self.store.stage_journal(entries)


def apply(
    plan: Plan,
    backend: Backend,
    store: StateStore,
    state: State,
    carried: Applied,
    hook: Hook | None = None,
) -> RunReport:
    """Write the plan: calendar, each document, the tracker, the response cache, the state."""
    run = _Run(plan, store, state, carried, hook)
    if not plan.quiet:
        with run.checkpoint("begin"):
            run.state = State(state.memory, plan.pending, state.extra)
        _calendar(run, backend)
        _documents(run, backend)
        _tracker(run, backend)
    else:
        extra = state.extra
        if plan.documents is not None and not plan.documents.jobs:
            extra = {**extra, "documents": plan.documents.record}  # older fingerprints, migrated
        run.state = State(plan.memory, {}, extra)
    backend.source.commit()
    with run.checkpoint(RESPONSES):
        run.journal(**{RESPONSES: True})
    report = dataclasses.replace(plan.report, writes=run.applied.writes)
    with store.transaction():
        store.stage(run.state)
        store.clear_journal()
        store.stage_run(
            report.history_record(dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
        )
    if hook is not None:
        hook("state")
    return report


def _calendar(run: _Run, backend: Backend) -> None:
    cp = run.plan.calendar
    if cp is None or not cp.writes:
        return
    with run.checkpoint("calendar:intent"):
        run.journal(
            **{CALENDAR: {"record": cp.record, "created": cp.created, "updated": cp.updated}}
        )
    got = backend.calendar.apply_events(list(cp.hold), list(cp.writes))
    record = {k: dict(v) for k, v in cp.record.items()}
    for key, link in got.items():
        run.links[f"⟦event:{key}⟧"] = link
        if key in record:
            record[key]["link"] = link
    with run.checkpoint(CALENDAR):
        run.state = State(
            run.state.memory,
            run.state.pending,
            {**run.state.extra, "calendar": resolve(record, run.links)},
        )
        run.applied += Applied(len(cp.created), len(cp.updated), writes=len(cp.writes))
        run.journal(**{CALENDAR: None})


def _documents(run: _Run, backend: Backend) -> None:
    """Each document's intent recorded as the store takes its job (right before its write
    starts), its result as the store hands it back (Google: a few at once, any order)."""
    dp = run.plan.documents
    if dp is None:
        return
    before = run.state.extra.get("documents", {})
    current = {k: v.get("fingerprint") for k, v in before.items()}
    jobs = {job.key: job for job in dp.jobs}

    def intents() -> Iterator[DocumentWrite]:
        for job in dp.jobs:
            with run.checkpoint(f"document:{job.key}:intent"):
                intent = {
                    "key": job.key,
                    "record": dp.record[job.key],
                    "new": job.new,
                    "old_fingerprint": current.get(job.key),
                }
                run.journal(**{document_entry(job.key): intent})
            yield DocumentWrite(job.key, job.title, job.docx, job.inputs_hash)

    with closing(backend.documents.write_documents(intents())) as written:
        for wrote, ds in written:
            job = jobs[wrote.key]
            run.links[f"⟦doc:{job.key}⟧"] = ds.link
            run.links[f"⟦docfp:{job.key}⟧"] = ds.fingerprint
            with run.checkpoint(f"document:{job.key}"):
                docs = {**run.state.extra.get("documents", {})}
                docs[job.key] = resolve(dp.record[job.key], run.links)
                run.state = State(
                    run.state.memory, run.state.pending, {**run.state.extra, "documents": docs}
                )
                run.applied += Applied(
                    docs_created=int(job.new), docs_updated=int(not job.new), writes=1
                )
                run.journal(**{document_entry(job.key): None})
    done = run.state.extra.get("documents", {})  # the records before, and tonight's writes
    # the plan's record wins for every document it speaks of (a fingerprint upgraded, an
    # inputs key added); a record it no longer speaks of (an orphan) is kept as it was
    documents = {**done, **resolve(dp.record, run.links)}
    if documents != done:
        with run.checkpoint("documents"):
            run.state = State(
                run.state.memory, run.state.pending, {**run.state.extra, "documents": documents}
            )


def _tracker(run: _Run, backend: Backend) -> None:
    plan = run.plan
    who = backend.held_by()  # opened since the night began: the rest waits for the next run
    if who:
        raise TrackerHeld(f"{who}. The tracker was not written; the next run writes it (exit 75).")
    with run.checkpoint(f"{TRACKER}:intent"):
        run.state = State(
            run.state.memory, resolve_memory(plan.pending, run.links), run.state.extra
        )
        run.journal(**{TRACKER: {"report": plan.report.to_record()}})
    writes = backend.tracker.apply(plan.tabs, _resolve_plans(plan.tab_plans, run.links))
    extra = run.state.extra
    if plan.run_id in plan.memory.get(RUN_LOG.name, {}):  # the file now carries this generation
        extra = {**extra, RUNS: tracker_runs(extra, plan.run_id)}
    run.store.run_id = plan.run_id
    with run.checkpoint(TRACKER):
        run.state = State(resolve_memory(plan.memory, run.links), {}, extra)
        run.applied += Applied(writes=writes)
