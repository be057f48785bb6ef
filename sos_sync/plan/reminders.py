"""Reminders the night drafts for a lead to send (SPEC §8): one per school, reason and period.

Reasons: the school has stalled (`stalled_after_days` without activity), its award is due
for renewal within `renewal_warning_days`, one of its responses came without consent, or
it signed up without an expression of interest. A reminder is a document like the others
(template `reminder.docx`, a `Documents` row a lead marks `Send`); its key carries the day
it was drafted, ``<urn>:reminder:<reason>:<day>``, and a new one is drafted only when the
last one for that school and reason is `documents.reminder_every_days` old or more (until
then the last one is kept up to date, like any other document).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sos_sync.plan.documents import DocumentsPlan, WantedDocument, merge_plans, plan_documents
from sos_sync.plan.inbox import Inbox
from sos_sync.plan.model import Night, SchoolRecord
from sos_sync.plan.wanted_documents import common_context


@dataclass(frozen=True)
class ReminderCase:
    """One school's reason for a reminder tonight."""

    urn: str
    school: str
    reason: str
    last_activity: dt.date | None = None
    renewal_due: dt.date | None = None
    next_action: str = ""


def superseded(key: str, wanted: set[str] | frozenset[str]) -> bool:
    """A reminder of an earlier period for a school and reason that has a newer one."""
    parts = key.split(":")
    if len(parts) != 4 or parts[1] != "reminder":
        return False
    prefix = f"{parts[0]}:reminder:{parts[2]}:"
    return any(w.startswith(prefix) and w > key for w in wanted)


def last_drafted(recorded: Mapping[str, Any], urn: str, reason: str) -> dt.date | None:
    """The day of the latest reminder for this school and reason (None: never)."""
    prefix = f"{urn}:reminder:{reason}:"
    days = [dt.date.fromisoformat(k[len(prefix) :]) for k in recorded if k.startswith(prefix)]
    return max(days, default=None)


def wanted_reminders(
    cases: Sequence[ReminderCase],
    common: Mapping[str, Mapping[str, Any]],
    recorded: Mapping[str, Any],
    today: dt.date,
    every_days: int,
) -> list[WantedDocument]:
    """The reminders to draft tonight (`common`: each school's shared document context)."""
    out = []
    for case in cases:
        last = last_drafted(recorded, case.urn, case.reason)
        # within the period the latest reminder is still the one wanted (kept up to date
        # like any document, unless a person edited it); after it, a new one is drafted
        day = last if last is not None and (today - last).days < every_days else today
        context = {
            **common[case.urn],
            "reason": case.reason,
            "last_activity": case.last_activity.isoformat() if case.last_activity else None,
            "renewal_due": case.renewal_due.isoformat() if case.renewal_due else None,
            "next_action": case.next_action,
        }
        key = f"{case.urn}:reminder:{case.reason}:{day.isoformat()}"
        out.append(WantedDocument(key, "reminder", case.urn, case.school, context))
    return out


def reminder_cases(
    schools: Mapping[str, tuple[str, Any, bool, bool]], today: dt.date, warning_days: int
) -> list[ReminderCase]:
    """Reasons per school from (name, position, has no consent, has no EOI)."""
    out = []
    for urn, (name, pos, no_consent, no_eoi) in sorted(schools.items()):
        if pos is not None and pos.stalled:
            out.append(ReminderCase(urn, name, "stalled", pos.last_activity, None, pos.next_action))
        due = pos.renewal_due if pos is not None else None
        if due is not None and today <= due <= today + dt.timedelta(days=warning_days):
            out.append(ReminderCase(urn, name, "renewal", None, due))
        if no_consent:
            out.append(ReminderCase(urn, name, "consent"))
        if no_eoi:
            out.append(ReminderCase(urn, name, "no_eoi"))
    return out


def plan_reminders(
    night: Night,
    records: Mapping[str, SchoolRecord],
    positions: Mapping[str, Any],
    inbox: Inbox,
    dp: DocumentsPlan,
) -> tuple[DocumentsPlan, list[WantedDocument]]:
    """The night's documents with the reminders it drafts, and the reminders wanted."""
    refused = {
        str(r.values.get("urn", ""))
        for rs in inbox.by_kind.values()
        for r in rs
        if not r.consent and r.values.get("urn")
    }
    facts = {
        urn: (
            rec.name or urn,
            positions.get(urn),
            urn in refused,
            bool(rec.responses) and not any(r.kind == "eoi" for r in rec.responses),
        )
        for urn, rec in records.items()
    }
    config = night.config
    cases = reminder_cases(facts, night.today, config.rules.renewal_warning_days)
    common = {c.urn: common_context(night, records[c.urn]) for c in cases}
    every = config.raw.documents.reminder_every_days
    wanted = wanted_reminders(cases, common, dp.record, night.today, every)
    room = max(0, config.raw.documents.max_per_night - len(dp.jobs))
    night_docs = night.snapshot.documents
    rp = plan_documents(wanted, night_docs, dp.record, config.templates_dir, night.today, room)
    return merge_plans(dp, rp), wanted
