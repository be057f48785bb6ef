"""`sos-sync report` on a generated workspace of 300 schools with a year of nightly history,
and on the google backend (the emulator): figures equal counts made from the tracker."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import openpyxl
import pytest
from helpers import TODAY, column_of, edit_tracker, row_of
from report_expect import MILESTONES, Tracker, as_day
from test_report_demo import _check_against_tracker

from sos_sync.config.load import load_config
from sos_sync.domain.steps import Milestones, position
from sos_sync.emulator import start_in_thread
from sos_sync.ops.demo_google import STATE_FILE, run_emulator_demo, set_config
from sos_sync.ops.export import export_tracker
from sos_sync.ops.report.model import build_report
from sos_sync.ops.report.period import resolve_period
from sos_sync.ops.sample import generate_inbox
from sos_sync.ops.workspace import init_workspace
from sos_sync.run.state import append_runs
from sos_sync.run.sync import run_sync


def _lead_entries(wb: openpyxl.Workbook) -> None:
    """Awards, panels and a few step overrides, as the leads would type them."""
    ws = wb["Schools"]
    rng = random.Random(3)
    col = {c: column_of(ws, c) for c in ("Awarded on", "Panel date", "Step override")}
    for i, urn in enumerate(str(200000 + n) for n in rng.sample(range(300), 40)):
        r = row_of(ws, "URN", urn)
        if i < 12:  # awarded during the year
            ws.cell(
                row=r,
                column=col["Awarded on"],
                value=dt.date(2025, 1, 6) + dt.timedelta(days=11 * i),
            )
        elif i < 18:  # awarded three years ago: renewals fall due
            ws.cell(
                row=r,
                column=col["Awarded on"],
                value=dt.date(2022, 7, 1) + dt.timedelta(days=20 * i),
            )
        elif i < 30:
            ws.cell(
                row=r,
                column=col["Panel date"],
                value=dt.date(2025, 3, 1) + dt.timedelta(days=7 * i),
            )
        else:
            ws.cell(row=r, column=col["Step override"], value=1 + i % 4)


def _history(ws: Path) -> dict[dt.date, dict[int, int]]:
    """A year of nights, as each night's sync would have counted the schools per step."""
    t = Tracker(ws)
    nights: dict[dt.date, dict[int, int]] = {}
    for k in range(365, 0, -1):
        day = TODAY - dt.timedelta(days=k)
        counts = dict.fromkeys(range(1, 6), 0)
        for row in t.schools.values():
            got = {c: d for c in MILESTONES if (d := as_day(row.get(c))) and d <= day}
            if "EOI received" not in got:
                continue
            o = row.get("Step override")
            m = Milestones(
                **{c.lower().replace(" ", "_"): got.get(c) for c in MILESTONES},
                step_override=int(o) if o else None,
            )  # type: ignore[call-overload]
            counts[position(m, day).step] += 1
        nights[day] = counts
    append_runs(
        ws,
        [
            {"ok": True, "today": d.isoformat(), "by_step": {str(s): n for s, n in c.items()}}
            for d, c in nights.items()
        ],
    )
    return nights


@pytest.fixture(scope="module")
def generated(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, dict[dt.date, dict[int, int]]]:
    ws = init_workspace(tmp_path_factory.mktemp("gen") / "ws", example="coventry")
    generate_inbox(ws / "inbox", load_config(ws), schools=300, responses=1500)
    run_sync(ws, TODAY)
    edit_tracker(ws, _lead_entries)
    run_sync(ws, TODAY)
    return ws, _history(ws)


@pytest.mark.parametrize(
    "period", [{"year": "2024-25"}, {"term": "summer"}], ids=["year-to-date", "summer-to-date"]
)
def test_generated_figures_equal_counts_from_the_tracker(
    generated: tuple[Path, dict[dt.date, dict[int, int]]], period: dict[str, str]
) -> None:
    ws, _ = generated
    _check_against_tracker(ws, **period)
    report = build_report(ws, resolve_period(TODAY, **period))  # type: ignore[arg-type]
    assert report.figure("engaged").value > 100
    assert report.figure("awards").value == (12 if "year" in period else 4)


def test_generated_past_terms_count_their_own_days(
    generated: tuple[Path, dict[dt.date, dict[int, int]]],
) -> None:
    ws, _ = generated
    for term in ("autumn", "spring"):
        p = resolve_period(TODAY, term=term, year="2024-25")
        report = build_report(ws, p)
        want = Tracker(ws).figures(p.start, p.end, p.renewal_window()[1])
        for key in ("engaged", "new_eoi", "audits", "drafts", "finals", "awards", "renewals"):
            assert {u for u, _ in report.figure(key).schools} == want[key], (term, key)


def test_steps_over_time_come_from_the_run_history(
    generated: tuple[Path, dict[dt.date, dict[int, int]]],
) -> None:
    ws, nights = generated
    report = build_report(ws, resolve_period(TODAY, year="2024-25"))
    table = report.steps_over_time
    assert set(table["Source"]) == {"run history"}
    assert len(table) == (TODAY - dt.date(2024, 9, 1)).days + 1
    for row in table.itertuples(index=False):
        want = nights.get(row.Day) or report.steps_at_end  # the last night is the real sync's
        assert [row[i] for i in range(1, 6)] == [want[s] for s in range(1, 6)]
    older = build_report(ws, resolve_period(TODAY, year="2023-24")).steps_over_time
    assert {"milestones", "run history"} == set(older["Source"])  # history starts in July 2024


def test_the_google_backend_reports_what_its_sheet_holds(tmp_path: Path) -> None:
    ws = tmp_path / "g"
    run_emulator_demo(ws, TODAY)
    emu = start_in_thread(ws / STATE_FILE)
    try:
        set_config(ws / "sos-sync.toml", {"google": {"base_url": emu.base_url}})
        p = resolve_period(TODAY, year="2024-25")
        report = build_report(ws, p)
        snapshot = tmp_path / "snap"
        export_tracker(ws, snapshot / "tracker.xlsx")
    finally:
        emu.stop()
    assert report.backend == "google"
    want = Tracker(snapshot)
    expected = want.figures(p.start, p.as_of, p.renewal_window()[1])
    expected["moved_up"] = want.moved_up(p.start)
    for key, urns in expected.items():
        assert {u for u, _ in report.figure(key).schools} == urns, key
    assert report.figure("awards").value == 1 and report.figure("engaged").value > 5
