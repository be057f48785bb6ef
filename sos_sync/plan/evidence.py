"""A school's evidence: its milestones from valid responses and from what leads typed
(SPEC §6.1, §6.4), and who signed up for which programme event.

A response counts as evidence when it joined the school (with consent, for EOIs) and the
answers its milestone needs are valid: every audit rating on the scale, an application's
stage, an EOI's pledge or SLT answer for those two milestones. `EOI received` and
`Pledge signed` take the first valid evidence; the audit and the application stages the
latest. `Events attended` counts distinct events ended on or before today (a month-only
event ends with its month) with a sign-up not marked `Attended = No`; `Last activity`
also counts every valid response and the end of every event attended.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from sos_sync.config.load import Config, Criterion
from sos_sync.domain.responses import Problem, Response, parse_day
from sos_sync.domain.steps import Milestones
from sos_sync.plan.model import Night, SchoolRecord, iso, labels_of
from sos_sync.tracker.schema import MILESTONE_COLUMNS

STAGE_COLUMNS = (
    ("Action plan", "Action plan received"),
    ("Draft application", "Draft submitted"),
    ("Final application and portfolio", "Final submitted"),
)


@dataclass(frozen=True)
class Evidence:
    """A school's milestones, the column values the forms give, and what was wrong."""

    milestones: Milestones
    columns: dict[str, str]  # milestone column -> the value the forms give ("" for none)
    problems: tuple[Problem, ...] = field(default=())


_RATING_KEYS: dict[str, tuple[Any, tuple[str, ...]]] = {}


def _rating_keys(criteria: tuple[Criterion, ...]) -> tuple[str, ...]:
    """`rating_<code>` for each criterion, made once per criteria set (kept by identity)."""
    held = _RATING_KEYS.get("last")
    if held is None or held[0] is not criteria:
        held = _RATING_KEYS["last"] = (criteria, tuple(f"rating_{c.code}" for c in criteria))
    return held[1]


def counts(r: Response, config: Config) -> bool:
    """True when a joined response's answers make it evidence (SPEC §6.4)."""
    if r.day is None:
        return False
    if r.kind == "audit":
        values = r.values
        return all(values.get(k) for k in _rating_keys(config.criteria))
    if r.kind == "application":
        return bool(r.values.get("stage"))
    return True


def signups_by_event(
    records: dict[str, SchoolRecord], config: Config
) -> tuple[dict[str, list[str]], Counter[str]]:
    """Valid attendee e-mails, and how many schools signed up, by programme event key."""
    by_label = config.programme.by_label()
    emails: dict[str, list[str]] = defaultdict(list)
    schools: Counter[str] = Counter()
    for urn in sorted(records):
        keys: set[str] = set()
        for r in records[urn].responses:
            if r.kind != "signup":
                continue
            for label in labels_of(r):
                ev = by_label.get(label)
                if ev is None:
                    continue
                keys.add(ev.key)
                email = str(r.values.get("attendee_email", ""))  # "" when invalid: never invited
                if email:
                    emails[ev.key].append(email)
        schools.update(keys)
    return dict(emails), schools


def events_attended(rec: SchoolRecord, night: Night) -> dict[str, dt.date]:
    """Programme event key -> the day it ended, for each event the school attended."""
    ends = night.event_ends
    tab = night.tab(night.config.forms["signup"].tab)
    out: dict[str, dt.date] = {}
    for r in rec.responses:
        if r.kind != "signup":
            continue
        if (
            tab is not None
            and (tab.value("Response ID", r.key, "Attended") or "").strip().lower() == "no"
        ):
            continue
        for label in labels_of(r):
            key, ended = ends.get(label, ("", None))
            if ended and ended <= night.today:
                out[key] = ended
    return out


def from_responses(valid: list[Response]) -> dict[str, dt.date | None]:
    """The milestone dates a school's valid responses give (those that `counts`, in order)."""
    out: dict[str, dt.date | None] = {c: None for c in MILESTONE_COLUMNS}
    eois = [r for r in valid if r.kind == "eoi"]
    out["EOI received"] = eois[0].day if eois else None
    pledged = next((r for r in eois if r.values.get("pledge") == "Yes"), None)
    if pledged is not None:
        out["Pledge signed"] = parse_day(str(pledged.values.get("pledge_date", ""))) or pledged.day
    slt = next((r for r in eois if r.values.get("slt") == "Yes"), None)
    out["SLT commitment"] = slt.day if slt else None
    audits = [r.day for r in valid if r.kind == "audit"]
    out["Audit completed"] = max(d for d in audits if d) if audits else None
    for stage, col in STAGE_COLUMNS:
        days = [r.day for r in valid if r.kind == "application" and r.values.get("stage") == stage]
        out[col] = max(d for d in days if d) if days else None
    return out


def school_evidence(rec: SchoolRecord, night: Night, draft_feedback: dt.date | None) -> Evidence:
    """Milestones from the school's responses, with leads' typed values taking their place."""
    valid = [r for r in rec.responses if counts(r, night.config)]
    computed = from_responses(valid)
    computed["Draft feedback sent"] = draft_feedback
    columns = {c: iso(d) for c, d in computed.items()}
    problems: list[Problem] = []
    effective = dict(computed)
    for col in MILESTONE_COLUMNS:
        typed = night.typed("Schools", "URN", rec.urn, col)
        if typed is None:
            continue
        day = parse_day(typed)
        if day is None:
            problems.append(bad_lead_value(rec, col, typed, "a date (e.g. 14/07/2025)"))
            continue
        effective[col] = day
    lead = {
        c: _lead_day(rec, night, c, problems) for c in ("Panel date", "Visit date", "Awarded on")
    }
    attended = events_attended(rec, night)
    days = [r.day for r in valid if r.day]
    days += list(attended.values())
    milestones = Milestones(
        eoi_received=effective["EOI received"],
        pledge_signed=effective["Pledge signed"],
        slt_commitment=effective["SLT commitment"],
        audit_completed=effective["Audit completed"],
        action_plan_received=effective["Action plan received"],
        events_attended=len(attended),
        draft_submitted=effective["Draft submitted"],
        draft_feedback_sent=effective["Draft feedback sent"],
        final_submitted=effective["Final submitted"],
        panel_date=lead["Panel date"],
        visit_date=lead["Visit date"],
        awarded_on=lead["Awarded on"],
        step_override=_override(rec, night, problems),
        other_activity=max(days) if days else None,
    )
    return Evidence(milestones, columns, tuple(problems))


def _lead_day(rec: SchoolRecord, night: Night, col: str, problems: list[Problem]) -> dt.date | None:
    schools = night.tab("Schools")
    raw = schools.value("URN", rec.urn, col) if schools else None
    if not raw:
        return None
    day = parse_day(raw)
    if day is None:
        problems.append(bad_lead_value(rec, col, raw, "a date (e.g. 14/07/2025)"))
    return day


def _override(rec: SchoolRecord, night: Night, problems: list[Problem]) -> int | None:
    schools = night.tab("Schools")
    raw = schools.value("URN", rec.urn, "Step override") if schools else None
    if not raw:
        return None
    try:
        step = int(float(raw))
    except ValueError:
        step = 0
    if 1 <= step <= 5:
        return step
    problems.append(bad_lead_value(rec, "Step override", raw, "a step from 1 to 5"))
    return None


def bad_lead_value(rec: SchoolRecord, col: str, value: str, expected: str) -> Problem:
    return Problem(
        "bad_lead_value",
        f"`Schools` › {col} for URN {rec.urn} holds `{value}`, which is not {expected}; "
        "it was ignored. Correct the cell.",
        value,
        rec.name,
        rec.urn,
        f"{rec.urn} {col}",
        "Schools",
    )


def draft_feedback_days(record: dict[str, dict[str, str]]) -> dict[str, dt.date]:
    """URN -> the day its draft application feedback was generated."""
    out: dict[str, dt.date] = {}
    for key, rec in record.items():
        urn, kind, *_ = (key.split(":") + ["", ""])[:3]
        if kind == "application_feedback" and key.endswith(":draft") and rec.get("generated_on"):
            out[urn] = dt.date.fromisoformat(rec["generated_on"])
    return out
