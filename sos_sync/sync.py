"""One nightly run: read -> plan -> apply -> report (SPEC §10, §11).

The state (what the sync last wrote) is saved only after every write it covers has
landed; what a run is about to write is saved first as `pending`, so a run killed at
any point and then rerun ends in the same state as one clean run.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .backend import Backend
from .config import Config, load_config
from .lock import workspace_lock
from .plan import Plan, Snapshot, make_plan
from .state import State, append_run, load_state, save_state
from .tracker import all_tabs


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
            "events": {"created": 0, "updated": 0},
            "docs": {"created": 0, "updated": 0},
            "problems_open": len(p.problems) if p else 0,
            "failed_forms": sorted(p.failed_forms) if p else [],
            "writes": self.writes,
            "requests": sum(self.requests.values()),
            "requests_by_api": self.requests,
            "error": self.error,
        }


def make_backend(config: Config) -> Backend:
    if config.backend == "local":
        from .local.backend import LocalBackend

        return LocalBackend(config)
    from .google.backend import GoogleBackend  # type: ignore[import-not-found]

    return GoogleBackend(config)  # type: ignore[no-any-return]


def new_run_id(today: dt.date) -> str:
    return f"{today:%Y%m%d}-{secrets.token_hex(3)}"


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
        tabs = backend.tracker.read_tabs(all_tabs(config.forms, [c.code for c in config.criteria]))
        run_id = new_run_id(today)
        plan = make_plan(Snapshot(responses, tabs, state), config, today, run_id)
        if dry_run:
            return RunResult(
                True, backend.name, plan, 0, backend.requests(), True, time.perf_counter() - started
            )
        writes = 0
        if not plan.quiet:
            save_state(config.workspace, State(state.memory, plan.pending, state.extra))
            writes = backend.tracker.apply(plan.tabs, plan.tab_plans)
        new_state = State(plan.memory, {}, state.extra)
        if new_state.memory != state.memory or state.pending:
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
