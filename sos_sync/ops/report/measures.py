"""The report's headline figures and lists, each with the schools behind it.

Definitions (a school is counted once per figure, whatever the number of responses):

- engaged: any response or milestone date in the period;
- new expressions of interest: `EOI received` (the first valid EOI) in the period;
- audits, draft and final applications: a counting response, or the milestone date, in
  the period (see `frames`);
- awards: `Awarded on` in the period;
- moved up a step: the school's step at the end of the period is higher than at its
  start (a school new in the period starts at step 1); a move into step 5 "Renewal due"
  comes with the calendar, not with work, and is not counted. Steps follow the rules of
  SPEC §6.2 over the milestones the school had on each day, so a lead's `Step override`
  counts at the lead's step;
- stalled: on the period's last day (or today), not awarded and no activity for more
  than the configured number of days (90 by default), as `Stalled` in `Schools`;
- renewals due: `Awarded on` + the renewal years falls after the last day the figures
  see and no later than the end of the term after the period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from .frames import Frames
from .period import Period
from .source import Rules, add_years, step_on

HEADLINES = (
    ("engaged", "Schools engaged (any response or milestone)"),
    ("new_eoi", "New expressions of interest"),
    ("audits", "Audits received"),
    ("drafts", "Draft applications received"),
    ("finals", "Final applications received"),
    ("awards", "Schools awarded"),
    ("moved_up", "Schools that moved up a step"),
    ("stalled", "Stalled schools (no activity for {days} days)"),
    ("renewals", "Renewals due by {until}"),
)
EVIDENCE_OF = {"new_eoi": "eoi", "audits": "audit", "drafts": "draft", "finals": "final"}


@dataclass(frozen=True)
class Headline:
    key: str
    label: str
    schools: tuple[tuple[str, str], ...]  # (URN, school), sorted by school name

    @property
    def value(self) -> int:
        return len(self.schools)


@dataclass
class Lists:
    moved_up: pd.DataFrame
    awarded: pd.DataFrame
    stalled: pd.DataFrame
    renewals: pd.DataFrame


@dataclass
class Standing:
    """Each school's step at the start and end of the period (0: not yet known)."""

    start: pd.Series
    end: pd.Series
    per_step_end: dict[int, int] = field(default_factory=dict)


def _ts(day: dt.date) -> pd.Timestamp:
    return pd.Timestamp(day)


class StepClock:
    """Works out every school's step on a given day from its milestones."""

    def __init__(self, frames: Frames, rules: Rules, today: dt.date) -> None:
        self.rules = rules
        self.today = today
        schools = frames.schools
        first = frames.evidence.groupby("URN")["Day"].min().reindex(schools.index)
        cols = [c for c in schools.columns if c not in ("School", "Phase", "Step override")]
        as_dates = {c: [None if pd.isna(v) else v.date() for v in schools[c]] for c in cols}
        overrides = [None if pd.isna(o) else int(o) for o in schools["Step override"]]
        seen = [None if pd.isna(v) else v.date() for v in first]
        self.rows: list[tuple[str, dict[str, dt.date | None], int | None, dt.date | None]] = [
            (str(urn), {c: as_dates[c][i] for c in cols}, overrides[i], seen[i])
            for i, urn in enumerate(schools.index)
        ]

    def on(self, day: dt.date) -> pd.Series:
        """URN -> step on `day`; 0 for a school not yet seen by then.

        From today on, every date in the tracker counts, as the nightly sync counts it.
        """
        known_by = dt.date.max if day >= self.today else day
        out = {
            urn: (
                step_on(d, o, day, self.rules, known_by) if seen is None or seen <= known_by else 0
            )
            for urn, d, o, seen in self.rows
        }
        return pd.Series(out, dtype="int64")


def standing(clock: StepClock, period: Period) -> Standing:
    start = clock.on(period.start - dt.timedelta(days=1))
    end = clock.on(period.as_of)
    counts = end[end > 0].value_counts()
    return Standing(start, end, {s: int(counts.get(s, 0)) for s in range(1, 6)})


def _in(days: pd.Series, period: Period) -> pd.Series:
    return (days >= _ts(period.start)) & (days <= _ts(period.as_of))


def _refs(frames: Frames, urns: object) -> tuple[tuple[str, str], ...]:
    names = frames.schools["School"]
    pairs = {(str(u), str(names.get(u, u))) for u in urns}  # type: ignore[attr-defined]
    return tuple(sorted(pairs, key=lambda p: (p[1].lower(), p[0])))


def last_activity_on(frames: Frames, day: dt.date, today: dt.date) -> pd.Series:
    """URN -> the school's last activity on `day`, as `Last activity` in `Schools` has it
    today (a panel booked for next month counts); for a day in the past, a later value is
    replaced by the latest evidence up to that day. A school with no `Last activity` has none."""
    recorded = frames.schools["Last activity"].dropna()
    if day >= today:
        return recorded
    ev = frames.evidence[frames.evidence["Day"] <= _ts(day)]
    latest = ev.groupby("URN")["Day"].max().reindex(recorded.index)
    return recorded.where(recorded <= _ts(day), latest).dropna()


def stalled_on(frames: Frames, day: dt.date, today: dt.date, rules: Rules) -> pd.DataFrame:
    last = last_activity_on(frames, day, today)
    awarded = frames.schools["Awarded on"].reindex(last.index)
    not_awarded = awarded.isna() | (awarded > _ts(day))
    days_since = (_ts(day) - last).dt.days
    mask = not_awarded & (days_since > rules.stalled_after_days)
    urns = last.index[mask]
    return pd.DataFrame(
        {
            "URN": urns,
            "School": frames.schools["School"].reindex(urns).to_numpy(),
            "Last activity": last[mask].dt.date.to_numpy(),
            "Days since": days_since[mask].to_numpy(),
        }
    ).sort_values(["Days since", "School"], ascending=[False, True], ignore_index=True)


def renewals_due(frames: Frames, period: Period, rules: Rules) -> pd.DataFrame:
    first, last = period.renewal_window()
    awarded = frames.schools["Awarded on"].dropna()
    due = pd.Series(
        [_ts(add_years(a.date(), rules.renewal_years)) for a in awarded],
        index=awarded.index,
        dtype="datetime64[ns]",
    )
    mask = (due >= _ts(first)) & (due <= _ts(last))
    urns = due.index[mask]
    return pd.DataFrame(
        {
            "URN": urns,
            "School": frames.schools["School"].reindex(urns).to_numpy(),
            "Awarded on": awarded[mask].dt.date.to_numpy(),
            "Renewal due": due[mask].dt.date.to_numpy(),
        }
    ).sort_values(["Renewal due", "School"], ignore_index=True)


def moved_up(frames: Frames, st: Standing) -> pd.DataFrame:
    before = st.start.clip(lower=1)
    mask = (st.end > before) & (st.end != 5) & (st.end > 0)
    urns = st.end.index[mask]
    return pd.DataFrame(
        {
            "URN": urns,
            "School": frames.schools["School"].reindex(urns).to_numpy(),
            "From step": before[mask].to_numpy(),
            "To step": st.end[mask].to_numpy(),
        }
    ).sort_values(["To step", "School"], ascending=[False, True], ignore_index=True)


def newly_awarded(frames: Frames, period: Period) -> pd.DataFrame:
    awarded = frames.schools["Awarded on"]
    mask = awarded.notna() & _in(awarded, period)
    return pd.DataFrame(
        {
            "URN": awarded.index[mask],
            "School": frames.schools["School"][mask].to_numpy(),
            "Awarded on": awarded[mask].dt.date.to_numpy(),
        }
    ).sort_values(["Awarded on", "School"], ignore_index=True)


def _with_step(table: pd.DataFrame, st: Standing) -> pd.DataFrame:
    table.insert(2, "Step", st.end.reindex(table["URN"]).fillna(0).astype("int64").to_numpy())
    return table


def headlines(
    frames: Frames, period: Period, rules: Rules, st: Standing
) -> tuple[list[Headline], Lists]:
    ev = frames.evidence[_in(frames.evidence["Day"], period)]
    lists = Lists(
        moved_up=moved_up(frames, st),
        awarded=newly_awarded(frames, period),
        stalled=_with_step(stalled_on(frames, period.as_of, period.today, rules), st),
        renewals=renewals_due(frames, period, rules),
    )
    urns: dict[str, object] = {
        "engaged": ev["URN"].unique(),
        **{k: ev.loc[ev["Kind"] == kind, "URN"].unique() for k, kind in EVIDENCE_OF.items()},
        "awards": lists.awarded["URN"],
        "moved_up": lists.moved_up["URN"],
        "stalled": lists.stalled["URN"],
        "renewals": lists.renewals["URN"],
    }
    until = period.renewal_window()[1]
    out = []
    for key, label in HEADLINES:
        text = label.format(days=rules.stalled_after_days, until=f"{until:%-d %B %Y}")
        out.append(Headline(key, text, _refs(frames, urns[key])))
    return out, lists
