"""The report as numbers: build it from a workspace, and give it as JSON.

`build_report` reads the tracker and the run history once and computes every figure;
the renderers (HTML, .docx, PDF, .xlsx) and `--json` all show this one object, so the
formats can never disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .frames import Frames, build_frames
from .measures import Headline, Lists, StepClock, headlines, standing
from .narrative import narrative
from .period import Period
from .source import read_tracker, run_history
from .trends import attendance, days_per_step, funnel, step_durations, steps_over_time


@dataclass
class Report:
    period: Period
    backend: str
    schools_known: int
    headline: list[Headline]
    lists: Lists
    steps_at_end: dict[int, int]
    steps_over_time: pd.DataFrame
    funnel: pd.DataFrame
    durations: pd.DataFrame
    days_per_step: pd.DataFrame
    attendance: pd.DataFrame
    attendance_by_phase: pd.DataFrame
    narrative: str = ""

    def figure(self, key: str) -> Headline:
        return next(h for h in self.headline if h.key == key)

    @property
    def no_activity(self) -> bool:
        """Nothing happened in the period: no response, milestone, award or event held."""
        held = self.attendance["Held"].any() if len(self.attendance) else False
        return self.figure("engaged").value == 0 and not held

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table behind the report, by sheet name (the `.xlsx` output)."""
        head = pd.DataFrame(
            {
                "Figure": [h.label for h in self.headline],
                "Schools": [h.value for h in self.headline],
            }
        )
        return {
            "Headline figures": head,
            "Steps over time": self.steps_over_time,
            "Step funnel": self.funnel,
            "Days per step": self.days_per_step,
            "Days per step (schools)": self.durations,
            "Event attendance": self.attendance,
            "Attendance by phase": self.attendance_by_phase,
            "Moved up a step": self.lists.moved_up,
            "Newly awarded": self.lists.awarded,
            "Stalled": self.lists.stalled,
            "Renewals due": self.lists.renewals,
            "Appendix": appendix_table(self.headline),
        }

    def as_json(self) -> dict[str, Any]:
        p = self.period
        return {
            "ok": True,
            "backend": self.backend,
            "period": {
                "label": p.label,
                "start": p.start.isoformat(),
                "end": p.end.isoformat(),
                "as_of": p.as_of.isoformat(),
                "to_date": p.to_date,
            },
            "no_activity": self.no_activity,
            "schools_known": self.schools_known,
            "headline": {
                h.key: {
                    "label": h.label,
                    "value": h.value,
                    "schools": [{"urn": u, "school": s} for u, s in h.schools],
                }
                for h in self.headline
            },
            "steps_at_end": {str(k): v for k, v in self.steps_at_end.items()},
            "tables": {name: records(t) for name, t in self.tables().items() if name != "Appendix"},
            "narrative": self.narrative,
        }


def appendix_table(heads: list[Headline]) -> pd.DataFrame:
    rows = [(h.label, urn, school) for h in heads for urn, school in h.schools]
    return pd.DataFrame(rows, columns=["Figure", "URN", "School"])


def _plain(v: object) -> object:
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float):
        return None if pd.isna(v) else (int(v) if v.is_integer() else round(v, 1))
    if hasattr(v, "item"):  # a numpy scalar
        return _plain(v.item())
    return v


def records(table: pd.DataFrame) -> list[dict[str, object]]:
    return [{str(k): _plain(v) for k, v in row.items()} for row in table.to_dict("records")]


def build_from_frames(
    frames: Frames, period: Period, backend: str, rules: Any, history: list[Any]
) -> Report:
    clock = StepClock(frames, rules, period.today)
    st = standing(clock, period)
    heads, lists = headlines(frames, period, rules, st)
    durations = step_durations(clock, frames, period)
    att, by_phase = attendance(frames, period)
    report = Report(
        period=period,
        backend=backend,
        schools_known=int((st.end > 0).sum()),
        headline=heads,
        lists=lists,
        steps_at_end=st.per_step_end,
        steps_over_time=steps_over_time(clock, history, period),
        funnel=funnel(st),
        durations=durations,
        days_per_step=days_per_step(durations),
        attendance=att,
        attendance_by_phase=by_phase,
    )
    report.narrative = narrative(
        period, heads, att, st.per_step_end, report.no_activity, rules.stalled_after_days
    )
    return report


def build_report(workspace: Path, period: Period) -> Report:
    """Read the workspace's tracker and run history and compute the report."""
    read = read_tracker(workspace)
    frames = build_frames(read)
    return build_from_frames(frames, period, read.backend, read.rules, run_history(workspace))
