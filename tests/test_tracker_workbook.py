"""The local tracker as a lead would lay it out, and nights that patch only what changed.

Read back with openpyxl (as Excel would) and calamine; the lead's hands are openpyxl.
"""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from helpers import TODAY, column_of, edit_tracker, row_of, tracker_values
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.workbook.defined_name import DefinedName

from sos_sync.backends.local.workbook.layout import marker_name
from sos_sync.domain.report import RunReport
from sos_sync.ops.demo import prepare_demo

Sync = Callable[..., RunReport]
NEXT = TODAY + dt.timedelta(days=1)
CHOICE_COLUMNS = {
    "Schools": ["Step override", "Lead"],
    "Event sign-ups": ["Attended"],
    "Needs review": ["Resolved"],
    "Reviews": ["L1 judgement", "S8 judgement", "Ready"],
}
NUMERIC = {
    "Schools": ["Step", "Events attended"],
    "Events": ["Signed up"],
    "Run log": ["New responses", "Schools created", "Cells written"],
}
DATES = {
    "Schools": ["EOI received", "Updated"],
    "Needs review": ["Raised on"],
    "Run log": ["Started"],
}


def _new_catchup(ws: Path, email: str = "new.person@example.sch.uk") -> None:
    """One more catch-up request in the inbox: the last one again, from someone else."""
    path = ws / "inbox" / "catchups.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    row = list(rows[-1])
    row[0] = "2025/07/15 10:00:00 AM GMT+1"
    row[1] = email
    with path.open("a", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerow(row)


def _check_layout(path: Path) -> None:
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        header = [c.value for c in ws[1]]
        assert ws.freeze_panes is not None and ws.freeze_panes.endswith("2"), ws.title
        frozen = openpyxl.utils.column_index_from_string(ws.freeze_panes[:-1]) - 1
        for name in ("URN", "School"):
            if name in header and header.index(name) < 4:
                assert header.index(name) < frozen, (ws.title, name)
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), ws.title
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.fitToWidth in (None, 1)  # 1 is the file format's default
        assert ws.page_setup.fitToHeight == 0 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == "$1:$1", ws.title
    for tab, names in CHOICE_COLUMNS.items():
        ws = wb[tab]
        covered = " ".join(str(dv.sqref) for dv in ws.data_validations.dataValidation)
        for name in names:
            letter = openpyxl.utils.get_column_letter(column_of(ws, name))
            assert f"{letter}2:" in covered, (tab, name)
    formulas = {
        ws.title: " ".join(r.formula[0] for cf in ws.conditional_formatting for r in cf.rules)
        for ws in wb.worksheets
    }
    assert '="Yes"' in formulas["Schools"] and "TODAY()" in formulas["Schools"]
    assert '="Open"' in formulas["Needs review"]
    dash = {r[0]: r[1] for r in wb["Dashboard"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert all(isinstance(dash[f"Step {s}"], int) for s in range(1, 6))
    assert isinstance(dash["Schools"], int) and dash["Schools"] == sum(
        dash[f"Step {s}"] for s in range(1, 6)
    )
    assert len(wb["Dashboard"]._charts) == 1
    for tab, names in NUMERIC.items():
        for name in names:
            values = [r[name] for r in _rows(wb, tab) if r[name] is not None]
            assert values and all(isinstance(v, int) for v in values), (tab, name)
    for tab, names in DATES.items():
        for name in names:
            values = [r[name] for r in _rows(wb, tab) if r[name] is not None]
            assert values and all(isinstance(v, dt.datetime) for v in values), (tab, name)


def _rows(wb: openpyxl.Workbook, tab: str) -> list[dict[str, object]]:
    rows = list(wb[tab].iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:] if any(r)]


def test_first_night_is_laid_out_with_numbers_and_dates(workspace: Path, sync: Sync) -> None:
    sync(workspace)
    _check_layout(workspace / "tracker.xlsx")
    wb = openpyxl.load_workbook(workspace / "tracker.xlsx")
    schools = wb["Schools"]
    assert [c.value for c in schools[1]][:2] == ["URN", "School"]
    eoi = wb["EOI responses"]
    assert [c.value for c in eoi[1]][:2] == ["URN (as given)", "School"] or "School" in [
        c.value for c in eoi[1]
    ]
    # form text stays text: a school name that looks like a formula, a URN of digits
    r = row_of(schools, "URN", "131011")
    cell = schools.cell(row=r, column=column_of(schools, "School"))
    assert cell.data_type == "s" and cell.value.startswith("=") and cell.quotePrefix
    assert isinstance(schools.cell(row=r, column=column_of(schools, "URN")).value, str)


def test_the_demo_tracker_a_lead_made_is_upgraded_in_place(tmp_path: Path, sync: Sync) -> None:
    ws = tmp_path / "demo"
    prepare_demo(ws)
    before = openpyxl.load_workbook(ws / "tracker.xlsx")["Schools"]
    lead_cells = {
        (r, c): before.cell(row=r, column=c).value
        for r in range(2, before.max_row + 1)
        for c in range(1, before.max_column + 1)
        if before.cell(row=r, column=c).value is not None
    }
    sync(ws)
    _check_layout(ws / "tracker.xlsx")
    after = openpyxl.load_workbook(ws / "tracker.xlsx")["Schools"]
    for (r, c), v in lead_cells.items():
        got = after.cell(row=r, column=c).value
        assert got == v or (isinstance(got, dt.datetime) and got.date().isoformat() == v)


def test_quiet_second_night_writes_nothing_and_leaves_the_file(workspace: Path, sync: Sync) -> None:
    sync(workspace)
    data = (workspace / "tracker.xlsx").read_bytes()
    mtime = (workspace / "tracker.xlsx").stat().st_mtime_ns
    assert sync(workspace, NEXT).writes == 0
    assert (workspace / "tracker.xlsx").read_bytes() == data
    assert (workspace / "tracker.xlsx").stat().st_mtime_ns == mtime


def _lead_works(wb: openpyxl.Workbook) -> None:
    s = wb["Schools"]
    # a sort by hand: the last school row first
    rows = [[c.value for c in row] for row in s.iter_rows(min_row=2)]
    for i, values in enumerate([rows[-1], *rows[:-1]], start=2):
        for j, v in enumerate(values, start=1):
            s.cell(row=i, column=j, value=v)
    r = row_of(s, "URN", "131001")
    s.cell(row=r, column=column_of(s, "Notes"), value="Rang the head")
    s.cell(row=r, column=column_of(s, "Next action"), value="Visit booked for 3 June")
    s.cell(row=r, column=column_of(s, "School")).fill = PatternFill("solid", fgColor="FF0000")
    s.cell(row=r, column=column_of(s, "School")).comment = Comment("Lovely school", "Amanda")
    s.column_dimensions["Y"].width = 55
    own = wb.create_sheet("Amanda's list")
    own["A1"] = "Schools to ring"
    own["A2"] = 131001


def test_a_patched_night_keeps_a_leads_values_sort_and_formatting(
    workspace: Path, sync: Sync
) -> None:
    sync(workspace)
    edit_tracker(workspace, _lead_works)
    with zipfile.ZipFile(workspace / "tracker.xlsx") as z:
        before = {i.filename: z.read(i.filename) for i in z.infolist()}
    _new_catchup(workspace)
    result = sync(workspace, NEXT)
    assert result.writes > 0
    wb = openpyxl.load_workbook(workspace / "tracker.xlsx")
    s = wb["Schools"]
    r = row_of(s, "URN", "131001")
    assert s.cell(row=r, column=column_of(s, "Notes")).value == "Rang the head"
    assert s.cell(row=r, column=column_of(s, "Next action")).value == "Visit booked for 3 June"
    school = s.cell(row=r, column=column_of(s, "School"))
    assert school.fill.fgColor.rgb == "00FF0000" and school.comment.text == "Lovely school"
    assert s.column_dimensions["Y"].width == 55
    assert wb["Amanda's list"]["A2"].value == 131001
    catchups = wb["Catch-up requests"].iter_rows(min_row=2, values_only=True)
    assert len([row for row in catchups if any(row)]) == 3
    with zipfile.ZipFile(workspace / "tracker.xlsx") as z:
        after = {i.filename: z.read(i.filename) for i in z.infolist()}
    changed = {n for n in before if before[n] != after.get(n)}
    assert changed and all(n.startswith("xl/worksheets/sheet") for n in changed), changed
    assert set(after) == set(before)


KILL = """
import os, sys, datetime as dt
from pathlib import Path
real = os.replace
def replace(src, dst, *a, **k):
    if str(dst).endswith("tracker.xlsx"):
        os._exit(137)  # killed with the new file written but not yet in place
    return real(src, dst, *a, **k)
os.replace = replace
from sos_sync.run.sync import run_sync
run_sync(Path(sys.argv[1]), dt.date.fromisoformat(sys.argv[2]))
"""


def test_a_kill_during_the_patch_then_a_rerun_equals_a_clean_run(
    tmp_path: Path, workspace: Path, sync: Sync
) -> None:
    clean = tmp_path / "clean"
    subprocess.run(["cp", "-r", str(workspace), str(clean)], check=True)
    for ws in (workspace, clean):
        sync(ws)
        _new_catchup(ws)
    before = (workspace / "tracker.xlsx").read_bytes()
    killed = subprocess.run([sys.executable, "-c", KILL, str(workspace), NEXT.isoformat()])
    assert killed.returncode == 137
    assert (workspace / "tracker.xlsx").read_bytes() == before  # the old file, whole
    sync(workspace, NEXT)
    sync(clean, NEXT)
    assert not list(workspace.glob(".tracker.xlsx.*"))  # the killed night's leftovers are gone
    got, want = tracker_values(workspace), tracker_values(clean)
    got.pop("Run log"), want.pop("Run log")  # run ids differ
    assert got == want


@pytest.mark.parametrize("excel_moves_the_name", [True, False])
def test_a_renamed_tab_is_found_again(
    workspace: Path, sync: Sync, excel_moves_the_name: bool
) -> None:
    sync(workspace)

    def rename(wb: openpyxl.Workbook) -> None:
        wb["Catch-up requests"].title = "Catch-ups"
        name = marker_name("Catch-up requests")
        del wb.defined_names[name]
        if excel_moves_the_name:  # Excel and LibreOffice move a name with its sheet
            wb.defined_names[name] = DefinedName(name, attr_text="'Catch-ups'!$A$1")

    edit_tracker(workspace, rename)
    _new_catchup(workspace)
    result = sync(workspace, NEXT)
    wb = openpyxl.load_workbook(workspace / "tracker.xlsx")
    assert "Catch-up requests" not in wb.sheetnames
    rows = [r for r in wb["Catch-ups"].iter_rows(min_row=2, values_only=True) if any(r)]
    assert len(rows) == 3
    assert not [p for p in result.new_problems if p.code == "row_deleted"]
    assert sync(workspace, NEXT + dt.timedelta(days=1)).writes == 0
