"""Which documents the schools' evidence calls for, with the values each one shows (SPEC §8):
audit feedback for each valid audit, application feedback for each review a lead marked
ready, an award letter when `Awarded on` is set. `plan/documents.py` then decides which to
generate tonight.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import Any

from sos_sync.domain.responses import Problem, Response, match_choice, parse_day
from sos_sync.domain.steps import add_years
from sos_sync.plan.documents import LazyContext, WantedDocument
from sos_sync.plan.evidence import counts
from sos_sync.plan.model import Night, SchoolRecord, iso

JUDGEMENTS = ("Met", "Partly met", "Not yet met")
READY = ("yes", "y", "ready", "true")
REVIEW_STAGES = {"Draft application": "draft", "Final application and portfolio": "final"}


def common_context(night: Night, rec: SchoolRecord) -> dict[str, Any]:
    raw = night.config.raw
    return {
        "school": {"urn": rec.urn, "name": rec.name or rec.urn, "contact_name": rec.contact_name},
        "leads": list(raw.leads),
        "team": raw.team,
        "team_email": raw.team_email or None,
        "letterhead": {
            "address": raw.letterhead.address,
            "logo": str(night.config.path(raw.letterhead.logo)) if raw.letterhead.logo else "",
        },
        "generated_on": night.today.isoformat(),
    }


def criteria_context(night: Night) -> list[dict[str, Any]]:
    return [
        {
            "code": c.code,
            "group": c.group,
            "title": c.title,
            "actions": list(c.actions),
            "resources": [r.model_dump() for r in c.resources],
        }
        for c in night.config.criteria
    ]


def wanted_documents(
    night: Night, records: Mapping[str, SchoolRecord]
) -> tuple[list[WantedDocument], list[Problem]]:
    """Audit feedback per valid audit, award letters, then application feedback per ready review."""
    out: list[WantedDocument] = []
    criteria = criteria_context(night)  # once a night: every document shares it (read only)
    for urn in sorted(records):
        out.extend(_audit_feedback(night, records[urn], criteria))
        out.extend(_award_letter(night, records[urn]))
    reviews, problems = _ready_reviews(night, records, criteria)
    return out + reviews, problems


def _audit_feedback(
    night: Night, rec: SchoolRecord, criteria: list[dict[str, Any]]
) -> list[WantedDocument]:
    by_day: dict[dt.date, Response] = {}
    for r in rec.responses:
        if r.kind == "audit" and r.day and counts(r, night.config):
            by_day[r.day] = r  # the day's latest valid audit
    out = []
    for day, r in sorted(by_day.items()):
        key = f"{rec.urn}:audit_feedback:{day.isoformat()}"
        ctx = LazyContext(functools.partial(_audit_context, night, rec, criteria, day, r))
        out.append(WantedDocument(key, "audit_feedback", rec.urn, rec.name, ctx, dated=day))
    return out


def _audit_context(
    night: Night, rec: SchoolRecord, criteria: list[dict[str, Any]], day: dt.date, r: Response
) -> dict[str, Any]:
    ratings = [r.values.get(f"rating_{c.code}") for c in night.config.criteria]
    return {
        **common_context(night, rec),
        "completed_on": day.isoformat(),
        "criteria_version": night.config.criteria_version,
        "criteria": [{**c, "rating": rating} for c, rating in zip(criteria, ratings, strict=True)],
        "notes": {
            "learn": str(r.values.get("notes_learn", "")),
            "embed": str(r.values.get("notes_embed", "")),
            "share": str(r.values.get("notes_share", "")),
        },
    }


def _award_letter(night: Night, rec: SchoolRecord) -> list[WantedDocument]:
    schools = night.tab("Schools")
    awarded = schools.value("URN", rec.urn, "Awarded on") if schools else None
    day = parse_day(awarded) if awarded else None
    if day is None:
        return []
    renewal = add_years(day, night.config.rules.renewal_years)
    ctx = {
        **common_context(night, rec),
        "award": {"awarded_on": day.isoformat(), "renewal_due": renewal.isoformat()},
    }
    return [  # the letter, and the certificate beside it
        WantedDocument(f"{rec.urn}:{kind}:{day.isoformat()}", kind, rec.urn, rec.name, ctx, day)
        for kind in ("award_letter", "award_certificate")
    ]


def _ready_reviews(
    night: Night, records: Mapping[str, SchoolRecord], criteria_of_night: list[dict[str, Any]]
) -> tuple[list[WantedDocument], list[Problem]]:
    reviews = night.tab("Reviews")
    if reviews is None:
        return [], []
    ci = reviews.col_index()
    out: list[WantedDocument] = []
    problems: list[Problem] = []

    def cell(row: list[str], col: str) -> str:
        i = ci.get(col)
        return row[i].strip() if i is not None and i < len(row) else ""

    for row in reviews.rows:
        key, urn, stage = cell(row, "Review key"), cell(row, "URN"), cell(row, "Stage")
        rec = records.get(urn)
        if not key or cell(row, "Ready").lower() not in READY or rec is None:
            continue
        if stage not in REVIEW_STAGES:
            continue
        criteria, bad = [], []
        for c in criteria_of_night:
            typed = cell(row, f"{c['code']} judgement")
            judgement = match_choice(typed, JUDGEMENTS)
            if judgement is None:
                bad.append(f"{c['code']} judgement `{typed or '(empty)'}`")
                continue
            criteria.append(
                {**c, "judgement": judgement, "comment": cell(row, f"{c['code']} comment")}
            )
        if bad:
            problems.append(_incomplete(key, rec, bad))
            continue
        ctx = {
            **common_context(night, rec),
            "criteria_version": cell(row, "Criteria version") or night.config.criteria_version,
            "criteria": criteria,
            "review": {
                "stage": stage,
                "overall": cell(row, "Overall comments"),
                "next_steps": cell(row, "Next steps"),
                "panel_date": _lead_date(night, urn, "Panel date"),
                "visit_date": _lead_date(night, urn, "Visit date"),
            },
        }
        doc_key = f"{urn}:application_feedback:{REVIEW_STAGES[stage]}"
        out.append(WantedDocument(doc_key, "application_feedback", urn, rec.name, ctx))
    return out, problems


def _lead_date(night: Night, urn: str, col: str) -> str | None:
    schools = night.tab("Schools")
    raw = schools.value("URN", urn, col) if schools else None
    return iso(parse_day(raw)) if raw else None


def _incomplete(key: str, rec: SchoolRecord, bad: list[str]) -> Problem:
    return Problem(
        "review_incomplete",
        f"The review `{key}` is marked ready, but "
        + ", ".join(bad)
        + " is not one of Met / Partly met / Not yet met, so no feedback was "
        "generated. Complete the review.",
        value="; ".join(bad),
        school=rec.name,
        urn=rec.urn,
        source_key=key,
        form="Reviews",
    )
