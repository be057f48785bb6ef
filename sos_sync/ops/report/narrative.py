"""The paragraph a lead can paste into a report to the council: the numbers in plain words."""

from __future__ import annotations

import pandas as pd

from .measures import Headline
from .period import Period
from .source import long_date


def _n(count: int, one: str, many: str | None = None) -> str:
    word = one if count == 1 else (many or one + "s")
    return f"{count} {word}" if count else f"no {many or one + 's'}"


def _times(n: int) -> str:
    return {0: "no times", 1: "once", 2: "twice"}.get(n, f"{n} times")


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _between(period: Period) -> str:
    end = "today" if period.to_date else long_date(period.end)
    return f"Between {long_date(period.start)} and {end}"


def narrative(
    period: Period,
    heads: list[Headline],
    attendance: pd.DataFrame,
    steps_at_end: dict[int, int],
    no_activity: bool,
    stalled_days: int,
) -> str:
    v = {h.key: h.value for h in heads}
    renewals_until = next(h.label for h in heads if h.key == "renewals").split(" by ")[-1]
    if no_activity:
        first = (
            f"{_between(period)} there was no activity to report: no school sent a form, "
            "reached a milestone or attended an event."
        )
    else:
        steps = _join(
            [
                _n(v["new_eoi"], "school") + " expressed interest",
                f"{v['audits'] or 'none'} completed an audit",
                f"{v['drafts'] or 'none'} sent a draft application",
                f"{v['finals'] or 'none'} a final application",
            ]
        )
        first = f"{_between(period)}, {_n(v['engaged'], 'school')} took part: {steps}."
        first += (
            f" {_n(v['moved_up'], 'school')} moved up at least one step"
            f" and {_n(v['awards'], 'school')} {'was' if v['awards'] == 1 else 'were'} awarded"
            " School of Sanctuary status."
        )
        held = attendance[attendance["Held"]] if len(attendance) else attendance
        if len(held):
            first += (
                f" Across the {_n(len(held), 'programme event')} held, schools signed up "
                f"{_times(int(held['Signed up'].sum()))} and attended "
                f"{_times(int(held['Attended'].sum()))}."
            )
    total = sum(steps_at_end.values())
    awarded = steps_at_end.get(4, 0) + steps_at_end.get(5, 0)
    state = (
        f" {'Today' if period.to_date else 'At the end of the period'}, "
        f"{_n(total, 'school')} {'is' if total == 1 else 'are'} on the programme"
    )
    if total:
        state += f", {awarded} of them at the final step or awarded"
    state += (
        f"; {_n(v['stalled'], 'school')} {'has' if v['stalled'] == 1 else 'have'} had no activity "
        f"for more than {stalled_days} days, and {_n(v['renewals'], 'renewal')} "
        f"{'falls' if v['renewals'] == 1 else 'fall'} due by {renewals_until}."
    )
    return (first + state).replace("  ", " ")
