"""`sos-sync problems` and `sos-sync school URN`: read the tracker, answer one question.

`open_problems` lists the `Needs review` rows still open (Status `Open`, not marked
Resolved by a lead). `school_history` gathers one school's story from every tab: its
`Schools` row (step, milestones), its responses on each form's tab, the events it
signed up for (and whether a lead marked it attended), its documents and its problems.
Both only read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sos_sync.backends.factory import make_backend
from sos_sync.config.load import Config, load_config
from sos_sync.domain.forms import FORM_KINDS
from sos_sync.domain.responses import normalise_urn
from sos_sync.errors import SosSyncError, UsageError
from sos_sync.tracker.schema import (
    DOCUMENTS,
    MILESTONE_COLUMNS,
    NEEDS_REVIEW,
    SCHOOLS,
    TabData,
    TabSpec,
    all_tabs,
)

RESOLVED = ("yes", "y", "true", "done")
MILESTONES = (*MILESTONE_COLUMNS, "Panel date", "Visit date", "Awarded on", "Renewal due")


class TrackerUnreadable(SosSyncError):
    """The tracker could not be read (damaged, held, unreachable)."""


def rows(tab: TabData | None) -> list[dict[str, str]]:
    """A tab's rows as header -> value, blank rows left out."""
    if tab is None:
        return []
    out = []
    for row in tab.rows:
        if any(v.strip() for v in row):
            out.append({h: (row[i] if i < len(row) else "") for i, h in enumerate(tab.header) if h})
    return out


def is_open(problem: dict[str, str]) -> bool:
    return problem.get("Status") == "Open" and (
        problem.get("Resolved", "").strip().lower() not in RESOLVED
    )


def read_tracker(config: Config, specs: tuple[TabSpec, ...]) -> dict[str, TabData | None]:
    """The tabs, or TrackerUnreadable saying why not."""
    try:
        return make_backend(config).tracker.read_tabs(specs)
    except (SosSyncError, OSError) as exc:
        raise TrackerUnreadable(f"The tracker cannot be read: {exc}") from exc


def open_problems(workspace: Path) -> list[dict[str, str]]:
    """Every open `Needs review` row, oldest first."""
    config = load_config(workspace)
    tabs = read_tracker(config, (NEEDS_REVIEW,))
    found = [p for p in rows(tabs.get(NEEDS_REVIEW.name)) if is_open(p)]
    return sorted(found, key=lambda p: p.get("Raised on", ""))


def school_history(workspace: Path, urn: str) -> dict[str, Any]:
    """One school's record across the tracker; UsageError if the URN is unknown."""
    key = normalise_urn(urn)
    if key is None:
        raise UsageError(f"`{urn}` is not a 6-digit URN.")
    config = load_config(workspace)
    specs = all_tabs(config.forms, [c.code for c in config.criteria])
    tabs = read_tracker(config, specs)
    school = next((r for r in rows(tabs.get(SCHOOLS.name)) if r.get("URN") == key), None)
    if school is None:
        raise UsageError(f"No school with URN {key} in the tracker's `Schools` tab.")
    responses, events = [], []
    for kind in FORM_KINDS:
        spec = config.forms[kind]
        for r in rows(tabs.get(spec.tab)):
            if r.get("URN") != key:
                continue
            responses.append(
                {
                    "form": spec.tab,
                    "submitted": r.get("Submitted", ""),
                    "response_id": r.get("Response ID", ""),
                    "status": r.get("Status", ""),
                }
            )
            if kind == "signup":
                events.append({"events": r.get("Events", ""), "attended": r.get("Attended", "")})
    return {
        "urn": key,
        "school": school.get("School", ""),
        "step": school.get("Step", ""),
        "stage": school.get("Stage", ""),
        "next_action": school.get("Next action", ""),
        "stalled": school.get("Stalled", ""),
        "milestones": {m: school.get(m, "") for m in MILESTONES if school.get(m, "")},
        "responses": sorted(responses, key=lambda r: r["submitted"]),
        "events": events,
        "documents": [
            {k: d.get(k, "") for k in ("Doc key", "Kind", "Title", "Link", "Generated on")}
            for d in rows(tabs.get(DOCUMENTS.name))
            if d.get("URN") == key
        ],
        "problems": [
            {k: p.get(k, "") for k in ("Raised on", "Reason", "Status", "Resolved")}
            for p in rows(tabs.get(NEEDS_REVIEW.name))
            if p.get("URN") == key
        ],
    }
