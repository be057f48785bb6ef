"""The tracker's tabs and who owns each column (SPEC §4.1).

The building blocks (columns, a tab as read, typed values, writes) live in
`tracker.table`, the diff that protects leads' work (§4.2) in `tracker.diff`; both are
re-exported here for the modules that import them from `tracker.schema`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sos_sync.domain.forms import FORM_KINDS, FormKind, FormSpec
from sos_sync.tracker.diff import TabDiff, diff_tab, lead_value
from sos_sync.tracker.table import (
    CellKind,
    CellWrite,
    Column,
    Memory,
    Owner,
    RowWrite,
    TabData,
    TabPlan,
    TabSpec,
    cell_text,
    same_value,
    typed_value,
)

__all__ = [
    "CellKind",
    "CellWrite",
    "Column",
    "Memory",
    "Owner",
    "RowWrite",
    "TabData",
    "TabDiff",
    "TabPlan",
    "TabSpec",
    "cell_text",
    "diff_tab",
    "lead_value",
    "same_value",
    "typed_value",
]

YES_NO = ("Yes", "No")
JUDGEMENTS = ("Met", "Partly met", "Not yet met")
STEPS = ("1", "2", "3", "4", "5")


def _m(
    name: str, kind: CellKind = "text", *, write_once: bool = False, stamp: bool = False
) -> Column:
    return Column(name, kind, "machine", write_once=write_once, stamp=stamp)


def _lead(name: str, kind: CellKind = "text", choices: tuple[str, ...] = ()) -> Column:
    return Column(name, kind, "lead", choices=choices)


MILESTONE_COLUMNS = (
    "EOI received",
    "Pledge signed",
    "SLT commitment",
    "Audit completed",
    "Action plan received",
    "Draft submitted",
    "Draft feedback sent",
    "Final submitted",
)

SCHOOLS = TabSpec(
    "Schools",
    "URN",
    (
        _m("URN"),
        _m("School", "form"),
        _m("Contact name", "form"),
        _m("Contact email", "form"),
        _m("Step", "int"),
        _m("Stage"),
        _m("Next action"),
        _m("Stalled"),
        _m("EOI received", "date"),
        _m("Pledge signed", "date"),
        _m("SLT commitment", "date"),
        _m("Audit completed", "date"),
        _m("Action plan received", "date"),
        _m("Events attended", "int"),
        _m("Draft submitted", "date"),
        _m("Draft feedback sent", "date"),
        _m("Final submitted", "date"),
        _lead("Panel date", "date"),
        _lead("Visit date", "date"),
        _lead("Awarded on", "date"),
        _m("Renewal due", "date"),
        _m("Last activity", "date"),
        _lead("Step override", "int", STEPS),
        _lead("Lead"),
        _lead("Notes"),
        _m("Updated", "date", stamp=True),
    ),
    school="School",
)


def response_tab(spec: FormSpec) -> TabSpec:
    """The tab a form's responses land on: one row per response id."""
    cols = [
        _m("Response ID"),
        _m("Submitted", "datetime"),
        _m("Email Address", "form"),
        _m("URN"),
        *(_m(f.header, "form") for f in spec.fields),
        _m("Status"),
    ]
    if spec.kind == "signup":
        cols.append(_lead("Attended", choices=YES_NO))
    if spec.kind == "catchup":
        cols.extend([_lead("Confirmed for", "text"), _lead("Lead notes")])
    school = next((f.header for f in spec.fields if f.name == "school"), "")
    return TabSpec(spec.tab, "Response ID", tuple(cols), school=school)


EVENTS = TabSpec(
    "Events",
    "Event key",
    (
        _m("Event key"),
        _m("Title"),
        _m("Start", "datetime"),
        _m("End", "datetime"),
        _m("Where"),
        _m("Mode"),
        _m("Form label"),
        _m("Signed up", "int"),
        _m("Calendar link"),
        _lead("Attended"),
        _lead("Notes"),
    ),
)


def reviews_tab(criteria_codes: Iterable[str]) -> TabSpec:
    cols: list[Column] = [
        _m("Review key"),
        _m("URN"),
        _m("School", "form"),
        _m("Stage"),
        _m("Criteria version"),
    ]
    for code in criteria_codes:
        cols.append(_lead(f"{code} judgement", choices=JUDGEMENTS))
        cols.append(_lead(f"{code} comment"))
    cols.extend(
        [
            _lead("Overall comments"),
            _lead("Next steps"),
            _lead("Ready", choices=YES_NO),
            _m("Feedback doc"),
            _m("Sent on", "date"),
        ]
    )
    return TabSpec("Reviews", "Review key", tuple(cols), school="School")


DOCUMENTS = TabSpec(
    "Documents",
    "Doc key",
    (
        _m("Doc key"),
        _m("URN"),
        _m("School", "form"),
        _m("Kind"),
        _m("Title", "form"),
        _m("Link"),
        _m("Generated on", "date"),
        _m("Status"),
    ),
    school="School",
)

NEEDS_REVIEW = TabSpec(
    "Needs review",
    "Problem ID",
    (
        _m("Problem ID"),
        _m("Raised on", "date", write_once=True),
        _m("Where"),
        _m("Response or row"),
        _m("School", "form"),
        _m("URN", "form"),
        _m("Value", "form"),
        _m("Reason"),
        _m("Candidates", "form"),
        _m("Status"),
        _lead("Resolved", choices=YES_NO),
        _lead("Lead notes"),
    ),
    recreate_deleted=False,
    school="School",
)

RUN_LOG = TabSpec(
    "Run log",
    "Run ID",
    (
        _m("Run ID"),
        _m("Started", "date"),
        _m("Backend"),
        _m("Result"),
        _m("New responses", "int"),
        _m("Updated responses", "int"),
        _m("Schools created", "int"),
        _m("Schools moved", "int"),
        _m("Events changed", "int"),
        _m("Documents changed", "int"),
        _m("New problems", "int"),
        _m("Cells written", "int"),
        _m("Summary"),
    ),
    recreate_deleted=False,
)

DASHBOARD = TabSpec("Dashboard", "Measure", (_m("Measure"), _m("Value", "auto"), _m("Detail")))


def all_tabs(
    forms: Mapping[FormKind, FormSpec], criteria_codes: Iterable[str]
) -> tuple[TabSpec, ...]:
    """Every tab of §4.1, in the order they appear in the workbook."""
    return (
        DASHBOARD,
        SCHOOLS,
        *(response_tab(forms[k]) for k in FORM_KINDS),
        EVENTS,
        reviews_tab(criteria_codes),
        DOCUMENTS,
        NEEDS_REVIEW,
        RUN_LOG,
    )
