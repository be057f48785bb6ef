"""The plan side of failing closed on the inbox (issue 11): a form that failed to read, or
whose export holds fewer responses than the sync has already seen, changes nothing
derived from it that night and says so once; a response once seen is never lost."""

from __future__ import annotations

from plan_kit import Nights, audit, eoi

ALDER, BIRCH, CEDAR = (
    ("141001", "Alder Brook Primary School"),
    ("141002", "Birch Lane CE Primary School"),
    ("141003", "Cedar Vale Academy"),
)


def _eois() -> list:  # type: ignore[type-arg]
    return [
        eoi(
            "2025-01-10 09:00",
            ALDER[1],
            ALDER[0],
            contact_name="Ann",
            contact_email="ann@alder.example",
        ),
        eoi(
            "2025-01-11 09:00",
            BIRCH[1],
            BIRCH[0],
            contact_name="Bob",
            contact_email="bob@birch.example",
        ),
        eoi(
            "2025-01-12 09:00",
            CEDAR[1],
            CEDAR[0],
            contact_name="Cat",
            contact_email="cat@cedar.example",
        ),
    ]


def _schools_written(n: Nights) -> dict[str, dict[str, str]]:
    plan = n.plans[-1]
    return {
        r.key: {c.column: str(c.value) for c in r.cells}
        for tp in plan.tab_plans
        if tp.tab == "Schools"
        for r in tp.rows
    }


def test_a_failed_form_changes_nothing_derived_from_it() -> None:
    n = Nights()
    first = _eois()
    done = audit("2025-02-01 09:00", ALDER[1], ALDER[0])
    n.run([*first, done])
    before = n.tab("Schools")
    assert before[ALDER[0]]["Step"] == "2"
    plan = n.run(first, failed={"audit": "audit.csv: the file is empty"})
    assert plan.report.failed_forms == {"audit": "audit.csv: the file is empty"}
    assert _schools_written(n) == {}  # no step back, no milestone blanked
    assert n.tab("Schools") == before
    assert [p.code for p in plan.report.new_problems] == ["form_failed"]
    assert not [tp for tp in plan.tab_plans if tp.tab == "Audit responses" and tp.rows]


def test_an_export_with_fewer_responses_than_seen_fails_closed() -> None:
    n = Nights()
    n.run(_eois())
    before = {t: n.tab(t) for t in ("Schools", "EOI responses")}
    plan = n.run(_eois()[:1])  # the export was cut short
    assert list(plan.report.failed_forms) == ["eoi"]
    assert "holds 1 responses, fewer than the 3" in plan.report.failed_forms["eoi"]
    assert {t: n.tab(t) for t in before} == before  # contacts not blanked, rows untouched
    assert [p.code for p in plan.report.new_problems] == ["form_failed"]
    assert "Completed; a form failed" in str(plan.tab_plans)
    again = n.run(_eois())  # the whole export is back
    assert again.report.failed_forms == {}
    assert [r["Status"] for r in n.tab("Needs review").values()] == ["Cleared: no longer found"]
    assert {t: n.tab(t) for t in before} == before


def test_a_seen_response_missing_from_the_export_stays_and_is_flagged_once() -> None:
    n = Nights()
    alder, birch, cedar = _eois()
    n.run([alder, birch])
    plan = n.run([alder, cedar])  # birch's EOI is gone, a new one came: not fewer
    assert plan.report.failed_forms == {}
    assert [p.code for p in plan.report.new_problems] == ["response_missing"]
    schools = n.tab("Schools")
    assert schools[BIRCH[0]]["Contact email"] == "bob@birch.example"  # it still counts
    assert schools[CEDAR[0]]["Contact email"] == "cat@cedar.example"
    assert birch.response_id in n.tab("EOI responses")
    later = n.run([alder, cedar])
    assert later.report.new_problems == () and later.quiet  # flagged once
    (row,) = [r for r in n.tab("Needs review").values() if r["Status"] == "Notice"]
    assert birch.response_id in row["Reason"] and "bob@" not in row["Reason"]
