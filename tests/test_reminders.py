"""Reminders: drafted for the lead, one per school, reason and period."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import docx
from helpers import by_key, read_tab

from sos_sync.domain.report import RunReport as RunResult
from sos_sync.domain.steps import Position
from sos_sync.ops.sample import DEMO_TODAY
from sos_sync.plan.reminders import ReminderCase, reminder_cases, wanted_reminders

Sync = Callable[..., RunResult]


def _reminders(ws: Path, urn: str, reason: str) -> list[str]:
    return sorted(
        str(k)
        for k in by_key(read_tab(ws, "Documents"), "Doc key")
        if str(k).startswith(f"{urn}:reminder:{reason}:")
    )


def test_a_stalled_school_gets_one_reminder_and_another_only_after_the_period(
    workspace: Path, sync: Sync
) -> None:
    sync(workspace)
    schools = by_key(read_tab(workspace, "Schools"), "URN")
    stalled = sorted(u for u, s in schools.items() if s["Stalled"] == "Yes")
    assert stalled
    urn = stalled[0]
    [key] = _reminders(workspace, urn, "stalled")
    assert key == f"{urn}:reminder:stalled:{DEMO_TODAY.isoformat()}"
    path = workspace / "docs" / f"{key.replace(':', '-')}.docx"
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "We have not heard from you since" in text
    assert path.with_suffix(".pdf").exists()
    row = by_key(read_tab(workspace, "Documents"), "Doc key")[key]
    assert row["Kind"] == "Reminder" and not row["Sent on"]  # drafted, sent only on Send
    for days in (1, 29):
        sync(workspace, DEMO_TODAY + dt.timedelta(days=days))
        assert _reminders(workspace, urn, "stalled") == [key]  # none within the period
    sync(workspace, DEMO_TODAY + dt.timedelta(days=30))
    assert len(_reminders(workspace, urn, "stalled")) == 2  # the next period's one


def test_reminders_are_one_per_school_reason_and_period() -> None:
    today = dt.date(2025, 3, 1)
    cases = [ReminderCase("100001", "Oak", "stalled"), ReminderCase("100001", "Oak", "consent")]
    common = {"100001": {"school": {"urn": "100001", "name": "Oak"}}}
    recorded = {"100001:reminder:stalled:2025-02-10": {}, "100001:reminder:consent:2025-01-01": {}}
    keys = [w.key for w in wanted_reminders(cases, common, recorded, today, 30)]
    # stalled: the one of 10 February (19 days ago) is still the one; consent: a new one
    assert keys == ["100001:reminder:stalled:2025-02-10", "100001:reminder:consent:2025-03-01"]
    [kept] = wanted_reminders(cases[:1], common, recorded, dt.date(2025, 3, 11), 30)
    assert kept.key == "100001:reminder:stalled:2025-02-10"
    [new] = wanted_reminders(cases[:1], common, recorded, dt.date(2025, 3, 12), 30)
    assert new.key == "100001:reminder:stalled:2025-03-12"


def test_reasons_come_from_the_position_consent_and_eoi() -> None:
    today = dt.date(2025, 7, 14)
    due = Position(5, "Renewal due", "Renew", False, dt.date(2025, 8, 1), None)
    later = Position(5, "Awarded", "", False, dt.date(2026, 8, 1), None)
    stalled = Position(2, "Action planning", "Send the plan", True, None, dt.date(2025, 1, 3))
    cases = reminder_cases(
        {
            "100001": ("Oak", due, False, False),
            "100002": ("Ash", later, False, False),
            "100003": ("Elm", stalled, True, True),
        },
        today,
        90,
    )
    assert [(c.urn, c.reason) for c in cases] == [
        ("100001", "renewal"),
        ("100003", "stalled"),
        ("100003", "consent"),
        ("100003", "no_eoi"),
    ]
