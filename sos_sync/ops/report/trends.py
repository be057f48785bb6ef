"""The tables behind the charts: steps over time, the funnel, days per step, attendance.

- Steps over time come from the run history (each night's counts per step, as the sync
  counted them then); a week with no night in the history is filled from the schools'
  milestone dates, and the `Source` column says which.
- Days per step: from milestone dates, the days between a school entering a step and
  entering the next one it reached, for every step a school left during the period.
  Entering: step 1 at the first activity, step 2 once pledge, SLT commitment and audit
  are all in, step 3 at the draft, step 4 at the final application, panel or visit,
  and leaving step 4 at the award.
- Attendance per programme event held (or due) in the period: schools signed up, and
  schools that attended (a sign-up not marked `Attended` = No, for an event that has
  ended; a month-only event ends with its month), overall and by school phase.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from .frames import PHASE_ORDER, Frames
from .measures import Standing, StepClock
from .period import Period
from .source import STAGE_LABELS, NightCounts

STEP_COLUMNS = [f"Step {s}" for s in range(1, 6)]
LEFT_STEP = {
    1: "Getting started",
    2: "Action planning",
    3: "Draft application",
    4: "Final application and assessment",
}


def steps_over_time(clock: StepClock, history: list[NightCounts], period: Period) -> pd.DataFrame:
    rows: list[dict[str, object]] = []
    nights = [n for n in history if period.start <= n.day <= period.as_of]
    for n in nights:
        rows.append(
            {
                "Day": n.day,
                **{f"Step {s}": n.by_step[s] for s in range(1, 6)},
                "Source": "run history",
            }
        )
    covered = {n.day for n in nights}
    day = period.start
    grid: list[dt.date] = []
    while day <= period.as_of:
        grid.append(day)
        day += dt.timedelta(days=7)
    if grid[-1] != period.as_of:
        grid.append(period.as_of)
    for day in grid:
        if any(day - dt.timedelta(days=k) in covered for k in range(7)):
            continue
        steps = clock.on(day)
        counts = steps[steps > 0].value_counts()
        rows.append(
            {
                "Day": day,
                **{f"Step {s}": int(counts.get(s, 0)) for s in range(1, 6)},
                "Source": "milestones",
            }
        )
    frame = pd.DataFrame(rows, columns=["Day", *STEP_COLUMNS, "Source"])
    return frame.sort_values("Day", ignore_index=True)


def funnel(st: Standing) -> pd.DataFrame:
    end = st.end[st.end > 0]
    return pd.DataFrame(
        {
            "Step": list(range(1, 6)),
            "Stage": [STAGE_LABELS[s] for s in range(1, 6)],
            "At this step": [int((end == s).sum()) for s in range(1, 6)],
            "Reached this step": [int((end >= s).sum()) for s in range(1, 6)],
        }
    )


def _entries(d: dict[str, dt.date | None], first_seen: dt.date | None) -> list[tuple[int, dt.date]]:
    out: list[tuple[int, dt.date]] = []
    e1 = d.get("EOI received") or first_seen
    parts = [d.get("Pledge signed"), d.get("SLT commitment"), d.get("Audit completed")]
    e2 = max(p for p in parts if p is not None) if all(p is not None for p in parts) else None
    finals = [x for x in (d.get(c) for c in ("Final submitted", "Panel date", "Visit date")) if x]
    for step, when in (
        (1, e1),
        (2, e2),
        (3, d.get("Draft submitted")),
        (4, min(finals) if finals else None),
        (5, d.get("Awarded on")),
    ):
        if when is not None:
            out.append((step, when))
    return out


def step_durations(clock: StepClock, frames: Frames, period: Period) -> pd.DataFrame:
    """One row per step a school left in the period: URN, School, Step, Days."""
    names = frames.schools["School"]
    rows = []
    for urn, dates, _override, seen in clock.rows:
        entries = _entries(dates, seen)
        for (step, since), (_, left) in zip(entries, entries[1:], strict=False):
            if left >= since and period.start <= left <= period.as_of:
                rows.append((urn, names[urn], step, (left - since).days))
    frame = pd.DataFrame(rows, columns=["URN", "School", "Step", "Days"])
    return frame.astype({"URN": str, "School": str, "Step": "int64", "Days": "int64"})


def days_per_step(durations: pd.DataFrame) -> pd.DataFrame:
    g = durations.groupby("Step")["Days"]
    table = pd.DataFrame(
        {
            "Schools": g.count(),
            "Median days": g.median(),
            "Middle half, from": g.quantile(0.25),
            "Middle half, to": g.quantile(0.75),
            "Fewest": g.min(),
            "Most": g.max(),
        }
    ).reindex(range(1, 5))
    table.insert(0, "Stage", [LEFT_STEP[s] for s in table.index])
    table = table[table["Schools"].fillna(0) > 0]
    return table.reset_index().rename(columns={"index": "Step"})


def attendance(frames: Frames, period: Period) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per event: schools signed up and attended; and the same by school phase."""
    ev = frames.events
    ev = ev[
        (ev["Label"] != "")  # an event with no sign-up choice (an e-mail round) has no sign-ups
        & (ev["Start"] >= pd.Timestamp(period.start))
        & (ev["Start"] <= pd.Timestamp(period.end))
    ]
    su = frames.signups.merge(ev[["Event key", "Label", "End"]], on="Label")
    su["Phase"] = frames.schools["Phase"].reindex(su["URN"]).to_numpy()
    su["Held"] = su["End"] <= pd.Timestamp(period.as_of)
    su["Came"] = su["Held"] & ~su["Not attended"]
    per_school = su.groupby(["Event key", "URN", "Phase"], as_index=False).agg(Came=("Came", "max"))
    signed = per_school.groupby("Event key")["URN"].nunique()
    came = per_school[per_school["Came"]].groupby("Event key")["URN"].nunique()
    table = ev[["Event key", "Title", "Start", "End"]].copy()
    table["Held"] = table["End"] <= pd.Timestamp(period.as_of)
    table["Signed up"] = table["Event key"].map(signed).fillna(0).astype("int64")
    table["Attended"] = table["Event key"].map(came).fillna(0).astype("int64")
    table["Date"] = table["Start"].dt.date
    table = table[["Event key", "Title", "Date", "Held", "Signed up", "Attended"]]
    by_phase = per_school.groupby(["Event key", "Phase"]).agg(
        **{"Signed up": ("URN", "nunique"), "Attended": ("Came", "sum")}
    )
    by_phase = by_phase.reset_index()
    by_phase["Phase"] = pd.Categorical(by_phase["Phase"], PHASE_ORDER, ordered=True)
    by_phase = by_phase.sort_values(["Event key", "Phase"], ignore_index=True)
    by_phase["Phase"] = by_phase["Phase"].astype(str)
    by_phase["Attended"] = by_phase["Attended"].astype("int64")
    return table.sort_values("Date", ignore_index=True), by_phase
