"""A value a lead typed that the sync happens to want too is still the lead's (SPEC §4.2).

Regression: a school's `School` name comes from the tracker until its first EOI, so a
lead's correction of the name was "wanted" by the sync, taken into its memory as its own
write, and overwritten by the next EOI. Found by tests/test_properties.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import openpyxl
from helpers import TODAY, by_key, column_of, config_of, edit_tracker, read_tab, row_of

from sos_sync.domain.forms import FormKind
from sos_sync.ops.sample import LONDON, forms_timestamp, write_export
from sos_sync.run.sync import run_sync

URN = "141001"
NAME = "Alder Brook Primary School"
CORRECTED = "Alder Brook Primary School (Coventry)"


def _export(ws: Path, kind: FormKind, rows: list[dict[str, str]]) -> None:
    spec = config_of(ws).forms[kind]
    write_export(ws / "inbox" / spec.inbox_file, spec, rows)


def _signup(day: int) -> dict[str, str]:
    return {
        "_ts": forms_timestamp(dt.datetime(2025, 3, day, 9, tzinfo=LONDON)),
        "_email": "staff@alder.example.sch.uk",
        "school": NAME,
        "urn": URN,
        "attendee_name": "Sam Patel",
        "attendee_email": "staff@alder.example.sch.uk",
        "events": "",
    }


def _eoi() -> dict[str, str]:
    return {
        "_ts": forms_timestamp(dt.datetime(2025, 4, 2, 10, tzinfo=LONDON)),
        "_email": "head@alder.example.sch.uk",
        "school": NAME,
        "urn": URN,
        "contact_name": "Priya Shah",
        "contact_email": "head@alder.example.sch.uk",
        "pledge": "Yes",
        "slt": "Yes",
        "newsletter": "Yes",
        "consent": "I agree",
    }


def _type_name(name: str) -> Callable[[openpyxl.Workbook], None]:
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["Schools"]
        ws.cell(row=row_of(ws, "URN", URN), column=column_of(ws, "School"), value=name)

    return edit


def _school(ws: Path) -> dict[str, object]:
    return by_key(read_tab(ws, "Schools"), "URN")[URN]


def test_a_corrected_school_name_survives_the_schools_first_eoi(empty_workspace: Path) -> None:
    ws = empty_workspace
    _export(ws, "signup", [_signup(3)])
    run_sync(ws, TODAY)  # the sign-up makes the school, named as the sign-up said
    assert _school(ws)["School"] == NAME
    edit_tracker(ws, _type_name(CORRECTED))
    _export(ws, "signup", [_signup(3), _signup(4)])
    run_sync(ws, TODAY)  # the sync now "wants" the corrected name: it reads names from here
    _export(ws, "eoi", [_eoi()])
    run_sync(ws, TODAY)
    assert _school(ws)["School"] == CORRECTED
    problems = read_tab(ws, "Needs review")
    assert any(
        p["Value"] == CORRECTED and "left the typed value alone" in str(p["Reason"])
        for p in problems
    )
    assert run_sync(ws, TODAY).writes == 0


def test_a_school_row_a_lead_added_by_hand_keeps_its_name(empty_workspace: Path) -> None:
    ws = empty_workspace
    run_sync(ws, TODAY)  # an empty tracker

    def add_row(wb: openpyxl.Workbook) -> None:
        sheet = wb["Schools"]
        r = sheet.max_row + 1
        sheet.cell(row=r, column=column_of(sheet, "URN"), value=URN)
        sheet.cell(row=r, column=column_of(sheet, "School"), value=CORRECTED)

    edit_tracker(ws, add_row)
    _export(ws, "signup", [_signup(3)])
    run_sync(ws, TODAY)
    _export(ws, "eoi", [_eoi()])
    run_sync(ws, TODAY)
    school = _school(ws)
    assert school["School"] == CORRECTED
    assert school["Contact email"] == "head@alder.example.sch.uk"  # empty cells still filled
    assert run_sync(ws, TODAY).writes == 0
