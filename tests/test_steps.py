"""The step rules as a table (SPEC §6.2)."""

from __future__ import annotations

import datetime as dt

import pytest

from sos_sync.domain.steps import Milestones, position

D = dt.date
TODAY = D(2025, 7, 14)
BASE = dict(eoi_received=D(2025, 6, 1))


@pytest.mark.parametrize(
    ("milestones", "step", "stage", "next_action"),
    [
        ({}, 1, "Getting started", "Secure commitment from SLT and governors"),
        (
            {"slt_commitment": D(2025, 6, 1)},
            1,
            "Getting started",
            "Sign the City of Sanctuary pledge",
        ),
        (
            {"slt_commitment": D(2025, 6, 1), "pledge_signed": D(2025, 6, 1)},
            1,
            "Getting started",
            "Complete the audit",
        ),
        (
            {
                "slt_commitment": D(2025, 6, 1),
                "pledge_signed": D(2025, 6, 1),
                "audit_completed": D(2025, 6, 9),
            },
            2,
            "Action planning",
            "Create and send the action plan",
        ),
        (
            {"draft_submitted": D(2025, 7, 1)},
            3,
            "Draft application",
            "Local lead to review the draft",
        ),
        (
            {"draft_submitted": D(2025, 7, 1), "draft_feedback_sent": D(2025, 7, 3)},
            3,
            "Draft application",
            "Respond to feedback and submit the final application and portfolio",
        ),
        (
            {"final_submitted": D(2025, 7, 1)},
            4,
            "Final application and assessment",
            "Local lead to set the panel date",
        ),
        (
            {"panel_date": D(2025, 7, 20)},
            4,
            "Final application and assessment",
            "Submit the final application and portfolio",
        ),
        ({"awarded_on": D(2025, 6, 27)}, 4, "Awarded", "Renewal due on 27 June 2028"),
        (
            {"awarded_on": D(2022, 10, 12)},
            5,
            "Renewal due",
            "Renew the pledge and status (renewal due on 12 October 2025)",
        ),
        ({"awarded_on": D(2022, 10, 13)}, 4, "Awarded", "Renewal due on 13 October 2025"),
        (
            {"step_override": 3},
            3,
            "Draft application (set by lead)",
            "Submit the draft application",
        ),
        (
            {"step_override": 4, "awarded_on": D(2025, 1, 1)},
            4,
            "Awarded (set by lead)",
            "Renewal due on 1 January 2028",
        ),
        (
            {"step_override": 4},
            4,
            "Final application and assessment (set by lead)",
            "Submit the final application and portfolio",
        ),
    ],
)
def test_rules(milestones: dict[str, object], step: int, stage: str, next_action: str) -> None:
    pos = position(Milestones(**{**BASE, **milestones}), TODAY)  # type: ignore[arg-type]
    assert (pos.step, pos.stage, pos.next_action) == (step, stage, next_action)


def test_stalled_after_90_days_unless_awarded() -> None:
    old = Milestones(eoi_received=D(2025, 4, 14))
    assert position(old, TODAY).stalled  # 91 days
    assert not position(Milestones(eoi_received=D(2025, 4, 15)), TODAY).stalled  # 90 days
    assert not position(
        Milestones(eoi_received=D(2020, 1, 1), awarded_on=D(2020, 6, 1)), TODAY
    ).stalled


def test_renewal_and_last_activity() -> None:
    pos = position(Milestones(eoi_received=D(2024, 1, 1), awarded_on=D(2024, 2, 29)), TODAY)
    assert pos.renewal_due == D(2027, 2, 28)
    assert pos.last_activity == D(2024, 2, 29)


def test_today_is_an_input_not_the_clock() -> None:
    m = Milestones(awarded_on=D(2022, 10, 12))
    assert position(m, D(2025, 7, 13)).step == 4
    assert position(m, D(2025, 7, 14)).step == 5
