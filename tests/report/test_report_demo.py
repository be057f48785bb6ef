"""`sos-sync report` on the demo workspace: figures equal counts made from the tracker by hand,
a lead's `Step override` counts at the lead's step, an empty period says so, every format."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document
from helpers import TODAY, column_of, edit_tracker, row_of
from report_expect import Tracker

from sos_sync.cli.main import cli
from sos_sync.ops.demo import run_demo
from sos_sync.ops.report.command import TERMS
from sos_sync.ops.report.model import build_report
from sos_sync.ops.report.output import write_report
from sos_sync.ops.report.period import TERMS as PERIOD_TERMS
from sos_sync.ops.report.period import resolve_period
from sos_sync.run.sync import run_sync

PEOPLE = ("Priya Shah", "Sam Patel", "Ana Costa", "Ben Clarke", "Mo Ahmed", "Amanda", "Michelle")


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    run_demo(tmp_path / "demo", TODAY)
    return tmp_path / "demo"


def _check_against_tracker(ws: Path, **period: str) -> None:
    p = resolve_period(TODAY, **period)  # type: ignore[arg-type]
    report = build_report(ws, p)
    want = Tracker(ws)
    expected = want.figures(p.start, p.as_of, p.renewal_window()[1])
    expected["moved_up"] = want.moved_up(p.start)
    for key, urns in expected.items():
        got = {u for u, _ in report.figure(key).schools}
        assert got == urns, (key, period)
        assert report.figure(key).value == len(urns)
    assert report.steps_at_end == {s: want.steps()[s] for s in range(1, 6)}


@pytest.mark.parametrize(
    "period",
    [{"year": "2024-25"}, {"term": "summer"}, {"term": "spring", "year": "2024-25"}],
    ids=["year", "summer-to-date", "spring"],
)
def test_headline_figures_equal_counts_from_the_tracker(demo: Path, period: dict[str, str]) -> None:
    if "spring" in period.values():  # a past term: `Stalled` in the tracker is as of today
        p = resolve_period(TODAY, **period)  # type: ignore[arg-type]
        report = build_report(demo, p)
        want = Tracker(demo).figures(p.start, p.end, p.renewal_window()[1])
        for key in ("engaged", "new_eoi", "audits", "drafts", "finals", "awards"):
            assert {u for u, _ in report.figure(key).schools} == want[key], key
        return
    _check_against_tracker(demo, **period)


def test_the_demo_year_in_numbers(demo: Path) -> None:
    """The figures a reader can check by eye in the demo's inbox and lead entries."""
    report = build_report(demo, resolve_period(TODAY, year="2024-25"))
    values = {h.key: h.value for h in report.headline}
    assert values["awards"] == 1 and report.figure("awards").schools == (
        ("131007", "Foxhill Junior School"),
    )
    assert report.figure("renewals").schools == (("131008", "Greenway Primary School"),)
    assert values["finals"] == 2 and values["drafts"] == 2
    assert "Between 1 September 2024 and today" in report.narrative
    assert "1 school was awarded" in report.narrative


def test_a_step_override_counts_at_the_leads_step(demo: Path) -> None:
    def override(wb: openpyxl.Workbook) -> None:
        ws = wb["Schools"]
        ws.cell(row=row_of(ws, "URN", "131001"), column=column_of(ws, "Step override"), value=3)

    edit_tracker(demo, override)
    p = resolve_period(TODAY, term="summer")
    before_sync = build_report(demo, p)  # the lead typed it; no night has run since
    run_sync(demo, TODAY)
    after_sync = build_report(demo, p)
    want = Tracker(demo)
    assert int(want.schools["131001"]["Step"]) == 3  # type: ignore[call-overload]
    for report in (before_sync, after_sync):
        assert report.steps_at_end == {s: want.steps()[s] for s in range(1, 6)}
        moved = report.lists.moved_up.set_index("URN")
        assert moved.loc["131001", "To step"] == 3
        assert "131001" in {u for u, _ in report.figure("moved_up").schools}
        funnel = report.funnel.set_index("Step")["Reached this step"]
        assert funnel[3] == sum(n for s, n in want.steps().items() if s >= 3)
    _check_against_tracker(demo, term="summer")


def test_a_period_with_no_activity_says_so(demo: Path) -> None:
    report = build_report(demo, resolve_period(TODAY, date_from="2022-09-01", date_to="2022-12-31"))
    assert report.no_activity
    assert report.figure("engaged").value == 0
    assert "there was no activity" in report.narrative
    page = write_report(report, demo / "out" / "empty.html", TODAY).read_text(encoding="utf-8")
    assert "There was no activity in this period" in page
    assert "<img" not in page
    data = json.loads(json.dumps(report.as_json()))
    assert data["no_activity"] is True


def test_every_format_is_written_and_names_schools_never_people(demo: Path) -> None:
    report = build_report(demo, resolve_period(TODAY, year="2024-25"))
    out = demo / "out"
    html = write_report(report, out / "r.html", TODAY).read_text(encoding="utf-8")
    assert html.count('<img alt="') == 4 and "data:image/png;base64," in html
    assert "Foxhill Junior School" in html
    pdf = write_report(report, out / "r.pdf", TODAY).read_bytes()
    assert pdf.startswith(b"%PDF")
    doc = Document(str(write_report(report, out / "r.docx", TODAY)))
    text = "\n".join(p.text for p in doc.paragraphs) + "".join(
        c.text for t in doc.tables for row in t.rows for c in row.cells
    )
    assert "Greenway Primary School" in text and len(doc.inline_shapes) == 4
    wb = openpyxl.load_workbook(write_report(report, out / "r.xlsx", TODAY))
    assert {"Steps over time", "Step funnel", "Days per step", "Event attendance"} <= set(
        wb.sheetnames
    )
    cells = [c for row in wb["Appendix"].iter_rows(values_only=True) for c in row]
    assert '\'=HYPERLINK("https://evil.example","Click me")' in cells  # stays text
    everything = html + text + json.dumps(report.as_json(), ensure_ascii=False)
    for person in PEOPLE:
        assert person not in everything
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", everything)


def test_the_command_keeps_every_report_and_prints_json(demo: Path) -> None:
    runner = CliRunner()
    args = ["report", "-w", str(demo), "--today", TODAY.isoformat(), "--year", "2024-25"]
    first = runner.invoke(cli, args)
    second = runner.invoke(cli, args)
    assert first.exit_code == 0 and second.exit_code == 0, first.output
    kept = sorted(p.name for p in (demo / "reports" / "progress").iterdir())
    assert kept == ["progress-2024-25-2.html", "progress-2024-25.html"]
    assert (demo / "reports" / "2025-07-14.md").exists()  # the morning report is left alone
    j = runner.invoke(cli, [*args, "--json"])
    data = json.loads(j.output)
    assert data["ok"] and data["path"] is None
    assert data["headline"]["awards"]["schools"] == [
        {"urn": "131007", "school": "Foxhill Junior School"}
    ]
    assert data["tables"]["Step funnel"][0]["Reached this step"] == 14
    bad = runner.invoke(cli, [*args[:5], "--year", "2024-26", "--json"])
    assert bad.exit_code == 2 and json.loads(bad.output)["ok"] is False
    wrong = runner.invoke(cli, [*args, "--out", str(demo / "r.txt")])
    assert wrong.exit_code != 0


def test_terms_cover_every_day_of_the_year_once() -> None:
    assert TERMS == PERIOD_TERMS
    days: list[dt.date] = []
    for term in TERMS:
        p = resolve_period(dt.date(2025, 8, 31), term=term, year="2024-25")
        days += [p.start + dt.timedelta(days=i) for i in range((p.end - p.start).days + 1)]
    assert len(days) == len(set(days)) == 365
    assert min(days) == dt.date(2024, 9, 1) and max(days) == dt.date(2025, 8, 31)


def test_xlsx_holds_the_numbers_of_the_json(demo: Path) -> None:
    report = build_report(demo, resolve_period(TODAY, year="2024-25"))
    wb = openpyxl.load_workbook(
        io.BytesIO(write_report(report, demo / "t.xlsx", TODAY).read_bytes())
    )
    rows = list(wb["Headline figures"].iter_rows(values_only=True))[1:]
    assert [r[1] for r in rows] == [h.value for h in report.headline]
