"""Nightly snapshots and `restore-check`, on whole nights with real files (and the emulator)."""

from __future__ import annotations

import csv
import datetime as dt
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from helpers import TODAY, column_of, edit_tracker, row_of

from sos_sync.backends.google.backend import GoogleBackend
from sos_sync.backends.google.retry import Pacer
from sos_sync.backends.google.transport import emulator_credentials, sheets_client
from sos_sync.config.load import load_config
from sos_sync.domain.report import RunReport
from sos_sync.emulator import start_in_thread
from sos_sync.emulator.client import EmulatorAdmin
from sos_sync.errors import UsageError
from sos_sync.ops.backups import restore_check, take_snapshot
from sos_sync.ops.demo import prepare_demo
from sos_sync.ops.demo_google import seed_responses, seed_world, use_world
from sos_sync.ops.sample import forms_timestamp
from sos_sync.run.sync import run_sync
from sos_sync.tracker.schema import all_tabs

Sync = Callable[..., RunReport]
FORMULA_SCHOOL = '=HYPERLINK("https://evil.example","Click me")'  # URN 131011 in the demo inbox


def _tab_names(ws: Path) -> list[str]:
    config = load_config(ws)
    return [t.name for t in all_tabs(config.forms, [c.code for c in config.criteria])]


def _snapshot_names(ws: Path) -> list[str]:
    return sorted(p.name for p in (ws / "backups").iterdir())


def _new_catchup_response(ws: Path) -> None:
    """A school sends the catch-up form again: one more row in the inbox export."""
    spec = load_config(ws).forms["catchup"]
    path = ws / "inbox" / spec.inbox_file
    with path.open(encoding="utf-8-sig", newline="") as fh:
        new = dict(next(csv.DictReader(fh)))
    # sent long ago (found late), so it is no new activity for the school (SPEC §6.4)
    new["Timestamp"] = forms_timestamp(dt.datetime(2024, 10, 2, 10, tzinfo=dt.UTC))
    new["School URN"] = "131003"
    new["School name"] = "Canal Side Academy"
    with path.open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerow(list(new.values()))


# ---------------------------------------------------------------- take_snapshot


def test_snapshot_after_a_night_has_every_tab_and_opens(workspace: Path, sync: Sync) -> None:
    sync(workspace)
    path = take_snapshot(workspace, TODAY, keep=14)
    assert path == workspace / "backups" / "tracker-2025-07-14.xlsx"
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == _tab_names(workspace)
    live = openpyxl.load_workbook(workspace / "tracker.xlsx")
    for name in wb.sheetnames:
        assert wb[name].max_row == live[name].max_row, name
    # form text that looks like a formula is text in the backup too
    with zipfile.ZipFile(path) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert not any("<f>" in s for s in sheets)
    urn = column_of(wb["Schools"], "URN")
    school = column_of(wb["Schools"], "School")
    r = row_of(wb["Schools"], "URN", "131011")
    assert wb["Schools"].cell(row=r, column=urn).value == "131011"
    cell = wb["Schools"].cell(row=r, column=school)
    assert cell.value == FORMULA_SCHOOL and cell.data_type == "s" and cell.quotePrefix
    # a byte copy of the file the night wrote
    assert path.read_bytes() == (workspace / "tracker.xlsx").read_bytes()


def test_no_snapshot_when_nothing_changed_since_the_newest(workspace: Path, sync: Sync) -> None:
    sync(workspace)
    assert take_snapshot(workspace, TODAY, keep=14) is not None
    sync(workspace, TODAY + dt.timedelta(days=1))  # a quiet night
    assert take_snapshot(workspace, TODAY + dt.timedelta(days=1), keep=14) is None
    assert _snapshot_names(workspace) == ["tracker-2025-07-14.xlsx"]
    _note(workspace, "Rang the head")  # a lead's edit is worth a snapshot
    assert take_snapshot(workspace, TODAY + dt.timedelta(days=1), keep=14) is not None
    assert _snapshot_names(workspace) == ["tracker-2025-07-14.xlsx", "tracker-2025-07-15.xlsx"]


def _note(workspace: Path, text: str) -> None:
    edit_tracker(
        workspace,
        lambda wb: wb["Schools"].cell(row=2, column=column_of(wb["Schools"], "Notes"), value=text),
    )


def test_a_second_run_the_same_day_replaces_that_days_snapshot(workspace: Path, sync: Sync) -> None:
    sync(workspace)
    first = take_snapshot(workspace, TODAY, keep=14)
    edit_tracker(
        workspace,
        lambda wb: wb["Schools"].cell(
            row=2, column=column_of(wb["Schools"], "Notes"), value="Rang the head"
        ),
    )
    second = take_snapshot(workspace, TODAY, keep=14)
    assert first == second
    assert _snapshot_names(workspace) == ["tracker-2025-07-14.xlsx"]  # no temporary file left
    assert restore_check(workspace, second).identical


def test_retention_keeps_the_newest_by_the_date_in_the_name(workspace: Path, sync: Sync) -> None:
    sync(workspace)
    folder = workspace / "backups"
    folder.mkdir()
    (folder / "notes.txt").write_text("kept by hand\n")
    (folder / "tracker-latest.xlsx").write_bytes(b"not a snapshot")
    for n in range(5):
        _note(workspace, f"Note {n}")  # a snapshot is taken when the tracker changed
        take_snapshot(workspace, TODAY - dt.timedelta(days=10 - n), keep=30)
    # mtimes say the oldest is newest: retention must not care
    for i, p in enumerate(sorted(folder.glob("tracker-2025-*.xlsx"))):
        ts = 2_000_000_000 - i * 1000
        os.utime(p, (ts, ts))
    _note(workspace, "Note 5")
    path = take_snapshot(workspace, TODAY, keep=3)
    assert path is not None and path.exists()
    assert _snapshot_names(workspace) == [
        "notes.txt",
        "tracker-2025-07-07.xlsx",
        "tracker-2025-07-08.xlsx",
        "tracker-2025-07-14.xlsx",
        "tracker-latest.xlsx",
    ]
    assert (folder / "notes.txt").read_text() == "kept by hand\n"


def test_keep_zero_writes_nothing(workspace: Path, sync: Sync) -> None:
    sync(workspace)
    assert take_snapshot(workspace, TODAY, keep=0) is None
    assert not (workspace / "backups").exists()


# ---------------------------------------------------------------- restore_check


def test_restore_check_right_after_a_snapshot_says_identical(workspace: Path, sync: Sync) -> None:
    sync(workspace)
    path = take_snapshot(workspace, TODAY, keep=14)
    assert path is not None
    report = restore_check(workspace, path)
    assert report.identical
    assert report.lines() == [
        f"tracker-2025-07-14.xlsx and the live tracker are identical "
        f"({len(_tab_names(workspace))} tabs, {sum(t.live_rows or 0 for t in report.tabs)} rows)."
    ]


def test_restore_check_names_a_leads_edit_a_deleted_row_and_a_new_response(
    workspace: Path, sync: Sync
) -> None:
    sync(workspace)
    path = take_snapshot(workspace, TODAY, keep=14)
    assert path is not None
    deleted: list[str] = []

    def lead(wb: openpyxl.Workbook) -> None:
        schools = wb["Schools"]
        schools.cell(
            row=row_of(schools, "URN", "131001"),
            column=column_of(schools, "Notes"),
            value="Called the head",
        )
        problems = wb["Needs review"]
        deleted.append(str(problems.cell(row=2, column=column_of(problems, "Problem ID")).value))
        problems.delete_rows(2)

    edit_tracker(workspace, lead)
    _new_catchup_response(workspace)
    sync(workspace)

    report = restore_check(workspace, path)
    assert not report.identical
    schools = report.tab("Schools")
    assert [(c.key, c.column, c.snapshot, c.live) for c in schools.changed] == [
        ("131001", "Notes", "", "Called the head")
    ]
    assert (schools.only_in_snapshot, schools.only_in_live) == ((), ())
    assert report.tab("Needs review").only_in_snapshot == tuple(deleted)
    assert report.tab("Needs review").changed == ()
    catchup = report.tab("Catch-up requests")
    assert (
        len(catchup.only_in_live) == 1 and catchup.changed == () and catchup.only_in_snapshot == ()
    )
    new_id = catchup.only_in_live[0]
    # the night itself: its run log row and the dashboard's "last changes"
    run_log = report.tab("Run log")
    assert len(run_log.only_in_live) == 1 and run_log.changed == ()
    assert [c.column for c in report.tab("Dashboard").changed] == ["Detail"]
    differing = {t.tab for t in report.tabs if not t.identical}
    assert differing == {"Schools", "Needs review", "Catch-up requests", "Run log", "Dashboard"}

    text = "\n".join(report.lines())
    assert "differs from the live tracker in 5 tabs of 12" in text
    assert "Schools: 1 cell differs." in text
    assert "URN `131001` › Notes: (empty) in the snapshot, `Called the head` now" in text
    assert "Needs review: 1 row only in the snapshot." in text
    assert f"row Problem ID `{deleted[0]}` only in the snapshot (deleted since?)" in text
    assert "Catch-up requests: 1 row only in the live tracker." in text
    assert f"row Response ID `{new_id}` only in the live tracker (added since?)" in text
    assert "Identical: EOI responses, Audit responses" in text


def test_formula_text_is_not_a_false_difference_but_a_real_edit_is_reported(
    workspace: Path, sync: Sync
) -> None:
    sync(workspace)
    path = take_snapshot(workspace, TODAY, keep=14)
    assert path is not None
    assert restore_check(workspace, path).tab("Schools").identical

    def lead(wb: openpyxl.Workbook) -> None:
        schools = wb["Schools"]
        cell = schools.cell(
            row=row_of(schools, "URN", "131011"), column=column_of(schools, "School")
        )
        cell.value = "Click Me Academy"

    edit_tracker(workspace, lead)
    changed = restore_check(workspace, path).tab("Schools").changed
    assert [(c.key, c.column, c.snapshot, c.live) for c in changed] == [
        ("131011", "School", FORMULA_SCHOOL, "Click Me Academy")
    ]


def test_many_differences_show_the_first_twenty_and_count_the_rest(
    workspace: Path, sync: Sync
) -> None:
    sync(workspace)
    path = take_snapshot(workspace, TODAY, keep=14)
    assert path is not None
    urns: list[str] = []

    def lead(wb: openpyxl.Workbook) -> None:
        schools = wb["Schools"]
        urn, notes, who = (column_of(schools, c) for c in ("URN", "Notes", "Lead"))
        for r in range(2, schools.max_row + 1):
            urns.append(str(schools.cell(row=r, column=urn).value))
            schools.cell(row=r, column=notes, value="Visited")
            schools.cell(row=r, column=who, value="Sam")

    edit_tracker(workspace, lead)
    lines = restore_check(workspace, path).lines()
    total = 2 * len(urns)
    assert total > 20
    start = lines.index(f"Schools: {total} cells differ.")
    assert len([line for line in lines[start + 1 : start + 21] if line.startswith("  URN `")]) == 20
    assert lines[start + 21] == f"  … and {total - 20} more"


def test_tabs_missing_on_either_side_are_named(workspace: Path, sync: Sync) -> None:
    sync(workspace)
    path = take_snapshot(workspace, TODAY, keep=14)
    assert path is not None
    wb = openpyxl.load_workbook(path)
    del wb["Events"]
    wb.save(path)
    edit_tracker(workspace, lambda live: live.remove(live["Reviews"]))
    report = restore_check(workspace, path)
    assert report.missing_in_snapshot == ("Events",)
    assert report.missing_in_live == ("Reviews",)
    text = "\n".join(report.lines())
    assert "Events: not in the snapshot (the live tracker has" in text
    assert "Reviews: missing from the live tracker (the snapshot has" in text


def test_restore_check_of_a_missing_file_says_where_snapshots_are(workspace: Path) -> None:
    with pytest.raises(UsageError, match="backups"):
        restore_check(workspace, workspace / "backups" / "tracker-2020-01-01.xlsx")


# ---------------------------------------------------------------- google backend


def test_restore_check_reads_a_google_sheet_tracker(tmp_path: Path) -> None:
    """The live tracker is the emulator's spreadsheet; the lead edits it with gspread."""
    emu = start_in_thread()
    try:
        ws = prepare_demo(tmp_path / "ws")
        world = seed_world(emu, load_config(ws), lead_entries=True)
        config = use_world(ws, world, emu.base_url)
        seed_responses(emu, EmulatorAdmin(emu.base_url), config, world["forms"])
        run_sync(ws, TODAY, backend=GoogleBackend(config, pacer=Pacer(600, 100)), config=config)

        path = take_snapshot(ws, TODAY, keep=14)
        assert path is not None
        assert openpyxl.load_workbook(path).sheetnames == _tab_names(ws)
        assert restore_check(ws, path).identical

        gc = sheets_client(emulator_credentials("lead"), emu.base_url, timeout=10)
        sheet = gc.open_by_key(world["spreadsheet_id"]).worksheet("Schools")
        rows = sheet.get_all_values()
        header = rows[0]
        r = next(i + 1 for i, row in enumerate(rows) if row[header.index("URN")] == "131002")
        sheet.update_cell(r, header.index("Notes") + 1, "Head on leave until May")
        report = restore_check(ws, path)
        assert [(c.key, c.column, c.live) for c in report.tab("Schools").changed] == [
            ("131002", "Notes", "Head on leave until May")
        ]
        assert {t.tab for t in report.tabs if not t.identical} == {"Schools"}
    finally:
        emu.stop()
