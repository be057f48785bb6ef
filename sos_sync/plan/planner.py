"""The plan: everything a night will change, worked out without any I/O (STYLE: one arrow).

`make_plan(snapshot, config, today, run_id)` reads the night's responses (failing closed
form by form, `plan/inbox.py`), joins them to schools (`plan/schools.py`), works out each
school's evidence and position (`plan/evidence.py`, `domain/steps.py`), the documents
and calendar events the evidence calls for (`plan/wanted_documents.py`,
`plan/meetings.py`), the rows every tab should hold (`plan/rows.py`,
`plan/dashboard.py`), and diffs each tab against what is there now under the ownership
rule of §4.2. Each step takes its inputs as values and returns new ones. The result is a
frozen value that `sync --dry-run` prints and `apply` carries out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from sos_sync.config.load import Config
from sos_sync.domain.forms import FORM_KINDS
from sos_sync.domain.report import RunReport
from sos_sync.domain.responses import Problem
from sos_sync.domain.steps import Position, position
from sos_sync.plan.calendar import CalendarPlan, plan_calendar
from sos_sync.plan.dashboard import (
    Counts,
    Found,
    carrying,
    dashboard_rows,
    headline,
    report_of,
    run_log_rows,
)
from sos_sync.plan.documents import (
    KIND_LABELS,
    DocumentsPlan,
    WantedDocument,
    backfill_cutoff,
    plan_documents,
    send_problems,
)
from sos_sync.plan.evidence import Evidence, draft_feedback_days, school_evidence, signups_by_event
from sos_sync.plan.inbox import Inbox, read_inbox
from sos_sync.plan.meetings import wanted_events
from sos_sync.plan.model import NOTICES, Night, Plan, RKey, SchoolRecord, Snapshot, rkey
from sos_sync.plan.reminders import plan_reminders, superseded
from sos_sync.plan.rows import (
    Desired,
    document_rows,
    event_rows,
    problem_rows,
    response_row,
    review_rows,
    school_rows,
)
from sos_sync.plan.schools import join_schools, redact_erased, school_records
from sos_sync.plan.wanted_documents import wanted_documents
from sos_sync.tracker.schema import (
    DASHBOARD,
    DOCUMENTS,
    EVENTS,
    NEEDS_REVIEW,
    RUN_LOG,
    SCHOOLS,
    Memory,
    TabDiff,
    TabSpec,
    all_tabs,
    diff_tab,
    response_tab,
    reviews_tab,
)


def diff(night: Night, spec: TabSpec, desired: Mapping[str, Mapping[str, str]]) -> TabDiff:
    """What to write on one tab so it holds `desired`, under the ownership rule."""
    name = spec.name
    return diff_tab(
        spec, night.tab(name), desired, night.memory(name), night.pending(name), night.today
    )


@dataclass(frozen=True)
class Schools:
    """The schools, where each response went, and what the responses said was wrong."""

    records: dict[str, SchoolRecord]
    urn_of: dict[RKey, str]
    problems: dict[RKey, list[Problem]]  # per response: its own, then identity, then notes


def resolve(night: Night, inbox: Inbox) -> tuple[Inbox, Schools]:
    forms = night.config.forms
    joins = join_schools(
        inbox.by_kind, night.tab("Schools"), forms, night.config.rules.name_match_score
    )
    by_kind = redact_erased(inbox.by_kind, joins, night.snapshot.suppressed)
    records, notes = school_records(by_kind, joins, forms, night.snapshot.suppressed)
    problems: dict[RKey, list[Problem]] = {}
    for rs in by_kind.values():
        for r in rs:
            k = rkey(r)
            problems[k] = [*r.problems, *joins.problems.get(k, ()), *notes.get(k, ())]
    inbox = Inbox(by_kind, inbox.failed, inbox.kept, inbox.problems)
    return inbox, Schools(records, joins.urn_of, problems)


def response_diffs(night: Night, inbox: Inbox, schools: Schools) -> list[TabDiff]:
    """One diff per form tab; a failed form's tab is left exactly as it is."""
    out = []
    for kind in FORM_KINDS:
        spec = night.config.forms[kind]
        desired: Desired = {}
        if kind not in inbox.failed:
            for r in inbox.by_kind.get(kind, ()):
                k = rkey(r)
                if r.consent and k not in inbox.kept:  # no consent: nothing beyond its problem
                    desired[r.key] = response_row(
                        spec, r, schools.urn_of.get(k, ""), schools.problems[k]
                    )
        out.append(diff(night, response_tab(spec), desired))
    return out


def orphaned_documents(
    night: Night, wanted: list[WantedDocument], records: Mapping[str, SchoolRecord]
) -> tuple[dict[str, str], list[Problem]]:
    """Documents generated on an earlier night that no longer belong to their school:
    kept as they are, and reported once."""
    want = {w.key for w in wanted}
    status: dict[str, str] = {}
    problems = []
    for key, rec in sorted(night.snapshot.state.extra.get("documents", {}).items()):
        if key in want or superseded(key, want):  # an older period's reminder is history
            continue
        urn, label = rec.get("urn", ""), KIND_LABELS.get(rec.get("kind", ""), "document")
        name = records[urn].name if urn in records else ""
        status[key] = "Kept; no longer matches the school's responses"
        problems.append(
            Problem(
                "doc_orphaned",
                f"The {label.lower()} `{rec.get('title', key)}` generated on "
                f"{rec.get('generated_on', '?')} no longer matches what the forms say about "
                f"{name or 'the school'} (URN {urn}); it was kept as it is. Check it and "
                "delete it if it is wrong.",
                rec.get("title", key),
                name,
                urn,
                key,
                "Documents",
            )
        )
    return status, problems


def orphaned_reviews(night: Night, desired: Desired, spec: TabSpec) -> list[Problem]:
    """`Reviews` rows the sync made that no longer match a school's application: kept, reported once."""
    tab = night.tab(spec.name)
    if tab is None:
        return []
    out = []
    for key in sorted(set(tab.index(spec.key)[0]) & set(night.memory(spec.name)) - set(desired)):
        out.append(
            Problem(
                "review_orphaned",
                f"The `Reviews` row `{key}` no longer matches an application the school sent "
                "(the response now belongs elsewhere or to no school); it was kept as it is. "
                "Check it and delete it if it is wrong.",
                key,
                tab.value(spec.key, key, "School") or "",
                tab.value(spec.key, key, "URN") or "",
                key,
                "Reviews",
            )
        )
    return out


def positions_of(
    night: Night, records: Mapping[str, SchoolRecord], dp: DocumentsPlan
) -> tuple[dict[str, Evidence], dict[str, Position]]:
    drafts = draft_feedback_days(dp.record)
    rules = night.config.rules
    evidence = {urn: school_evidence(rec, night, drafts.get(urn)) for urn, rec in records.items()}
    positions = {
        urn: position(
            ev.milestones,
            night.today,
            renewal_years=rules.renewal_years,
            renewal_warning_days=rules.renewal_warning_days,
            stalled_after_days=rules.stalled_after_days,
        )
        for urn, ev in evidence.items()
    }
    return evidence, positions


def step_moves(
    night: Night, records: Mapping[str, SchoolRecord], positions: Mapping[str, Position]
) -> tuple[tuple[str, str, int, int], ...]:
    schools = night.tab("Schools")
    moves = []
    for urn, pos in positions.items():
        before = schools.value("URN", urn, "Step") if schools else None
        if before and before.isdigit() and int(before) != pos.step:
            moves.append((urn, records[urn].name, int(before), pos.step))
    return tuple(sorted(moves))


def make_plan(snapshot: Snapshot, config: Config, today: dt.date, run_id: str) -> Plan:
    """Work out the whole night's changes. Pure: no I/O, no clock."""
    night = Night(snapshot, config, today)
    inbox, schools = resolve(night, read_inbox(night))
    records = schools.records
    wanted, review_problems = wanted_documents(night, records)
    dp = plan_documents(
        wanted,
        snapshot.documents,
        snapshot.state.extra.get("documents", {}),
        config.templates_dir,
        today,
        config.raw.documents.max_per_night,
        backfill_cutoff(snapshot.state.extra, today),
    )
    evidence, positions = positions_of(night, records, dp)
    dp, reminders = plan_reminders(night, records, positions, inbox, dp)
    orphans, orphan_problems = orphaned_documents(night, [*wanted, *reminders], records)
    attendees, signed = signups_by_event(records, config)
    events, meeting_problems = wanted_events(
        night, records, {u: e.milestones for u, e in evidence.items()}, positions, attendees
    )
    cp = plan_calendar(events, snapshot.calendar, snapshot.state.extra.get("calendar", {}))
    reviews_spec = reviews_tab([c.code for c in config.criteria])
    reviews = review_rows(night, records, dp)
    diffs = [
        *response_diffs(night, inbox, schools),
        diff(night, SCHOOLS, school_rows(night, records, evidence, positions)),
        diff(night, reviews_spec, reviews),
        diff(night, EVENTS, event_rows(night, signed, cp)),
        diff(night, DOCUMENTS, document_rows(dp, records, orphans, snapshot.state.extra)),
    ]
    found = [
        *inbox.problems,
        *(p for ps in schools.problems.values() for p in ps),
        *(p for ev in evidence.values() for p in ev.problems),
        *dp.problems,
        *send_problems(
            snapshot.state.extra.get("sent", {}), {u: r.name for u, r in records.items()}
        ),
        *orphan_problems,
        *review_problems,
        *meeting_problems,
        *cp.problems,
        *orphaned_reviews(night, reviews, reviews_spec),
        *(p for d in diffs for p in d.problems),
    ]
    return _finish(night, run_id, inbox, records, positions, dp, cp, diffs, found)


def _finish(
    night: Night,
    run_id: str,
    inbox: Inbox,
    records: Mapping[str, SchoolRecord],
    positions: dict[str, Position],
    dp: DocumentsPlan,
    cp: CalendarPlan,
    diffs: list[TabDiff],
    found: list[Problem],
) -> Plan:
    """The Needs review, Dashboard and Run log tabs, and the Plan itself."""
    problems = list({p.key: p for p in found}.values())
    review = diff(night, NEEDS_REVIEW, problem_rows(night, problems, NOTICES))
    remembered = set(night.memory(NEEDS_REVIEW.name))
    existing = set(t.index(NEEDS_REVIEW.key)[0]) if (t := night.tab(NEEDS_REVIEW.name)) else set()
    new_problems = [p for p in problems if p.key not in existing and p.key not in remembered]
    forms = diffs[: len(FORM_KINDS)]
    new_by_kind: dict[str, int] = {
        k: len(d.created) for k, d in zip(FORM_KINDS, forms, strict=True) if k not in inbox.failed
    }
    schools_diff = diffs[len(FORM_KINDS)]
    by_step = Counter(pos.step for pos in positions.values())
    counts = Counts(
        new_by_kind=new_by_kind,
        responses_new=sum(len(d.created) for d in forms),
        responses_updated=sum(len(d.updated) for d in forms),
        schools_created=len(schools_diff.created),
        moves=step_moves(night, records, positions),
        by_step={s: by_step.get(s, 0) for s in range(1, 6)},
        stalled=sum(1 for pos in positions.values() if pos.stalled),
        schools=len(positions),
        events_created=len(cp.created),
        events_updated=len(cp.updated),
        docs_created=sum(1 for j in dp.jobs if j.new),
        docs_updated=sum(1 for j in dp.jobs if not j.new),
        problems_new=len(new_problems),
        problems_open=sum(1 for p in problems if p.code not in NOTICES),
        changes=sum(d.plan.cell_count for d in [*diffs, review])
        + len(cp.created)
        + len(cp.updated)
        + len(dp.jobs),
        failed=bool(inbox.failed),
    )
    found_ = Found(
        schools_updated=len(schools_diff.updated),
        docs_deferred=dp.deferred,
        failed_forms={str(k): v for k, v in inbox.failed.items()},
        problems=tuple(problems),
        new_problems=tuple(new_problems),
    )
    report = report_of(counts, night.config, night.today, run_id, found_)
    report = carrying(report, night.snapshot.carried, night.snapshot.resumed)
    line = headline(report)
    config, today = night.config, night.today
    diffs = [
        *diffs,
        review,
        diff(night, DASHBOARD, dashboard_rows(counts, config, today, line, report.changes)),
        diff(night, RUN_LOG, run_log_rows(report, config, today, line)),
    ]
    return _plan(night, run_id, report, diffs, positions, dp, cp)


def _plan(
    night: Night,
    run_id: str,
    report: RunReport,
    diffs: list[TabDiff],
    positions: dict[str, Position],
    dp: DocumentsPlan,
    cp: CalendarPlan,
) -> Plan:
    config = night.config
    # keep memory of tabs that were not diffed this run
    memory: Memory = {**night.snapshot.state.memory, **{d.plan.tab: d.memory for d in diffs}}
    pending: Memory = {
        d.plan.tab: {r.key: {c.column: c.value for c in r.cells} for r in d.plan.rows}
        for d in diffs
        if d.plan.rows
    }
    tab_plans = tuple(d.plan for d in diffs if d.plan.rows or d.plan.add_headers)
    cells = sum(tp.cell_count for tp in tab_plans)
    return Plan(
        today=night.today,
        run_id=run_id,
        tabs=all_tabs(config.forms, [c.code for c in config.criteria]),
        tab_plans=tab_plans,
        memory=memory,
        pending=pending,
        report=dataclasses.replace(report, cells=cells, tab_plans=tab_plans),
        positions=positions,
        calendar=cp,
        documents=dp,
    )


__all__ = ["Plan", "Snapshot", "make_plan"]
