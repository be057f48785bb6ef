"""The tracker as pandas DataFrames: schools, dated evidence, sign-ups and events.

Only what a report may show is kept: URNs and school names, never a person's name or
e-mail address (the contact and attendee columns are not read into any frame).

Evidence is one row per school, day and kind. A school's audit, draft or final
application counts on the day of each response that counts as evidence (joined to a
school, a readable time, no invalid answer for that milestone) and on the milestone
date in `Schools`, which a lead may have typed by hand (SPEC §4.2 rule 5).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from .source import FORM_KINDS, STAGES, TrackerRead, match_choice, parse_day, split_checkbox

DATE_COLUMNS = (
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
    "Renewal due",
    "Last activity",
)

# Evidence kinds a headline figure counts, with the `Schools` column that also counts.
MILESTONE_KIND = {
    "EOI received": "eoi",
    "Audit completed": "audit",
    "Draft submitted": "draft",
    "Final submitted": "final",
    "Awarded on": "award",
}
STAGE_KIND = {STAGES[0]: "action_plan", STAGES[1]: "draft", STAGES[2]: "final"}
INVALID = ("bad choice", "bad timestamp")  # a status naming these counts towards no milestone

# School phase, read from the name where it says (first match wins).
PHASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("All-through", ("all-through", "all through")),
    ("Special", ("special school", "special academy")),
    ("Nursery", ("nursery",)),
    ("Primary", ("primary", "infant", "junior", "first school")),
    ("Secondary", ("secondary", "high school", "college", "grammar", "upper school")),
)
PHASE_ORDER = (*(p for p, _ in PHASES), "Not known")


def phase_of(school: str) -> str:
    low = school.lower()
    for phase, words in PHASES:
        if any(w in low for w in words):
            return phase
    return "Not known"


@dataclass
class Frames:
    schools: pd.DataFrame  # index URN: School, Phase, Step override, one column per date
    evidence: pd.DataFrame  # URN, Day, Kind
    signups: pd.DataFrame  # URN, Label, Not attended
    events: pd.DataFrame  # Event key, Title, Label, Start, End, Month only


def _cells(tab: object, cols: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Each data row's text in `cols` (missing columns read as empty)."""
    if tab is None:
        return []
    ci = tab.col_index()  # type: ignore[attr-defined]
    idx = [ci.get(c) for c in cols]
    out = []
    for row in tab.rows:  # type: ignore[attr-defined]
        out.append(
            tuple(row[i].strip() if i is not None and i < len(row) and row[i] else "" for i in idx)
        )
    return out


def _day(text: str) -> dt.date | None:
    return parse_day(text) if text else None


def school_frame(read: TrackerRead) -> pd.DataFrame:
    cols = ("URN", "School", "Step override", *DATE_COLUMNS)
    records = []
    for cells in _cells(read.schools, cols):
        if not cells[0]:
            continue
        override = cells[2]
        rec: dict[str, object] = {
            "URN": cells[0],
            "School": cells[1] or f"URN {cells[0]}",
            "Phase": phase_of(cells[1]),
            "Step override": int(override) if override in ("1", "2", "3", "4", "5") else None,
        }
        for name, text in zip(DATE_COLUMNS, cells[3:], strict=True):
            rec[name] = _day(text)
        records.append(rec)
    frame = pd.DataFrame.from_records(records, columns=["URN", "School", "Phase", *cols[2:]])
    frame = frame.drop_duplicates("URN").set_index("URN")
    for name in DATE_COLUMNS:
        frame[name] = pd.to_datetime(frame[name])
    return frame


def _response_evidence(read: TrackerRead, known: set[str]) -> list[tuple[str, dt.date, str]]:
    rows: list[tuple[str, dt.date, str]] = []
    for kind in FORM_KINDS:
        cols = ("URN", "Submitted", "Status", read.stage_column)
        for urn, submitted, status, stage in _cells(read.responses.get(kind), cols):
            day = _day(submitted)
            if urn not in known or day is None:
                continue
            rows.append((urn, day, "response"))
            if any(bad in status.lower() for bad in INVALID):
                continue
            if kind == "audit":
                rows.append((urn, day, "audit"))
            elif kind == "application":
                choice = match_choice(stage, STAGES)
                if choice:
                    rows.append((urn, day, STAGE_KIND[choice]))
    return rows


def evidence_frame(read: TrackerRead, schools: pd.DataFrame) -> pd.DataFrame:
    rows = _response_evidence(read, set(schools.index))
    for col in DATE_COLUMNS[:11]:  # every milestone; not `Renewal due` nor `Last activity`
        kind = MILESTONE_KIND.get(col, "milestone")
        for urn, ts in schools[col].dropna().items():
            rows.append((str(urn), ts.date(), kind))
    frame = pd.DataFrame.from_records(rows, columns=["URN", "Day", "Kind"])
    frame["Day"] = pd.to_datetime(frame["Day"])
    return frame


def event_frame(read: TrackerRead) -> pd.DataFrame:
    records = []
    cols = ("Event key", "Title", "Form label", "Start", "End")
    for key, title, label, start, end in _cells(read.events, cols):
        if not key:
            continue
        month_only = len(start) == 7 and start[4] == "-"
        first: dt.date | None
        last: dt.date | None
        if month_only:
            first = dt.date(int(start[:4]), int(start[5:7]), 1)
            last = (pd.Timestamp(first) + pd.offsets.MonthEnd(0)).date()
        else:
            first = _day(start[:10])
            last = _day(end[:10]) or first
        if first is None:
            continue  # "on request": no day, so no period holds it
        records.append((key, title or key, label, first, last, month_only))
    frame = pd.DataFrame.from_records(
        records, columns=["Event key", "Title", "Label", "Start", "End", "Month only"]
    )
    frame["Start"] = pd.to_datetime(frame["Start"])
    frame["End"] = pd.to_datetime(frame["End"])
    return frame


def signup_frame(read: TrackerRead, known: set[str], labels: tuple[str, ...]) -> pd.DataFrame:
    records = []
    cols = ("URN", read.signup_events_column, "Attended")
    for urn, chosen, attended in _cells(read.responses.get("signup"), cols):
        if urn not in known or not chosen:
            continue
        found, _unknown = split_checkbox(chosen, labels)
        for label in found:
            records.append((urn, label, attended.lower() == "no"))
    frame = pd.DataFrame.from_records(records, columns=["URN", "Label", "Not attended"])
    return frame.astype({"URN": str, "Label": str, "Not attended": bool})


def build_frames(read: TrackerRead) -> Frames:
    schools = school_frame(read)
    events = event_frame(read)
    labels = tuple(str(v) for v in events["Label"] if v)
    known = set(schools.index)
    return Frames(
        schools=schools,
        evidence=evidence_frame(read, schools),
        signups=signup_frame(read, known, labels),
        events=events,
    )
