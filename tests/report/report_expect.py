"""Headline figures of `sos-sync report`, counted independently from the tracker file.

Plain Python over the cells a person sees in `tracker.xlsx` (openpyxl), sharing no code
with the report: the tests compare the two.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

from helpers import read_tab

from sos_sync.domain.steps import Milestones, position

RESPONSE_TABS = (
    "EOI responses",
    "Audit responses",
    "Event sign-ups",
    "Applications",
    "Catch-up requests",
)
MILESTONES = (
    "EOI received",
    "Pledge signed",
    "SLT commitment",
    "Audit completed",
    "Action plan received",
    "Draft submitted",
    "Draft feedback sent",
    "Final submitted",
    "Panel date",
    "Visit date",
    "Awarded on",
)


def as_day(v: object) -> dt.date | None:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str) and len(v) >= 10 and v[4] == "-" and v[7] == "-":
        try:
            return dt.date.fromisoformat(v[:10])
        except ValueError:
            return None
    return None


class Tracker:
    def __init__(self, ws: Path) -> None:
        self.schools = {str(r["URN"]): r for r in read_tab(ws, "Schools") if r.get("URN")}
        self.responses = {t: read_tab(ws, t) for t in RESPONSE_TABS}

    def _responses(self, tab: str, start: dt.date, end: dt.date) -> list[dict[str, object]]:
        out = []
        for r in self.responses[tab]:
            day = as_day(r.get("Submitted"))
            if r.get("URN") and str(r["URN"]) in self.schools and day and start <= day <= end:
                out.append(r)
        return out

    def _milestone(self, col: str, start: dt.date, end: dt.date) -> set[str]:
        return {
            u for u, r in self.schools.items() if (d := as_day(r.get(col))) and start <= d <= end
        }

    def figures(self, start: dt.date, as_of: dt.date, window_end: dt.date) -> dict[str, set[str]]:
        """URNs behind each figure for a period whose figures stop at `as_of` = the sync's today."""
        engaged = {str(r["URN"]) for t in RESPONSE_TABS for r in self._responses(t, start, as_of)}
        for col in MILESTONES:
            engaged |= self._milestone(col, start, as_of)

        def ok(r: dict[str, object]) -> bool:
            status = str(r.get("Status") or "").lower()
            return "bad choice" not in status and "bad timestamp" not in status

        audits = {str(r["URN"]) for r in self._responses("Audit responses", start, as_of) if ok(r)}
        apps = [r for r in self._responses("Applications", start, as_of) if ok(r)]
        drafts = {str(r["URN"]) for r in apps if r.get("Submitting") == "Draft application"}
        finals = {
            str(r["URN"]) for r in apps if r.get("Submitting") == "Final application and portfolio"
        }
        return {
            "engaged": engaged,
            "new_eoi": self._milestone("EOI received", start, as_of),
            "audits": audits | self._milestone("Audit completed", start, as_of),
            "drafts": drafts | self._milestone("Draft submitted", start, as_of),
            "finals": finals | self._milestone("Final submitted", start, as_of),
            "awards": self._milestone("Awarded on", start, as_of),
            "stalled": {u for u, r in self.schools.items() if r.get("Stalled") == "Yes"},
            "renewals": self._milestone("Renewal due", as_of + dt.timedelta(days=1), window_end),
        }

    def steps(self) -> Counter[int]:
        return Counter(int(r["Step"]) for r in self.schools.values())  # type: ignore[call-overload]

    def step_before(self, urn: str, start: dt.date) -> int:
        """The step on the day before `start`, by the rules of SPEC §6.2 (0: not seen yet)."""
        r = self.schools[urn]
        day = start - dt.timedelta(days=1)
        got = {c: d for c in MILESTONES if (d := as_day(r.get(c))) and d <= day}
        seen = [
            d
            for t in RESPONSE_TABS
            for x in self.responses[t]
            if str(x.get("URN")) == urn and (d := as_day(x.get("Submitted"))) and d <= day
        ]
        if not got and not seen:
            return 0
        override = r.get("Step override")
        m = Milestones(
            **{c.lower().replace(" ", "_"): got.get(c) for c in MILESTONES},
            step_override=int(override) if override else None,  # type: ignore[call-overload]
        )
        return position(m, day).step

    def moved_up(self, start: dt.date) -> set[str]:
        out = set()
        for urn, r in self.schools.items():
            end = int(r["Step"])  # type: ignore[call-overload]
            if end != 5 and end > max(self.step_before(urn, start), 1):
                out.add(urn)
        return out
