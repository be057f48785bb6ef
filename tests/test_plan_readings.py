"""`make_plan` on hand-built snapshots: the defects of issue 17 and each reading of SPEC §6.4,
as tables in the style of the step rules (tests/test_steps.py). Milliseconds each."""

from __future__ import annotations

import datetime as dt

import pytest
from plan_kit import (
    TODAY,
    all_text,
    application,
    audit,
    codes,
    codes_of,
    eoi,
    night,
    problems,
    rows,
    school,
    signup,
    tab,
)

from sos_sync.run.state import State
from sos_sync.tracker.schema import SCHOOLS

ALDER, ALDER_URN = "Alder Brook Primary School", "141001"

# ---------------------------------------------------------------- defects 1-3


@pytest.mark.parametrize(
    ("rating", "completed", "step", "code"),
    [
        (None, "2025-02-01", "2", None),  # every rating on the scale: the audit counts
        ("Sometimes", "", "1", "bad_choice"),  # defect 1: an unknown rating
        ("", "", "1", "missing_rating"),  # §6.4: a blank rating makes it invalid too
        ("EMBEDDED", "2025-02-01", "2", None),  # ratings match ignoring case
    ],
)
def test_an_audit_counts_only_when_every_rating_is_valid(
    rating: str | None, completed: str, step: str, code: str | None
) -> None:
    answers = {} if rating is None else {f"rating_{codes()[1]}": rating}
    plan = night(
        [
            eoi("2025-01-10 09:00", ALDER, ALDER_URN),
            audit("2025-02-01 09:00", ALDER, ALDER_URN, **answers),
        ]
    )
    row = school(plan, ALDER_URN)
    assert (row.get("Audit completed", ""), row["Step"]) == (
        completed,
        step,
    )
    assert (code in codes_of(plan)) if code else not codes_of(plan)
    feedback = [j.key for j in plan.documents.jobs] if plan.documents else []
    assert any("audit_feedback" in k for k in feedback) == (code is None)


@pytest.mark.parametrize(
    "order",
    [
        ("eoi", "audit", "signup", "application", "catchup"),
        ("catchup", "application", "signup", "audit", "eoi"),
    ],
)
def test_the_contact_comes_from_the_latest_eoi_whether_or_not_it_had_a_urn(
    order: tuple[str, ...],
) -> None:
    """Defect 2: an older EOI matched by name used to win over a newer one with the URN."""
    plan = night(
        [
            eoi(
                "2025-01-10 09:00",
                ALDER,
                "",
                contact_name="Old Head",
                contact_email="old@alder.example",
            ),
            eoi(
                "2025-03-10 09:00",
                ALDER,
                ALDER_URN,
                contact_name="New Head",
                contact_email="new@alder.example",
            ),
        ],
        order=order,  # type: ignore[arg-type]
    )
    row = school(plan, ALDER_URN)
    assert (row["Contact name"], row["Contact email"]) == ("New Head", "new@alder.example")
    assert row["EOI received"] == "2025-01-10"  # the first valid EOI, joined by name


LEAKS = ("head@school", "Sometimes", "Maybe", "Perhaps", "31/02/2025", "Secret Person", "Spy role")


def test_a_response_without_consent_leaves_one_row_and_no_value() -> None:
    """Defect 3: bad answers of a no-consent EOI were quoted in further Needs review rows."""
    plan = night(
        [
            eoi(
                "2025-01-10 09:00",
                ALDER,
                ALDER_URN,
                consent="",
                contact_email="head@school",
                contact_name="Secret Person",
                contact_role="Spy role",
                pledge="Sometimes",
                slt="Maybe",
                newsletter="Perhaps",
                pledge_date="31/02/2025",
            )
        ]
    )
    assert codes_of(plan) == ["no_consent"]
    (row,) = problems(plan)
    assert (row["School"], row["URN"], row.get("Value", "")) == (ALDER, ALDER_URN, "")
    text = all_text(plan)
    assert not [leak for leak in LEAKS if leak in text]
    assert "Schools" not in {tp.tab for tp in plan.tab_plans if tp.rows}


# ---------------------------------------------------------------- which response wins


def test_a_new_urn_is_claimed_by_its_earliest_response_whatever_the_form() -> None:
    """Defect 4: EOIs used to be applied first, so the later EOI claimed the URN."""
    plan = night(
        [
            eoi("2025-03-01 09:00", "Stivichall Grange Community Primary School", "901601"),
            audit("2025-02-01 09:00", "Spon End Junior School", "901601"),
        ]
    )
    assert school(plan, "901601")["School"] == "Spon End Junior School"
    (row,) = problems(plan, "urn_name_mismatch")
    assert row["School"] == "Stivichall Grange Community Primary School"


@pytest.mark.parametrize("order", [("signup", "application"), ("application", "signup")])
def test_a_school_without_an_eoi_is_named_by_its_earliest_response(order: tuple[str, str]) -> None:
    plan = night(
        [
            signup("2025-03-05 09:00", "Cedar Vale Academy", "141003"),
            application("2025-02-05 09:00", "Cedar Vale Academy Trust", "141003"),
        ],
        order=(*order, "eoi", "audit", "catchup"),  # type: ignore[arg-type]
    )
    assert school(plan, "141003")["School"] == "Cedar Vale Academy Trust"


def test_ties_are_broken_by_response_id() -> None:
    first = eoi("2025-01-10 09:00", ALDER, ALDER_URN, contact_email="a@alder.example")
    second = eoi("2025-01-10 09:00", ALDER, ALDER_URN, contact_email="b@alder.example")
    latest = max((first, second), key=lambda r: r.response_id)
    want = latest.answers["contact_email"]
    assert school(night([first, second]), ALDER_URN)["Contact email"] == want
    assert school(night([second, first]), ALDER_URN)["Contact email"] == want


def test_candidates_are_sorted_by_urn_whatever_the_scores() -> None:
    plan = night(
        [
            eoi("2025-01-01 09:00", "Holy Trinity Catholic Primary School", "131014"),
            eoi("2025-01-02 09:00", "Holy Trinity CE Primary School", "131013"),
            eoi("2025-01-03 09:00", "Holy Trinity Primary", ""),
        ]
    )
    (row,) = problems(plan, "ambiguous_school")
    assert row["Candidates"] == (
        "131013 Holy Trinity CE Primary School; 131014 Holy Trinity Catholic Primary School"
    )


# ---------------------------------------------------------------- SPEC §6.4, one bullet at a time


def test_last_activity_includes_the_end_of_events_attended() -> None:
    plan = night(
        [
            eoi("2024-10-01 09:00", ALDER, ALDER_URN),
            signup("2024-10-01 10:00", ALDER, ALDER_URN, "network-meeting-2025-06-26"),
        ]
    )
    row = school(plan, ALDER_URN)
    assert (row["Last activity"], row["Stalled"], row["Events attended"]) == (
        "2025-06-26",
        "No",
        "1",
    )


@pytest.mark.parametrize(
    ("events", "today", "attended"),
    [
        (("network-meeting-2025-03-18",), TODAY, "1"),
        (("network-meeting-2025-06-26",), dt.date(2025, 6, 26), "1"),  # ended on today: counts
        (("network-meeting-2025-06-26",), dt.date(2025, 6, 25), "0"),  # not yet
        (
            ("day-of-welcome-2025-06",),
            dt.date(2025, 6, 30),
            "1",
        ),  # a month-only event: its month ended
        (("day-of-welcome-2025-06",), dt.date(2025, 6, 29), "0"),
        (("day-of-welcome-2025-06", "celebration-event-2025-06"), TODAY, "2"),
        (("catch-up-meetings",), TODAY, "0"),  # on request: never ends
    ],
)
def test_events_attended_counts_distinct_events_that_have_ended(
    events: tuple[str, ...], today: dt.date, attended: str
) -> None:
    plan = night(
        [
            eoi("2024-10-01 09:00", ALDER, ALDER_URN),
            signup("2024-10-02 09:00", ALDER, ALDER_URN, *events),
            signup("2024-10-03 09:00", ALDER, ALDER_URN, *events),  # twice: still one event each
        ],
        today=today,
    )
    assert school(plan, ALDER_URN)["Events attended"] == attended


@pytest.mark.parametrize(
    ("urn", "joined"),
    [
        ("091234", "091234"),
        (" 091 234 ", "091234"),
        ("141001", "141001"),
        ("91234", ""),
        ("0912345", ""),
    ],
)
def test_a_urn_is_six_digits_and_may_start_with_zero(urn: str, joined: str) -> None:
    plan = night([eoi("2025-01-10 09:00", "Zero Lane Primary School", urn)])
    assert sorted(rows(plan, "Schools")) == ([joined] if joined else [])


@pytest.mark.parametrize(
    ("typed", "pledge", "flagged"),
    [
        ("2024-09-20", "2024-09-20", False),
        ("2024/09/20", "2024-09-20", False),
        ("20/09/2024", "2024-09-20", False),
        ("20 September 2024", "2024-09-20", False),
        ("", "2025-01-10", False),  # blank: no answer, the EOI date
        ("20/09/24", "2025-01-10", True),  # ambiguous: flagged, the EOI date
        ("next week", "2025-01-10", True),
    ],
)
def test_pledge_dates_typed_in_the_form(typed: str, pledge: str, flagged: bool) -> None:
    plan = night([eoi("2025-01-10 09:00", ALDER, ALDER_URN, pledge_date=typed)])
    assert school(plan, ALDER_URN)["Pledge signed"] == pledge
    assert ("bad_date" in codes_of(plan)) == flagged


@pytest.mark.parametrize(
    "column", ["Pledge signed", "Contact email", "Contact name", "Audit completed"]
)
def test_a_leads_hand_filled_value_where_the_forms_give_none_is_no_conflict(column: str) -> None:
    value = "lead@alder.example" if column == "Contact email" else "2025-01-20"
    given = {"pledge": "Not yet – planning to", "contact_email": "", "contact_name": ""}
    schools = tab(
        [c.name for c in SCHOOLS.columns], {"URN": ALDER_URN, "School": ALDER, column: value}
    )
    memory = {"Schools": {ALDER_URN: {"URN": ALDER_URN, "School": ALDER}}}
    plan = night(
        [eoi("2025-01-10 09:00", ALDER, ALDER_URN, **given)],
        tabs={"Schools": schools},
        state=State(memory),
    )
    assert "typed_over" not in codes_of(plan)
    assert column not in school(plan, ALDER_URN)


@pytest.mark.parametrize(
    ("email", "code", "invited"),
    [
        ("sam@alder.example", None, ["sam@alder.example"]),
        ("Sam@Alder.EXAMPLE", None, ["sam@alder.example"]),  # compared ignoring case
        ("sam@alder", "bad_email", []),
        ("", "no_email", []),
    ],
)
def test_attendee_emails_are_validated_and_never_sent_to_a_calendar(
    email: str, code: str | None, invited: list[str]
) -> None:
    plan = night(
        [
            eoi("2024-10-01 09:00", ALDER, ALDER_URN),
            signup(
                "2024-10-02 09:00",
                ALDER,
                ALDER_URN,
                "network-meeting-2025-06-26",
                attendee_email=email,
            ),
        ]
    )
    assert codes_of(plan) == ([code] if code else [])
    assert school(plan, ALDER_URN)["Events attended"] == "1"  # the sign-up still counts
    assert rows(plan, "Events")["network-meeting-2025-06-26"]["Signed up"] == "1"
    assert plan.calendar is not None
    (event,) = [e for e in plan.calendar.hold if e.key == "programme:network-meeting-2025-06-26"]
    assert list(event.attendees) == invited


@pytest.mark.parametrize(
    ("emails", "contact"),
    [
        (("a@alder.example", "b@alder.example"), ("B", "b@alder.example")),
        (
            ("a@alder.example", "not an email"),
            ("A", "a@alder.example"),
        ),  # a bad later one never replaces
        (("a@alder.example", ""), ("A", "a@alder.example")),
        (("not an email", ""), ("", "")),  # none valid yet: the contact stays empty
    ],
)
def test_name_and_contact_come_from_the_latest_eoi_with_a_valid_email(
    emails: tuple[str, str], contact: tuple[str, str]
) -> None:
    plan = night(
        [
            eoi("2025-01-10 09:00", ALDER, ALDER_URN, contact_name="A", contact_email=emails[0]),
            eoi(
                "2025-02-10 09:00",
                "Alder Brook Academy",
                ALDER_URN,
                contact_name="B",
                contact_email=emails[1],
            ),
        ]
    )
    row = school(plan, ALDER_URN)
    assert (row.get("Contact name", ""), row.get("Contact email", "")) == contact
    named = "Alder Brook Academy" if contact[0] == "B" else ALDER
    assert row["School"] == named


@pytest.mark.parametrize(
    ("known", "given", "joined"),
    [
        ("Canal Side Primary School", "Canal Side Academy", True),  # variants of one name
        ("Canal Side Primary School", "Canal Side", True),
        ("St Mary's C of E Primary School", "Saint Marys CE Primary", True),
        (
            "Canal Side Primary School",
            "Oak Tree Primary School",
            False,
        ),  # no distinctive word shared
        ("Spon End Junior School", "Stivichall Grange Community Primary School", False),
    ],
)
def test_a_urn_with_a_clearly_different_name_is_refused(
    known: str, given: str, joined: bool
) -> None:
    plan = night(
        [eoi("2025-01-10 09:00", known, "131003"), audit("2025-02-10 09:00", given, "131003")]
    )
    assert ("urn_name_mismatch" in codes_of(plan)) != joined
    assert (rows(plan, "Audit responses").popitem()[1].get("URN") == "131003") == joined


def test_milestones_take_the_first_or_the_latest_valid_evidence() -> None:
    plan = night(
        [
            eoi("2025-01-10 09:00", ALDER, ALDER_URN, pledge="No", slt="In progress"),
            eoi("2025-02-10 09:00", ALDER, ALDER_URN, pledge="Yes", slt="Yes"),
            eoi(
                "2025-03-10 09:00",
                ALDER,
                ALDER_URN,
                pledge="Yes",
                slt="Yes",
                pledge_date="2024-05-01",
            ),
            audit("2025-03-01 09:00", ALDER, ALDER_URN),
            audit("2025-04-01 09:00", ALDER, ALDER_URN, **{f"rating_{codes()[0]}": "Sometimes"}),
            application("2025-04-02 09:00", ALDER, ALDER_URN, "Action plan"),
            application("2025-04-09 09:00", ALDER, ALDER_URN, "Action plan"),
            application("2025-05-09 09:00", ALDER, ALDER_URN, "Half an application"),
        ]
    )
    row = school(plan, ALDER_URN)
    got = {
        c: row[c] for c in ("EOI received", "Pledge signed", "SLT commitment", "Audit completed")
    }
    assert got == {
        "EOI received": "2025-01-10",
        "Pledge signed": "2025-02-10",  # the first valid evidence, not the earliest date
        "SLT commitment": "2025-02-10",
        "Audit completed": "2025-03-01",  # the latest *valid* audit
    }
    assert row["Action plan received"] == "2025-04-09"
    assert row["Last activity"] == "2025-04-09"  # the invalid application is no activity


@pytest.mark.parametrize("reverse", [False, True])
def test_needs_review_rows_are_the_same_whatever_the_order_read(reverse: bool) -> None:
    inbox = [
        eoi("2025-01-01 09:00", "Holy Trinity Catholic Primary School", "131014"),
        eoi("2025-01-02 09:00", "Holy Trinity CE Primary School", "131013"),
        audit("2025-01-03 09:00", "Holy Trinity Primary", "13101"),
        signup("2025-01-04 09:00", "Holy Trinity", "", "network-meeting-2025-03-18"),
        eoi("2025-01-05 09:00", "Spon End Junior School", "131013"),
        application("2025-01-06 09:00", "Nowhere Park Infant School", "abc"),
    ]
    plain = rows(night(inbox), "Needs review")
    order = ("catchup", "application", "signup", "audit", "eoi")
    again = rows(night(inbox[::-1] if reverse else inbox, order=order), "Needs review")  # type: ignore[arg-type]
    assert again == plain and len(plain) == 4
    assert all(
        r.get("Candidates", "") == "; ".join(sorted(r.get("Candidates", "").split("; ")))
        for r in plain.values()
    )
