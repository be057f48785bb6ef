"""The rows the night wants on each tab, before the ownership rule of §4.2 decides what
may be written (`tracker.schema.diff_tab`): one row per response, per school, per
programme event, per review and per document.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from sos_sync.domain.forms import FormSpec
from sos_sync.domain.responses import Problem, Response
from sos_sync.domain.steps import Position
from sos_sync.plan.calendar import CalendarPlan
from sos_sync.plan.documents import KIND_LABELS, DocumentsPlan, sent_cells
from sos_sync.plan.evidence import Evidence
from sos_sync.plan.model import EXCEL_CELL_LIMIT, Night, SchoolRecord, fit, iso
from sos_sync.plan.wanted_documents import REVIEW_STAGES
from sos_sync.tracker.schema import MILESTONE_COLUMNS

Desired = dict[str, dict[str, str]]
# columns a lead may fill by hand where the forms give nothing (SPEC §6.4)
HAND_FILLED = (*MILESTONE_COLUMNS, "Contact name", "Contact email")


def response_row(spec: FormSpec, r: Response, urn: str, problems: list[Problem]) -> dict[str, str]:
    """A response's row on its form's tab: the answers as given, its school and its status."""
    raw = r.raw
    local = r.local
    row = {
        "Response ID": raw.response_id,
        "Submitted": local.isoformat(sep=" ", timespec="seconds")[:19]
        if local
        else fit(raw.submitted_raw),
        "Email Address": fit(raw.email),
        "URN": urn,
    }
    answers = raw.answers
    for f in spec.fields:
        v = answers.get(f.name, "")
        text = (", ".join(v) if isinstance(v, tuple) else v).strip()
        row[f.header] = text if len(text) <= EXCEL_CELL_LIMIT else fit(text)
    if problems:
        codes = sorted({p.code.replace("_", " ") for p in problems})
        row["Status"] = "Needs review: " + "; ".join(codes)
    else:
        row["Status"] = "OK"
    return row


def school_rows(
    night: Night,
    records: Mapping[str, SchoolRecord],
    evidence: Mapping[str, Evidence],
    positions: Mapping[str, Position],
) -> Desired:
    desired: Desired = {}
    for urn in sorted(records):
        rec, ev, pos = records[urn], evidence[urn], positions[urn]
        row = {
            "URN": urn,
            "School": fit(rec.name),
            "Contact name": fit(rec.contact_name),
            "Contact email": rec.contact_email,
            "Step": str(pos.step),
            "Stage": pos.stage,
            "Next action": pos.next_action,
            "Stalled": "Yes" if pos.stalled else "No",
            **ev.columns,
            "Events attended": str(ev.milestones.events_attended),
            "Renewal due": iso(pos.renewal_due),
            "Last activity": iso(pos.last_activity),
        }
        for col in HAND_FILLED:  # a lead's value where the forms give none is no conflict
            if row.get(col) == "" and night.typed("Schools", "URN", urn, col) is not None:
                del row[col]
        desired[urn] = row
    return desired


def event_rows(night: Night, signed: Counter[str], cp: CalendarPlan) -> Desired:
    return {
        e.key: {
            "Event key": e.key,
            "Title": e.title,
            "Start": (e.start or "on request").replace("T", " "),
            "End": (e.end or "").replace("T", " "),
            "Where": e.where,
            "Mode": e.mode,
            "Form label": e.form_label,
            "Signed up": str(signed[e.key]),
            "Calendar link": cp.record.get(f"programme:{e.key}", {}).get("link", ""),
        }
        for e in night.config.programme.events
    }


def review_rows(night: Night, records: Mapping[str, SchoolRecord], dp: DocumentsPlan) -> Desired:
    """One `Reviews` row per school and application stage a lead must review."""
    desired: Desired = {}
    for urn in sorted(records):
        rec = records[urn]
        for r in rec.responses:
            stage = str(r.values.get("stage", "")) if r.kind == "application" else ""
            if stage not in REVIEW_STAGES:
                continue
            short = REVIEW_STAGES[stage]
            row = {
                "Review key": f"{urn}:{short}",
                "URN": urn,
                "School": fit(rec.name),
                "Stage": stage,
                "Criteria version": night.config.criteria_version,
            }
            doc = dp.record.get(f"{urn}:application_feedback:{short}")
            if doc:
                row["Feedback doc"] = doc.get("link", "")
                row["Sent on"] = doc.get("generated_on", "")
            desired[f"{urn}:{short}"] = row
    return desired


def document_rows(
    dp: DocumentsPlan,
    records: Mapping[str, SchoolRecord],
    orphaned: Mapping[str, str],
    extra: Mapping[str, Any],
) -> Desired:
    """One `Documents` row per document generated or wanted; a kept document that no
    longer belongs to its school says so."""

    def school(urn: str) -> str:
        return fit(records[urn].name if urn in records else "")

    desired: Desired = {}
    for key, rec in dp.record.items():
        urn = rec.get("urn", key.split(":")[0])
        desired[key] = {
            "Doc key": key,
            "URN": urn,
            "School": school(urn),
            "Kind": KIND_LABELS.get(rec.get("kind", ""), rec.get("kind", "")),
            "Title": rec.get("title", ""),
            "Link": rec.get("link", ""),
            "Generated on": rec.get("generated_on", ""),
            "Status": orphaned.get(key) or dp.status.get(key, "Generated"),
            **sent_cells(extra.get("sent", {}).get(key)),  # the outbox's record (SPEC §8)
        }
    for key, status in dp.status.items():
        if key not in desired:
            urn = key.split(":")[0]
            desired[key] = {
                "Doc key": key,
                "URN": urn,
                "School": school(urn),
                "Kind": KIND_LABELS.get(key.split(":")[1], ""),
                "Status": status,
            }
    return desired


def problem_rows(night: Night, problems: list[Problem], notices: frozenset[str]) -> Desired:
    """A `Needs review` row per problem; an open row no longer found is marked cleared."""
    current = night.tab("Needs review")
    existing = set(current.index("Problem ID")[0]) if current else set()
    desired: Desired = {}
    for p in problems:
        desired[p.key] = {
            "Problem ID": p.key,
            "Raised on": night.today.isoformat(),
            "Where": p.form,
            "Response or row": p.source_key,
            "School": fit(p.school),
            "URN": p.urn,
            "Value": fit(p.value),
            "Reason": p.reason,
            "Candidates": p.candidates,
            "Status": "Notice" if p.code in notices else "Open",
        }
    for key in sorted(existing & set(night.memory("Needs review"))):
        if key not in desired and current and current.value("Problem ID", key, "Status") == "Open":
            desired[key] = {"Status": "Cleared: no longer found"}
    return desired
