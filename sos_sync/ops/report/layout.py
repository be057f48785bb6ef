"""The report's pages as a list of plain blocks that every renderer walks.

Headings, paragraphs, tables and charts, in reading order: the HTML, .docx and PDF
outputs differ only in how they draw a block, never in what they say.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from .charts import Chart, attendance_chart, days_chart, funnel_chart, steps_chart
from .model import Report
from .source import STAGE_LABELS, long_date

TITLE = "Schools of Sanctuary: progress report"


@dataclass(frozen=True)
class Block:
    kind: str  # "title", "subtitle", "h2", "h3", "p", "note", "table", "chart"
    text: str = ""
    table: pd.DataFrame | None = None
    chart: Chart | None = None


def _table(title: str, table: pd.DataFrame, none: str) -> list[Block]:
    if table.empty:
        return [Block("h3", title), Block("note", none)]
    return [Block("h3", title), Block("table", table=display(table))]


def display(table: pd.DataFrame) -> pd.DataFrame:
    """Dates as `14 Jul 2025`, booleans as Yes/No, missing numbers blank, for people."""
    out = table.copy()
    for col in out.columns:
        s = out[col]
        if s.dtype == bool:
            out[col] = s.map({True: "Yes", False: "No"})
        elif s.dtype == float:
            out[col] = s.map(lambda v: "" if pd.isna(v) else f"{v:.0f}")
        elif len(s) and isinstance(s.iloc[0], dt.date | pd.Timestamp):
            out[col] = s.map(lambda v: "" if pd.isna(v) else f"{v:%-d %b %Y}")
    return out.astype(str)


def _steps_table(report: Report) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Step": list(range(1, 6)),
            "Stage": [STAGE_LABELS[s] for s in range(1, 6)],
            "Schools": [report.steps_at_end.get(s, 0) for s in range(1, 6)],
        }
    )


def _chart(chart: Chart) -> list[Block]:
    if chart.png is None:
        return [Block("note", chart.empty)]
    return [Block("chart", chart.title, chart=chart)]


def blocks(report: Report, generated: dt.date) -> list[Block]:
    p = report.period
    out = [
        Block("title", f"{TITLE} – {p.label}"),
        Block(
            "subtitle",
            f"{p.words}. Made on {long_date(generated)} from the tracker "
            f"({report.backend} backend) and the nightly run history.",
        ),
        Block("h2", "Summary"),
        Block("p", report.narrative),
        Block("h2", "Headline figures"),
        Block("table", table=report.tables()["Headline figures"]),
        Block("note", "The appendix lists the schools behind every figure."),
    ]
    at = "today" if p.to_date else f"on {long_date(p.end)}"
    if report.no_activity:
        out += [
            Block("h2", "Activity"),
            Block(
                "p",
                "There was no activity in this period: no form came in, no milestone was "
                "reached and no programme event was held, so there are no charts to show.",
            ),
        ]
    else:
        out += [Block("h2", "Schools per step"), *_chart(steps_chart(report.steps_over_time))]
        out += [Block("h3", f"Schools per step {at}"), Block("table", table=_steps_table(report))]
        out += _chart(funnel_chart(report.funnel))
        out += [Block("h2", "Days spent in each step"), *_chart(days_chart(report.durations))]
        if not report.days_per_step.empty:
            out.append(Block("table", table=display(report.days_per_step)))
        out += [Block("h2", "Programme events"), *_chart(attendance_chart(report.attendance))]
        if not report.attendance.empty:
            out.append(Block("table", table=display(report.attendance.drop(columns=["Event key"]))))
            out += _table(
                "Attendance by school phase (from the school's name, where it says)",
                _phase_table(report),
                "No sign-ups for these events.",
            )
    out += _lists(report)
    out += _appendix(report)
    return out


def _phase_table(report: Report) -> pd.DataFrame:
    titles = report.attendance.set_index("Event key")["Title"]
    t = report.attendance_by_phase.copy()
    t.insert(0, "Event", t["Event key"].map(titles))
    return t.drop(columns=["Event key"])


def _lists(report: Report) -> list[Block]:
    lists = report.lists
    until = report.figure("renewals").label.split(" by ")[-1]
    return [
        Block("h2", "Schools"),
        *_table("Moved up a step", lists.moved_up, "No school moved up a step in this period."),
        *_table("Newly awarded", lists.awarded, "No school was awarded in this period."),
        *_table("Stalled, with their last activity", lists.stalled, "No school has stalled."),
        *_table(f"Renewals due by {until}", lists.renewals, f"No renewal falls due by {until}."),
    ]


def _appendix(report: Report) -> list[Block]:
    out = [
        Block("h2", "Appendix: the schools behind each figure"),
        Block("note", "Each school is named as in the Schools tab, with its URN."),
    ]
    for h in report.headline:
        out.append(Block("h3", f"{h.label}: {h.value}"))
        if h.schools:
            out.append(Block("p", "; ".join(f"{s} ({u})" for u, s in h.schools) + "."))
        else:
            out.append(Block("note", "None."))
    return out
