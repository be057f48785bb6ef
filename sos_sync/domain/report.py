"""What one night did: the one report type (STYLE: read -> plan -> apply -> RunReport).

The plan fills in what the night *means* to do (counts, problems, the tab plans);
apply fills in what it sent (`writes`, `requests`, `seconds`). The Run log row, the
Dashboard headline, the morning report, the JSON summary of `sync --json` and the run
history are all read from this one value. A rerun after a killed run adds what the
killed run had already applied (`carried`), so its report equals a clean run's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sos_sync.domain.programme import SignupFormNews
from sos_sync.domain.responses import Problem
from sos_sync.tracker.schema import TabPlan


@dataclass(frozen=True)
class Applied:
    """The outputs a (possibly killed) run had applied: carried into the rerun's report."""

    events_created: int = 0
    events_updated: int = 0
    docs_created: int = 0
    docs_updated: int = 0
    writes: int = 0

    @property
    def events_changed(self) -> int:
        return self.events_created + self.events_updated

    @property
    def docs_changed(self) -> int:
        return self.docs_created + self.docs_updated

    def __add__(self, other: Applied) -> Applied:
        return Applied(
            *(getattr(self, f.name) + getattr(other, f.name) for f in dataclasses.fields(self))
        )

    def as_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Applied:
        return cls(**{f.name: int(data.get(f.name, 0)) for f in dataclasses.fields(cls)})


@dataclass(frozen=True)
class RunReport:
    """The counts of one nightly run, and what it found."""

    day: dt.date
    started: str
    ok: bool
    error: str | None
    backend: str
    run_id: str = ""
    dry_run: bool = False
    new_responses: dict[str, int] = field(default_factory=dict)  # by form kind
    updated_responses: int = 0
    schools_created: int = 0
    schools_updated: int = 0
    step_moves: tuple[tuple[str, str, int, int], ...] = ()
    by_step: dict[int, int] = field(default_factory=dict)
    stalled: int = 0
    events_created: int = 0
    events_updated: int = 0
    docs_created: int = 0
    docs_updated: int = 0
    docs_deferred: int = 0
    problems_new: int = 0
    problems_open: int = 0  # open problems a person must act on (notices excluded)
    failed_forms: dict[str, str] = field(default_factory=dict)
    cells: int = 0  # tracker cells the plan writes (0: a quiet night)
    changes: int = 0  # the Run log's "Cells written": cells before the log, events, documents
    writes: int = 0  # write operations sent (planned ones until apply fills it in)
    requests: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    problems: tuple[Problem, ...] = field(default=(), compare=False)
    new_problems: tuple[Problem, ...] = field(default=(), compare=False)
    tab_plans: tuple[TabPlan, ...] = field(default=(), compare=False)
    # the sign-up form's choices after the programme changed (filled in by run.nightly)
    signup_form: SignupFormNews | None = field(default=None, compare=False)

    @property
    def responses_new(self) -> int:
        return sum(self.new_responses.values())

    @property
    def events_changed(self) -> int:
        return self.events_created + self.events_updated

    @property
    def docs_changed(self) -> int:
        return self.docs_created + self.docs_updated

    @property
    def quiet(self) -> bool:
        return self.cells == 0

    def carrying(self, applied: Applied) -> RunReport:
        """This report plus what a killed run had already applied."""
        if applied == Applied():
            return self
        return dataclasses.replace(
            self,
            events_created=self.events_created + applied.events_created,
            events_updated=self.events_updated + applied.events_updated,
            docs_created=self.docs_created + applied.docs_created,
            docs_updated=self.docs_updated + applied.docs_updated,
        )

    def to_record(self) -> dict[str, Any]:
        """The counts as JSON (for the journal): problems and tab plans are left out."""
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.compare}
        out["day"] = self.day.isoformat()
        out["by_step"] = {str(k): v for k, v in self.by_step.items()}
        out["step_moves"] = [list(m) for m in self.step_moves]
        return out

    @classmethod
    def from_record(cls, data: dict[str, Any]) -> RunReport:
        names = {f.name for f in dataclasses.fields(cls) if f.compare}
        values = {k: v for k, v in data.items() if k in names}
        values["day"] = dt.date.fromisoformat(data["day"])
        values["by_step"] = {int(k): int(v) for k, v in data.get("by_step", {}).items()}
        values["step_moves"] = tuple(
            (str(u), str(n), int(a), int(b)) for u, n, a, b in data.get("step_moves", [])
        )
        return cls(**values)

    def as_json(self) -> dict[str, Any]:
        """The `sync --json` summary (one object; counts only, no personal data)."""
        return {
            "ok": self.ok,
            "backend": self.backend,
            "dry_run": self.dry_run,
            "run_id": self.run_id,
            "responses": {
                "new": self.responses_new,
                "updated": self.updated_responses,
                "needs_review": self.problems_new,
            },
            "schools": {
                "created": self.schools_created,
                "updated": self.schools_updated,
                "by_step": {str(k): v for k, v in self.by_step.items()},
            },
            "events": {"created": self.events_created, "updated": self.events_updated},
            "docs": {
                "created": self.docs_created,
                "updated": self.docs_updated,
                "deferred": self.docs_deferred,
            },
            "problems_open": len(self.problems),
            "failed_forms": sorted(self.failed_forms),
            "writes": self.writes,
            "requests": sum(self.requests.values()),
            "requests_by_api": dict(self.requests),
            "error": self.error,
        }

    def history_record(self, finished: str) -> dict[str, Any]:
        """The run-history record (`read_runs`) of this run."""
        record: dict[str, Any] = {
            "run_id": self.run_id,
            "today": self.day.isoformat(),
            "finished": finished,
            "ok": self.ok,
        }
        if not self.ok:
            record["error"] = self.error
            return record
        record.update(
            writes=self.writes,
            new_responses=self.responses_new,
            new_problems=self.problems_new,
            by_step=self.by_step,
        )
        return record


def failed_report(
    day: dt.date, started: str, backend: str, error: str, run_id: str = ""
) -> RunReport:
    return RunReport(
        day=day, started=started, ok=False, error=error, backend=backend, run_id=run_id
    )
